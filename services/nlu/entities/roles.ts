/**
 * Roles of the phone numbers in one message, from the words just before each number, in lt/en/ru
 * (with or without diacritics): whose number it is (sender, recipient, the customer's own contact
 * phone) and whether it is the old (wrong) or the new (right) one. "Siuntėjo 861234567, gavėjo
 * 862345678", "the old number was 86…, the new one is 86…", "мой телефон +370…". A number without
 * a cue has no role; the dialog then asks (or confirms) instead of guessing.
 */
import { foldText } from '../text';
import { locateEntities } from './index';

export type PhoneParty = 'sender' | 'recipient' | 'contact';
export type PhoneAge = 'old' | 'new';

export interface RoledPhone {
  e164: string;
  party?: PhoneParty;
  age?: PhoneAge;
}

/** Words looked at before a number (never across the previous number). */
const WINDOW = 5;

/** Word stems (folded) per cue; a word matches when it starts with the stem. */
const PARTY_CUES: Record<PhoneParty, string[]> = {
  sender: ['sender', 'siuntej', 'siunteja', 'отправител', 'otpravitel'],
  recipient: ['recipient', 'receiver', 'gavej', 'gavejo', 'получател', 'adresat', 'адресат', 'poluchatel'],
  contact: ['mano', 'my', 'me', 'мой', 'мне', 'меня', 'contact', 'kontakt', 'контакт', 'reach', 'call', 'skambin', 'susisiek', 'звоните', 'связ'],
};
const AGE_CUES: Record<PhoneAge, string[]> = {
  old: ['old', 'wrong', 'incorrect', 'instead', 'was', 'senas', 'seno', 'sena', 'senu', 'klaiding', 'neteising', 'buvo', 'vietoj', 'стар', 'неправильн', 'неверн', 'ошибоч', 'вместо', 'был'],
  new: ['new', 'correct', 'right', 'should', 'nauj', 'teising', 'turi', 'нов', 'правильн', 'верн', 'должен', 'novyj', 'novy', 'novoe'],
};
/** "My" is the customer's own phone only when nothing says sender or recipient ("my recipient's number"). */
const WEAK_CONTACT = new Set(['mano', 'my', 'мой', 'me', 'мне', 'меня']);

/** The cue lists folded like the text ("мой" → "мои"), once, on first use (no work while modules load). */
const folded = new Map<object, Record<string, string[]>>();
function foldedCues<K extends string>(cues: Record<K, string[]>): Record<K, string[]> {
  let f = folded.get(cues);
  if (!f) {
    f = Object.fromEntries(Object.entries<string[]>(cues).map(([k, list]) => [k, list.map((w) => foldText(w).toLowerCase())]));
    folded.set(cues, f);
  }
  return f as Record<K, string[]>;
}

function cue<K extends string>(words: string[], raw: Record<K, string[]>, weakRaw: ReadonlySet<string> = new Set<string>()): K | undefined {
  const cues = foldedCues(raw);
  const weak = new Set([...weakRaw].map((w) => foldText(w).toLowerCase()));
  let found: K | undefined;
  let weakFound: K | undefined;
  // Nearest word first: "the old one was wrong, the new one is …" takes "new".
  for (let i = words.length - 1; i >= 0 && !found; i--) {
    for (const key of Object.keys(cues) as K[]) {
      const hit = cues[key].find((stem) => words[i].startsWith(stem) && (stem.length >= 3 || words[i] === stem));
      if (!hit) continue;
      if (weak.has(hit) && words[i] === hit) weakFound ??= key;
      else found = key;
      if (found) break;
    }
  }
  return found ?? weakFound;
}

/**
 * The phones of `text` (any country the recognizers accept) in order, each with the party and age
 * its preceding words give it.
 *
 * @example phoneRoles('seno numerio 861234567 vietoj naujas 862345678')
 * // [{ e164: '+37061234567', age: 'old' }, { e164: '+37062345678', age: 'new' }]
 */
export function phoneRoles(text: string): RoledPhone[] {
  const { phones } = locateEntities(text);
  const out: RoledPhone[] = [];
  let from = 0;
  for (const p of phones) {
    const words = foldText(text.slice(from, p.start))
      .toLowerCase()
      .split(/[^\p{L}]+/u)
      .filter(Boolean)
      .slice(-WINDOW);
    const roled: RoledPhone = { e164: p.e164 };
    const party = cue(words, PARTY_CUES, WEAK_CONTACT);
    const age = cue(words, AGE_CUES);
    if (party) roled.party = party;
    if (age) roled.age = age;
    out.push(roled);
    from = p.end;
  }
  return out;
}
