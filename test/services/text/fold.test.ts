import { foldText, romanize } from '../../../services/text/fold';
import { tokenize } from '../../../services/nlu/text';

describe('foldText', () => {
  it.each([
    ['PAŠTOMATAAAS', 'pastomataas'],
    ['Ačiū!', 'aciu!'],
    ['Посылка ЁЛКА', 'посылка елка'],
  ])('%s -> %s', (input, expected) => expect(foldText(input)).toBe(expected));
});

describe('romanize: Russian in Cyrillic and in Latin letters meet', () => {
  it.each([
    ['Когда придёт посылка', 'kogda pridet posylka', 'kogda pridet posylka'],
    ['не могу открыть ящик', 'ne mogu otkryt yashchik', 'ne mogu otkryt jaschik'],
    ['не могу открыть ящик', 'ne mogu otkryt jaschik', 'ne mogu otkryt jaschik'],
    ['благодарю', 'blagodaryu', 'blagodarju'],
    ['где моя посылка', 'gde moya posylka', 'gde moja posylka'],
    ['мой постамат', 'moy postamat', 'moj postamat'],
    ['хорошо', 'khorosho', 'horosho'],
  ])('%s and %s -> %s', (cyrillic, latin, expected) => {
    expect(romanize(cyrillic)).toBe(expected);
    expect(romanize(latin)).toBe(expected);
  });

  it('leaves Lithuanian recognisable and folds its diacritics', () => {
    expect(romanize('Kur mano siunta? Paštomatas neatsidaro')).toBe('kur mano siunta? pastomatas neatsidaro');
  });

  it('is what the intent model sees (entities are placeholders first)', () => {
    expect(tokenize('Где посылка CE482139075LT?')).toEqual(['gde', 'posylka', '<trk>']);
    expect(tokenize('gde posylka CE482139075LT')).toEqual(['gde', 'posylka', '<trk>']);
  });
});
