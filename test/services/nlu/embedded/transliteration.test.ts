/**
 * Latin-script Russian, mixed Lithuanian-Russian, abbreviations, indirect requests and «постамат»
 * on the deployed model (the artifact): Russian in Latin letters reaches the same features as
 * Cyrillic (services/text/fold.ts `romanize`) and is answered in Russian.
 */
import { EmbeddedRecognizer } from '../../../../services/nlu/embedded/EmbeddedRecognizer';
import type { Intent } from '../../../../services/nlu/types';
import type { Lang } from '../../../../services/i18n/langs';

const { recognizer } = EmbeddedRecognizer.load();

describe('Russian in Latin letters and mixed messages', () => {
  it.each<[string, Intent, Lang]>([
    ['kogda pridet posylka', 'track', 'ru'],
    ['gde moja posylka?', 'track', 'ru'],
    ['ne mogu otkryt jaschik', 'locker_fault', 'ru'],
    ['yachejka ne otkryvaetsya', 'locker_fault', 'ru'],
    ['blagodarju', 'thanks', 'ru'],
    ['spasibo bolshoe', 'thanks', 'ru'],
    ['hochu pogovorit s operatorom', 'agent', 'ru'],
    ['labas, gde moja siunta?', 'track', 'lt'],
  ])('%s -> %s (%s)', (text, intent, lang) => {
    const r = recognizer.recognizeSync(text);
    expect(r.intent).toBe(intent);
    expect(r.lang).toBe(lang);
  });
});

describe('abbreviations, indirect requests and «постамат»', () => {
  it.each<[string, Intent]>([
    ['neteisingas gavejo tel. nr.', 'fix_phone'],
    ['wrong tel. no. for the recipient', 'fix_phone'],
    ['неверный тел. у получателя', 'fix_phone'],
    ['where is my parcel no. CE482139075LT', 'track'],
    ['could it go to the locker by my office instead?', 'readdress'],
    ['ar galetu siunta nukeliauti i pastomata prie darbo?', 'readdress'],
    ['а можно чтобы она пришла в постамат у работы?', 'readdress'],
    ['постамат не открывается', 'locker_fault'],
    ['когда посылка будет в постамате?', 'track'],
  ])('%s -> %s', (text, intent) => expect(recognizer.recognizeSync(text).intent).toBe(intent));
});
