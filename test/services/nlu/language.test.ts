import { LanguageDetector, detectLanguage, scriptLetters } from '../../../services/nlu/language';
import { loadTrainingData } from '../../../services/nlu/trainingData';
import type { Lang } from '../../../services/i18n/langs';

const detectors: [string, LanguageDetector][] = [
  ['seed only', LanguageDetector.train()],
  ['trained on language/nlu', LanguageDetector.train(loadTrainingData())],
];

describe.each(detectors)('LanguageDetector (%s)', (_name, detector) => {
  it.each<[string, Lang]>([
    ['Kur mano siunta?', 'lt'],
    ['negavau sms kodo', 'lt'],
    ['noriu pakeisti pastomata', 'lt'],
    ['paštomatas neatsidaro', 'lt'],
    ['Ačiū', 'lt'],
    ['labas', 'lt'],
    ['kur mano siunta CE482139075LT', 'lt'],
    ['Where is my parcel?', 'en'],
    ['i did not get the sms code', 'en'],
    ['the locker door will not open', 'en'],
    ['thanks', 'en'],
    ['Где моя посылка?', 'ru'],
    ['не пришел смс код', 'ru'],
    ['привет', 'ru'],
    ['посылка CE482139075LT', 'ru'],
    // Lithuanian place names inside other languages are names, not language evidence.
    ['change locker for CE482139075LT to Akropolis Klaipėda', 'en'],
    ['please send it to Šiaulių Akropolis instead', 'en'],
    ['перенаправьте в Akropolis Klaipėda', 'ru'],
    ['Pakeiskite paštomatą į Akropolis Klaipėda', 'lt'],
    ['Sveiki, siunta į Kauną vėluoja', 'lt'],
  ])('%s -> %s', (text, lang) => {
    const guess = detector.detect(text);
    expect(guess.lang).toBe(lang);
    expect(guess.score).toBeGreaterThan(0.5);
    expect(guess.score).toBeLessThanOrEqual(1);
  });

  it.each([[''], ['   '], ['12345'], ['861234567'], ['+370 612 34567'], ['CE 482 139 075 LT'], ['12345678901234'], ['👍🙏😀'], ['?!...'], ['https://example.com/1']])(
    'no language in %j',
    (text) => {
      expect(detector.detect(text)).toEqual({ score: 0 });
    },
  );

  it('uses the prior for ambiguous text but not against clear evidence', () => {
    expect(detector.detect('sms', 'lt').lang).toBe('lt');
    expect(detector.detect('sms', 'en').lang).toBe('en');
    expect(detector.detect('Where is my parcel?', 'lt').lang).toBe('en');
    expect(detector.detect('Где моя посылка?', 'en').lang).toBe('ru');
  });
});

describe('detectLanguage', () => {
  it('works without training data', () => {
    expect(detectLanguage('negavau kodo').lang).toBe('lt');
    expect(detectLanguage('42').lang).toBeUndefined();
  });
});

describe('Russian typed in Latin letters', () => {
  const detector = LanguageDetector.train(loadTrainingData());

  it.each(['kogda pridet moja posylka', 'ne mogu otkryt jaschik v postamate', 'spasibo bolshoe', 'zdravstvujte, gde moja posylka', 'ne prishla sms s kodom'])(
    '%s is Russian',
    (text) => expect(detector.detect(text).lang).toBe('ru'),
  );

  it.each<[string, 'lt' | 'en']>([
    ['where is my parcel', 'en'],
    ['thank you so much', 'en'],
    ['kur mano siunta', 'lt'],
    ['aciu labai', 'lt'],
    ['labas, kur mano siunta?', 'lt'],
  ])('%s stays %s', (text, lang) => expect(detector.detect(text).lang).toBe(lang));

  it('almost no Lithuanian or English training line is taken for Russian', () => {
    const latin = loadTrainingData().filter((e) => e.lang !== 'ru');
    const wrong = latin.filter((e) => detector.detect(e.text).lang === 'ru');
    expect(wrong.length / latin.length).toBeLessThan(0.002);
  });
});

describe('scriptLetters', () => {
  /** The definition: one Unicode script test per character. */
  function reference(text: string): { cyrillic: number; latin: number } {
    let cyrillic = 0;
    let latin = 0;
    for (const ch of text) {
      if (/\p{Script=Cyrillic}/u.test(ch)) cyrillic++;
      else if (/\p{Script=Latin}/u.test(ch)) latin++;
    }
    return { cyrillic, latin };
  }

  it('counts every character as the script test does: ASCII, Latin-1, Lithuanian, Cyrillic, symbols, emoji', () => {
    const every = Array.from({ length: 0x700 }, (_, i) => String.fromCodePoint(i)).join('');
    for (const text of [every, 'Labas, kur mano siunta CE123456789LT? 😡', 'Где моя посылка №5?', 'ＡＢＣ ﬁ ǅ ª º ẞ', '']) {
      expect(scriptLetters(text)).toEqual(reference(text));
    }
    expect(scriptLetters('Aa Žž Жж 1 @[`{')).toEqual({ cyrillic: 2, latin: 4 });
  });

  it('agrees with the script test on every training text', () => {
    const differ = loadTrainingData().filter(({ text }) => {
      const [a, b] = [scriptLetters(text), reference(text)];
      return a.cyrillic !== b.cyrillic || a.latin !== b.latin;
    });
    expect(differ).toEqual([]);
  });
});
