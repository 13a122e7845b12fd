import { findPhones, parsePhone } from '../../../../services/nlu/entities/phone';
import { extractEntities } from '../../../../services/nlu/entities';

describe('findPhones', () => {
  it.each([
    ['861234567', '+37061234567', 'LT'],
    ['8 612 34567', '+37061234567', 'LT'],
    ['mano nr. 8 612 34567, ačiū', '+37061234567', 'LT'],
    ['+37061234567', '+37061234567', 'LT'],
    ['+370 612 34567', '+37061234567', 'LT'],
    ['37061234567', '+37061234567', 'LT'],
    ['061234567', '+37061234567', 'LT'],
    ['my number is 06 123 4567', '+37061234567', 'LT'],
    ['852123456', '+37052123456', 'LT'],
    ['+371 21234567', '+37121234567', 'LV'],
    ['37121234567', '+37121234567', 'LV'],
    ['+372 5123 4567', '+37251234567', 'EE'],
    ['+48 512 345 678', '+48512345678', 'PL'],
  ])('%s -> %s', (text, e164, country) => {
    const found = findPhones(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ e164, country });
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe(found[0]!.text);
  });

  it.each([['12345678901234'], ['1234 5678 9012 34'], ['CE482139075LT'], ['8612345'], ['užsakymas 123456'], ['+49 30 1234567']])(
    'finds no supported phone in %s',
    (text) => {
      expect(findPhones(text)).toEqual([]);
    },
  );

  it('keeps other countries only when asked', () => {
    expect(findPhones('+49 30 1234567', { countries: 'any' }).map((p) => p.country)).toEqual(['DE']);
  });

  it('separates a phone from a tracking number in the same message', () => {
    const e = extractEntities('siunta CE482139075LT, naujas nr 861234567, kita 12345678901234');
    expect(e.phones.map((p) => p.e164)).toEqual(['+37061234567']);
    expect(e.trackingNumbers.map((t) => t.value)).toEqual(['CE482139075LT', '12345678901234']);
  });
});

describe('parsePhone', () => {
  it.each([
    ['861234567', { ok: true, e164: '+37061234567', country: 'LT' }],
    ['061234567', { ok: true, e164: '+37061234567', country: 'LT' }],
    ['naujas numeris +370 612 34567', { ok: true, e164: '+37061234567', country: 'LT' }],
    ['+371 21234567', { ok: true, e164: '+37121234567', country: 'LV' }],
    ['+372 5123 4567', { ok: true, e164: '+37251234567', country: 'EE' }],
    ['+48 512 345 678', { ok: true, e164: '+48512345678', country: 'PL' }],
    ['861234567 (861234567)', { ok: true, e164: '+37061234567', country: 'LT' }],
    ['', { ok: false, reason: 'empty' }],
    [' ?! ', { ok: false, reason: 'empty' }],
    ['8612345', { ok: false, reason: 'too_short' }],
    ['86123456789', { ok: false, reason: 'too_long' }],
    ['12345678901234', { ok: false, reason: 'invalid' }],
    ['nežinau', { ok: false, reason: 'invalid' }],
    ['+49 30 1234567', { ok: false, reason: 'unsupported_country' }],
    ['861234567 arba 862222222', { ok: false, reason: 'multiple' }],
  ])('%j', (text, expected) => {
    expect(parsePhone(text)).toEqual(expected);
  });

  it('uses the given default country for national numbers', () => {
    expect(parsePhone('21234567', 'LV')).toEqual({ ok: true, e164: '+37121234567', country: 'LV' });
  });
});
