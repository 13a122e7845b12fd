import { phoneRoles } from '../../../../services/nlu/entities/roles';

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
