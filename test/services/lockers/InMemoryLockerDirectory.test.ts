import type { Locker } from '../../../services/carrier/types';
import { SANDBOX_LOCKERS as L } from '../../../services/carrier/sandbox/fixtures';
import { seedLockers } from '../../../services/carrier/sandbox/lockerSeed';
import { InMemoryLockerDirectory } from '../../../services/lockers/InMemoryLockerDirectory';
import { LOCKER_QUERIES, manyLockers } from '../../support/bigLockerDirectory';

const seed = seedLockers();
const dir = new InMemoryLockerDirectory(seed);
const byId = new Map(seed.map((l) => [l.id, l]));

/** Expected top result: an id, or a rule when several lockers tie by design (two Rimi in Šiauliai). */
type Expect = string | ((l: Locker) => boolean);
const chainIn = (chain: string, city: string) => (l: Locker) => l.name.startsWith(`${chain} `) && l.city === city;
const accepts = (expected: Expect, locker: Locker) => (typeof expected === 'string' ? locker.id === expected : expected(locker));

describe('InMemoryLockerDirectory.search on the sandbox seed', () => {
  test.each<[string, Expect]>([
    // Lithuanian, inflected, with and without diacritics
    ['akropolis klaipeda', L.akropolisKlaipeda],
    ['Akropolis Klaipėdoje', L.akropolisKlaipeda],
    ['Klaipėdos Akropolis', L.akropolisKlaipeda],
    ['ozo pastomatas', L.ozas],
    ['ozas', L.ozas],
    ['Ozo paštomatą', L.ozas],
    ['Vilniaus Panorama', L.panorama],
    ['panorama vilnius', L.panorama],
    ['Panoramoje', L.panorama],
    ['Akropolyje Vilniuje', L.akropolisVilnius],
    ['prie Maximos Savanorių prospekte Kaune', L.maximaSavanoriuKaunas],
    ['Kauno Mega', L.mega],
    ['Megoje', L.mega],
    ['paštomatas prie Rimi Šiauliuose', chainIn('Rimi', 'Šiauliai')],
    ['Iki Šiauliuose', chainIn('Iki', 'Šiauliai')],
    ['Taikos pr 61', L.akropolisKlaipeda],
    ['Taikos pr. 139', L.bigKlaipeda],
    ['Akropolis Šiauliuose', L.akropolisSiauliai],
    ['Šiaulių Saulės miestas', L.saulesMiestas],
    ['Europa', L.europa],
    ['Vilniaus geležinkelio stotis', L.vilniusRailwayStation],
    ['BIG Klaipėdoje', L.bigKlaipeda],
    ['Karaliaus Mindaugo 49', L.akropolisKaunas],
    ['LT-91182', L.akropolisKlaipeda],
    // typos
    ['akroplis klaipeda', L.akropolisKlaipeda],
    ['Vilnius Panorma', L.panorama],
    ['akropolis kaunsa', L.akropolisKaunas],
    ['Panevezio Babilnas', 'LT-PNV-0001'],
    ['gelezinkelio stotis vilnius', L.vilniusRailwayStation],
    // English
    ['Akropolis mall in Vilnius', L.akropolisVilnius],
    ['parcel locker at Mega Kaunas', L.mega],
    ['Vilnius railway station', L.vilniusRailwayStation],
    // Russian
    ['Акрополис Вильнюс', L.akropolisVilnius],
    ['постомат Мега Каунас', L.mega],
    ['Панорама в Вильнюсе', L.panorama],
    ['Клайпеда Акрополис', L.akropolisKlaipeda],
    ['Акрополис Шяуляй', L.akropolisSiauliai],
    ['Максима Савanoriu Каунас', L.maximaSavanoriuKaunas],
    // ids
    ['LT-VLN-0003', L.panorama],
    ['lt vln 0003', L.panorama],
  ])('%s', (query, expected) => {
    const results = dir.search(query);
    expect(results.length).toBeGreaterThan(0);
    const top = results[0].locker;
    if (!accepts(expected, top)) {
      throw new Error(`"${query}": expected ${String(expected)}, got ${results.map((r) => `${r.locker.id} ${r.locker.name} ${r.score}`).join('; ')}`);
    }
  });

  test.each(['labas', 'asdf', '', '   ', '123', 'kur mano siunta', 'ačiū', 'hello', '?!', 'paštomatas', 'CE482139075LT', '+37061234567'])(
    'nothing for %j',
    (query) => {
      expect(dir.search(query)).toEqual([]);
    },
  );

  test('an exact id scores 1 and comes first', () => {
    const [first] = dir.search('LT-KNS-0002');
    expect(first).toEqual({ locker: byId.get(L.mega), score: 1 });
  });

  test('a full name beats a partial one, and scores stay in (0, 1)', () => {
    const results = dir.search('akropolis klaipeda', 5);
    expect(results[0].score).toBeGreaterThan(results[1].score + 0.2);
    for (const r of results) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThan(1);
    }
    expect(results.map((r) => r.score)).toEqual([...results.map((r) => r.score)].sort((a, b) => b - a));
  });

  test('respects limit, deduplicates and orders ties by name', () => {
    const results = dir.search('Vilnius', 7);
    expect(results).toHaveLength(7);
    expect(new Set(results.map((r) => r.locker.id)).size).toBe(7);
    expect(results.every((r) => r.locker.city === 'Vilnius')).toBe(true);
    const names = results.map((r) => r.locker.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'lt')));
    expect(dir.search('Vilnius', 0)).toEqual([]);
  });

  test('the city reading of a word beats a street named after the city elsewhere', () => {
    const results = dir.search('Vilniaus', 10);
    expect(results.every((r) => r.locker.city === 'Vilnius')).toBe(true);
    expect(dir.search('Vilniaus g. Plungėje')[0].locker).toMatchObject({ city: 'Plungė', address: expect.stringMatching(/^Vilniaus g\./) });
    const kaunoStreet = dir.search('Kauno g. Vilniuje', 2).map((r) => r.locker);
    expect(kaunoStreet.map((l) => [l.city, l.address.startsWith('Kauno g.')])).toEqual([
      ['Vilnius', true],
      ['Vilnius', true],
    ]);
  });

  test('get() and size() cover inactive lockers; search skips them', () => {
    const inactive = seed.find((l) => !l.active);
    expect(inactive).toBeDefined();
    if (!inactive) return;
    expect(dir.size()).toBe(seed.length);
    expect(dir.get(inactive.id)).toBe(inactive);
    expect(dir.get(L.ozas)?.name).toBe('Ozas paštomatas');
    expect(dir.get('LT-NOPE-0001')).toBeUndefined();
    expect(dir.search(inactive.id).map((r) => r.locker.id)).not.toContain(inactive.id);
    expect(dir.search(`${inactive.address} ${inactive.city}`, 10).map((r) => r.locker.id)).not.toContain(inactive.id);
    const all = new InMemoryLockerDirectory(seed, { includeInactive: true });
    expect(all.search(inactive.id)[0].locker.id).toBe(inactive.id);
  });
});

describe('InMemoryLockerDirectory.extractMentions on the sandbox seed', () => {
  test.each<[string, string, Expect]>([
    ['change locker for CE482139075LT to Akropolis Klaipėda', 'Akropolis Klaipėda', L.akropolisKlaipeda],
    ['noriu pakeisti į Ozo paštomatą', 'Ozo', L.ozas],
    ['перенаправьте в постомат Akropolis в Вильнюсе', 'Akropolis в Вильнюсе', L.akropolisVilnius],
    ['Pakeiskite paštomatą į Megą Kaune', 'Megą Kaune', L.mega],
    ['please send it to LT-KNS-0003 instead', 'LT-KNS-0003', 'LT-KNS-0003'],
    ['can you redirect my parcel to Panorama in Vilnius, my phone is +370 612 34567', 'Panorama in Vilnius', L.panorama],
    ['peradresuokite siuntą CE625276011LT į Šiaulių Akropolį', 'Šiaulių Akropolį', L.akropolisSiauliai],
    ['siunta turėtų keliauti į Akropolį Klaipėdoje, ne į Vilnių', 'Akropolį Klaipėdoje', L.akropolisKlaipeda],
    ['noreciau kad butu pristatyta i Maxima Savanoriu pr. Kaune', 'Maxima Savanoriu pr. Kaune', L.maximaSavanoriuKaunas],
    ['pakeiskite į Taikos pr. 61', 'Taikos pr. 61', L.akropolisKlaipeda],
    ['pastomatas Iki Siauliuose, telefonas +37060011223', 'Iki Siauliuose', chainIn('Iki', 'Šiauliai')],
    ['the Rimi locker in Šiauliai please', 'Rimi locker in Šiauliai', chainIn('Rimi', 'Šiauliai')],
    ['в Мегу в Каунасе, пожалуйста', 'Мегу в Каунасе', L.mega],
    ['to the Vilnius airport locker', 'Vilnius airport', 'LT-VLN-0010'],
  ])('%s', (text, mentionText, expected) => {
    const mentions = dir.extractMentions(text);
    expect(mentions).toHaveLength(1);
    expect(mentions[0].text).toBe(mentionText);
    const top = byId.get(mentions[0].candidates[0].lockerId);
    expect(top && accepts(expected, top)).toBe(true);
  });

  test('several mentions come in text order; limit caps candidates', () => {
    const mentions = dir.extractMentions('ne į Panoramą, o į Akropolį Klaipėdoje', 2);
    expect(mentions.map((m) => m.text)).toEqual(['Panoramą', 'Akropolį Klaipėdoje']);
    expect(mentions[1].candidates[0].lockerId).toBe(L.akropolisKlaipeda);
    const akropolis = dir.extractMentions('į Akropolį', 2);
    expect(akropolis).toHaveLength(1);
    expect(akropolis[0].candidates).toHaveLength(2);
    expect(akropolis[0].candidates.every((c) => byId.get(c.lockerId)?.name.startsWith('Akropolis'))).toBe(true);
  });

  test('a chain name that is also a common word counts only next to a locker word', () => {
    expect(dir.extractMentions('noriu į Iki')[0]?.candidates.every((c) => byId.get(c.lockerId)?.name.startsWith('Iki '))).toBe(true);
    expect(dir.extractMentions('pristatykite iki penktadienio')).toEqual([]);
    expect(dir.extractMentions('važiuoju iki Kauno')).toEqual([]);
  });

  test.each([
    'kur mano siunta',
    'kur mano siunta CE482139075LT',
    'mano telefono numeris +37061234567',
    'where is my parcel?',
    'change the phone number please',
    'aš gyvenu Kaune',
    'when will the parcel be in Klaipėda',
    'siunta vis dar neatkeliavo į paštomatą',
    'neliko laisvų vietų paštomate',
    'saulė šviečia, ekrane nieko nesimato',
    'I did not take a photo of the tracking number',
    'how do I pick up my parcel without the SMS code',
    'the compartments are too small, no big one free',
    'kaina siuntai iš Kauno į Vilnių',
    'Где моя посылка?',
    'ačiū, viskas gerai',
    'noriu pakeisti paštomatą',
    'siunta vėluoja jau 5 dienas',
    'been standing at the locker 20 minutes',
  ])('no locker in %j', (text) => {
    expect(dir.extractMentions(text)).toEqual([]);
  });
});

/** A small directory of our own, so behaviour does not hinge on the sandbox seed alone. */
describe('InMemoryLockerDirectory on its own fixture', () => {
  const locker = (id: string, name: string, city: string, address: string, placeType = 'mall', active = true): Locker => ({
    id,
    name,
    city,
    address,
    postalCode: 'LT-00000',
    lat: 0,
    lng: 0,
    hours: { allDay: true },
    placeType,
    active,
  });
  const fixture = [
    locker('LV-RIX-0001', 'Origo paštomatas', 'Rīga', 'Stacijas laukums 2'),
    locker('LT-VLN-0100', 'Ozas paštomatas', 'Vilnius', 'Ozo g. 18'),
    locker('LT-VLN-0101', 'Akropolis Vilnius paštomatas', 'Vilnius', 'Ozo g. 25'),
    locker('LT-KNS-0100', 'Kauno g. 16 paštomatas', 'Vilnius', 'Kauno g. 16', 'street'),
    locker('LT-KNS-0101', 'Mega paštomatas', 'Kaunas', 'Islandijos pl. 32'),
    locker('LT-KNS-0102', 'Senas paštomatas', 'Kaunas', 'Senoji g. 1', 'street', false),
    locker('LT-KNS-0102', 'Duplicate id is ignored', 'Kaunas', 'Kita g. 1'),
  ];
  const small = new InMemoryLockerDirectory(fixture);

  test.each([
    ['Origo Rīgā', 'LV-RIX-0001'],
    ['origo riga', 'LV-RIX-0001'],
    ['Ориго Рига', 'LV-RIX-0001'],
    ['Kauno Mega', 'LT-KNS-0101'],
    ['Kauno g. 16', 'LT-KNS-0100'],
    ['ozas', 'LT-VLN-0100'],
    ['akropolis', 'LT-VLN-0101'],
  ])('%s -> %s', (query, id) => {
    expect(small.search(query)[0]?.locker.id).toBe(id);
  });

  test('keeps the first of duplicate ids and skips inactive lockers in search', () => {
    expect(small.size()).toBe(6);
    expect(small.get('LT-KNS-0102')?.name).toBe('Senas paštomatas');
    expect(small.search('Senas')).toEqual([]);
  });
});

describe('InMemoryLockerDirectory at scale', () => {
  // How long this takes is a benchmark figure (`npm run bench:nlu`), not a timed test.
  test('a directory of 3,000+ lockers answers every query and still finds the locker asked for', () => {
    const many = manyLockers(seed);
    expect(many.length).toBeGreaterThanOrEqual(3000);
    const big = new InMemoryLockerDirectory(many);
    expect(big.size()).toBe(many.length);
    // Ten times the lockers do not change the answer: the top hit is a copy of the seed's top hit.
    // (A locker id typed as such is looked up as the id, and the copies' ids are different.)
    for (const q of LOCKER_QUERIES.filter((query) => !/^LT-/.test(query))) {
      const expected = dir.search(q)[0]?.locker.id;
      const got = big.search(q)[0]?.locker.id;
      if (expected === undefined) expect(got).toBeUndefined();
      else expect(got?.replace(/-\d+$/, '')).toBe(expected);
      // The same parts of the message are taken for locker references.
      expect(big.extractMentions(q).map((m) => m.text)).toEqual(dir.extractMentions(q).map((m) => m.text));
    }
    expect(big.search('akropolis klaipeda')[0].locker.id).toBe(`${L.akropolisKlaipeda}-0`);
  });
});
