/**
 * The CarrierApi behaviour, run against every implementation: the in-memory sandbox carrier, and
 * CarrierClient talking real HTTP on loopback to the sandbox server.
 */
import { CarrierClient } from '../../../services/carrier/CarrierClient';
import { CarrierError, type CarrierApi, type CarrierErrorCode, type ParcelStatus } from '../../../services/carrier/types';
import { InMemoryCarrier } from '../../../services/carrier/sandbox/InMemoryCarrier';
import { createSandboxServer } from '../../../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';

const NOW = new Date('2025-03-12T10:00:00Z');

interface Subject {
  api: CarrierApi;
  inactiveLockerId: string;
  close(): Promise<void>;
}

const implementations: Array<[string, () => Promise<Subject>]> = [
  [
    'InMemoryCarrier',
    async () => {
      const carrier = new InMemoryCarrier({ now: () => NOW });
      const inactive = [...carrier.lockers.values()].find((l) => !l.active);
      return { api: carrier, inactiveLockerId: inactive?.id ?? '', close: async () => undefined };
    },
  ],
  [
    'CarrierClient over HTTP',
    async () => {
      const sandbox = createSandboxServer({ now: () => NOW });
      const { url } = await sandbox.listen(0, '127.0.0.1');
      const inactive = [...sandbox.carrier.lockers.values()].find((l) => !l.active);
      return {
        api: new CarrierClient({ baseUrl: url, timeoutMs: 2000, retries: 0 }),
        inactiveLockerId: inactive?.id ?? '',
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
    s = await make();
  });
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

  describe('verifySender', () => {
    test('true for the sender phone only', async () => {
      expect(await s.api.verifySender(F.readdressable.trackingNumber, F.readdressable.senderPhone)).toBe(true);
      expect(await s.api.verifySender(F.readdressable.trackingNumber, F.readdressable.recipientPhone)).toBe(false);
      expect(await s.api.verifySender(F.foreignSender.trackingNumber, F.foreignSender.senderPhone)).toBe(true);
      await expectCode(s.api.verifySender('CE000000005LT', F.readdressable.senderPhone), 'not_found');
    });
  });

  describe('readdress', () => {
    test('in transit -> scheduled within 5 working days, and the parcel now goes to the new locker', async () => {
      const f = F.readdressable;
      const outcome = await s.api.readdress(f.trackingNumber, f.senderPhone, F.lockers.panorama);
      expect(outcome).toEqual({ outcome: 'scheduled', workingDays: 5, reference: expect.stringMatching(/^RD-\d+$/) });
      const view = await s.api.getParcel(f.trackingNumber);
      expect(view.destinationLockerId).toBe(F.lockers.panorama);
      expect(view.events[view.events.length - 1]).toMatchObject({ status: 'in_transit', location: F.lockers.panorama });
    });

    test('registered -> done at once; the numeric parcel is readdressable too', async () => {
      const f = F.readdressableNow;
      expect(await s.api.readdress(f.trackingNumber, f.senderPhone, F.lockers.akropolisKlaipeda)).toMatchObject({ outcome: 'done' });
      const n = F.numeric14;
      expect(await s.api.readdress(n.trackingNumber, n.senderPhone, F.lockers.ozas)).toMatchObject({ outcome: 'scheduled' });
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
      await expectCode(s.api.readdress(f.trackingNumber, f.senderPhone, F.lockers.ozas), 'wrong_status', status);
    });

    test('someone else\'s phone -> not_verified, and nothing changes', async () => {
      const f = F.readdressable;
      await expectCode(s.api.readdress(f.trackingNumber, f.recipientPhone, F.lockers.ozas), 'not_verified');
      expect((await s.api.getParcel(f.trackingNumber)).destinationLockerId).toBe(f.lockerId);
    });

    test('unknown, inactive or same locker -> invalid; unknown parcel -> not_found', async () => {
      const f = F.readdressable;
      await expectCode(s.api.readdress(f.trackingNumber, f.senderPhone, 'LT-XXX-9999'), 'invalid');
      await expectCode(s.api.readdress(f.trackingNumber, f.senderPhone, s.inactiveLockerId), 'invalid');
      await expectCode(s.api.readdress(f.trackingNumber, f.senderPhone, f.lockerId), 'invalid');
      await expectCode(s.api.readdress('CE000000005LT', f.senderPhone, F.lockers.ozas), 'not_found');
    });
  });

  describe('changePhone', () => {
    test('recipient phone while in the locker -> done and the pickup SMS is re-sent', async () => {
      const f = F.inLocker;
      const outcome = await s.api.changePhone(f.trackingNumber, f.senderPhone, 'recipient', '+37069999999');
      expect(outcome).toEqual({ outcome: 'done', smsResent: true, reference: expect.stringMatching(/^PH-\d+$/) });
      expect((await s.api.getParcel(f.trackingNumber)).recipientPhoneMasked).toBe('+370 6** **999');
      expect(await s.api.findParcels(f.senderPhone, '+37069999999', f.lockerId)).toEqual([f.trackingNumber]);
    });

    test('recipient phone in transit -> done without SMS; sender phone change moves verification', async () => {
      const f = F.readdressable;
      expect(await s.api.changePhone(f.trackingNumber, f.senderPhone, 'recipient', '+37120000001')).toMatchObject({
        outcome: 'done',
        smsResent: false,
      });
      expect(await s.api.changePhone(f.trackingNumber, f.senderPhone, 'sender', '+37068888888')).toMatchObject({ outcome: 'done' });
      expect(await s.api.verifySender(f.trackingNumber, '+37068888888')).toBe(true);
      expect(await s.api.verifySender(f.trackingNumber, f.senderPhone)).toBe(false);
    });

    test('returning -> scheduled', async () => {
      const f = F.returning;
      expect(await s.api.changePhone(f.trackingNumber, f.senderPhone, 'recipient', '+37069999998')).toMatchObject({
        outcome: 'scheduled',
        workingDays: 2,
      });
    });

    test.each([
      ['delivered', 'delivered'],
      ['returned', 'returned'],
      ['cancelled', 'cancelled'],
    ] as const)('%s -> wrong_status', async (key, status) => {
      const f = F[key];
      await expectCode(s.api.changePhone(f.trackingNumber, f.senderPhone, 'recipient', '+37069999997'), 'wrong_status', status);
    });

    test('wrong sender phone -> not_verified; unknown parcel -> not_found', async () => {
      const f = F.inLocker;
      await expectCode(s.api.changePhone(f.trackingNumber, f.recipientPhone, 'recipient', '+37069999996'), 'not_verified');
      await expectCode(s.api.changePhone('CE000000005LT', f.senderPhone, 'recipient', '+37069999996'), 'not_found');
    });
  });

  describe('findParcels', () => {
    test('two parcels share sender, recipient and locker', async () => {
      const { senderPhone, recipientPhone, lockerId, trackingNumbers } = F.sharedLookup;
      expect(await s.api.findParcels(senderPhone, recipientPhone, lockerId)).toEqual([...trackingNumbers].sort());
    });

    test('all three facts must match exactly', async () => {
      const { senderPhone, recipientPhone, lockerId } = F.sharedLookup;
      expect(await s.api.findParcels(senderPhone, recipientPhone, F.lockers.ozas)).toEqual([]);
      expect(await s.api.findParcels(recipientPhone, senderPhone, lockerId)).toEqual([]);
      expect(await s.api.findParcels(senderPhone, '+37062020203', lockerId)).toEqual([]);
      const f = F.delivered;
      expect(await s.api.findParcels(f.senderPhone, f.recipientPhone, f.lockerId)).toEqual([f.trackingNumber]);
    });
  });
});
