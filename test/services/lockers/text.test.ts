import { blankEntities, editDistance, foldText, stem, tokenize } from '../../../services/lockers/text';

const stems = (text: string) => tokenize(text).map((t) => t.stem);

describe('locker text folding', () => {
  test.each([
    ['Klaipėda', 'klaipeda'],
    ['ŠIAULIAI', 'siauliai'],
    ['Žirmūnų', 'zirmunu'],
    ['Maxima', 'maksima'],
    ['Вильнюс', 'vilnius'],
    ['Шяуляй', 'siauliai'],
    ['Клайпеда', 'klaipeda'],
  ])('%s -> %s', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });
});

describe('stemming puts inflected forms on one stem', () => {
  test.each([
    [['Vilnius', 'Vilniaus', 'Vilniuje', 'Vilnių', 'vilniui', 'Вильнюс', 'Вильнюсе', 'Вильнюса'], 'viln'],
    [['Klaipėda', 'Klaipėdos', 'Klaipėdoje', 'Klaipėdą', 'Клайпеда', 'Клайпеде'], 'klaiped'],
    [['Kaunas', 'Kauno', 'Kaune', 'Kauną', 'Каунас', 'Каунасе'], 'kaun'],
    [['Šiauliai', 'Šiaulių', 'Šiauliuose', 'Šiauliams', 'Шяуляй', 'Шяуляе'], 'siaul'],
    [['Panevėžys', 'Panevėžio', 'Panevėžyje', 'Panevėžį', 'Паневежис', 'Паневежисе'], 'panevez'],
    [['Akropolis', 'Akropolyje', 'Akropolio', 'Akropolį', 'Акрополис', 'Акрополисе', 'Акрополе'], 'akropol'],
    [['Maxima', 'Maximos', 'Maximoje', 'Maximą', 'Максима', 'Максиме', 'Максимы'], 'maksim'],
    [['Ozas', 'Ozo', 'Ozą', 'Озас'], 'oz'],
    [['Mega', 'Megoje', 'Megos', 'Мега', 'Меге'], 'meg'],
    [['Savanorių', 'Savanoriai', 'savanoriu'], 'savanor'],
  ])('%j -> %s', (forms, expected) => {
    for (const form of forms) expect(stems(form)).toEqual([expected]);
  });

  test('keeps numbers and short words', () => {
    expect(stem('61a')).toBe('61a');
    expect(stems('Taikos pr. 61')).toEqual(['taik', 'pr', '61']);
    expect(stem('kas')).toBe('kas');
  });
});

describe('tokenize', () => {
  test('keeps offsets, breaks and dots', () => {
    const tokens = tokenize('Akropolis, Klaipėda? Taikos pr. 61');
    expect(tokens.map((t) => [t.start, t.end])).toEqual([
      [0, 9],
      [11, 19],
      [21, 27],
      [28, 30],
      [32, 34],
    ]);
    expect(tokens.map((t) => t.breakBefore)).toEqual([false, false, true, false, false]);
    expect(tokens[3].dotAfter).toBe(true);
    expect(tokens[4].isNumber).toBe(true);
  });
});

describe('blankEntities', () => {
  const nul = (n: number) => '\u0000'.repeat(n);
  test.each([
    ['siunta CE482139075LT į Ozą', `siunta ${nul(13)} į Ozą`],
    ['tel. +370 612 34567, Akropolis', `tel. ${nul(14)}, Akropolis`],
    ['14 digits 12345678901234 here', `14 digits ${nul(14)} here`],
    ['mail a@b.lt or https://x.lt/y Ozas', `mail ${nul(6)} or ${nul(14)} Ozas`],
    ['Taikos pr. 61, LT-91182', 'Taikos pr. 61, LT-91182'],
  ])('%s', (input, expected) => {
    const out = blankEntities(input);
    expect(out).toBe(expected);
    expect(out).toHaveLength(input.length);
  });
});

describe('editDistance (optimal string alignment)', () => {
  test.each([
    ['akropol', 'akropol', 2, 0],
    ['akroplo', 'akropol', 2, 1], // transposition
    ['akrpol', 'akropol', 2, 1], // deletion
    ['panorma', 'panoram', 2, 1],
    ['klaipd', 'klaiped', 2, 1],
    ['kaunas', 'vilnius', 2, 3], // capped at max + 1
    ['abc', 'abcdef', 1, 2],
  ])('%s ~ %s', (a, b, max, expected) => {
    expect(editDistance(a, b, max)).toBe(expected);
  });
});
