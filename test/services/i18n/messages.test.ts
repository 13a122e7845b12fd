import { createMessages } from '../../../services/i18n/messages';
import { chooseLanguage, localeLang } from '../../../services/i18n/languagePolicy';
import { matchChoice } from '../../../services/i18n/choices';
import { maskPhone } from '../../../services/i18n/format';
import { LANGS } from '../../../services/i18n/langs';

const messages = createMessages();
const base = (key: string) => key.replace(/_(one|few|many|other|zero|two)$/, '');

describe('message resources', () => {
  test.each(LANGS.map((l) => [l]))('%s has every key of every other language (plural forms aside)', (lang) => {
    const mine = new Set(messages.keys(lang).map(base));
    for (const other of LANGS) for (const key of messages.keys(other)) expect([lang, mine.has(base(key)) ? key : `MISSING ${key}`]).toEqual([lang, key]);
  });

  test.each([
    ['lt', ['one', 'few', 'many', 'other']],
    ['ru', ['one', 'few', 'many', 'other']],
    ['en', ['one', 'other']],
  ] as const)('%s plural keys have every form the language needs', (lang, forms) => {
    const plural = messages.keys(lang).filter((k) => /_(one|few|many|other)$/.test(k));
    for (const key of new Set(plural.map(base))) for (const f of forms) expect(messages.has(lang, `${key}_${f}`)).toBe(true);
  });

  test('plurals are chosen by the language rules', () => {
    expect(messages.t('lt', 'summary.attachments', { count: 1 })).toBe('1 priedas');
    expect(messages.t('lt', 'summary.attachments', { count: 3 })).toBe('3 priedai');
    expect(messages.t('lt', 'summary.attachments', { count: 10 })).toBe('10 priedų');
    expect(messages.t('ru', 'summary.attachments', { count: 2 })).toBe('2 вложения');
    expect(messages.t('ru', 'summary.attachments', { count: 5 })).toBe('5 вложений');
  });

  test('an unknown key is a loud error, not a silent key echo', () => {
    expect(() => messages.t('en', 'no.such.key')).toThrow(/no message/);
  });
});

describe('language policy', () => {
  test.each([
    [{ command: { lang: 'ru' as const } }, 'ru', true],
    [{ locale: 'en-US' }, 'en', false],
    [{ current: 'lt' as const, detected: { lang: 'en' as const, score: 0.99 }, text: 'where is my parcel' }, 'en', false],
    [{ current: 'lt' as const, detected: { lang: 'en' as const, score: 0.99 }, text: 'ok' }, 'lt', false],
    [{ current: 'en' as const, inFlow: true, detected: { lang: 'lt' as const, score: 0.99 }, text: 'panorama vilnius' }, 'en', false],
    [{ current: 'en' as const, chosen: true, detected: { lang: 'lt' as const, score: 0.9 }, text: 'kur mano siunta dabar' }, 'en', true],
    [{ current: 'lt' as const, inFlow: true, detected: { lang: 'ru' as const, score: 0.99 }, text: 'да' }, 'ru', false],
    [{ current: 'lt' as const, detected: undefined, text: '+37061234567' }, 'lt', false],
  ])('%j -> %s', (input, lang, chosen) => {
    expect(chooseLanguage(input)).toEqual({ lang, chosen });
  });

  test('locales map to the bot languages', () => {
    expect(localeLang('lt-LT')).toBe('lt');
    expect(localeLang('ru_RU')).toBe('ru');
    expect(localeLang('de-DE')).toBeUndefined();
  });
});

describe('answers and masking', () => {
  const yesNo = [
    { value: 'yes', labels: ['Taip', 'yes', 'да'] },
    { value: 'no', labels: ['Ne', 'no', 'нет'] },
  ];
  test.each([
    ['taip', 'yes'],
    ['TAIP!', 'yes'],
    ['Да', 'yes'],
    ['2', 'no'],
    ['ne, ačiū', 'no'],
    ['maybe', undefined],
    ['yes no', undefined],
  ])('%s -> %s', (text, value) => expect(matchChoice(text, yesNo)).toBe(value));

  test('phones are masked keeping the country code and the last three digits', () => {
    expect(maskPhone('+37061234567')).toBe('+370 6** **567');
    expect(maskPhone('+48601234567')).toBe('+48 6** ***567');
    expect(maskPhone('+37061234567')).not.toContain('1234');
    expect(maskPhone('not a phone')).toBe('***');
  });
});
