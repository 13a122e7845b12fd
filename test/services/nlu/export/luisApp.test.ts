import { toLuisApp, LUIS_CULTURE } from '../../../../services/nlu/export/luisApp';
import { INTENTS } from '../../../../services/nlu/types';
import { EXAMPLES } from './fixtures';

describe('toLuisApp', () => {
  const app = toLuisApp(EXAMPLES);

  test('schema 7.0.0 basics; lt by default', () => {
    expect(app.luis_schema_version).toBe('7.0.0');
    expect(app.culture).toBe('lt-lt');
    expect(app.versionId).toBe('0.1');
    expect(app.name).toBe('LockerDesk (lt)');
    expect(typeof app.desc).toBe('string');
    for (const key of ['intents', 'entities', 'closedLists', 'prebuiltEntities', 'regex_entities', 'patterns', 'utterances', 'composites', 'phraselists']) {
      expect(Array.isArray((app as unknown as Record<string, unknown>)[key])).toBe(true);
    }
  });

  test('every intent is declared, including None; every utterance uses a declared intent', () => {
    const names = app.intents.map((i) => i.name);
    expect(names).toHaveLength(INTENTS.length);
    expect(names).toContain('None');
    const declared = new Set(names);
    for (const u of app.utterances) {
      expect(declared.has(u.intent)).toBe(true);
      expect(u.entities).toEqual([]);
    }
  });

  test('monolingual: only the chosen language is exported', () => {
    expect(app.utterances.map((u) => u.text)).toEqual(EXAMPLES.filter((e) => e.lang === 'lt').map((e) => e.text));
    const en = toLuisApp(EXAMPLES, { lang: 'en', versionId: '1.2' });
    expect(en.culture).toBe(LUIS_CULTURE.en);
    expect(en.versionId).toBe('1.2');
    expect(en.utterances).toEqual([
      { text: 'I gave the wrong phone number', intent: 'fix_phone', entities: [] },
      { text: 'hello', intent: 'greet', entities: [] },
    ]);
  });

  test('TrackingNumber regex entity matches S10 (with separators) and 14-digit numbers only', () => {
    expect(app.regex_entities).toHaveLength(1);
    const re = new RegExp(app.regex_entities[0].regexPattern);
    expect(app.regex_entities[0].name).toBe('TrackingNumber');
    for (const yes of ['CE482139075LT', 'ce 482 139 075 lt', 'siunta CE-482-139-075-LT', '12345678901234']) expect(re.test(yes)).toBe(true);
    for (const no of ['1234567890123', 'CE48213907LT', 'hello']) expect(re.test(no)).toBe(false);
    expect(app.prebuiltEntities).toEqual([{ name: 'phonenumber', roles: [] }]);
  });

  test('lockers become a closed list with locker ids as canonical forms', () => {
    const withLockers = toLuisApp(EXAMPLES, { lockers: [{ id: 'LT-KLP-0007', synonyms: ['Akropolis Klaipėda', 'LT-KLP-0007'] }] });
    expect(withLockers.closedLists).toEqual([
      { name: 'Locker', subLists: [{ canonicalForm: 'LT-KLP-0007', list: ['Akropolis Klaipėda'] }], roles: [] },
    ]);
    expect(app.closedLists).toEqual([]);
  });
});
