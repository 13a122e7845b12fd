/**
 * EscalateDialog on its own, in lt/en/ru: what it hands to the queue (the collected fields, the
 * customer's words, photos, the reason that sets the priority), what the customer is told, and the
 * summary when no queue is configured or the queue is down.
 */
import type { CustomerRef, EscalationRequest, HandoffGateway } from '../../dialogs/deps';
import { EscalateDialog, type EscalateOptions } from '../../dialogs/EscalateDialog';
import { hasMessage, texts } from '../support/messages';
import { dialogTable, type DialogCase } from './dialogCases';

const requests: { request: EscalationRequest; customer: CustomerRef }[] = [];
beforeEach(() => void requests.splice(0));

/** Queues every case, except when the description says the queue is down. */
const queue = (): HandoffGateway => ({
  async escalate(request, customer) {
    if (request.description === 'QUEUE DOWN') throw new Error('test: queue unavailable');
    requests.push({ request, customer });
    return { kind: 'queued', caseId: 'C-240115-0001', position: 2, joined: false, open: true, expectedResponse: new Date(), hubContext: { caseId: 'C-240115-0001' } };
  },
});

const LOCKER_FAULT_WORDS: Record<string, string> = {
  lt: 'paštomato durelės neatsidaro, siunta liko viduje',
  en: "the locker door won't open and my parcel is stuck inside",
  ru: 'дверца постомата не открывается, посылка осталась внутри',
};

dialogTable<EscalateOptions>(
  'EscalateDialog',
  (deps) => new EscalateDialog(deps),
  (L, lang): DialogCase<EscalateOptions>[] => [
    {
      name: 'a locker fault: parcel number skipped, the fault described, a phone → queued with all of it',
      options: { reason: 'locker_fault', fields: {} },
      steps: [
        [L.lockerFault, ['escalate.intro.locker_fault', 'escalate.askTracking']],
        [L.skip, ['escalate.askFault']],
        [L.description, ['escalate.askPhone']],
        ['861234567', ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => {
        expect(requests).toHaveLength(1);
        expect(requests[0].request).toMatchObject({ reason: 'locker_fault', lang, description: L.description, fields: { recipientPhone: '+37061234567' } });
      },
    },
    {
      name: '"a person" + a locker-fault description is queued as a locker fault (priority 1)',
      options: { reason: 'agent_requested', fields: {} },
      script: [[LOCKER_FAULT_WORDS[lang], ['locker_fault', 0.93]]],
      steps: [
        [L.agent, ['escalate.intro.agent_requested', 'escalate.askTracking']],
        [L.skip, ['escalate.askDescription']],
        [LOCKER_FAULT_WORDS[lang], ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => expect(requests[0].request).toMatchObject({ reason: 'locker_fault', lang, description: LOCKER_FAULT_WORDS[lang] }),
    },
    {
      name: 'a general question stays a general request',
      options: { reason: 'agent_requested', fields: {} },
      steps: [
        [L.agent, ['escalate.askTracking']],
        [L.skip, ['escalate.askDescription']],
        ['I have a question about an invoice from last month', ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => expect(requests[0].request.reason).toBe('agent_requested'),
    },
    {
      name: 'what the case already knows is not asked again; the description of the first message is kept',
      options: { reason: 'agent_requested', fields: { trackingNumber: 'CE482139075LT', senderPhone: '+37061234567' }, description: 'my parcel is stuck' },
      steps: [[L.agent, ['escalate.intro.agent_requested', 'escalate.queuedOpen']]],
      result: { status: 'handed_off' },
      check: ({ world, replies }) => {
        for (const key of ['escalate.askTracking', 'escalate.askDescription', 'escalate.askPhone']) expect(hasMessage(world.messages, lang, replies[0], key)).toBe(false);
        expect(requests[0].request).toMatchObject({ description: 'my parcel is stuck', fields: { trackingNumber: 'CE482139075LT' } });
      },
    },
    {
      name: '"I want a person" at its phone question hands off at once with what it has (a description is taken as written)',
      options: { reason: 'too_many_attempts', fields: { trackingNumber: 'CE482139075LT' } },
      script: [[L.agent, ['agent', 0.95]]],
      steps: [
        [L.agent, ['escalate.intro.too_many_attempts', 'escalate.askDescription']],
        [L.agent, ['escalate.askPhone']],
        [L.agent, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => {
        expect(requests).toHaveLength(1);
        expect(requests[0].request).toMatchObject({ reason: 'too_many_attempts', description: L.agent, fields: { trackingNumber: 'CE482139075LT' } });
        expect(requests[0].request.fields.recipientPhone).toBeUndefined();
      },
    },
    {
      name: 'a photo without text counts as the description and goes with the case',
      options: { reason: 'locker_fault', fields: { trackingNumber: 'CE482139075LT' } },
      steps: [[L.lockerFault, ['escalate.askFault']]],
      result: 'waiting',
      check: async ({ client, world }) => {
        const replies = await client.send('', { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://cdn.example/locker.jpg', name: 'locker.jpg' }] });
        expect(hasMessage(world.messages, lang, replies, 'escalate.askPhone')).toBe(true);
        await client.send(L.skip);
        expect(requests[0].request.attachments).toEqual([{ url: 'https://cdn.example/locker.jpg', contentType: 'image/jpeg', name: 'locker.jpg' }]);
      },
    },
    {
      name: 'the queue down: the customer gets a summary instead, phones masked',
      options: { reason: 'agent_requested', fields: { trackingNumber: 'CE482139075LT' } },
      steps: [
        [L.agent, ['escalate.askDescription']],
        ['QUEUE DOWN', ['escalate.askPhone']],
        ['861234567', ['escalate.noHandoff']],
      ],
      result: { status: 'done' },
      check: ({ replies }) => {
        expect(texts(replies[2])).toContain('CE482139075LT');
        expect(texts(replies[2])).not.toContain('61234567');
      },
    },
  ],
  { handoff: queue },
);

describe('EscalateDialog without a hand-off queue', () => {
  dialogTable<EscalateOptions>(
    'summary only',
    (deps) => new EscalateDialog(deps),
    (L): DialogCase<EscalateOptions>[] => [
      {
        name: 'the customer gets a summary of what an agent would need',
        options: { reason: 'locker_fault', fields: {} },
        steps: [
          [L.lockerFault, ['escalate.askTracking']],
          [L.skip, ['escalate.askFault']],
          [L.description, ['escalate.askPhone']],
          ['861234567', ['escalate.noHandoff']],
        ],
        result: { status: 'done' },
        check: ({ replies }) => {
          expect(texts(replies[3])).toContain(L.description);
          expect(texts(replies[3])).not.toContain('861234567');
        },
      },
    ],
  );
});
