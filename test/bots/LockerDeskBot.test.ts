/**
 * The bot's own promises, through the whole bot and the sandbox carrier over HTTP:
 * - proven facts are bound to the conversation and expire (PROOF_TTL_MINUTES): presenting the same
 *   channel user id in a new conversation proves nothing; user state holds no phone;
 * - the hand-off gets only the facts this conversation proved, while they are valid;
 * - a confirmation delivered twice on the same saved state makes one carrier change;
 * - the recognized intents reach the injected observer (metrics).
 */
import { MemoryStorage } from 'botbuilder';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import type { RecognizerResult } from '../../services/nlu/types';
import type { CustomerRef, EscalationRequest, HandoffGateway } from '../../dialogs/deps';
import { conversation, createWorld, hasMessage, type Reply, type World } from '../support/botHarness';
import { LINES } from '../dialogs/testData';

const L = LINES.lt;
const expectKey = (world: World, replies: Reply[], key: string) => {
  if (!hasMessage(world.messages, 'lt', replies, key)) throw new Error(`expected "${key}" among replies:\n${replies.map((r) => r.text).join('\n---\n')}`);
};

/** What the bot stored, parsed, by kind of key. */
function stored(memory: Record<string, string>) {
  const entries = Object.entries(memory).map(([key, value]) => ({ key, value, item: JSON.parse(value) }));
  return {
    users: entries.filter((e) => e.key.includes('/users/')),
    conversations: entries.filter((e) => e.key.includes('/conversations/')),
  };
}

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const escalations: { request: EscalationRequest; customer: CustomerRef }[] = [];
const gateway: HandoffGateway = {
  async escalate(request, customer) {
    escalations.push({ request, customer });
    return { kind: 'unavailable' };
  },
};

let world: World;
beforeAll(async () => {
  world = await createWorld({ handoff: gateway, now: clock });
}, 60000);
afterAll(async () => world.close());
beforeEach(() => {
  offsetMs = 0;
  escalations.splice(0);
});

describe('proven facts', () => {
  test('a proof stays in its conversation: the same customer in a new conversation proves again', async () => {
    const memory: Record<string, string> = {};
    const storage = new MemoryStorage(memory);
    const first = conversation(world, { storage, userId: 'dl_same-customer' });
    await first.say(L.readdress);
    await first.say(F.readdressableNow.trackingNumber);
    expectKey(world, await first.say(await world.lastCode(F.readdressableNow.senderPhone)), 'ask.newLocker');

    // Somebody presenting the same channel user id, in a conversation of their own.
    const second = conversation(world, { storage, userId: 'dl_same-customer' });
    await second.say(L.fixPhone);
    const asked = await second.say(F.readdressableNow.trackingNumber);
    expectKey(world, asked, 'proof.code.sent');
    expect(hasMessage(world.messages, 'lt', asked, 'fixPhone.whichNumber')).toBe(false);
  });

  test('user state holds no phone; the conversation holds the proof with its expiry', async () => {
    const memory: Record<string, string> = {};
    const c = conversation(world, { storage: new MemoryStorage(memory) });
    await c.say(L.readdress);
    await c.say(F.readdressable.trackingNumber);
    await c.say(await world.lastCode(F.readdressable.senderPhone));
    const { users, conversations } = stored(memory);
    expect(users).toHaveLength(1);
    expect(users[0].value).not.toContain(F.readdressable.senderPhone.slice(-7));
    expect(users[0].item.profile).toEqual({ lang: 'lt', langChosen: false });
    const proven = conversations[0].item.flags.proven;
    expect(proven).toHaveLength(1);
    expect(proven[0]).toMatchObject({ kind: 'phone', e164: F.readdressable.senderPhone, role: 'sender', trackingNumber: F.readdressable.trackingNumber });
    expect(world.proofTtlMinutes).toBe(15); // PROOF_TTL_MINUTES' default
    // It expires with the carrier's proof token, issued a moment before: at most PROOF_TTL_MINUTES after it was proven.
    const life = Date.parse(proven[0].expiresAt) - Date.parse(proven[0].provenAt);
    expect(life).toBeLessThanOrEqual(world.proofTtlMinutes * 60_000);
    expect(life).toBeGreaterThan(world.proofTtlMinutes * 60_000 - 10_000);
  });

  test('phones a profile held from before are dropped and prove nothing', async () => {
    const memory: Record<string, string> = {};
    const storage = new MemoryStorage(memory);
    const c = conversation(world, { storage, userId: 'legacy-customer' });
    memory['test/users/legacy-customer/'] = JSON.stringify({ profile: { lang: 'lt', verifiedPhones: [F.readdressable.senderPhone] }, eTag: '1' });
    await c.say(L.readdress);
    expectKey(world, await c.say(F.readdressable.trackingNumber), 'proof.code.sent');
    expect(memory['test/users/legacy-customer/']).not.toContain('verifiedPhones');
  });

  test('the hand-off gets the facts this conversation proved, only while they are valid', async () => {
    const c = conversation(world);
    await c.say(L.readdress);
    await c.say(F.readdressable.trackingNumber);
    await c.say(await world.lastCode(F.readdressable.senderPhone));
    expectKey(world, await c.say(L.agent), 'escalate.intro.agent_requested');
    await c.say(L.description);
    expect(escalations).toHaveLength(1);
    expect(escalations[0].customer.proven).toEqual([expect.objectContaining({ e164: F.readdressable.senderPhone, role: 'sender' })]);
    expect(escalations[0].customer.conversationId).toBe(c.conversationId);
    expect(escalations[0].request.fields).toMatchObject({ trackingNumber: F.readdressable.trackingNumber, senderPhone: F.readdressable.senderPhone });

    offsetMs = (world.proofTtlMinutes + 1) * 60_000;
    await c.say(L.agent);
    await c.say(L.skip);
    await c.say(L.description);
    await c.say(L.skip);
    expect(escalations).toHaveLength(2);
    expect(escalations[1].customer.proven).toEqual([]);
  });
});

describe('idempotency', () => {
  test('a confirmation delivered twice on the same saved state makes one carrier change', async () => {
    const memory: Record<string, string> = {};
    const c = conversation(world, { storage: new MemoryStorage(memory) });
    await c.say(L.fixPhone);
    await c.say(F.inLocker.trackingNumber);
    await c.say(await world.lastCode(F.inLocker.senderPhone));
    await c.say(L.recipientChoice);
    expectKey(world, await c.say('+37061239000'), 'fixPhone.confirm');
    const before = { ...memory };
    const first = await c.say(L.yes);
    expectKey(world, first, 'fixPhone.doneSmsResent');
    // The channel retries the same "yes" against the state saved before it (a lost write, two racing turns).
    for (const key of Object.keys(memory)) delete memory[key];
    Object.assign(memory, before);
    const again = await c.say(L.yes);
    expectKey(world, again, 'fixPhone.doneSmsResent');
    const reference = (replies: Reply[]) => /PH-\d{6}/.exec(replies.map((r) => r.text).join(' '))?.[0];
    expect(reference(first)).toBeDefined();
    expect(reference(again)).toBe(reference(first));

    // A new change (a new conversation, a new proof) is a new change for the carrier.
    const d = conversation(world);
    await d.say(L.fixPhone);
    await d.say(F.inLocker.trackingNumber);
    await d.say(await world.lastCode(F.inLocker.senderPhone));
    await d.say(L.recipientChoice);
    await d.say('+37061239000');
    const other = await d.say(L.yes);
    expect(reference(other)).toBeDefined();
    expect(reference(other)).not.toBe(reference(first));
  });
});

test('every recognized message reaches the observer once; other activities do not', async () => {
  const seen: RecognizerResult[] = [];
  const c = conversation(world, { onRecognized: (r) => seen.push(r) });
  await c.open('lt-LT');
  await c.say(L.track);
  await c.say('');
  await c.say(F.inLocker.trackingNumber);
  expect(seen.map((r) => r.text)).toEqual([L.track, F.inLocker.trackingNumber]);
  expect(seen[0].intent).toBe('track');
});
