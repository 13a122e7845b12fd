/** The `PROOF_*` section of the configuration. */
import { loadConfig } from '../../../services/config';

describe('PROOF_* configuration', () => {
  test('defaults', () => {
    expect(loadConfig({}).proof).toEqual({
      codesPerParcelPerDay: 3,
      codesPerPhonePerDay: 3,
      codesPerConversation: 3,
      codesPerClientPerDay: 10,
      codeTtlMinutes: 5,
      proofTtlMinutes: 15,
    });
  });

  test('pickup SMS re-sends: default 2, configurable, bounded', () => {
    expect(loadConfig({}).pickupSms).toEqual({ resendsPerDay: 2 });
    expect(loadConfig({ PICKUP_SMS_RESENDS_PER_DAY: '3' }).pickupSms).toEqual({ resendsPerDay: 3 });
    expect(() => loadConfig({ PICKUP_SMS_RESENDS_PER_DAY: '0' })).toThrow(/PICKUP_SMS_RESENDS_PER_DAY/);
  });

  test('every variable is read', () => {
    const proof = loadConfig({
      PROOF_CODES_PER_PARCEL_PER_DAY: '5',
      PROOF_CODES_PER_PHONE_PER_DAY: '4',
      PROOF_CODES_PER_CONVERSATION: '2',
      PROOF_CODES_PER_CLIENT_PER_DAY: '20',
      PROOF_CODE_TTL_MINUTES: '10',
      PROOF_TTL_MINUTES: '30',
    }).proof;
    expect(proof).toEqual({ codesPerParcelPerDay: 5, codesPerPhonePerDay: 4, codesPerConversation: 2, codesPerClientPerDay: 20, codeTtlMinutes: 10, proofTtlMinutes: 30 });
  });

  test.each([
    ['PROOF_CODES_PER_PARCEL_PER_DAY', '0'],
    ['PROOF_CODES_PER_PHONE_PER_DAY', 'many'],
    ['PROOF_CODE_TTL_MINUTES', '31'],
    ['PROOF_TTL_MINUTES', '1.5'],
  ])('a bad %s stops the start naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
