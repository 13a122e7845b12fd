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

/** The customer's own phone: called their own or the sender's, and neither old nor new (no correction). */
export const isOwnPhone = (p: RoledPhone): boolean => !p.age && (p.party === 'contact' || p.party === 'sender');

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

/** Pronouns of the other person: said by the sender, they mean the recipient ("I typed his number wrong"). Whole words only. */
const RECIPIENT_PRONOUNS = ['his', 'her', 'him', 'jo', 'jos', 'jam', 'jai', 'его', 'её', 'ее', 'ему', 'ей', 'нее', 'него'];

/**
 * Whose phone a message is about when it names no number: "the recipient got no SMS, I typed his
 * number wrong", "gavėjo numerį suvedžiau neteisingai", "я неправильно ввёл номер получателя".
 * Only when the words point one way (a message naming both parties has no party: the dialog asks).
 *
 * @example phonePartyOf('I typed his number wrong') // 'recipient'
 */
export function phonePartyOf(text: string): Exclude<PhoneParty, 'contact'> | undefined {
  const words = foldText(text)
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  const cues = foldedCues(PARTY_CUES);
  const pronouns = new Set(RECIPIENT_PRONOUNS.map((w) => foldText(w).toLowerCase()));
  const says = (party: 'sender' | 'recipient') => words.some((w) => cues[party].some((stem) => w.startsWith(stem)) || (party === 'recipient' && pronouns.has(w)));
  const recipient = says('recipient');
  const sender = says('sender');
  if (recipient === sender) return undefined;
  return recipient ? 'recipient' : 'sender';
}

/** A wrong-phone correction as far as the customer's words and the parcel's masked phones tell it. */
export interface PhoneCorrection {
  /** Whose number is wrong, when it can be told. */
  party?: 'sender' | 'recipient';
  /** The right number (never one that is, or matches, a number on file). */
  newPhone?: string;
}

/**
 * Reads a wrong-phone correction from the phones the customer wrote (with their roles) and the
 * parcel's phones on file, as shown masked (`maskPhone`). The old number is the one on file: a
 * number said to be old, or one whose masked form is a masked phone on file; it tells the party
 * when it matches exactly one of them. The new number is one said to be new, or one typed at the
 * case's own prompts (`atOwnPrompt`) that matches nothing on file; never a sender's or contact
 * phone, and an old number is never the new one.
 *
 * @example phoneCorrection(phoneRoles('the old number was 862345678, the new one is 862345000'), onFile)
 * // { party: 'recipient', newPhone: '+37062345000' } when the recipient on file is "+370 6** **678"
 */
export function phoneCorrection(
  phones: RoledPhone[],
  onFile: { recipient: string; sender: string },
  mask: (e164: string) => string,
  /** Phones typed at the case's own prompts: taken as the new one without a "new" cue. */
  atOwnPrompt: ReadonlySet<RoledPhone> = new Set(),
): PhoneCorrection {
  const onFileParty = (e164: string): 'sender' | 'recipient' | undefined => {
    const m = mask(e164);
    const recipient = m === onFile.recipient;
    if (recipient === (m === onFile.sender)) return undefined;
    return recipient ? 'recipient' : 'sender';
  };
  const matchesFile = (e164: string) => mask(e164) === onFile.recipient || mask(e164) === onFile.sender;
  const isOld = (p: RoledPhone) => p.age === 'old' || (p.age !== 'new' && matchesFile(p.e164));
  const old = new Set(phones.filter(isOld).map((p) => p.e164));
  // Never a sender's or contact phone ("I'm the sender, my number is …" is no new recipient phone).
  const fresh = phones.filter((p) => !old.has(p.e164) && p.party !== 'contact' && p.party !== 'sender' && (p.age === 'new' || atOwnPrompt.has(p)));
  const named = [...phones].reverse().find((p) => p.party === 'sender' || p.party === 'recipient')?.party;
  const party = named === 'sender' || named === 'recipient' ? named : [...old].map(onFileParty).find((p) => p !== undefined);
  const out: PhoneCorrection = {};
  if (party) out.party = party;
  const newPhone = fresh[fresh.length - 1]?.e164;
  if (newPhone) out.newPhone = newPhone;
  return out;
}
