import { findTrackingNumbers, parseTrackingNumber } from '../../../../services/nlu/entities/tracking';
import { extractEntities } from '../../../../services/nlu/entities';

describe('findTrackingNumbers', () => {
  it.each([
    ['CE482139075LT', 'CE482139075LT', 's10', true],
    ['ce482139075lt', 'CE482139075LT', 's10', true],
    ['kur mano siunta CE 482 139 075 LT?', 'CE482139075LT', 's10', true],
    ['CE-482139075-LT', 'CE482139075LT', 's10', true],
    ['CE 482139075 LT', 'CE482139075LT', 's10', true],
    ['numeris: CE482139074LT', 'CE482139074LT', 's10', false],
    ['RR131860912LT', 'RR131860912LT', 's10', true],
    ['12345678901234', '12345678901234', 'numeric14', true],
    ['parcel 1234 5678 9012 34 please', '12345678901234', 'numeric14', true],
    ['1234-5678-9012-34', '12345678901234', 'numeric14', true],
  ])('%s -> %s', (text, value, kind, valid) => {
    const found = findTrackingNumbers(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ value, kind, valid });
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe(found[0]!.text);
  });

  it.each([
    ['no numbers here'],
    ['861234567'],
    ['+370 612 34567'],
    ['1234567890123'],
    ['123456789012345'],
    ['CE48213907LT'],
    ['XCE482139075LT'],
    ['CE482139075LTU'],
  ])('finds nothing in %s', (text) => {
    expect(findTrackingNumbers(text)).toEqual([]);
  });

  it('finds several, in order, and keeps S10 digits out of numeric ids', () => {
    const found = findTrackingNumbers('CE482139075LT ir 12345678901234, dar RR131860912LT');
    expect(found.map((f) => f.value)).toEqual(['CE482139075LT', '12345678901234', 'RR131860912LT']);
  });

  it('a 14-digit id is a tracking number, never a phone', () => {
    const e = extractEntities('siunta 37061234567123 ir 12345678901234');
    expect(e.trackingNumbers.map((t) => t.value)).toEqual(['37061234567123', '12345678901234']);
    expect(e.phones).toEqual([]);
  });
});

describe('parseTrackingNumber', () => {
  it.each([
    ['CE482139075LT', { ok: true, value: 'CE482139075LT', kind: 's10' }],
    ['tai CE 482 139 075 LT', { ok: true, value: 'CE482139075LT', kind: 's10' }],
    ['1234 5678 9012 34', { ok: true, value: '12345678901234', kind: 'numeric14' }],
    ['CE482139075LT, CE-482139075-LT', { ok: true, value: 'CE482139075LT', kind: 's10' }],
    ['', { ok: false, reason: 'empty' }],
    ['   ', { ok: false, reason: 'empty' }],
    ['nežinau', { ok: false, reason: 'bad_format' }],
    ['CE48213907LT', { ok: false, reason: 'bad_format' }],
    ['1234567890123', { ok: false, reason: 'bad_format' }],
    ['CE482139074LT', { ok: false, reason: 'bad_check_digit' }],
    ['CE482139075LT ir RR131860912LT', { ok: false, reason: 'multiple' }],
  ])('%j', (text, expected) => {
    expect(parseTrackingNumber(text)).toEqual(expected);
  });
});
