/**
 * Language of short chat messages: Cyrillic means Russian, Lithuanian letters mean Lithuanian,
 * and everything else in Latin script is decided by a small character n-gram model (multinomial
 * naive Bayes over romanized, diacritic-free text, services/text/fold.ts), so "negavau sms kodo"
 * is Lithuanian even without "ą…ž", and Russian typed in Latin letters ("kogda pridet posylka")
 * is Russian: the Russian class learns from the Russian training texts transliterated.
 * Text without letters (numbers, phone or tracking numbers, emoji, punctuation) has no language.
 */
import type { Lang } from '../i18n/langs';
import { maskEntities } from './text';
import { romanize } from '../text/fold';
import type { LocatedEntities } from './entities';
import { KeyTable } from './keyTable';

export interface LanguageGuess {
  /** Undefined when the text has no language signal. */
  lang?: Lang;
  /** Confidence in [0, 1]; 0 when `lang` is undefined. */
  score: number;
}

type LatinClass = 'lt' | 'en' | 'ru';
const CLASSES: readonly LatinClass[] = ['lt', 'en', 'ru'];

/** Samples the model always knows, so detection works before any training data exists (Russian is romanized). */
const SEED: Record<LatinClass, string> = {
  ru: [
    'привет здравствуйте добрый день спасибо благодарю пожалуйста да нет хорошо',
    'где моя посылка когда придёт посылка постамат постомат ячейка курьер',
    'не пришло смс код не работает не могу открыть ящик дверца не открывается',
    'хочу поменять номер телефона другой постамат перенаправить',
    'потерял номер отслеживания трек номер как найти',
    'хочу поговорить с человеком оператором',
    'это мой и с что но уже ещё почему нет можете могу нужно как кто где когда',
  ].join(' '),
  lt: [
    'labas laba diena sveiki ačiū labai dėkoju prašau taip ne gerai',
    'kur mano siunta siuntinys paštomatas paštomate paštomatą terminalas kurjeris',
    'negavau sms kodo žinutės neatėjo kodas neveikia durelės neatsidaro neatsidarė užstrigo',
    'noriu pakeisti telefono numerį adresą kitą paštomatą persiųsti nukreipti',
    'pamečiau sekimo numerį neturiu siuntos numerio kaip rasti kada atvyks bus pristatyta',
    'norėčiau kalbėti su žmogumi operatoriumi konsultantu darbuotoju',
    'mano yra ir su kad bet jau dar kodėl nėra galite galiu reikia kaip kas ką kur kada',
    'vakar šiandien rytoj savaitę dienų užsakiau pirkau parduotuvėje negaliu atsiimti pasiimti',
  ].join(' '),
  en: [
    'hello hi good morning thanks thank you please yes no okay',
    'where is my parcel package shipment delivery locker courier',
    'i did not get the sms code message has not arrived the door does not open is stuck',
    'i want to change my phone number address another locker redirect send to',
    'i lost my tracking number do not have the parcel number how to find when will it arrive be delivered',
    'i would like to talk to a human person operator agent someone real',
    'the a an and of to in on for with it this that is are was be have has what why how can could would',
    'yesterday today tomorrow week days ordered bought from shop store cannot pick up collect',
  ].join(' '),
};

const ORDERS = [1, 2, 3, 4] as const;
/** Log-odds added for the conversation's current language: an 80/20 prior, enough to settle "sms" or "ok". */
const PRIOR_WEIGHT = Math.log(4);
/** Latin-script Russian must beat Lithuanian and English by this much (log-odds): a short English or Lithuanian message is never taken for Russian on a hunch. */
const RU_LATIN_MARGIN = Math.log(20);
const LT_LETTERS = /[ąčęėįšųūžĄČĘĖĮŠŲŪŽ]/u;

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The Cyrillic and the Latin letters of `text`, by Unicode script. ASCII characters (most of any
 * message, whatever its language) are told apart by their code, exactly as the script test would
 * (its only Latin letters are A–Z and a–z); the rest by the regular expressions. The language
 * detector and moderation's look-alike mapping both count with it. (The profile put a sixth of
 * recognition in the old test per character; alternating runs measured no difference.)
 */
export function scriptLetters(text: string): { cyrillic: number; latin: number } {
  let cyrillic = 0;
  let latin = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 128) {
      const lower = code | 32;
      if (lower >= 97 && lower <= 122) latin++;
    } else if (CYRILLIC.test(ch)) cyrillic++;
    else if (LATIN.test(ch)) latin++;
  }
  return { cyrillic, latin };
}

function grams(folded: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of folded.split(/[^\p{L}]+/u)) {
    if (!word) continue;
    const padded = ` ${word} `;
    for (const n of ORDERS) {
      for (let i = 0; i + n <= padded.length; i++) {
        const g = padded.slice(i, i + n);
        if (g === ' ') continue;
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** See {@link LanguageDetector.toParts}. */
export interface LanguageDetectorParts {
  grams: string[];
  lt: Uint32Array;
  en: Uint32Array;
  /** Romanized Russian. */
  ru: Uint32Array;
}

interface ClassStats {
  /** Count per gram, by the gram's position in the detector's {@link KeyTable}. */
  counts: Uint32Array;
  total: number;
}

/**
 * A trained language detector. Build it with {@link LanguageDetector.train} from labelled texts
 * (the intent training data works); a seed vocabulary is always included. The grams are one
 * {@link KeyTable} for all classes, the counts one array per class.
 */
export class LanguageDetector {
  private constructor(
    private readonly grams: KeyTable,
    private readonly stats: Record<LatinClass, ClassStats>,
  ) {}

  /** The detector's n-gram counts, for the model artifact: every gram once, with its counts per class. */
  toParts(): LanguageDetectorParts {
    return { grams: this.grams.keys(), lt: this.stats.lt.counts.slice(), en: this.stats.en.counts.slice(), ru: this.stats.ru.counts.slice() };
  }

  /**
   * A detector from {@link toParts}.
   * @throws Error when the arrays disagree in length.
   */
  static fromParts(parts: Omit<LanguageDetectorParts, 'grams'> & { grams: readonly string[] | KeyTable }): LanguageDetector {
    const grams = parts.grams instanceof KeyTable ? parts.grams : KeyTable.of(parts.grams);
    if (CLASSES.some((c) => parts[c].length !== grams.size)) throw new Error('LanguageDetector.fromParts(): counts do not match the grams');
    const stat = (counts: Uint32Array): ClassStats => ({ counts, total: counts.reduce((a, b) => a + b, 0) });
    return new LanguageDetector(grams, { lt: stat(parts.lt), en: stat(parts.en), ru: stat(parts.ru) });
  }

  /** Deterministic: the same texts give the same detector. Russian texts teach the romanized-Russian class (Cyrillic text is decided by its script). */
  static train(examples: readonly { text: string; lang: Lang }[] = []): LanguageDetector {
    const counts: Record<LatinClass, Map<string, number>> = { lt: new Map(), en: new Map(), ru: new Map() };
    const add = (lang: LatinClass, text: string) => {
      for (const [g, c] of grams(romanize(maskEntities(text, 'blank')))) counts[lang].set(g, (counts[lang].get(g) ?? 0) + c);
    };
    for (const c of CLASSES) add(c, SEED[c]);
    for (const ex of examples) if (ex.lang === 'lt' || ex.lang === 'en' || ex.lang === 'ru') add(ex.lang, ex.text);
    // Every gram once, in order of first occurrence by class (the artifact's order).
    const all = [...new Set(CLASSES.flatMap((c) => [...counts[c].keys()]))];
    const column = (c: LatinClass) => Uint32Array.from(all, (g) => counts[c].get(g) ?? 0);
    return LanguageDetector.fromParts({ grams: all, lt: column('lt'), en: column('en'), ru: column('ru') });
  }

  /**
   * Detects the language of `text`. `prior` (the conversation's current language) tips the
   * balance for ambiguous Latin-script text such as "ok" or "sms". `located`: the entities of
   * `text` when already known.
   */
  detect(text: string, prior?: Lang, located?: LocatedEntities): LanguageGuess {
    const masked = maskEntities(text, 'blank', located);
    // Place and locker names ("Klaipėda", "Šiaulių Akropolis") carry Lithuanian letters and Latin
    // script into any language, so capitalised words after the first one are not evidence.
    const { common, hasNames } = withoutNames(masked);
    const scriptText = /\p{L}/u.test(common) ? common : masked;
    const { cyrillic, latin } = scriptLetters(scriptText);
    const letters = cyrillic + latin;
    if (letters === 0) return { score: 0 };
    if (cyrillic >= latin) return { lang: 'ru', score: round(Math.min(0.99, 0.5 + 0.49 * (cyrillic / letters))) };
    if (LT_LETTERS.test(common)) return { lang: 'lt', score: round(Math.min(0.99, 0.5 + 0.49 * (latin / letters))) };

    const evidence = hasNames && /\p{L}{2,}.*\s+\p{L}{2,}/su.test(common) ? common : masked;
    const counts = grams(romanize(evidence));
    const denom = (lang: LatinClass) => Math.log(this.stats[lang].total + 0.5 * this.grams.size);
    const denoms: Record<LatinClass, number> = { lt: denom('lt'), en: denom('en'), ru: denom('ru') };
    const logp: Record<LatinClass, number> = { lt: 0, en: 0, ru: 0 };
    for (const [g, c] of counts) {
      const i = this.grams.get(g); // one lookup for all three classes
      for (const lang of CLASSES) logp[lang] += c * (Math.log((i === undefined ? 0 : (this.stats[lang].counts[i] as number)) + 0.5) - denoms[lang]);
    }
    // Overlapping n-grams of ORDERS.length sizes repeat each letter's evidence that many times.
    for (const lang of CLASSES) logp[lang] /= ORDERS.length;
    if (prior) logp[prior] += PRIOR_WEIGHT;
    const latinShare = latin / letters;
    const best = Math.max(logp.lt, logp.en);
    if (logp.ru > best + RU_LATIN_MARGIN) return { lang: 'ru', score: round((1 / (1 + Math.exp(best - logp.ru))) * latinShare) };
    const pLt = 1 / (1 + Math.exp(logp.en - logp.lt));
    return pLt >= 0.5 ? { lang: 'lt', score: round(pLt * latinShare) } : { lang: 'en', score: round((1 - pLt) * latinShare) };
  }
}

/**
 * The text without capitalised words that are not sentence-initial (proper names). Words written
 * all in capitals are kept: customers who type in capitals are not naming places.
 */
function withoutNames(text: string): { common: string; hasNames: boolean } {
  let hasNames = false;
  let sentenceStart = true;
  const kept: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const letters = word.replace(/[^\p{L}]/gu, '');
    const isName = !sentenceStart && /^\p{Lu}/u.test(letters) && letters !== letters.toUpperCase();
    if (isName) hasNames = true;
    else kept.push(word);
    if (letters) sentenceStart = /[.!?]$/.test(word);
  }
  return { common: kept.join(' '), hasNames };
}

function round(x: number): number {
  return Math.min(0.999, Math.round(x * 1000) / 1000);
}

let shared: LanguageDetector | undefined;

/**
 * Detects the language with a detector trained on the seed vocabulary only; recognizers keep
 * their own detector trained on the full training data ({@link LanguageDetector.train}).
 */
export function detectLanguage(text: string, prior?: Lang): LanguageGuess {
  shared ??= LanguageDetector.train();
  return shared.detect(text, prior);
}
