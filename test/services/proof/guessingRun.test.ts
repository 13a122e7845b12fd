/**
 * The attacker's guessing run: someone who knows a parcel number (not the sender's phone) tries to
 * get a sender proof by guessing codes, from many fresh conversations and client identities,
 * spread over two ProofService instances on one Redis, in concurrent waves, against the sandbox
 * carrier over real HTTP. It must never succeed and must end in a lock a supervisor sees.
 *
 * Prints the figure for the closing note (guesses checked, and per second, before the lock):
 *   npx jest test/services/proof/guessingRun
 */
import { randomInt } from 'crypto';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { createProofService } from '../../../services/proof/createProofService';
import type { ProofService, VerifyOutcome } from '../../../services/proof/ProofService';
import { useRedis } from '../../setup/redis';
import { DEFAULT_SETTINGS, captureLogger, carrierWorld, linesWithPhones } from './support';

const CONVERSATIONS = 200;
const WAVE = 20;

describe('guessing run across fresh conversations and two instances on one Redis', () => {
  const redis = useRedis('redis');

  test('never succeeds, ends in a lock, and the carrier checks at most 3 codes x 3 tries', async () => {
    const world = await carrierWorld(() => new Date());
    const logsA = captureLogger();
    const logsB = captureLogger();
    const clientB = await redis.connect();
    const checks: number[] = []; // when the carrier checked a guess
    const carrier = {
      requestParcelCode: world.carrier.requestParcelCode.bind(world.carrier),
      requestPhoneCode: world.carrier.requestPhoneCode.bind(world.carrier),
      verifyCode: (challengeId: string, code: string) => {
        checks.push(Date.now());
        return world.carrier.verifyCode(challengeId, code);
      },
    };
    const instances: ProofService[] = [
      createProofService({ carrier, settings: DEFAULT_SETTINGS, logger: logsA.logger, redis: redis.client, prefix: redis.prefix }),
      createProofService({ carrier, settings: DEFAULT_SETTINGS, logger: logsB.logger, redis: clientB, prefix: redis.prefix }),
    ];
    const victim = F.readdressable;
    const target = { kind: 'parcel' as const, trackingNumber: victim.trackingNumber, role: 'sender' as const };

    let attempts = 0; // start and verify calls
    let proven = 0;
    let firstLockAt: number | undefined;
    const started = Date.now();

    const attack = async (i: number): Promise<void> => {
      const proof = instances[i % 2];
      const conversationId = `attacker-${i}`;
      attempts += 1;
      const start = await proof.start({ conversationId, target, lang: 'lt', clientKey: `fresh-client-${i}` });
      if (start.outcome === 'locked') firstLockAt ??= Date.now();
      else expect(start.outcome).toBe('sent');
      for (let t = 0; t < 3; t++) {
        attempts += 1;
        const result: VerifyOutcome = await proof.verify({ conversationId, text: String(randomInt(0, 1_000_000)).padStart(6, '0') });
        if (result.outcome === 'proven') proven += 1;
        if (result.outcome !== 'wrong') break;
      }
    };

    for (let w = 0; w < CONVERSATIONS; w += WAVE) await Promise.all(Array.from({ length: WAVE }, (_, k) => attack(w + k)));
    const elapsedMs = Date.now() - started;

    try {
      expect(proven).toBe(0);
      expect(firstLockAt).toBeDefined();
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.length).toBeLessThanOrEqual(DEFAULT_SETTINGS.codesPerParcelPerDay * 3);
      expect(await world.sms(victim.senderPhone)).toHaveLength(DEFAULT_SETTINGS.codesPerParcelPerDay);
      expect((await world.carrier.getParcel(victim.trackingNumber)).destinationLockerId).toBe(victim.lockerId);
      const locks = await instances[0].listLocks();
      expect(locks).toEqual([expect.objectContaining({ scope: 'parcel', subject: victim.trackingNumber })]);
      expect(locks[0].refusals).toBeGreaterThanOrEqual(CONVERSATIONS - DEFAULT_SETTINGS.codesPerParcelPerDay - WAVE);
      // A latecomer on either instance is still refused.
      expect((await instances[1].start({ conversationId: 'late', target, lang: 'lt' })).outcome).toBe('locked');
      expect(linesWithPhones([...logsA.lines, ...logsB.lines, ...world.sandboxLogs.lines])).toEqual([]);

      const lockMs = (firstLockAt ?? started) - started;
      const guessMs = Math.max(checks[checks.length - 1] - started, 1);
      const perSecond = (n: number, ms: number) => ((n * 1000) / Math.max(ms, 1)).toFixed(0);
      const refused = attempts - checks.length - DEFAULT_SETTINGS.codesPerParcelPerDay;
      // The figure for the closing note.
      console.log(
        [
          `guessing run (${CONVERSATIONS} fresh conversations and client keys, 2 ProofService instances on one Redis, waves of ${WAVE}):`,
          `${checks.length} guesses reached the carrier, all in the first ${guessMs} ms (${perSecond(checks.length, guessMs)} guesses/s), 0 right;`,
          `first lock after ${lockMs} ms; then no guess got through: ${refused} of ${attempts} attempts refused before the carrier`,
          `(${perSecond(attempts, elapsedMs)} attempts/s over ${elapsedMs} ms); ${DEFAULT_SETTINGS.codesPerParcelPerDay} SMS sent; lock refusals counted: ${locks[0].refusals}.`,
        ].join(' '),
      );
    } finally {
      await world.close();
    }
  });
});
