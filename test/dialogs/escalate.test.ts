/**
 * What the escalation hands to the queue: the collected fields, the customer's words, and the
 * reason that sets the priority — a locker fault described after "I want a person" comes first.
 */
import type { EscalationRequest, HandoffGateway } from '../../dialogs/deps';
import { conversation, createWorld, hasMessage, type World } from '../support/botHarness';
import { LINES } from './testData';

let world: World;
const requests: EscalationRequest[] = [];
const recording: HandoffGateway = {
  async escalate(request) {
    requests.push(request);
    return { kind: 'queued', caseId: 'C-TEST-1', position: 1, joined: false, open: true, expectedResponse: new Date(), hubContext: { caseId: 'C-TEST-1' } };
  },
};

beforeAll(async () => {
  world = await createWorld({ handoff: recording });
}, 60000);
afterAll(async () => world.close());
beforeEach(() => void requests.splice(0));

test.each([
  ['lt', 'paštomato durelės neatsidaro, siunta liko viduje'],
  ['en', "the locker door won't open and my parcel is stuck inside"],
  ['ru', 'дверца постомата не открывается, посылка осталась внутри'],
] as const)('%s: "a person" + a locker-fault description is queued as a locker fault', async (lang, description) => {
  const c = conversation(world);
  await c.say(LINES[lang].agent);
  await c.say(LINES[lang].skip);
  await c.say(description);
  const done = await c.say(LINES[lang].skip);
  expect(hasMessage(world.messages, lang, done, 'escalate.queuedOpen')).toBe(true);
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ reason: 'locker_fault', lang, description });
});

test('a general question stays a general request', async () => {
  const c = conversation(world);
  await c.say(LINES.en.agent);
  await c.say(LINES.en.skip);
  await c.say('I have a question about an invoice from last month');
  await c.say(LINES.en.skip);
  expect(requests[0]?.reason).toBe('agent_requested');
});
