import { InMemoryCarrier } from '../../../../services/carrier/sandbox/InMemoryCarrier';
import { SANDBOX_LOCKERS as L } from '../../../../services/carrier/sandbox/fixtures';
import { InMemoryLockerDirectory } from '../../../../services/lockers/InMemoryLockerDirectory';
import { extractEntities } from '../../../../services/nlu/entities';
import { lockerChange, wantedLocker } from '../../../../services/nlu/entities/lockerRoles';

let directory: InMemoryLockerDirectory;
beforeAll(async () => {
  directory = new InMemoryLockerDirectory(await new InMemoryCarrier().listLockers());
});
const resolve = (t: string) => directory.extractMentions(t);
const AKROPOLIS_ALL = [L.akropolisKaunas, L.akropolisKlaipeda, L.akropolisSiauliai, L.akropolisVilnius];

describe('lockerChange / wantedLocker: the locker to leave is never the one wanted (lt/en/ru)', () => {
  test.each([
    ['change from Akropolis Vilnius to Mega Kaunas', [L.akropolisVilnius], [L.mega]],
    ['pakeiskite iš Akropolio Vilniuje į Megą Kaune', [L.akropolisVilnius], [L.mega]],
    ['поменяйте с Акрополис Вильнюс на Мега Каунас', [L.akropolisVilnius], [L.mega]],
    ['ne į Ozą, o į Akropolį', [L.ozas], AKROPOLIS_ALL],
    ['ne i Oza, o i Akropoli Kaune', [L.ozas], [L.akropolisKaunas]],
    ['не в Озас, а в Акрополис', [L.ozas], AKROPOLIS_ALL],
    ['I want it at Mega Kaunas, not Akropolis Vilnius', [L.akropolisVilnius], [L.mega]],
    ['Mega Kaunas, not Akropolis Vilnius', [L.akropolisVilnius], [L.mega]],
    // A word or two between the cue and the locker is still the locker to leave.
    ['change it from the Akropolis Vilnius to Mega Kaunas', [L.akropolisVilnius], [L.mega]],
    ['not to the Ozas but to Akropolis Kaunas', [L.ozas], [L.akropolisKaunas]],
    ['iš paštomato Akropolyje Vilniuje į Megą Kaune', [L.akropolisVilnius], [L.mega]],
    ['не в ТЦ Озас, а в Мега Каунас', [L.ozas], [L.mega]],
  ])('%s', (text, leave, wanted) => {
    const entities = extractEntities(text, { resolveLockers: resolve });
    const w = wantedLocker(entities);
    expect(w?.leave).toEqual(leave);
    const change = lockerChange(text, resolve);
    expect(change.to?.candidates.map((c) => c.lockerId).sort()).toEqual([...wanted].sort());
    expect(w?.query).toBe(change.to?.text);
    for (const id of leave) expect(wanted).not.toContain(id);
  });

  test('only the locker to leave: nothing wanted yet (the dialog asks)', () => {
    expect(wantedLocker(extractEntities('not Ozas', { resolveLockers: resolve }))).toEqual({ leave: [L.ozas] });
  });

  // A "no"/"not"/"с" that is no cue for the locker after it: the locker is the one wanted, none to leave.
  test.each([
    ['ne, Panorama Vilniuje', 'Panorama Vilniuje'],
    ['not sure, Panorama Vilnius', 'Panorama Vilnius'],
    ['не знаю, Панорама Вильнюс', 'Панорама Вильнюс'],
    ['с удовольствием, Панорама Вильнюс', 'Панорама Вильнюс'],
  ])('a "from" word not right before the locker names none to leave (%s)', (text, query) => {
    expect(lockerChange(text, resolve)).toEqual({});
    const entities = extractEntities(text, { resolveLockers: resolve });
    expect(entities.lockerChange).toBeUndefined();
    expect(wantedLocker(entities)?.leave).toEqual([]);
    expect(entities.lockers[0]?.candidates[0]?.lockerId).toBe(L.panorama);
    expect(wantedLocker(entities)?.query).toContain(query.split(' ')[0]);
  });

  test.each([
    ['Change locker for CE482139075LT to Mega in Kaunas, my phone 8 612 34567', 'Mega in Kaunas'],
    ['please send my parcel CE482139075LT to another locker: Akropolis Klaipėda', 'Akropolis Klaipėda'],
    ['перенаправьте посылку CE482139075LT в постомат Akropolis Klaipėda', 'Akropolis Klaipėda'],
  ])('no locker to leave: the first mention, as before (%s)', (text, query) => {
    const entities = extractEntities(text, { resolveLockers: resolve });
    expect(entities.lockerChange).toBeUndefined();
    expect(wantedLocker(entities)).toEqual({ query, leave: [] });
  });
});

test('without a cue naming a locker to leave, the resolver is asked once, for the whole text (as before)', () => {
  const seen: string[] = [];
  const entities = extractEntities('perkelkite į Akropolio paštomatą', {
    resolveLockers: (t) => {
      seen.push(t);
      return resolve(t);
    },
  });
  expect(seen).toEqual(['perkelkite į Akropolio paštomatą']);
  expect(entities.lockerChange).toBeUndefined();
  expect(Object.keys(entities).sort()).toEqual(['lockers', 'phones', 'trackingNumbers']);
});
