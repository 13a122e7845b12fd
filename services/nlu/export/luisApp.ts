/**
 * The training data as a LUIS app (schema 7.0.0), for LUIS-compatible tooling and servers.
 *
 * LUIS apps are monolingual, so one app is built per language (`lang`, default `lt`). Cultures are
 * `lt-lt`, `en-us`, `ru-ru`; note that Microsoft's LUIS itself (retired) only ever accepted `en-us`
 * of these. Use `toCluProject` for Microsoft's current service.
 */
import { CLOUD_ENTITY, LUIS_PREBUILT_PHONE, TRACKING_REGEX, intentToCloud } from '../cloud/cloudSchema';
import type { TrainingExample } from '../trainingData';
import { INTENTS } from '../types';
import type { Lang } from '../../i18n/langs';
import type { ExportLocker } from './cluProject';

/** LUIS culture per language. */
export const LUIS_CULTURE: Readonly<Record<Lang, string>> = { lt: 'lt-lt', en: 'en-us', ru: 'ru-ru' };

export interface LuisExportOptions {
  /** The app's language; only examples in it are exported. Default `lt`. */
  lang?: Lang;
  /** Default `LockerDesk (<lang>)`. */
  name?: string;
  desc?: string;
  /** Default `0.1`. */
  versionId?: string;
  /** When given, `Locker` becomes a closed list whose canonical forms are locker ids. */
  lockers?: readonly ExportLocker[];
}

export interface LuisAppJson {
  luis_schema_version: '7.0.0';
  versionId: string;
  name: string;
  desc: string;
  culture: string;
  tokenizerVersion: string;
  intents: { name: string; features: unknown[] }[];
  entities: { name: string; roles: string[]; features: unknown[]; children?: unknown[] }[];
  hierarchicals: unknown[];
  composites: unknown[];
  closedLists: { name: string; subLists: { canonicalForm: string; list: string[] }[]; roles: string[] }[];
  prebuiltEntities: { name: string; roles: string[] }[];
  patternAnyEntities: unknown[];
  regex_entities: { name: string; regexPattern: string; roles: string[] }[];
  phraselists: unknown[];
  regex_features: unknown[];
  patterns: unknown[];
  utterances: { text: string; intent: string; entities: unknown[] }[];
  settings: unknown[];
}

/**
 * Builds one LUIS app for `opts.lang`: every intent of ours (`none` as `None`, which LUIS
 * requires), `TrackingNumber` as one regex entity (S10 or 14 digits; regex entities need no
 * labels), prebuilt `phonenumber`, `Locker` as a closed list when lockers are given, and the
 * language's examples as utterances. Pure: same input, same output.
 */
export function toLuisApp(examples: readonly TrainingExample[], opts: LuisExportOptions = {}): LuisAppJson {
  const lang = opts.lang ?? 'lt';
  return {
    luis_schema_version: '7.0.0',
    versionId: opts.versionId ?? '0.1',
    name: opts.name ?? `LockerDesk (${lang})`,
    desc: opts.desc ?? `LockerDesk customer-service intents, ${lang}`,
    culture: LUIS_CULTURE[lang],
    tokenizerVersion: '1.0.0',
    intents: INTENTS.map((i) => ({ name: intentToCloud(i), features: [] })),
    entities: [],
    hierarchicals: [],
    composites: [],
    closedLists: opts.lockers?.length
      ? [
          {
            name: CLOUD_ENTITY.locker,
            subLists: opts.lockers.map((l) => ({ canonicalForm: l.id, list: [...new Set(l.synonyms)].filter((s) => s !== l.id) })),
            roles: [],
          },
        ]
      : [],
    prebuiltEntities: [{ name: LUIS_PREBUILT_PHONE, roles: [] }],
    patternAnyEntities: [],
    regex_entities: [
      { name: CLOUD_ENTITY.tracking, regexPattern: `${TRACKING_REGEX.s10}|${TRACKING_REGEX.numeric14}`, roles: [] },
    ],
    phraselists: [],
    regex_features: [],
    patterns: [],
    utterances: examples
      .filter((e) => e.lang === lang)
      .map((e) => ({ text: e.text, intent: intentToCloud(e.intent), entities: [] })),
    settings: [],
  };
}
