/**
 * What the conversation notes of each message (`ConversationScope.noteGiven`) and what a case reads
 * back (`given`): the newest of each kind, phones with their roles, bounded, split by message number.
 */
import { ConversationScope, GIVEN_TTL_MS, type TurnTemp } from '../../dialogs/turn';
import type { ConversationData, NotedData } from '../../dialogs/state';
import { extractEntities } from '../../services/nlu/entities';
import type { RecognizerResult } from '../../services/nlu/types';

const settings = { now: () => new Date('2026-12-01T10:00:00Z'), proofTtlMs: 15 * 60_000 };

function message(text: string): TurnTemp {
  const recognition: RecognizerResult = { text, intent: 'none', score: 0.9, intents: [{ intent: 'none', score: 0.9 }], langScore: 0, entities: extractEntities(text), source: 'test' };
  return { text, recognition };
}

test('notes the parcel number, roled phones and reads them back by message range', () => {
  const data: ConversationData = {};
  const c = new ConversationScope(data, settings);
  c.noteGiven(message('kur siunta CE482139075LT?'));
  const since = c.messageNumber + 1;
  c.noteGiven(message('the old number was 861234567, the new one is 862345678'));
  expect(c.messageNumber).toBe(2);
  expect(c.given({ before: since })).toEqual({ trackingNumber: 'CE482139075LT', phones: [], locker: undefined });
  expect(c.given({ from: since })).toEqual({
    trackingNumber: undefined,
    phones: [
      { e164: '+37061234567', age: 'old' },
      { e164: '+37062345678', age: 'new' },
    ],
    locker: undefined,
  });
});

test('a message without recognition counts but notes nothing; at most four phones are kept', () => {
  const c = new ConversationScope({}, settings);
  c.noteGiven({ text: 'hello' });
  for (const n of ['861234561', '861234562', '861234563', '861234564', '861234565']) c.noteGiven(message(n));
  expect(c.messageNumber).toBe(6);
  expect(c.given({ from: 0 }).phones.map((p) => p.e164)).toEqual(['+37061234562', '+37061234563', '+37061234564', '+37061234565']);
});

test('values are forgotten an hour after they were written (GIVEN_TTL_MS)', () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const data: ConversationData = {};
  const c = new ConversationScope(data, { now: () => new Date(now), proofTtlMs: 15 * 60_000 });
  c.noteGiven(message('CE482139075LT, my phone 861234567'));
  now += GIVEN_TTL_MS - 1000;
  expect(c.given({ from: 0 })).toMatchObject({ trackingNumber: 'CE482139075LT', phones: [{ e164: '+37061234567', party: 'contact' }] });
  now += 2000;
  expect(c.given({ from: 0 })).toEqual({ trackingNumber: undefined, phones: [], locker: undefined });
  c.noteGiven(message('hmm'));
  expect(JSON.stringify(data)).not.toContain('61234567');
  expect(JSON.stringify(data)).not.toContain('CE482139075LT');
});

test('stale values leave the stored state as the next turn loads, whatever the turn is (an event, a button)', () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const data: ConversationData = {};
  const settingsAt = { now: () => new Date(now), proofTtlMs: 15 * 60_000 };
  new ConversationScope(data, settingsAt).noteGiven(message('CE482139075LT, recipient 862345678, my phone 861234567'));
  now += GIVEN_TTL_MS - 1000;
  new ConversationScope(data, settingsAt).forgetStale();
  expect(JSON.stringify(data)).toContain('CE482139075LT');
  now += 2000;
  // What Turn's constructor does for every turn it loads, before anything is noted.
  new ConversationScope(data, settingsAt).forgetStale();
  for (const gone of ['CE482139075LT', '62345678', '61234567']) expect(JSON.stringify(data)).not.toContain(gone);
});

test('the message count outlives the noted values: a case started before they expired still reads what comes after', () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const settingsAt = { now: () => new Date(now), proofTtlMs: 15 * 60_000 };
  const data: ConversationData = {};
  let notes: NotedData = {};
  const scope = () => new ConversationScope(data, settingsAt, notes);
  scope().noteGiven(message('hello'));
  scope().noteGiven(message('CE482139075LT'));
  const since = scope().messageNumber + 1; // a case begins with message 3
  now += GIVEN_TTL_MS + 60_000;
  notes = {}; // the noted values' store item expired while the customer was away
  scope().noteGiven(message('the new number is 862345000'));
  expect(scope().messageNumber).toBe(3);
  expect(scope().given({ from: since }).phones.map((p) => p.e164)).toEqual(['+37062345000']);
  expect(scope().given({ before: since }).phones).toEqual([]);
  // The count is in the conversation state; the phone is not.
  expect(data.messages).toBe(3);
  expect(JSON.stringify(data)).not.toContain('62345000');
});
