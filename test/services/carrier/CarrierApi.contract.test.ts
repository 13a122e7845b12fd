/**
 * The CarrierApi behaviour, run against every implementation: the in-memory sandbox carrier, and
 * CarrierClient talking real HTTP on loopback to the sandbox server (whose SMS outbox is then read
 * over HTTP too, as a tester would).
 */
import { CarrierClient } from '../../../services/carrier/CarrierClient';
import { CarrierError, type CarrierApi, type CarrierErrorCode, type ParcelStatus } from '../../../services/carrier/types';
import { InMemoryCarrier } from '../../../services/carrier/sandbox/InMemoryCarrier';
import { createSandboxServer } from '../../../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import type { SandboxSms } from '../../../services/carrier/sandbox/smsOutbox';

const NOW = new Date('2025-03-12T10:00:00Z');
/** The sandbox clock; tests move it forward to expire codes and proofs. */
let clock = NOW;
const now = () => clock;
const MINUTE = 60_000;

interface Subject {
  api: CarrierApi;
  inactiveLockerId: string;
  /** The sandbox SMS outbox for `to`, newest first. */
  sms(to: string): Promise<SandboxSms[]>;
  close(): Promise<void>;
}

const implementations: Array<[string, () => Promise<Subject>]> = [
  [
    'InMemoryCarrier',
    async () => {
      const carrier = new InMemoryCarrier({ now });
      const inactive = [...carrier.lockers.values()].find((l) => !l.active);
      return { api: carrier, inactiveLockerId: inactive?.id ?? '', sms: async (to) => carrier.outbox.list(to), close: async () => undefined };
    },
  ],
  [
    'CarrierClient over HTTP',
    async () => {
      const sandbox = createSandboxServer({ now });
      const { url } = await sandbox.listen(0, '127.0.0.1');
      const inactive = [...sandbox.carrier.lockers.values()].find((l) => !l.active);
      return {
        api: new CarrierClient({ baseUrl: url, timeoutMs: 2000, retries: 0 }),
        inactiveLockerId: inactive?.id ?? '',
        sms: async (to) => {
          const res = await fetch(`${url}/sandbox/sms?to=${encodeURIComponent(to)}`);
          expect(res.status).toBe(200);
          return (await res.json()) as SandboxSms[];
        },
        close: () => sandbox.close(),
      };
    },
  ],
];

async function failure(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CarrierError) return err;
    throw err;
  }
  throw new Error('expected a CarrierError, the call succeeded');
}

async function expectCode(promise: Promise<unknown>, code: CarrierErrorCode, status?: ParcelStatus): Promise<void> {
  const err = await failure(promise);
  expect(err.code).toBe(code);
  if (status) expect(err.status).toBe(status);
}

describe.each(implementations)('CarrierApi contract: %s', (_name, make) => {
  let s: Subject;
  beforeEach(async () => {
    clock = NOW;
    s = await make();
  });

  /** The code in the newest SMS to `phone`. */
  async function lastCode(phone: string): Promise<string> {
    const [newest] = await s.sms(phone);
    const code = newest?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no code in the newest SMS to ${phone.slice(0, 4)}…`);
    return code;
  }

  /** A sender proof for a parcel fixture, obtained the way a customer would. */
  async function senderProof(f: { trackingNumber: string; senderPhone: string }): Promise<string> {
    const challenge = await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
    const check = await s.api.verifyCode(challenge.challengeId, await lastCode(f.senderPhone));
    if (!check.verified) throw new Error('expected the code to verify');
    return check.proofToken;
  }

  /** Any well-formed code that is not `code`. */
  const otherThan = (code: string) => (code === '000000' ? '111111' : '000000');
  const UNKNOWN_TOKEN = 'pt_unknownunknownunknown0';
  afterEach(async () => {
    await s.close();
  });

  describe('lockers', () => {
    test('listLockers returns the active directory with the named lockers', async () => {
      const lockers = await s.api.listLockers();
      expect(lockers.length).toBeGreaterThanOrEqual(300);
      expect(lockers.every((l) => l.active)).toBe(true);
      expect(lockers.find((l) => l.id === F.lockers.akropolisKlaipeda)).toMatchObject({
        name: 'Akropolis Klaipėda paštomatas',
        address: 'Taikos pr. 61',
        city: 'Klaipėda',
      });
    });

    test('getLocker returns one locker, inactive ones too; unknown -> not_found', async () => {
      expect(await s.api.getLocker(F.lockers.mega)).toMatchObject({ name: 'Mega paštomatas', city: 'Kaunas' });
      expect(await s.api.getLocker(s.inactiveLockerId)).toMatchObject({ active: false });
      await expectCode(s.api.getLocker('LT-XXX-9999'), 'not_found');
    });
  });

  describe('getParcel', () => {
    test('shows status, destination, dates, events and masked phones only', async () => {
      const view = await s.api.getParcel(F.readdressable.trackingNumber);
      expect(view).toMatchObject({
        trackingNumber: 'CE482139075LT',
        status: 'in_transit',
        destinationLockerId: F.readdressable.lockerId,
        senderPhoneMasked: '+370 6** **567',
        recipientPhoneMasked: '+370 6** **678',
      });
      expect(view.events.map((e) => e.status)).toEqual(['registered', 'accepted', 'in_transit']);
      const text = JSON.stringify(view);
      expect(text).not.toContain(F.readdressable.senderPhone.slice(4));
      expect(text).not.toContain(F.readdressable.recipientPhone.slice(4));
      expect(text).not.toMatch(/pickup_?code/i);
    });

    test('in_locker parcels have a pickup deadline', async () => {
      const view = await s.api.getParcel(F.inLocker.trackingNumber);
      expect(view.status).toBe('in_locker');
      expect(Date.parse(view.pickupDeadline ?? '')).toBeGreaterThan(NOW.getTime());
    });

    test('accepts the 14-digit numbers and loosely typed S10 numbers', async () => {
      expect((await s.api.getParcel(F.numeric14.trackingNumber)).status).toBe('in_transit');
      expect((await s.api.getParcel('ce 482 139 075 lt')).trackingNumber).toBe('CE482139075LT');
    });

    test('unknown numbers, including ones with URL-special characters -> not_found', async () => {
      await expectCode(s.api.getParcel('CE000000005LT'), 'not_found');
      await expectCode(s.api.getParcel('CE482/139075LT'), 'not_found');
      await expectCode(s.api.getParcel('CE482139075LT?x=1#y'), 'not_found');
      await expectCode(s.api.getParcel('../lockers'), 'not_found');
    });
  });

  /** A proof of the sender phone `phone` (the lost-tracking-number flow), obtained the way a customer would. */
  async function phoneProof(phone: string): Promise<string> {
    const challenge = await s.api.requestPhoneCode(phone, 'lt');
    const check = await s.api.verifyCode(challenge.challengeId, await lastCode(phone));
    if (!check.verified) throw new Error('expected the code to verify');
    return check.proofToken;
  }

  describe('readdressWithProof: the rules', () => {
    test('in transit -> scheduled within 5 working days, and the parcel now goes to the new locker', async () => {
      const f = F.readdressable;
      const outcome = await s.api.readdressWithProof(f.trackingNumber, await senderProof(f), F.lockers.panorama);
      expect(outcome).toEqual({ outcome: 'scheduled', workingDays: 5, reference: expect.stringMatching(/^RD-\d+$/) });
      const view = await s.api.getParcel(f.trackingNumber);
      expect(view.destinationLockerId).toBe(F.lockers.panorama);
      expect(view.events[view.events.length - 1]).toMatchObject({ status: 'in_transit', location: F.lockers.panorama });
    });

    test('registered -> done at once; the numeric parcel is readdressable too', async () => {
      const f = F.readdressableNow;
      expect(await s.api.readdressWithProof(f.trackingNumber, await senderProof(f), F.lockers.akropolisKlaipeda)).toMatchObject({ outcome: 'done' });
      const n = F.numeric14;
      expect(await s.api.readdressWithProof(n.trackingNumber, await senderProof(n), F.lockers.ozas)).toMatchObject({ outcome: 'scheduled' });
    });

    test.each([
      ['outForDelivery', 'out_for_delivery'],
      ['inLocker', 'in_locker'],
      ['delivered', 'delivered'],
      ['returning', 'returning'],
      ['returned', 'returned'],
      ['cancelled', 'cancelled'],
    ] as const)('%s -> wrong_status with the status', async (key, status) => {
      const f = F[key];
      await expectCode(s.api.readdressWithProof(f.trackingNumber, await senderProof(f), F.lockers.ozas), 'wrong_status', status);
    });

    test('unknown, inactive or same locker -> invalid; unknown parcel -> not_found', async () => {
      const f = F.readdressable;
      const token = await senderProof(f);
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, 'LT-XXX-9999'), 'invalid');
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, s.inactiveLockerId), 'invalid');
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, f.lockerId), 'invalid');
      await expectCode(s.api.readdressWithProof('CE000000005LT', token, F.lockers.ozas), 'not_found');
    });
  });

  describe('changePhoneWithProof: the rules', () => {
    test('recipient phone in transit -> done without SMS; a sender phone change moves the proof to the new phone', async () => {
      const f = F.readdressable;
      const token = await senderProof(f);
      expect(await s.api.changePhoneWithProof(f.trackingNumber, token, 'recipient', '+37120000001')).toMatchObject({ outcome: 'done', smsResent: false });
      expect(await s.api.changePhoneWithProof(f.trackingNumber, token, 'sender', '+37068888888')).toMatchObject({ outcome: 'done' });
      expect((await s.api.getParcel(f.trackingNumber)).senderPhoneMasked).toBe('+370 6** **888');
      const challenge = await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
      expect(challenge.phoneMasked).toBe('+370 6** **888');
      expect(await s.sms('+37068888888')).toHaveLength(1);
    });

    test('after a recipient change the lookup by the proven sender phone finds the parcel under the new recipient', async () => {
      const f = F.inLocker;
      await s.api.changePhoneWithProof(f.trackingNumber, await senderProof(f), 'recipient', '+37069999999');
      expect(await s.api.findParcelsWithProof(await phoneProof(f.senderPhone), '+37069999999', f.lockerId)).toEqual([f.trackingNumber]);
    });

    test('returning -> scheduled', async () => {
      const f = F.returning;
      expect(await s.api.changePhoneWithProof(f.trackingNumber, await senderProof(f), 'recipient', '+37069999998')).toMatchObject({ outcome: 'scheduled', workingDays: 2 });
    });

    test.each([
      ['delivered', 'delivered'],
      ['returned', 'returned'],
      ['cancelled', 'cancelled'],
    ] as const)('%s -> wrong_status', async (key, status) => {
      const f = F[key];
      await expectCode(s.api.changePhoneWithProof(f.trackingNumber, await senderProof(f), 'recipient', '+37069999997'), 'wrong_status', status);
    });

    test('unknown parcel -> not_found; a phone that is not E.164 -> invalid', async () => {
      const f = F.inLocker;
      const token = await senderProof(f);
      await expectCode(s.api.changePhoneWithProof('CE000000005LT', token, 'recipient', '+37069999996'), 'not_found');
      await expectCode(s.api.changePhoneWithProof(f.trackingNumber, token, 'recipient', '869999996'), 'invalid');
    });
  });

  describe('findParcelsWithProof: the rules', () => {
    test('two parcels share sender, recipient and locker; all three must match exactly', async () => {
      const { senderPhone, recipientPhone, lockerId, trackingNumbers } = F.sharedLookup;
      const token = await phoneProof(senderPhone);
      expect(await s.api.findParcelsWithProof(token, recipientPhone, lockerId)).toEqual([...trackingNumbers].sort());
      expect(await s.api.findParcelsWithProof(token, recipientPhone, F.lockers.ozas)).toEqual([]);
      expect(await s.api.findParcelsWithProof(token, '+37062020203', lockerId)).toEqual([]);
      const f = F.delivered;
      expect(await s.api.findParcelsWithProof(await phoneProof(f.senderPhone), f.recipientPhone, f.lockerId)).toEqual([f.trackingNumber]);
    });
  });

  describe('one-time codes', () => {
    test('requestParcelCode texts 6 digits to the sender (or recipient) phone and returns only where it went', async () => {
      const f = F.readdressable;
      const challenge = await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
      expect(challenge).toEqual({
        challengeId: expect.any(String),
        phoneMasked: '+370 6** **567',
        phoneKey: expect.any(String),
        expiresAt: new Date(NOW.getTime() + 5 * MINUTE).toISOString(),
      });
      const [sms] = await s.sms(f.senderPhone);
      expect(sms).toEqual({ to: f.senderPhone, text: expect.stringMatching(/\b\d{6}\b/), at: NOW.toISOString() });
      expect(JSON.stringify(challenge)).not.toContain(await lastCode(f.senderPhone));
      expect(JSON.stringify(challenge)).not.toContain(f.senderPhone.slice(4));

      const toRecipient = await s.api.requestParcelCode('ce 482 139 075 lt', 'recipient', 'en');
      expect(toRecipient.phoneMasked).toBe('+370 6** **678');
      expect((await s.sms(f.recipientPhone))[0].text).toMatch(/code/i);
      await s.api.requestParcelCode(f.trackingNumber, 'sender', 'ru');
      expect((await s.sms(f.senderPhone))[0].text).toMatch(/Код/);
      await expectCode(s.api.requestParcelCode('CE000000005LT', 'sender', 'lt'), 'not_found');
    });

    test('phoneKey is stable per phone across parcels and flows, and differs between phones', async () => {
      const a = await s.api.requestParcelCode(F.sharedLookup.trackingNumbers[0], 'sender', 'lt');
      const b = await s.api.requestParcelCode(F.sharedLookup.trackingNumbers[1], 'sender', 'lt');
      const c = await s.api.requestPhoneCode(F.sharedLookup.senderPhone, 'lt');
      const d = await s.api.requestParcelCode(F.sharedLookup.trackingNumbers[0], 'recipient', 'lt');
      expect(b.phoneKey).toBe(a.phoneKey);
      expect(c.phoneKey).toBe(a.phoneKey);
      expect(d.phoneKey).not.toBe(a.phoneKey);
      expect(a.phoneKey).not.toContain('37061010101');
    });

    test('verifyCode: the right code once yields a proof token and the phone; a second use is challenge_expired', async () => {
      const f = F.readdressable;
      const challenge = await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
      const check = await s.api.verifyCode(challenge.challengeId, await lastCode(f.senderPhone));
      expect(check).toEqual({
        verified: true,
        proofToken: expect.stringMatching(/^[A-Za-z0-9._~-]{16,}$/),
        expiresAt: new Date(NOW.getTime() + 15 * MINUTE).toISOString(),
        phoneE164: f.senderPhone,
      });
      await expectCode(s.api.verifyCode(challenge.challengeId, await lastCode(f.senderPhone)), 'challenge_expired');
    });

    test('three wrong tries kill the code: even the right code is then challenge_locked', async () => {
      const f = F.inLocker;
      const challenge = await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
      const code = await lastCode(f.senderPhone);
      const wrong = otherThan(code);
      expect(await s.api.verifyCode(challenge.challengeId, wrong)).toEqual({ verified: false, attemptsLeft: 2 });
      expect(await s.api.verifyCode(challenge.challengeId, wrong)).toEqual({ verified: false, attemptsLeft: 1 });
      expect(await s.api.verifyCode(challenge.challengeId, wrong)).toEqual({ verified: false, attemptsLeft: 0 });
      await expectCode(s.api.verifyCode(challenge.challengeId, code), 'challenge_locked');
    });

    test('a code expires after 5 minutes; unknown challenges are not_found; a code is 6 digits', async () => {
      const f = F.readdressable;
      const challenge = await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
      const code = await lastCode(f.senderPhone);
      clock = new Date(NOW.getTime() + 5 * MINUTE);
      await expectCode(s.api.verifyCode(challenge.challengeId, code), 'challenge_expired');
      await expectCode(s.api.verifyCode('ch_doesnotexistdoesnotexist', '123456'), 'not_found');
      await expectCode(s.api.verifyCode(challenge.challengeId, '12345'), 'invalid');
    });

    test('requestPhoneCode: a sender phone gets a code; a phone that sends nothing gets the same answer and no SMS', async () => {
      const sender = F.sharedLookup.senderPhone;
      const known = await s.api.requestPhoneCode(sender, 'lt');
      expect(known).toMatchObject({ phoneMasked: '+370 6** **101', expiresAt: expect.any(String) });
      const check = await s.api.verifyCode(known.challengeId, await lastCode(sender));
      expect(check).toMatchObject({ verified: true, phoneE164: sender });

      const nobody = '+37069876543';
      const unknown = await s.api.requestPhoneCode(nobody, 'lt');
      expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
      expect(unknown.phoneMasked).toBe('+370 6** **543');
      expect(await s.sms(nobody)).toEqual([]);
      expect(await s.api.verifyCode(unknown.challengeId, '123456')).toEqual({ verified: false, attemptsLeft: 2 });
      await expectCode(s.api.requestPhoneCode('861234567', 'lt'), 'invalid');
    });

    test("the carrier's own limit: more than 10 codes for one parcel and role in a day -> rate_limited", async () => {
      const f = F.readdressableNow;
      for (let i = 0; i < 10; i++) await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
      await expectCode(s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt'), 'rate_limited');
      expect(await s.sms(f.senderPhone)).toHaveLength(10);
      clock = new Date(NOW.getTime() + 24 * 60 * MINUTE);
      await s.api.requestParcelCode(f.trackingNumber, 'sender', 'lt');
    });
  });

  describe('changes authorized by a proof', () => {
    test('readdressWithProof with the sender proof moves the parcel', async () => {
      const f = F.readdressable;
      const token = await senderProof(f);
      expect(await s.api.readdressWithProof(f.trackingNumber, token, F.lockers.panorama)).toEqual({
        outcome: 'scheduled',
        workingDays: 5,
        reference: expect.stringMatching(/^RD-\d+$/),
      });
      expect((await s.api.getParcel(f.trackingNumber)).destinationLockerId).toBe(F.lockers.panorama);
      expect(await s.api.readdressWithProof(f.trackingNumber, token, F.lockers.ozas)).toMatchObject({ outcome: 'scheduled' });
    });

    test('a recipient proof, a proof for another parcel, a phone proof, an unknown or expired token -> not_verified; nothing moves', async () => {
      const f = F.readdressable;
      const recipient = await s.api.requestParcelCode(f.trackingNumber, 'recipient', 'lt');
      const recipientCheck = await s.api.verifyCode(recipient.challengeId, await lastCode(f.recipientPhone));
      const otherParcel = await senderProof(F.readdressableNow);
      const phoneChallenge = await s.api.requestPhoneCode(f.senderPhone, 'lt');
      const phoneCheck = await s.api.verifyCode(phoneChallenge.challengeId, await lastCode(f.senderPhone));
      if (!recipientCheck.verified || !phoneCheck.verified) throw new Error('expected proofs');
      for (const token of [recipientCheck.proofToken, otherParcel, phoneCheck.proofToken, UNKNOWN_TOKEN]) {
        await expectCode(s.api.readdressWithProof(f.trackingNumber, token, F.lockers.ozas), 'not_verified');
        await expectCode(s.api.changePhoneWithProof(f.trackingNumber, token, 'recipient', '+37069999999'), 'not_verified');
      }
      const token = await senderProof(f);
      clock = new Date(NOW.getTime() + 15 * MINUTE);
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, F.lockers.ozas), 'not_verified');
      const view = await s.api.getParcel(f.trackingNumber);
      expect(view.destinationLockerId).toBe(f.lockerId);
      expect(view.recipientPhoneMasked).toBe('+370 6** **678');
      await expectCode(s.api.readdressWithProof(f.trackingNumber, 'short', F.lockers.ozas), 'invalid');
    });

    test('the status rules hold with a proof: out for delivery -> wrong_status; unknown parcel -> not_found', async () => {
      const f = F.outForDelivery;
      await expectCode(s.api.readdressWithProof(f.trackingNumber, await senderProof(f), F.lockers.ozas), 'wrong_status', 'out_for_delivery');
      await expectCode(s.api.readdressWithProof('CE000000005LT', UNKNOWN_TOKEN, F.lockers.ozas), 'not_found');
    });

    test('changePhoneWithProof: the recipient phone while in the locker -> done, pickup SMS to the new phone', async () => {
      const f = F.inLocker;
      const token = await senderProof(f);
      const outcome = await s.api.changePhoneWithProof(f.trackingNumber, token, 'recipient', '+37069999999');
      expect(outcome).toEqual({ outcome: 'done', smsResent: true, reference: expect.stringMatching(/^PH-\d+$/) });
      expect((await s.api.getParcel(f.trackingNumber)).recipientPhoneMasked).toBe('+370 6** **999');
      const [pickup] = await s.sms('+37069999999');
      expect(pickup.text).toContain(f.trackingNumber);
      expect(await s.sms(f.recipientPhone)).toEqual([]);
    });

    test('changing the sender phone invalidates the earlier sender proofs', async () => {
      const f = F.readdressable;
      const token = await senderProof(f);
      expect(await s.api.changePhoneWithProof(f.trackingNumber, token, 'sender', '+37068888888')).toMatchObject({ outcome: 'done' });
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, F.lockers.ozas), 'not_verified');
      const fresh = await senderProof({ trackingNumber: f.trackingNumber, senderPhone: '+37068888888' });
      expect(await s.api.readdressWithProof(f.trackingNumber, fresh, F.lockers.ozas)).toMatchObject({ outcome: 'scheduled' });
    });

    test('a repeated idempotency key gets the first outcome and changes nothing more; another change with it is refused', async () => {
      const f = F.readdressable;
      const token = await senderProof(f);
      const events = async () => (await s.api.getParcel(f.trackingNumber)).events.length;
      const before = await events();
      const key = { idempotencyKey: 'conv-42:readdress:1' };
      const first = await s.api.readdressWithProof(f.trackingNumber, token, F.lockers.panorama, key);
      const again = await s.api.readdressWithProof(f.trackingNumber, token, F.lockers.panorama, key);
      expect(again).toEqual(first);
      expect(await events()).toBe(before + 1);
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, F.lockers.ozas, key), 'invalid');
      expect((await s.api.getParcel(f.trackingNumber)).destinationLockerId).toBe(F.lockers.panorama);

      const p = F.inLocker;
      const pToken = await senderProof(p);
      const pKey = { idempotencyKey: 'conv-42:phone:1' };
      const change = await s.api.changePhoneWithProof(p.trackingNumber, pToken, 'recipient', '+37069999990', pKey);
      expect(await s.api.changePhoneWithProof(p.trackingNumber, pToken, 'recipient', '+37069999990', pKey)).toEqual(change);
      expect(await s.sms('+37069999990')).toHaveLength(1);
    });

    test('a refused change is not remembered: after a fresh proof the same key goes through', async () => {
      const f = F.readdressable;
      const key = { idempotencyKey: 'conv-7:readdress:1' };
      const token = await senderProof(f);
      clock = new Date(NOW.getTime() + 16 * MINUTE);
      await expectCode(s.api.readdressWithProof(f.trackingNumber, token, F.lockers.panorama, key), 'not_verified');
      const fresh = await senderProof(f);
      expect(await s.api.readdressWithProof(f.trackingNumber, fresh, F.lockers.panorama, key)).toMatchObject({ outcome: 'scheduled' });
    });

    test('findParcelsWithProof: a proof of the sender phone finds its parcels; a parcel proof or an expired one does not', async () => {
      const { senderPhone, recipientPhone, lockerId, trackingNumbers } = F.sharedLookup;
      const challenge = await s.api.requestPhoneCode(senderPhone, 'lt');
      const check = await s.api.verifyCode(challenge.challengeId, await lastCode(senderPhone));
      if (!check.verified) throw new Error('expected a proof');
      expect(await s.api.findParcelsWithProof(check.proofToken, recipientPhone, lockerId)).toEqual([...trackingNumbers].sort());
      expect(await s.api.findParcelsWithProof(check.proofToken, recipientPhone, F.lockers.ozas)).toEqual([]);
      expect(await s.api.findParcelsWithProof(check.proofToken, '+37062020203', lockerId)).toEqual([]);
      const parcelProof = await senderProof({ trackingNumber: trackingNumbers[0], senderPhone });
      await expectCode(s.api.findParcelsWithProof(parcelProof, recipientPhone, lockerId), 'not_verified');
      await expectCode(s.api.findParcelsWithProof(UNKNOWN_TOKEN, recipientPhone, lockerId), 'not_verified');
      clock = new Date(NOW.getTime() + 15 * MINUTE);
      await expectCode(s.api.findParcelsWithProof(check.proofToken, recipientPhone, lockerId), 'not_verified');
    });
  });

  describe('resendPickupSms', () => {
    test('in the locker: the pickup SMS goes to the recipient phone on file, at most 3 times a day', async () => {
      const f = F.inLocker;
      expect(await s.api.resendPickupSms(f.trackingNumber)).toEqual({ sent: true, phoneMasked: '+370 6** **344' });
      const [sms] = await s.sms(f.recipientPhone);
      expect(sms.text).toContain(f.trackingNumber);
      expect(sms.text).toMatch(/\b\d{6}\b/);
      expect(await s.api.resendPickupSms(f.trackingNumber)).toMatchObject({ sent: true });
      expect(await s.api.resendPickupSms(f.trackingNumber)).toMatchObject({ sent: true });
      expect(await s.api.resendPickupSms(f.trackingNumber)).toEqual({ sent: false, phoneMasked: '+370 6** **344' });
      expect(await s.sms(f.recipientPhone)).toHaveLength(3);
      expect(await s.sms(f.senderPhone)).toEqual([]);
    });

    test('a repeat with the same idempotency key sends nothing more', async () => {
      const f = F.inLocker;
      const first = await s.api.resendPickupSms(f.trackingNumber, { idempotencyKey: 'conv-9:pickup-sms' });
      expect(await s.api.resendPickupSms(f.trackingNumber, { idempotencyKey: 'conv-9:pickup-sms' })).toEqual(first);
      expect(await s.sms(f.recipientPhone)).toHaveLength(1);
    });

    test('not in the locker -> wrong_status with the status; unknown -> not_found', async () => {
      await expectCode(s.api.resendPickupSms(F.readdressable.trackingNumber), 'wrong_status', 'in_transit');
      await expectCode(s.api.resendPickupSms(F.delivered.trackingNumber), 'wrong_status', 'delivered');
      await expectCode(s.api.resendPickupSms('CE000000005LT'), 'not_found');
      expect(await s.sms(F.readdressable.recipientPhone)).toEqual([]);
    });
  });
});
