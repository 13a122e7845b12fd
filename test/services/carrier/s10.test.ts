import { isValidS10, makeS10, normalizeS10, s10CheckDigit } from '../../../services/carrier/s10';

describe('s10CheckDigit', () => {
  test.each([
    // serial, check digit; weights 8 6 4 2 3 5 9 7, check = 11 - (sum % 11)
    ['48213907', 5], // sum 193, % 11 = 6 -> 5
    ['47312482', 9], // the UPU S10 example item RR 47312482 9 GB: sum 200, % 11 = 2 -> 9
    ['00000001', 4], // sum 7 -> 4
    ['00000002', 8], // sum 14, % 11 = 3 -> 8
    ['00000003', 1], // sum 21, % 11 = 10 -> 1
    ['10000000', 3], // sum 8 -> 3
    ['12345678', 5], // sum 204, % 11 = 6 -> 5
  ])('%s -> %i', (serial, expected) => {
    expect(s10CheckDigit(serial)).toBe(expected);
  });

  test('maps 10 to 0 and 11 to 5', () => {
    expect(s10CheckDigit('02000000')).toBe(0); // sum 12, % 11 = 1 -> 10 -> 0
    expect(s10CheckDigit('00000000')).toBe(5); // sum 0 -> 11 -> 5
    expect(s10CheckDigit('00000034')).toBe(5); // sum 55, % 11 = 0 -> 11 -> 5
  });

  test('rejects anything but 8 digits', () => {
    expect(() => s10CheckDigit('1234567')).toThrow(/8 digits/);
    expect(() => s10CheckDigit('1234567a')).toThrow(/8 digits/);
    expect(() => s10CheckDigit('123456789')).toThrow(/8 digits/);
  });
});

describe('isValidS10', () => {
  test.each([
    ['CE482139075LT', true],
    ['ce482139075lt', true],
    ['CE 482 139 075 LT', true],
    ['CE-482139075-LT', true],
    ['CE482139074LT', false], // wrong check digit
    ['CE48213907LT', false], // too short
    ['C1482139075LT', false],
    ['CE482139075L', false],
    ['20004711000231', false], // numeric carrier numbers are not S10
    ['', false],
  ])('%s -> %s', (code, expected) => {
    expect(isValidS10(code)).toBe(expected);
  });

  test('every serial gets exactly one valid check digit', () => {
    for (const serial of ['48213907', '00000000', '99999999', '31648207']) {
      const valid = Array.from({ length: 10 }, (_, d) => `CE${serial}${d}LT`).filter(isValidS10);
      expect(valid).toEqual([makeS10('CE', serial, 'LT')]);
    }
  });

  test('normalizeS10 strips spaces and hyphens and upper-cases', () => {
    expect(normalizeS10(' ce 482-139 075 lt ')).toBe('CE482139075LT');
  });
});
