import { ordinalChoice } from '../../../../services/nlu/entities/ordinal';

describe('ordinalChoice: a position in a shown list, in lt/en/ru', () => {
  test.each([
    ['2', 2], ['2.', 2], ['nr. 3', 3], ['#1', 1], ['№ 2', 2],
    ['the second one', 2], ['first', 1], ['the 3rd', 3], ['the last one', 4], ['number 4', 4],
    ['antrą', 2], ['antrasis', 2], ['pirmą', 1], ['trečią prašau', 3], ['paskutinį', 4], ['antra', 2],
    ['первый', 1], ['вторую', 2], ['третий', 3], ['последний', 4], ['давайте второй', 2], ['vtoroj', 2], ['pervyj', 1],
  ])('"%s" → %d (of 4)', (text, expected) => expect(ordinalChoice(text, 4)).toBe(expected));

  test.each([
    ['5', 'beyond the list'],
    ['the second street on the left near the first shop', 'a sentence'],
    ['pirmadienį', 'Monday'],
    ['вторник', 'Tuesday'],
    ['akropolis', 'a name'],
    ['first or second', 'two positions'],
    ['', 'nothing'],
  ])('"%s" is not a position (%s)', (text) => expect(ordinalChoice(text, 4)).toBeUndefined());
});
