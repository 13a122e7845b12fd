/**
 * The bot's side of the pickup SMS re-send, against the sandbox over HTTP, with its limits in
 * memory and on Redis: our limit before the carrier's, idempotent repeats, not-in-locker answers.
 */
import { changeIdempotencyKey } from '../../../services/carrier/idempotencyKey';
import { PickupSmsResender } from '../../../services/carrier/PickupSmsResender';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { createLimiterFactory } from '../../../services/limits/limiter';
import { useRedis } from '../../setup/redis';
import { captureLogger, carrierWorld, linesWithPhones, type CarrierWorld } from '../proof/support';

describe.each(['memory', 'redis'] as const)('PickupSmsResender (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedis('redis') : undefined;
  let world: CarrierWorld;
  const logs = captureLogger();
  beforeEach(async () => {
    world = await carrierWorld(() => new Date());
  });
  afterEach(() => world.close());
  afterAll(() => expect(linesWithPhones(logs.lines)).toEqual([]));

  const make = (resendsPerDay = 2) =>
    new PickupSmsResender({ carrier: world.carrier, limits: createLimiterFactory({ redis: redis?.client, prefix: redis?.prefix }), resendsPerDay, logger: logs.logger });

  test('re-sends to the phone on file, at most N per parcel whatever the conversation; nothing reaches the carrier after that', async () => {
    const resender = make();
    const f = F.inLocker;
    expect(await resender.resend({ conversationId: 'a', trackingNumber: f.trackingNumber })).toEqual({ outcome: 'sent', phoneMasked: '+370 6** **344' });
    expect(await resender.resend({ conversationId: 'b', trackingNumber: 'ce 845 613 209 lt' })).toEqual({ outcome: 'sent', phoneMasked: '+370 6** **344' });
    const before = world.sandbox.requestCount;
    expect(await resender.resend({ conversationId: 'c', trackingNumber: f.trackingNumber })).toEqual({ outcome: 'limited' });
    expect(world.sandbox.requestCount).toBe(before);
    expect(await world.sms(f.recipientPhone)).toHaveLength(2);
  });

  test('at most N per conversation, whatever the parcel', async () => {
    const resender = make(2);
    const inLocker = [...world.sandbox.carrier.parcels.values()].filter((p) => p.status === 'in_locker').map((p) => p.trackingNumber);
    expect(inLocker.length).toBeGreaterThanOrEqual(3);
    const outcomes = [];
    for (const trackingNumber of inLocker.slice(0, 3)) outcomes.push((await resender.resend({ conversationId: 'x', trackingNumber })).outcome);
    expect(outcomes).toEqual(['sent', 'sent', 'limited']);
  });

  test("the carrier's own limit (3 a day in the sandbox) is `limited` too", async () => {
    const resender = make(10);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await resender.resend({ conversationId: `c${i}`, trackingNumber: F.inLocker.trackingNumber })).outcome);
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'limited']);
    expect(await world.sms(F.inLocker.recipientPhone)).toHaveLength(3);
  });

  test('the same request delivered twice sends one SMS (derived idempotency key)', async () => {
    const resender = make(5);
    const key = changeIdempotencyKey('conv-1', ['pickup-sms', F.inLocker.trackingNumber]);
    await resender.resend({ conversationId: 'conv-1', trackingNumber: F.inLocker.trackingNumber, idempotencyKey: key });
    await resender.resend({ conversationId: 'conv-1', trackingNumber: F.inLocker.trackingNumber, idempotencyKey: key });
    expect(await world.sms(F.inLocker.recipientPhone)).toHaveLength(1);
  });

  test('not in the locker -> not_in_locker with the status, and no count spent; unknown -> not_found', async () => {
    const resender = make(1);
    expect(await resender.resend({ conversationId: 'c', trackingNumber: F.readdressable.trackingNumber })).toEqual({ outcome: 'not_in_locker', status: 'in_transit' });
    expect(await resender.resend({ conversationId: 'c', trackingNumber: 'CE000000005LT' })).toEqual({ outcome: 'not_found' });
    expect((await resender.resend({ conversationId: 'c', trackingNumber: F.inLocker.trackingNumber })).outcome).toBe('sent');
  });
});

describe('changeIdempotencyKey', () => {
  test('same conversation and change -> same key; anything else -> another; no personal data in clear', () => {
    const k = changeIdempotencyKey('conv-1', ['phone', 'CE482139075LT', 'recipient', '+37069999999']);
    expect(k).toMatch(/^ld-[A-Za-z0-9_-]{40}$/);
    expect(changeIdempotencyKey('conv-1', ['phone', 'CE482139075LT', 'recipient', '+37069999999'])).toBe(k);
    expect(changeIdempotencyKey('conv-2', ['phone', 'CE482139075LT', 'recipient', '+37069999999'])).not.toBe(k);
    expect(changeIdempotencyKey('conv-1', ['phone', 'CE482139075LT', 'recipient', '+37069999998'])).not.toBe(k);
    expect(changeIdempotencyKey('conv-1', ['phone', 'CE482139075LT', 'recipient', '+37069999999'], 1)).not.toBe(k);
    expect(k).not.toMatch(/3706|CE48|conv/);
    expect(() => changeIdempotencyKey('', ['x'])).toThrow();
  });
});
