/**
 * The training data as an Azure AI Language CLU project import file (conversation project), so a
 * CLU model can be trained from the same TSV files as the embedded recognizer. The result is plain
 * JSON for the authoring API's `:import` or Language Studio's import.
 */
import { CLOUD_ENTITY, TRACKING_REGEX, intentToCloud } from '../cloud/cloudSchema';
import type { TrainingExample } from '../trainingData';
import { INTENTS } from '../types';
import { LANGS, type Lang } from '../../i18n/langs';

/** Our languages as CLU language codes (CLU has `en-us`, not `en`). */
export const CLU_LANGUAGE: Readonly<Record<Lang, string>> = { lt: 'lt', en: 'en-us', ru: 'ru' };

/** A locker as a list-entity sublist: the key is the locker id, the synonyms how people name it. */
export interface ExportLocker {
  id: string;
  /** Names, addresses and places customers use for it, e.g. `Akropolis Klaipėda`, `Taikos pr. 61`. */
  synonyms: string[];
}

export interface CluExportOptions {
  projectName: string;
  description?: string;
  /** The project's primary language. Default `lt`. */
  language?: Lang;
  /** Below this score CLU answers `None`. Default 0 (the bot applies NLU_MIN_CONFIDENCE itself). */
  confidenceThreshold?: number;
  /** Authoring API version the file is for. Default `2023-04-01`. */
  projectFileVersion?: string;
  /** Every n-th utterance of each intent and language goes to the `Test` set, the rest to `Train`; 0 = leave the split to CLU. Default 0. */
  testEvery?: number;
  /** When given, `Locker` gets a list component whose keys are locker ids. */
  lockers?: readonly ExportLocker[];
}

export interface CluEntityLabel {
  category: string;
  offset: number;
  length: number;
}

export interface CluUtterance {
  text: string;
  intent: string;
  language: string;
  dataset?: 'Train' | 'Test';
  entities: CluEntityLabel[];
}

export interface CluEntityDef {
  category: string;
  compositionSetting: 'combineComponents' | 'separateComponents' | 'returnLongestOverlap' | 'requireExactOverlap';
  prebuilts?: { category: string }[];
  regex?: { expressions: { regexKey: string; language: string; regexPattern: string }[] };
  list?: { sublists: { listKey: string; synonyms: { language: string; values: string[] }[] }[] };
}

export interface CluProjectFile {
  projectFileVersion: string;
  stringIndexType: 'Utf16CodeUnit';
  metadata: {
    projectKind: 'Conversation';
    projectName: string;
    multilingual: true;
    description: string;
    language: string;
    settings: { confidenceThreshold: number };
  };
  assets: {
    projectKind: 'Conversation';
    intents: { category: string }[];
    entities: CluEntityDef[];
    utterances: CluUtterance[];
  };
}

/** Tracking-number spans in `text`, as labels in UTF-16 code units (the file's `stringIndexType`). */
export function trackingLabels(text: string): CluEntityLabel[] {
  const out: CluEntityLabel[] = [];
  for (const source of [TRACKING_REGEX.s10, TRACKING_REGEX.numeric14]) {
    for (const m of text.matchAll(new RegExp(source, 'g'))) {
      out.push({ category: CLOUD_ENTITY.tracking, offset: m.index ?? 0, length: m[0].length });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Builds the CLU import file: every intent of ours (`none` as CLU's `None`) whether or not it has
 * examples, entities `TrackingNumber` (regex components for S10 and 14-digit numbers in every
 * language present, plus labelled spans), `Phone` (prebuilt `PhoneNumber`) and, when `lockers` are given, `Locker` (a list
 * component keyed by locker id), and one utterance per example with its own
 * language. Pure: same input, same output.
 */
export function toCluProject(examples: readonly TrainingExample[], opts: CluExportOptions): CluProjectFile {
  const primary = opts.language ?? 'lt';
  const langs = LANGS.filter((l) => l === primary || examples.some((e) => e.lang === l));
  const testEvery = Math.max(0, Math.floor(opts.testEvery ?? 0));
  const seen = new Map<string, number>();

  const utterances: CluUtterance[] = examples.map((ex) => {
    const u: CluUtterance = {
      text: ex.text,
      intent: intentToCloud(ex.intent),
      language: CLU_LANGUAGE[ex.lang],
      entities: trackingLabels(ex.text),
    };
    if (testEvery > 0) {
      const key = `${ex.lang}\t${ex.intent}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      u.dataset = n % testEvery === 0 ? 'Test' : 'Train';
    }
    return u;
  });

  const entities: CluEntityDef[] = [
    {
      category: CLOUD_ENTITY.tracking,
      compositionSetting: 'combineComponents',
      regex: {
        expressions: langs.flatMap((l) => [
          { regexKey: `s10_${l}`, language: CLU_LANGUAGE[l], regexPattern: TRACKING_REGEX.s10 },
          { regexKey: `numeric14_${l}`, language: CLU_LANGUAGE[l], regexPattern: TRACKING_REGEX.numeric14 },
        ]),
      },
    },
    { category: CLOUD_ENTITY.phone, compositionSetting: 'combineComponents', prebuilts: [{ category: 'PhoneNumber' }] },
  ];
  if (opts.lockers?.length) {
    entities.push({
      category: CLOUD_ENTITY.locker,
      compositionSetting: 'combineComponents',
      list: {
        sublists: opts.lockers.map((l) => ({
          listKey: l.id,
          synonyms: langs.map((lang) => ({ language: CLU_LANGUAGE[lang], values: [...new Set([l.id, ...l.synonyms])] })),
        })),
      },
    });
  }

  return {
    projectFileVersion: opts.projectFileVersion ?? '2023-04-01',
    stringIndexType: 'Utf16CodeUnit',
    metadata: {
      projectKind: 'Conversation',
      projectName: opts.projectName,
      multilingual: true,
      description: opts.description ?? 'LockerDesk customer-service intents',
      language: CLU_LANGUAGE[primary],
      settings: { confidenceThreshold: opts.confidenceThreshold ?? 0 },
    },
    assets: {
      projectKind: 'Conversation',
      intents: INTENTS.map((i) => ({ category: intentToCloud(i) })),
      entities,
      utterances,
    },
  };
}
