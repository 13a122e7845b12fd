/**
 * ProofService against the sandbox carrier over real HTTP, with its limits and state in memory and
 * on a real Redis: every flow with a code (happy path, wrong, expired, too many tries, too many
 * codes per parcel / phone / conversation / client, a code typed in another conversation), the
 * locks supervisors see, failures that fail closed, and no raw phone number in any log line.
 */
import { liveFacts } from '../../../services/proof/types';
import { createProofService } from '../../../services/proof/createProofService';
import { ProofService, type ProofSettings, type StartOutcome, type VerifyOutcome } from '../../../services/proof/ProofService';
import { MemoryProofStore } from '../../../services/proof/MemoryProofStore';
import { createLimiterFactory } from '../../../services/limits/limiter';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { connectRedis } from '../../../services/state/redisClient';
import { useRedis } from '../../setup/redis';
import { DEFAULT_SETTINGS, MINUTE, NOW, captureLogger, carrierWorld, linesWithPhones, otherThan, type Captured, type CarrierWorld } from './support';

type Backend = 'memory' | 'redis';

describe.each<Backend>(['memory', 'redis'])('ProofService (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedis('redis') : undefined;
  let clock: Date;
  let sandboxClock: Date | undefined;
  let world: CarrierWorld;
  let logs: Captured;
  const allLines: string[] = [];

  const make = (settings: Partial<ProofSettings> = {}, logger = logs.logger): ProofService =>
    createProofService({
      carrier: world.carrier,
      settings: { ...DEFAULT_SETTINGS, ...settings },
      logger,
      redis: redis?.client,
      prefix: redis?.prefix,
      now: () => clock,
    });

  beforeEach(async () => {
    clock = NOW;
    sandboxClock = undefined;
    logs = captureLogger();
    world = await carrierWorld(() => sandboxClock ?? clock);
  });
  afterEach(async () => {
    allLines.push(...logs.lines, ...world.sandboxLogs.lines);
    await world.close();
  });
  afterAll(() => {
    expect(allLines.length).toBeGreaterThan(50);
    expect(linesWithPhones(allLines, ['+37069876543'])).toEqual([]);
  });

  const parcel = (f: { trackingNumber: string }, role: 'sender' | 'recipient' = 'sender') => ({ kind: 'parcel' as const, trackingNumber: f.trackingNumber, role });
  const expectLocked = (o: StartOutcome | VerifyOutcome): string => {
    expect(o).toEqual({ outcome: 'locked', lockId: expect.stringMatching(/^lk_/), until: expect.any(String) });
    return o.outcome === 'locked' ? o.lockId : '';
  };

  test('happy path: a code to the sender phone on the parcel, typed back loosely, proves it; the token moves the parcel', async () => {
    const proof = make();
    const f = F.readdressable;
    const started = await proof.start({ conversationId: 'conv-1', target: parcel(f), lang: 'lt' });
    expect(started).toEqual({ outcome: 'sent', phoneMasked: '+370 6** **567', expiresAt: new Date(NOW.getTime() + 5 * MINUTE).toISOString() });
    expect(await proof.pending('conv-1')).toEqual({ phoneMasked: '+370 6** **567', expiresAt: expect.any(String) });
    const code = await world.lastCode(f.senderPhone);
    clock = new Date(NOW.getTime() + MINUTE);
    const result = await proof.verify({ conversationId: 'conv-1', text: `kodas ${code.slice(0, 3)} ${code.slice(3)}` });
    if (result.outcome !== 'proven') throw new Error(`expected proven, got ${result.outcome}`);
    expect(result.fact).toEqual({
      kind: 'phone',
      e164: f.senderPhone,
      role: 'sender',
      trackingNumber: f.trackingNumber,
      provenAt: clock.toISOString(),
      expiresAt: new Date(clock.getTime() + 15 * MINUTE).toISOString(),
    });
    expect(await world.carrier.readdressWithProof(f.trackingNumber, result.proofToken, F.lockers.ozas)).toMatchObject({ outcome: 'scheduled' });
    expect(await proof.verify({ conversationId: 'conv-1', text: code })).toEqual({ outcome: 'expired' });
    expect(liveFacts([result.fact], new Date(clock.getTime() + 16 * MINUTE))).toEqual([]);
    expect(logs.lines.join('\n')).not.toContain(code);
    expect(logs.lines.join('\n')).not.toContain(result.proofToken);
  });

  test('happy path of the lost tracking number: a code to the typed sender phone, then the lookup by proof', async () => {
    const proof = make();
    const { senderPhone, recipientPhone, lockerId, trackingNumbers } = F.sharedLookup;
    expect(await proof.start({ conversationId: 'conv-1', target: { kind: 'phone', phoneE164: senderPhone }, lang: 'en' })).toMatchObject({
      outcome: 'sent',
      phoneMasked: '+370 6** **101',
    });
    const result = await proof.verify({ conversationId: 'conv-1', text: await world.lastCode(senderPhone) });
    if (result.outcome !== 'proven') throw new Error(`expected proven, got ${result.outcome}`);
    expect(result.fact).toMatchObject({ kind: 'phone', e164: senderPhone, role: 'sender' });
    expect(result.fact.trackingNumber).toBeUndefined();
    expect(await world.carrier.findParcelsWithProof(result.proofToken, recipientPhone, lockerId)).toEqual([...trackingNumbers].sort());
  });

  test('wrong code: tries left are told, the right code still works; text that is no code spends no try', async () => {
    const proof = make();
    const f = F.inLocker;
    await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
    const code = await world.lastCode(f.senderPhone);
    expect(await proof.verify({ conversationId: 'c', text: 'what code?' })).toEqual({ outcome: 'not_a_code' });
    expect(await proof.verify({ conversationId: 'c', text: '12345' })).toEqual({ outcome: 'not_a_code' });
    expect(await proof.verify({ conversationId: 'c', text: otherThan(code) })).toEqual({ outcome: 'wrong', attemptsLeft: 2 });
    expect(await proof.verify({ conversationId: 'c', text: otherThan(code) })).toEqual({ outcome: 'wrong', attemptsLeft: 1 });
    expect((await proof.verify({ conversationId: 'c', text: code })).outcome).toBe('proven');
  });

  test('expired code: refused without asking the carrier; a code the carrier expired first is expired too', async () => {
    const proof = make();
    const f = F.readdressable;
    await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
    const code = await world.lastCode(f.senderPhone);
    clock = new Date(NOW.getTime() + 5 * MINUTE);
    const before = world.sandbox.requestCount;
    expect(await proof.verify({ conversationId: 'c', text: code })).toEqual({ outcome: 'expired' });
    expect(world.sandbox.requestCount).toBe(before);

    clock = new Date(NOW.getTime() + 10 * MINUTE);
    await proof.start({ conversationId: 'd', target: parcel(f), lang: 'lt' });
    const code2 = await world.lastCode(f.senderPhone);
    sandboxClock = new Date(clock.getTime() + 6 * MINUTE);
    expect(await proof.verify({ conversationId: 'd', text: code2 })).toEqual({ outcome: 'expired' });
    expect(await proof.verify({ conversationId: 'd', text: code2 })).toEqual({ outcome: 'expired' });
  });

  test('too many tries: the third wrong code kills it; a new code may be asked for and works', async () => {
    const proof = make();
    const f = F.inLocker;
    await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
    const code = await world.lastCode(f.senderPhone);
    const wrong = otherThan(code);
    expect((await proof.verify({ conversationId: 'c', text: wrong })).outcome).toBe('wrong');
    expect((await proof.verify({ conversationId: 'c', text: wrong })).outcome).toBe('wrong');
    expect(await proof.verify({ conversationId: 'c', text: wrong })).toEqual({ outcome: 'exhausted' });
    expect(await proof.verify({ conversationId: 'c', text: code })).toEqual({ outcome: 'expired' });
    await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
    expect((await proof.verify({ conversationId: 'c', text: await world.lastCode(f.senderPhone) })).outcome).toBe('proven');
  });

  test('tries are counted atomically (across instances on Redis): parallel guesses on one code reach the carrier at most 3 times', async () => {
    const one = make();
    const two = backend === 'redis' ? make({}, captureLogger().logger) : one;
    const f = F.readdressable;
    await one.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
    const code = await world.lastCode(f.senderPhone);
    const before = world.sandbox.requestCount;
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).verify({ conversationId: 'c', text: otherThan(code) })));
    expect(world.sandbox.requestCount - before).toBe(3);
    expect(outcomes.filter((o) => o.outcome === 'wrong')).toHaveLength(2);
    expect(outcomes.some((o) => o.outcome === 'proven')).toBe(false);
  });

  test('too many codes per parcel: the 4th is locked (no SMS), whatever the conversation; a supervisor lists and clears it', async () => {
    const proof = make();
    const f = F.readdressableNow;
    for (let i = 0; i < 3; i++) expect((await proof.start({ conversationId: `c${i}`, target: parcel(f, i === 2 ? 'recipient' : 'sender'), lang: 'lt' })).outcome).toBe('sent');
    const lockId = expectLocked(await proof.start({ conversationId: 'c3', target: parcel(f), lang: 'lt' }));
    expect(expectLocked(await proof.start({ conversationId: 'c4', target: { ...parcel(f), trackingNumber: 'ce 517 302 644 lt' }, lang: 'lt' }))).toBe(lockId);
    expect((await world.sms(f.senderPhone)).length + (await world.sms(f.recipientPhone)).length).toBe(3);
    expect(await proof.listLocks()).toEqual([
      { id: lockId, scope: 'parcel', subject: f.trackingNumber, since: NOW.toISOString(), until: expect.any(String), refusals: 2, lastConversationId: 'c4' },
    ]);
    expect(await proof.clearLock(lockId, 'supervisor-1')).toBe(true);
    expect(await proof.clearLock(lockId, 'supervisor-1')).toBe(false);
    expect(await proof.listLocks()).toEqual([]);
    expect((await proof.start({ conversationId: 'c5', target: parcel(f), lang: 'lt' })).outcome).toBe('sent');
    expect(logs.lines.some((l) => l.includes('lock cleared') && l.includes('supervisor-1'))).toBe(true);
  });

  test('too many codes per phone: one sender phone across two parcels and the typed-phone flow gets at most 3', async () => {
    const proof = make();
    const { senderPhone, trackingNumbers } = F.sharedLookup;
    const [a, b] = trackingNumbers;
    expect((await proof.start({ conversationId: 'c1', target: parcel({ trackingNumber: a }), lang: 'lt' })).outcome).toBe('sent');
    expect((await proof.start({ conversationId: 'c2', target: parcel({ trackingNumber: b }), lang: 'lt' })).outcome).toBe('sent');
    expect((await proof.start({ conversationId: 'c3', target: { kind: 'phone', phoneE164: senderPhone }, lang: 'lt' })).outcome).toBe('sent');
    const lockId = expectLocked(await proof.start({ conversationId: 'c4', target: parcel({ trackingNumber: a }), lang: 'lt' }));
    expect(expectLocked(await proof.start({ conversationId: 'c5', target: parcel({ trackingNumber: b }), lang: 'lt' }))).toBe(lockId);
    expectLocked(await proof.start({ conversationId: 'c6', target: { kind: 'phone', phoneE164: senderPhone }, lang: 'lt' }));
    expect(await world.sms(senderPhone)).toHaveLength(3);
    const locks = await proof.listLocks();
    expect(locks.map((l) => l.scope)).toEqual(['phone']);
    expect(locks[0].subject).toBe('+370 6** **101');
  });

  test('a typed phone that sends no parcels is limited too (no SMS goes out, the limit still holds)', async () => {
    const proof = make();
    const phoneE164 = '+37069876543';
    for (let i = 0; i < 3; i++) expect((await proof.start({ conversationId: `c${i}`, target: { kind: 'phone', phoneE164 }, lang: 'lt' })).outcome).toBe('sent');
    expectLocked(await proof.start({ conversationId: 'c9', target: { kind: 'phone', phoneE164 }, lang: 'lt' }));
    expect(await world.sms(phoneE164)).toEqual([]);
    expect((await proof.listLocks())[0]).toMatchObject({ scope: 'phone', subject: '+370 6** **543' });
  });

  test('a code from another conversation fails; the owner can still use it', async () => {
    const proof = make();
    const f = F.readdressable;
    await proof.start({ conversationId: 'victim', target: parcel(f), lang: 'lt' });
    const code = await world.lastCode(f.senderPhone);
    expect(await proof.verify({ conversationId: 'attacker', text: code })).toEqual({ outcome: 'expired' });
    await proof.start({ conversationId: 'attacker', target: parcel(f), lang: 'lt' });
    const attackerCode = await world.lastCode(f.senderPhone);
    if (attackerCode !== code) expect(await proof.verify({ conversationId: 'attacker', text: code })).toEqual({ outcome: 'wrong', attemptsLeft: 2 });
    expect((await proof.verify({ conversationId: 'victim', text: code })).outcome).toBe('proven');
  });

  test('a cap per conversation: the 4th code in one conversation is locked, even for other parcels', async () => {
    const proof = make();
    const targets = [F.readdressable, F.readdressableNow, F.inLocker, F.accepted];
    const outcomes = [];
    for (const f of targets) outcomes.push(await proof.start({ conversationId: 'greedy', target: parcel(f), lang: 'lt' }));
    expect(outcomes.slice(0, 3).map((o) => o.outcome)).toEqual(['sent', 'sent', 'sent']);
    expectLocked(outcomes[3]);
    expect(await world.sms(F.accepted.senderPhone)).toEqual([]);
    expect((await proof.listLocks())[0]).toMatchObject({ scope: 'conversation', subject: 'greedy' });
    expect((await proof.start({ conversationId: 'other', target: parcel(F.accepted), lang: 'lt' })).outcome).toBe('sent');
  });

  test('a cap per client key across conversations', async () => {
    const proof = make({ codesPerClientPerDay: 2 });
    const targets = [F.readdressable, F.readdressableNow, F.inLocker];
    const outcomes = [];
    for (const [i, f] of targets.entries()) outcomes.push(await proof.start({ conversationId: `c${i}`, target: parcel(f), lang: 'lt', clientKey: 'webchat:dl_visitor' }));
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'sent', 'locked']);
    expect((await proof.listLocks())[0]).toMatchObject({ scope: 'client', subject: 'webchat:dl_visitor' });
  });

  test("a refused request spends nothing at the other limits: a client over its cap uses up none of the parcel's codes", async () => {
    const proof = make({ codesPerClientPerDay: 1 });
    expect((await proof.start({ conversationId: 'k0', target: parcel(F.readdressable), lang: 'lt', clientKey: 'webchat:dl_greedy' })).outcome).toBe('sent');
    // Refused at the client limit, a burst at once from many conversations (the parcel allows 3 codes a day).
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => proof.start({ conversationId: `k${i + 1}`, target: parcel(F.readdressable), lang: 'lt', clientKey: 'webchat:dl_greedy' })));
    expect(burst.map((o) => o.outcome)).toEqual(Array(8).fill('locked'));
    // The parcel's own count is still 1 of 3: its owner, from another client, gets a code.
    expect((await proof.start({ conversationId: 'owner', target: parcel(F.readdressable), lang: 'lt', clientKey: 'webchat:dl_owner' })).outcome).toBe('sent');
    expect((await proof.start({ conversationId: 'owner2', target: parcel(F.readdressable), lang: 'lt', clientKey: 'webchat:dl_owner2' })).outcome).toBe('sent');
  });

  test('a store failure after the code went out keeps it counted: the next code is not free', async () => {
    const store = new MemoryProofStore();
    let failPending = true;
    const failing = Object.assign(Object.create(store) as MemoryProofStore, {
      putPending: (...args: Parameters<MemoryProofStore['putPending']>) => (failPending ? Promise.reject(new Error('store write failed')) : store.putPending(...args)),
    });
    const proof = new ProofService({ carrier: world.carrier, settings: { ...DEFAULT_SETTINGS, codesPerParcelPerDay: 2 }, logger: logs.logger, now: () => clock, limits: createLimiterFactory(), store: failing });
    const f = F.readdressable;
    expect(await proof.start({ conversationId: 'x1', target: parcel(f), lang: 'lt' })).toEqual({ outcome: 'unavailable' });
    expect(await world.sms(f.senderPhone)).toHaveLength(1);
    failPending = false;
    expect((await proof.start({ conversationId: 'x2', target: parcel(f), lang: 'lt' })).outcome).toBe('sent');
    // Two codes went out: the parcel's limit of 2 is reached.
    expectLocked(await proof.start({ conversationId: 'x3', target: parcel(f), lang: 'lt' }));
    expect(await world.sms(f.senderPhone)).toHaveLength(2);
  });

  test('when the code dies and no new one may be sent, verify says locked (a person can help)', async () => {
    const proof = make({ codesPerParcelPerDay: 1 });
    const f = F.inLocker;
    await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
    const wrong = otherThan(await world.lastCode(f.senderPhone));
    await proof.verify({ conversationId: 'c', text: wrong });
    await proof.verify({ conversationId: 'c', text: wrong });
    const lockId = expectLocked(await proof.verify({ conversationId: 'c', text: wrong }));
    expect((await proof.listLocks()).map((l) => [l.id, l.scope])).toEqual([[lockId, 'parcel']]);
  });

  test('unknown parcel: not_found and no parcel count spent; the carrier down: unavailable and nothing counted', async () => {
    const proof = make({ codesPerConversation: 50 });
    expect(await proof.start({ conversationId: 'c', target: parcel({ trackingNumber: 'CE000000005LT' }), lang: 'lt' })).toEqual({ outcome: 'not_found' });
    world.sandbox.injectFault('503', 3);
    for (let i = 0; i < 3; i++) expect(await proof.start({ conversationId: `u${i}`, target: parcel(F.readdressable), lang: 'lt' })).toEqual({ outcome: 'unavailable' });
    for (let i = 0; i < 3; i++) expect((await proof.start({ conversationId: `u${i}`, target: parcel(F.readdressable), lang: 'lt' })).outcome).toBe('sent');
    await proof.start({ conversationId: 'v', target: parcel(F.readdressable), lang: 'lt' }).then(expectLocked);
  });

  test('the carrier refusing (its own limit) is a lock too', async () => {
    const proof = make({ codesPerParcelPerDay: 50, codesPerPhonePerDay: 50, codesPerConversation: 50 });
    const f = F.atTerminal;
    for (let i = 0; i < 10; i++) expect((await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' })).outcome).toBe('sent');
    expectLocked(await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' }));
    expect((await proof.listLocks())[0]).toMatchObject({ scope: 'carrier', subject: f.trackingNumber });
  });

  if (backend === 'redis') {
    test('two instances on one Redis: a code sent by one is verified by the other; limits are shared', async () => {
      const one = make({ codesPerPhonePerDay: 10 });
      const two = make({ codesPerPhonePerDay: 10 }, captureLogger().logger);
      const f = F.readdressable;
      await one.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
      expect((await two.verify({ conversationId: 'c', text: await world.lastCode(f.senderPhone) })).outcome).toBe('proven');
      await two.start({ conversationId: 'd', target: parcel(f), lang: 'lt' });
      await one.start({ conversationId: 'e', target: parcel(f), lang: 'lt' });
      const lockId = expectLocked(await two.start({ conversationId: 'f', target: parcel(f), lang: 'lt' }));
      expect((await one.listLocks()).map((l) => l.id)).toEqual([lockId]);
      expect(await one.clearLock(lockId, 'sv')).toBe(true);
      expect((await two.start({ conversationId: 'g', target: parcel(f), lang: 'lt' })).outcome).toBe('sent');
    });

    test('Redis down: unavailable, fail closed (no SMS sent, nothing verified)', async () => {
      if (!redis) throw new Error('redis expected');
      const client = await connectRedis(redis.url);
      const proof = createProofService({ carrier: world.carrier, settings: DEFAULT_SETTINGS, logger: logs.logger, redis: client, prefix: redis.prefix, now: () => clock });
      const f = F.readdressable;
      await proof.start({ conversationId: 'c', target: parcel(f), lang: 'lt' });
      const code = await world.lastCode(f.senderPhone);
      client.disconnect();
      expect(await proof.start({ conversationId: 'd', target: parcel(f), lang: 'lt' })).toEqual({ outcome: 'unavailable' });
      expect(await proof.verify({ conversationId: 'c', text: code })).toEqual({ outcome: 'unavailable' });
      expect(await world.sms(f.senderPhone)).toHaveLength(1);
    });
  }
});
