import { toCluProject, trackingLabels, CLU_LANGUAGE } from '../../../../services/nlu/export/cluProject';
import { TRACKING_REGEX } from '../../../../services/nlu/cloud/cloudSchema';
import { INTENTS } from '../../../../services/nlu/types';
import { EXAMPLES } from './fixtures';

describe('toCluProject', () => {
  const file = toCluProject(EXAMPLES, { projectName: 'lockerdesk', confidenceThreshold: 0.3 });

  test('metadata follows the CLU import schema', () => {
    expect(file.projectFileVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(file.stringIndexType).toBe('Utf16CodeUnit');
    expect(file.metadata).toEqual({
      projectKind: 'Conversation',
      projectName: 'lockerdesk',
      multilingual: true,
      description: expect.any(String),
      language: 'lt',
      settings: { confidenceThreshold: 0.3 },
    });
    expect(file.assets.projectKind).toBe('Conversation');
  });

  test('every intent is declared once, none as None', () => {
    const cats = file.assets.intents.map((i) => i.category);
    expect(cats).toHaveLength(INTENTS.length);
    expect(new Set(cats).size).toBe(cats.length);
    expect(cats).toContain('None');
    expect(cats).not.toContain('none');
    for (const i of INTENTS.filter((x) => x !== 'none')) expect(cats).toContain(i);
  });

  test('every example is an utterance with a declared intent and its own language', () => {
    expect(file.assets.utterances).toHaveLength(EXAMPLES.length);
    const declared = new Set(file.assets.intents.map((i) => i.category));
    file.assets.utterances.forEach((u, i) => {
      expect(u.text).toBe(EXAMPLES[i].text);
      expect(declared.has(u.intent)).toBe(true);
      expect(u.language).toBe(CLU_LANGUAGE[EXAMPLES[i].lang]);
      expect(u).not.toHaveProperty('dataset');
    });
    expect(file.assets.utterances.map((u) => u.language)).toEqual(expect.arrayContaining(['lt', 'en-us', 'ru']));
  });

  test('tracking numbers are labelled in UTF-16 offsets, and their entity is declared with regex components per language', () => {
    const u = file.assets.utterances[1];
    expect(u.entities).toEqual([{ category: 'TrackingNumber', offset: u.text.indexOf('CE'), length: 'CE 482 139 075 LT'.length }]);
    expect(file.assets.utterances[3].entities).toEqual([{ category: 'TrackingNumber', offset: 16, length: 14 }]);
    const declared = new Set(file.assets.entities.map((e) => e.category));
    for (const u2 of file.assets.utterances) for (const e of u2.entities) expect(declared.has(e.category)).toBe(true);
    const tracking = file.assets.entities.find((e) => e.category === 'TrackingNumber');
    expect(tracking?.regex?.expressions.map((x) => x.language).sort()).toEqual(['en-us', 'en-us', 'lt', 'lt', 'ru', 'ru']);
    expect(tracking?.regex?.expressions.map((x) => x.regexPattern)).toContain(TRACKING_REGEX.s10);
    expect(file.assets.entities.find((e) => e.category === 'Phone')?.prebuilts).toEqual([{ category: 'PhoneNumber' }]);
    expect(declared.has('Locker')).toBe(false);
  });

  test('lockers become a list component keyed by locker id', () => {
    const f = toCluProject(EXAMPLES, {
      projectName: 'p',
      lockers: [{ id: 'LT-KLP-0007', synonyms: ['Akropolis Klaipėda', 'Taikos pr. 61'] }],
    });
    const locker = f.assets.entities.find((e) => e.category === 'Locker');
    expect(locker?.list?.sublists).toEqual([
      {
        listKey: 'LT-KLP-0007',
        synonyms: expect.arrayContaining([{ language: 'lt', values: ['LT-KLP-0007', 'Akropolis Klaipėda', 'Taikos pr. 61'] }]),
      },
    ]);
  });

  test('testEvery puts every n-th utterance of an intent into Test', () => {
    const f = toCluProject(EXAMPLES, { projectName: 'p', testEvery: 2 });
    const readdress = f.assets.utterances.filter((u) => u.intent === 'readdress').map((u) => u.dataset);
    expect(readdress).toEqual(['Train', 'Test', 'Train']);
  });

  test('the output is plain JSON and deterministic', () => {
    const again = toCluProject(EXAMPLES, { projectName: 'lockerdesk', confidenceThreshold: 0.3 });
    expect(JSON.parse(JSON.stringify(file))).toEqual(again);
  });

  test('trackingLabels finds S10 with separators and 14-digit numbers, not 13 digits', () => {
    expect(trackingLabels('a CE-482-139-075-LT b 1234567890123 c 12345678901234')).toEqual([
      { category: 'TrackingNumber', offset: 2, length: 17 },
      { category: 'TrackingNumber', offset: 38, length: 14 },
    ]);
  });
});
