import { phoneCorrection, phonePartyOf, phoneRoles } from '../../../../services/nlu/entities/roles';
import { maskPhone } from '../../../../services/i18n/format';

const A = '+37061234567';
const B = '+37062345678';

describe('phoneRoles: whose number and old or new, from the words before it (lt/en/ru)', () => {
  test.each([
    ['siuntėjo tel. 861234567, gavėjo 862345678', [{ e164: A, party: 'sender' }, { e164: B, party: 'recipient' }]],
    ['siuntejo 861234567 gavejo 862345678', [{ e164: A, party: 'sender' }, { e164: B, party: 'recipient' }]],
    ['sender 861234567 and the recipient is 862345678', [{ e164: A, party: 'sender' }, { e164: B, party: 'recipient' }]],
    ['отправитель 861234567, получатель 862345678', [{ e164: A, party: 'sender' }, { e164: B, party: 'recipient' }]],
    ['the old number was 861234567, the new one is 862345678', [{ e164: A, age: 'old' }, { e164: B, age: 'new' }]],
    ['senas numeris 861234567, naujas 862345678', [{ e164: A, age: 'old' }, { e164: B, age: 'new' }]],
    ['старый номер 861234567, новый 862345678', [{ e164: A, age: 'old' }, { e164: B, age: 'new' }]],
    ['gavėjo numeris klaidingas 861234567, teisingas 862345678', [{ e164: A, party: 'recipient', age: 'old' }, { e164: B, age: 'new' }]],
    ['change locker for CE482139075LT to Mega in Kaunas, my phone 8 612 34567', [{ e164: A, party: 'contact' }]],
    ['мой телефон +37061234567', [{ e164: A, party: 'contact' }]],
    ['my recipient 861234567', [{ e164: A, party: 'recipient' }]],
    ['861234567', [{ e164: A }]],
  ])('%s', (text, expected) => expect(phoneRoles(text)).toEqual(expected));
});

describe('phonePartyOf: whose number a message is about, without the number (lt/en/ru)', () => {
  test.each([
    ['The recipient got no SMS, I typed his number wrong', 'recipient'],
    ['I typed her number wrong', 'recipient'],
    ['gavėjo numerį suvedžiau neteisingai', 'recipient'],
    ['gavejas negavo sms, suvedziau jo numeri blogai', 'recipient'],
    ['я неправильно ввёл номер получателя', 'recipient'],
    ['ему не пришла смс, я ввела его номер с ошибкой', 'recipient'],
    ["I typed the sender's number wrong", 'sender'],
    ['siuntėjo numeris neteisingas', 'sender'],
    ['у отправителя неверный номер', 'sender'],
    ['I typed the wrong phone number', undefined],
    ['the history of my number', undefined],
    ["the sender's number is fine, the recipient's is wrong", undefined],
  ])('%s', (text, party) => expect(phonePartyOf(text)).toBe(party));
});

describe('phoneCorrection: the old number decides the party, the new one is never an old one', () => {
  const onFile = { recipient: maskPhone(B), sender: maskPhone(A) };
  const NEW = '+37061234000';
  test.each([
    ['the old number was 862345678, the new one is 861234000', { party: 'recipient', newPhone: NEW }],
    ['senas numeris 862345678, naujas 861234000', { party: 'recipient', newPhone: NEW }],
    ['старый номер 862345678, новый 861234000', { party: 'recipient', newPhone: NEW }],
    ['old 861234567 new 861234000', { party: 'sender', newPhone: NEW }],
    // The old one matches nothing on file: the party stays open, the new one is still known.
    ['the old number was 869999999, the new one is 861234000', { newPhone: NEW }],
    // A number on file without a cue is the old one: the new one is asked.
    ['862345678', { party: 'recipient' }],
    ['the old number was 862345678', { party: 'recipient' }],
    // A number matching nothing on file, without a "new" cue, is the new one only at the case's own prompts (below).
    ['861234000', {}],
    ["recipient's new number 861234000", { party: 'recipient', newPhone: NEW }],
    ['call me at 861234000', {}],
  ])('%s', (text, expected) => expect(phoneCorrection(phoneRoles(text), onFile, maskPhone)).toEqual(expected));

  // Typed at the case's own prompts (after the proof): a number matching nothing on file is the new
  // one, but never a sender's or contact phone ("I'm the sender, my number is …").
  test.each([
    ['861234000', { newPhone: NEW }],
    ["I'm the sender, my number is 861234000", { party: 'sender' }],
    ['aš siuntėjas, mano numeris 861234000', { party: 'sender' }],
    ['я отправитель, мой номер 861234000', { party: 'sender' }],
    ['my phone is 861234000', {}],
    ['mano telefonas 861234000', {}],
    ['мой телефон 861234000', {}],
  ])('at its own prompt: %s', (text, expected) => {
    const phones = phoneRoles(text);
    expect(phoneCorrection(phones, onFile, maskPhone, new Set(phones))).toEqual(expected);
  });
});
