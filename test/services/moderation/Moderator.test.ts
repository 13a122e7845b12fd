/**
 * Moderation per language, with and without diacritics, and through the usual obfuscations
 * (masks, leetspeak, repeated and spaced letters, mixed Cyrillic/Latin look-alikes, Latin-script
 * Russian). Near misses — ordinary words that look like list entries — must stay `ok`.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { assess, Moderator, type AssessmentKind } from '../../../services/moderation/Moderator';
import { loadModerationLists, maintainedList, parseExclusions, parseModerationFile } from '../../../services/moderation/lists';
import { normalizeForModeration, skeleton } from '../../../services/moderation/normalize';
import { languageDir } from '../../../services/nlu/trainingData';
import type { Lang } from '../../../services/i18n/langs';

type Row = [text: string, kind: AssessmentKind];

const CASES: Record<Lang, { label: string; rows: Row[] }[]> = {
  lt: [
    {
      label: 'insults and swearing, with and without diacritics',
      rows: [
        ['Jūs esate visiški debilai', 'abuse'],
        ['jus esate visiski debilai', 'abuse'],
        ['JŪS IDIOTAI', 'abuse'],
        ['šūdinas aptarnavimas', 'abuse'],
        ['sudinas aptarnavimas', 'abuse'],
        ['eik nachui', 'abuse'],
        ['atsipisk', 'abuse'],
        ['užpisot jau', 'abuse'],
        ['uzpisot jau', 'abuse'],
        ['kalės vaikai', 'abuse'],
        ['kales vaikai', 'abuse'],
        ['kvailas botas', 'abuse'],
        ['jūs visi durni', 'abuse'],
        ['jus visi durni', 'abuse'],
        ['tu kvailas', 'abuse'],
      ],
    },
    {
      label: 'obfuscated',
      rows: [
        ['d*bilai', 'abuse'],
        ['idi0tai', 'abuse'],
        ['id1otai', 'abuse'],
        ['idiotaaaai', 'abuse'],
        ['d e b i l a i', 'abuse'],
        ['d.e.b.i.l.a.i', 'abuse'],
        ['dеbilai', 'abuse'], // Cyrillic "е"
        ['kurwa', 'abuse'],
      ],
    },
    {
      label: 'a real request in rude words',
      rows: [
        ['kur mano siunta, debilai', 'rude_request'],
        ['kurva, kur siunta CE482139075LT?', 'rude_request'],
        ['užpisot jau su tuo paštomatu, durelės neatsidaro', 'rude_request'],
        ['sudinas aptarnavimas, noriu pakeisti pastomata', 'rude_request'],
      ],
    },
    {
      label: 'threats',
      rows: [
        ['užmušiu jus', 'threat'],
        ['uzmusiu', 'threat'],
        ['sudaužysiu jūsų paštomatą', 'threat'],
        ['sudauzysiu jusu pastomata', 'threat'],
        ['sudeginsiu tą paštomatą jei negausiu siuntos', 'threat'],
        ['žinau kur gyveni', 'threat'],
        ['pasigailėsit', 'threat'],
      ],
    },
    {
      label: 'ordinary text that looks close',
      rows: [
        ['kaip sudaryti sutartį', 'ok'],
        ['siunta atkeliavo sudaužyta, ką daryti?', 'ok'],
        ['ekranas sudauzytas', 'ok'],
        ['Kretingos paštomatas', 'ok'],
        ['gavau žaislinį pistoletą', 'ok'],
        ['jis suka galvą dėl siuntos', 'ok'],
        ['kvailas klausimas, bet kur mano siunta?', 'ok'],
        ['aš kvailas, pamečiau numerį', 'ok'],
        ['sudie', 'ok'],
        ['tai nenormalu, jau savaitė laukiu', 'ok'],
        ['užsakymas vėluoja', 'ok'],
      ],
    },
  ],
  en: [
    {
      label: 'insults and swearing',
      rows: [
        ['you idiots', 'abuse'],
        ['FUCK', 'abuse'],
        ['fuck you', 'abuse'],
        ['you are stupid', 'abuse'],
        ['this bot is stupid', 'abuse'],
        ['stupid bot', 'abuse'],
        ['shut up', 'abuse'],
        ['piece of shit', 'abuse'],
        ['go to hell', 'abuse'],
        ['🖕', 'abuse'],
      ],
    },
    {
      label: 'obfuscated',
      rows: [
        ['f*ck you', 'abuse'],
        ['f**k', 'abuse'],
        ['f***', 'abuse'],
        ['fuuuuck you', 'abuse'],
        ['f u c k you', 'abuse'],
        ['sh1t', 'abuse'],
        ['bullsh1t', 'abuse'],
        ['@sshole', 'abuse'],
        ['kiss my a$$', 'abuse'],
        ['b!tch', 'abuse'],
        ['mother f***er', 'abuse'],
        ['idiоts', 'abuse'], // Cyrillic "о"
      ],
    },
    {
      label: 'a real request in rude words',
      rows: [
        ['this is a f***ing joke, where is my parcel CE482139075LT', 'rude_request'],
        ['where is my fucking parcel', 'rude_request'],
        ['you idiots, the locker door does not open', 'rude_request'],
        ['stupid bot, I want a human', 'rude_request'],
      ],
    },
    {
      label: 'threats',
      rows: [
        ['I will kill you', 'threat'],
        ["I'll burn your office", 'threat'],
        ["i'm going to smash the locker", 'threat'],
        ['i will find you', 'threat'],
        ['I know where you live', 'threat'],
        ['kill yourself', 'threat'],
        ['you will regret this', 'threat'],
        ['give me my parcel or I will destroy this locker', 'threat'],
      ],
    },
    {
      label: 'ordinary text that looks close',
      rows: [
        ["I'll sue you", 'ok'],
        ['this delay is killing me', 'ok'],
        ['I would kill for a coffee', 'ok'],
        ["they're gonna smash the locker, vandals were here", 'ok'],
        ['stupid question, but where is my parcel?', 'ok'],
        ['I feel stupid, I lost the number', 'ok'],
        ['will you pay for this damage?', 'ok'],
        ['first class parcel to Scunthorpe', 'ok'],
        ['assist me please', 'ok'],
        ['cocktail glasses arrived broken', 'ok'],
        ['shiitake mushrooms order', 'ok'],
        ['what the hell, where is my parcel', 'ok'],
        ['damn, selected wrong locker again', 'ok'],
        ['**important**: my parcel is late', 'ok'],
        ['the code c# book', 'ok'],
        ['this service sucks', 'ok'],
      ],
    },
  ],
  ru: [
    {
      label: 'insults and swearing in Cyrillic',
      rows: [
        ['ты дебил', 'abuse'],
        ['вы все дебилы', 'abuse'],
        ['вы тупые', 'abuse'],
        ['тупой бот', 'abuse'],
        ['пошли нахуй', 'abuse'],
        ['иди на хуй', 'abuse'],
        ['хуйня', 'abuse'],
        ['охуели', 'abuse'],
        ['блять', 'abuse'],
        ['сука', 'abuse'],
        ['заебали', 'abuse'],
        ['ёбаный бот', 'abuse'],
        ['мудаки', 'abuse'],
      ],
    },
    {
      label: 'Latin-script Russian',
      rows: [
        ['debily', 'abuse'],
        ['idi nahuy', 'abuse'],
        ['poshli nahui', 'abuse'],
        ['suka blyat', 'abuse'],
        ['pizdets', 'abuse'],
        ['zaebali', 'abuse'],
        ['mudaki', 'abuse'],
        ['yebat', 'abuse'],
      ],
    },
    {
      label: 'obfuscated',
      rows: [
        ['п*здец', 'abuse'],
        ['бл*ть', 'abuse'],
        ['х*йня', 'abuse'],
        ['дeбилы', 'abuse'], // Latin "e"
        ['xуй', 'abuse'], // Latin "x"
        ['cyka', 'abuse'], // all Latin look-alikes
        ['6лять', 'abuse'],
        ['сукааа', 'abuse'],
        ['ти дебіл', 'abuse'], // Ukrainian "і"
      ],
    },
    {
      label: 'a real request in rude words',
      rows: [
        ['пиздец, где моя посылка?', 'rude_request'],
        ['blyat gde moya posylka', 'rude_request'],
        ['вы дебилы, не открывается ячейка', 'rude_request'],
      ],
    },
    {
      label: 'threats',
      rows: [
        ['убью', 'threat'],
        ['я вас убью', 'threat'],
        ['ya vas ubyu', 'threat'],
        ['сожгу ваш постамат', 'threat'],
        ['знаю где вы живете', 'threat'],
        ['вам конец', 'threat'],
        ['найду тебя', 'threat'],
      ],
    },
    {
      label: 'ordinary text that looks close',
      rows: [
        ['застрахуйте посылку', 'ok'],
        ['страховка на отправку', 'ok'],
        ['колебаться не буду', 'ok'],
        ['хлебать суп', 'ok'],
        ['потребитель недоволен', 'ok'],
        ['учебник пришел', 'ok'],
        ['сукно в посылке', 'ok'],
        ['дерматолог прислал крем', 'ok'],
        ['какая разница, какой постамат', 'ok'],
        ['ты тупой вопрос задал? нет, где посылка', 'rude_request'],
      ],
    },
  ],
};

for (const [lang, groups] of Object.entries(CASES)) {
  describe(`moderation (${lang})`, () => {
    for (const g of groups) {
      test.each(g.rows)(`${g.label}: %s → %s`, (text, kind) => {
        const a = assess(text);
        if (a.kind !== kind) throw new Error(`"${text}": expected ${kind}, got ${a.kind} (hits: ${a.hits.map((h) => `${h.entry}<${h.matched}>`).join(', ') || 'none'})`);
      });
    }
  });
}

describe('assessment details', () => {
  test('hits name the list entry and the words that matched; the request evidence is reported', () => {
    const a = assess('this is a f***ing joke, where is my parcel CE482139075LT');
    expect(a.request).toBe(true);
    expect(a.hits).toEqual([expect.objectContaining({ rule: 'rude', lang: 'en', matched: 'f***ing' })]);
    const t = assess('sudeginsiu jūsų paštomatą');
    expect(t.hits).toEqual([expect.objectContaining({ rule: 'threat', lang: 'lt', source: 'language/moderation', matched: 'sudeginsiu' })]);
  });

  test('a request hint from the caller turns rude words into a rude request, never abuse', () => {
    expect(assess('you idiots').kind).toBe('abuse');
    expect(assess('you idiots', { requestLikely: true }).kind).toBe('rude_request');
  });

  test('a parcel or phone number is request evidence and is not read as leetspeak', () => {
    expect(assess('debilai CE482139075LT').kind).toBe('rude_request');
    expect(assess('debilai +37061234567').kind).toBe('rude_request');
    expect(assess('CE482139075LT').kind).toBe('ok');
  });

  test('only the first 2,000 characters are assessed (bounded cost for oversize messages)', () => {
    expect(assess(`${'labas '.repeat(400)} debilai`).kind).toBe('ok');
    const started = Date.now();
    assess('a*'.repeat(50_000));
    assess('x'.repeat(300_000));
    expect(Date.now() - started).toBeLessThan(5000); // a guard against pathological backtracking, not a speed target
  });
});

describe('normalisation', () => {
  test('skeletons of Cyrillic and Latin-script Russian agree', () => {
    for (const [cyr, lat] of [
      ['хуй', 'huy'],
      ['хуй', 'xuy'],
      ['хуй', 'khuj'],
      ['блять', 'blyat'],
      ['пиздец', 'pizdets'],
      ['пиздец', 'pizdetc'],
      ['убью', 'ubyu'],
      ['ебать', 'yebat'],
    ]) {
      expect(skeleton(normalizeForModeration(cyr).tokens[0].forms[0])).toBe(skeleton(normalizeForModeration(lat).tokens[0].forms[0]));
    }
  });

  test('single letters in a row are joined, two are not', () => {
    expect(normalizeForModeration('f u c k you').folded).toBe('fuck you');
    expect(normalizeForModeration('a b parcel').folded).toBe('a b parcel');
  });
});

describe('the lists', () => {
  const dir = join(languageDir(), 'moderation');

  test('every exclusion still names an entry of the maintained list (the file cannot rot silently)', () => {
    const exclusions = parseExclusions(readFileSync(join(dir, 'exclusions.txt'), 'utf8'));
    const stale: string[] = [];
    for (const [lang, entries] of exclusions) {
      const list = new Set(maintainedList(lang));
      for (const e of entries) if (!list.has(e)) stale.push(`${lang} ${e}`);
    }
    expect(stale).toEqual([]);
    expect(exclusions.get('en')?.size).toBeGreaterThan(50);
  });

  test('the maintained lists are used: English and Russian entries load, Lithuanian has none and ours instead', () => {
    expect(maintainedList('en').length).toBeGreaterThan(300);
    expect(maintainedList('ru').length).toBeGreaterThan(100);
    expect(maintainedList('lt')).toEqual([]);
    const lists = loadModerationLists();
    const fromMaintained = lists.words.filter((w) => w.source === 'naughty-words');
    expect(fromMaintained.some((w) => w.lang === 'en' && w.entry === 'motherfucker')).toBe(true);
    expect(fromMaintained.some((w) => w.entry === 'vibrator')).toBe(false); // excluded
    expect(lists.words.filter((w) => w.lang === 'lt' && w.rule === 'rude').length).toBeGreaterThan(100);
    expect(Moderator.fromLists(lists).size().patterns).toBe(lists.patterns.length);
  });

  test('a maintained entry matches as a whole word only (no "Scunthorpe problem")', () => {
    const m = Moderator.fromLists({ words: [{ rule: 'rude', lang: 'en', entry: 'cunt', source: 'naughty-words', cyrillicOnly: false }], patterns: [] });
    expect(m.assess('Scunthorpe').kind).toBe('ok');
    expect(m.assess('cunt').kind).toBe('abuse');
  });

  test('an entry marked !cyr matches Cyrillic only (its Latin skeleton is a Lithuanian word)', () => {
    expect(assess('сука').kind).toBe('abuse');
    expect(assess('ratai suka').kind).toBe('ok');
  });

  test('file errors name the file and the line', () => {
    expect(() => parseModerationFile('debil*', 'lt')).toThrow('lt.txt:1: entry outside a section');
    expect(() => parseModerationFile('[rude]\nok\n[nope]', 'lt')).toThrow('lt.txt:3: unknown section [nope]');
    expect(() => parseModerationFile('[threat]\n(unclosed', 'en')).toThrow(/en\.txt:2: invalid pattern/);
    expect(() => parseExclusions('xx vibrator  # no such language')).toThrow('exclusions.txt:1');
  });
});
