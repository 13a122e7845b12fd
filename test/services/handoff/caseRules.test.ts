import { capEntry, caseDay, formatCaseId, joinKeysFor, normaliseE164, normaliseTrackingNumber, queueScore, relateKeysFor } from '../../../services/handoff/caseRules';

describe('caseRules', () => {
  it.each([
    ['lt 1234-5678', 'LT12345678'],
    ['  RR123456785LT ', 'RR123456785LT'],
    ['---', undefined],
    [undefined, undefined],
  ])('normalises tracking number %p', (raw, expected) => {
    expect(normaliseTrackingNumber(raw)).toBe(expected);
  });

  it.each([
    ['+370 612 34567', '+37061234567'],
    ['+370-(612)-34567', '+37061234567'],
    ['861234567', undefined],
    ['+0123456789', undefined],
  ])('accepts only E.164 phones for matching: %p', (raw, expected) => {
    expect(normaliseE164(raw)).toBe(expected);
  });

  it('names the case after the business day, not the UTC day', () => {
    const lateUtc = new Date('2024-01-18T22:30:00Z'); // 00:30 on the 19th in Vilnius
    expect(caseDay(lateUtc, 'Europe/Vilnius')).toBe('240119');
    expect(formatCaseId(lateUtc, 42, 'Europe/Vilnius')).toBe('C-240119-0042');
    expect(formatCaseId(lateUtc, 12345, 'UTC')).toBe('C-240118-12345');
  });

  it('orders every priority-1 case before any priority-2 case, FIFO within a priority', () => {
    const early = '2024-01-18T08:00:00.000Z';
    const late = '2030-12-31T23:59:59.999Z';
    expect(queueScore({ priority: 1, queuedAt: late })).toBeLessThan(queueScore({ priority: 2, queuedAt: early }));
    expect(queueScore({ priority: 2, queuedAt: early })).toBeLessThan(queueScore({ priority: 2, queuedAt: late }));
    expect(Number.isSafeInteger(queueScore({ priority: 3, queuedAt: late }))).toBe(true);
  });

  it('joins by conversation, proven phone and channel identity only; the parcel number only relates', () => {
    const input = { conversationId: 'c1', customerKey: 'u1', fields: { trackingNumber: 'lt1', verifiedPhone: '+37061234567', senderPhone: '+37069999999', recipientPhone: '+37068888888' } };
    expect(joinKeysFor(input)).toEqual(['conv:c1', 'tel:+37061234567', 'cust:u1']);
    expect(relateKeysFor(input.fields)).toEqual(['trk:LT1']);
    expect(joinKeysFor({ customerKey: '', fields: { trackingNumber: 'LT1' } })).toEqual([]); // a work order joins nothing
  });

  it('cuts a transcript entry at 4 KB of UTF-8 on a character boundary and says so', () => {
    const e = capEntry({ at: 'x', from: 'customer', text: `a${'€'.repeat(2000)}` });
    expect(Buffer.byteLength(e.text, 'utf8')).toBeLessThanOrEqual(4096);
    expect(e.text.endsWith('€')).toBe(true);
    expect(e.cut).toEqual({ originalChars: 2001 });
    const small = { at: 'x', from: 'customer' as const, text: 'labas' };
    expect(capEntry(small)).toBe(small);
    expect(capEntry({ ...small, attachments: Array.from({ length: 30 }, () => ({ kept: false as const })) }).attachments).toHaveLength(10);
  });
});
