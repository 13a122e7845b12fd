/**
 * The trained embedded model on disk, so the bot and the tests load it in milliseconds instead of
 * training it for seconds at every start. `npm run build` writes it (scripts/nlu-build.ts), the
 * test run's globalSetup makes sure it is there, and {@link loadOrTrainModel} uses it at start-up,
 * training (and caching) only when it is missing or stale.
 *
 * **Key.** An artifact is valid for one SHA-256 over the artifact format, the model options, the
 * training examples (after loading: language, intent, text) and the source of every module the
 * trainer depends on ({@link TRAINER_MODULES}); it lives at `.cache/nlu/model-<key>.bin` in the
 * repository, so a changed TSV line or a changed feature extractor can never meet an old model.
 *
 * **Format** (`LDNLU` + version, then gzip): a JSON header (key, intents, temperature, feature
 * settings, section table) followed by binary sections: feature keys and language-detector
 * n-grams as newline-joined UTF-8, IDF as float32, the blended weights as int8 with a float32
 * scale per feature, the detector's counts (Lithuanian, English, romanized Russian) as uint32. No JSON arrays of numbers.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { INTENTS, isIntent, type Intent } from '../types';
import { languageDir, loadTrainingData, type TrainingExample } from '../trainingData';
import { LanguageDetector } from '../language';
import { FeatureSpace, type FeatureOptions } from './features';
import { KeyTable } from '../keyTable';
import { IntentClassifier, type IntentClassifierOptions } from './IntentClassifier';
import { QuantizedLinear } from './quantized';

/** Bump when the file layout changes. */
export const ARTIFACT_FORMAT = 2;
const MAGIC = Buffer.from('LDNLU\u0000\u0000\u0002', 'latin1');

/**
 * Modules (under `services/`, without extension) whose code decides what the trained model is.
 * Add a module here when the trainer or the feature extraction starts to depend on it.
 */
export const TRAINER_MODULES = [
  'text/fold',
  'nlu/types',
  'nlu/text',
  'nlu/language',
  'nlu/trainingData',
  'nlu/evaluation',
  'nlu/entities/index',
  'nlu/entities/phone',
  'nlu/entities/tracking',
  'nlu/entities/ordinal',
  'nlu/embedded/features',
  'nlu/keyTable',
  'nlu/embedded/softmax',
  'nlu/embedded/naiveBayes',
  'nlu/embedded/calibration',
  'nlu/embedded/quantized',
  'nlu/embedded/IntentClassifier',
  'nlu/embedded/modelArtifact',
] as const;

/** A trained model: the intent classifier and the language detector trained on the same data. */
export interface ModelBundle {
  classifier: IntentClassifier;
  detector: LanguageDetector;
}

/** Trains both parts on `examples` (seconds). */
export function trainModel(examples: readonly TrainingExample[], options: IntentClassifierOptions = {}): ModelBundle {
  if (!examples.length) throw new Error('trainModel(): no training examples (language/nlu/*.tsv are empty)');
  return { classifier: IntentClassifier.train(examples, options), detector: LanguageDetector.train(examples) };
}

/** Written next to the artifacts by `npm run build`: the trainer hash, for deployments that ship `dist/` without the TypeScript sources. */
export const TRAINER_HASH_FILE = 'trainer-sources.sha256';

/**
 * SHA-256 of the trainer's TypeScript sources ({@link TRAINER_MODULES}) when the repository has
 * them (ts-jest and `dist/` alike); in a deployment without sources, the hash `npm run build`
 * recorded in `cacheDir`; failing both, of the running JavaScript.
 */
export function trainerHash(cacheDir: string = defaultCacheDir()): string {
  const repoServices = join(dirname(languageDir()), 'services');
  const h = createHash('sha256');
  if (TRAINER_MODULES.every((m) => existsSync(join(repoServices, `${m}.ts`)))) {
    for (const m of TRAINER_MODULES) h.update(`module ${m}\n`).update(readFileSync(join(repoServices, `${m}.ts`), 'utf8')).update('\n');
    return h.digest('hex');
  }
  const recorded = join(cacheDir, TRAINER_HASH_FILE);
  if (existsSync(recorded)) return readFileSync(recorded, 'utf8').trim();
  for (const m of TRAINER_MODULES) {
    const js = resolve(__dirname, '../..', `${m}.js`);
    h.update(`module ${m}\n`).update(existsSync(js) ? readFileSync(js, 'utf8') : `missing:${m}`).update('\n');
  }
  return `js-${h.digest('hex')}`;
}

/** The cache key of a model trained on `examples` with `options` by this code. */
export function modelKey(examples: readonly TrainingExample[], options: IntentClassifierOptions = {}, cacheDir?: string): string {
  const h = createHash('sha256');
  h.update(`format ${ARTIFACT_FORMAT}\noptions ${JSON.stringify(options)}\nintents ${INTENTS.join(',')}\n`);
  h.update(`trainer ${trainerHash(cacheDir)}\n`);
  for (const e of examples) h.update(`${e.lang}\t${e.intent}\t${e.text}\n`);
  return h.digest('hex');
}

/** `<repository>/.cache/nlu`. */
export function defaultCacheDir(): string {
  return join(dirname(languageDir()), '.cache', 'nlu');
}

export function artifactPath(cacheDir: string, key: string): string {
  return join(cacheDir, `model-${key.slice(0, 24)}.bin`);
}

interface Section {
  name: string;
  offset: number;
  bytes: number;
}

interface Header {
  format: number;
  key: string;
  intents: string[];
  temperature: number;
  features: Required<FeatureOptions>;
  classes: number;
  dim: number;
  examples: number;
  sections: Section[];
}

/** Serialises a trained model (see the module comment for the layout). */
export function encodeModel(bundle: ModelBundle, key: string, examples = 0): Buffer {
  const parts = bundle.classifier.toParts();
  const detector = bundle.detector.toParts();
  const blobs: [string, Buffer][] = [
    ['featureKeys', Buffer.from(parts.space.keys().join('\n'), 'utf8')],
    ['idf', bytesOf(parts.space.idf32())],
    ['weights', bytesOf(parts.linear.weights)],
    ['scales', bytesOf(parts.linear.scales)],
    ['bias', bytesOf(parts.linear.bias)],
    ['langGrams', Buffer.from(detector.grams.join('\n'), 'utf8')],
    ['langLt', bytesOf(detector.lt)],
    ['langEn', bytesOf(detector.en)],
    ['langRu', bytesOf(detector.ru)],
  ];
  const sections: Section[] = [];
  let offset = 0;
  for (const [name, blob] of blobs) {
    sections.push({ name, offset, bytes: blob.length });
    offset += align8(blob.length);
  }
  const header: Header = {
    format: ARTIFACT_FORMAT,
    key,
    intents: [...parts.intents],
    temperature: parts.temperature,
    features: parts.space.settings,
    classes: parts.linear.classes,
    dim: parts.linear.dim,
    examples,
    sections,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lead = Buffer.alloc(4);
  lead.writeUInt32LE(json.length);
  const payload = Buffer.concat([lead, json, Buffer.alloc(align8(4 + json.length) - 4 - json.length), ...blobs.flatMap(([, b]) => [b, Buffer.alloc(align8(b.length) - b.length)])]);
  return Buffer.concat([MAGIC, gzipSync(payload, { level: 9 })]);
}

/**
 * Reads an artifact.
 * @throws Error when the bytes are not an artifact of this format or the model does not fit this code's intents.
 */
export function decodeModel(file: Buffer): { key: string; examples: number; bundle: ModelBundle } {
  if (file.length < MAGIC.length || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('decodeModel(): not a LockerDesk NLU model file');
  const payload = gunzipSync(file.subarray(MAGIC.length));
  const jsonLength = payload.readUInt32LE(0);
  const header = JSON.parse(payload.subarray(4, 4 + jsonLength).toString('utf8')) as Header;
  if (header.format !== ARTIFACT_FORMAT) throw new Error(`decodeModel(): format ${header.format}, expected ${ARTIFACT_FORMAT}`);
  const base = align8(4 + jsonLength);
  const section = (name: string): Buffer => {
    const s = header.sections.find((x) => x.name === name);
    if (!s) throw new Error(`decodeModel(): section ${name} missing`);
    return payload.subarray(base + s.offset, base + s.offset + s.bytes);
  };
  // Copies into fresh, aligned buffers; the decompressed payload is dropped afterwards.
  const f32 = (name: string) => new Float32Array(copy(section(name)));
  const intents = header.intents.filter(isIntent) as Intent[];
  if (intents.length !== header.intents.length) throw new Error(`decodeModel(): unknown intents in [${header.intents.join(', ')}]`);
  const idf = f32('idf');
  // The keys stay one string (see KeyTable), one per IDF weight.
  const space = FeatureSpace.fromParts(KeyTable.fromJoined(section('featureKeys').toString('utf8'), idf.length), idf, header.features);
  const linear = new QuantizedLinear(new Int8Array(copy(section('weights'))), f32('scales'), new Float64Array(copy(section('bias'))), header.classes);
  const classifier = IntentClassifier.fromParts({ intents, space, linear, temperature: header.temperature });
  const lt = new Uint32Array(copy(section('langLt')));
  const detector = LanguageDetector.fromParts({
    grams: KeyTable.fromJoined(section('langGrams').toString('utf8'), lt.length),
    lt,
    en: new Uint32Array(copy(section('langEn'))),
    ru: new Uint32Array(copy(section('langRu'))),
  });
  return { key: header.key, examples: header.examples, bundle: { classifier, detector } };
}

/** How a model was obtained, for start-up logs and benchmarks. */
export interface LoadedModel extends ModelBundle {
  /** `cache`: read from the artifact; `trained`: trained now because the artifact was missing, stale or unreadable. */
  from: 'cache' | 'trained';
  /** Why it was trained (missing file, unreadable file), when `from` is `trained`. */
  reason?: string;
  /** Milliseconds spent reading or training. */
  ms: number;
  key: string;
  path: string;
  /** Size of the artifact file; 0 when it could not be written. */
  bytes: number;
  /** Set when a freshly trained model could not be written (read-only disk); the model is still used. */
  writeError?: unknown;
}

export interface LoadModelOptions {
  /** Default `language/nlu/*.tsv`. */
  examples?: readonly TrainingExample[];
  /** Default {@link defaultCacheDir}. */
  cacheDir?: string;
}

/**
 * The model for the default training data: read from the cache when its key matches, otherwise
 * trained (seconds) and written to the cache atomically, older artifacts removed.
 */
export function loadOrTrainModel(options: LoadModelOptions = {}): LoadedModel {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const examples = options.examples ?? loadTrainingData();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const key = modelKey(examples, {}, cacheDir);
  const path = artifactPath(cacheDir, key);
  let reason = 'no artifact for the current training data and trainer code';
  if (existsSync(path)) {
    try {
      const file = readFileSync(path);
      const decoded = decodeModel(file);
      if (decoded.key === key) return { ...decoded.bundle, from: 'cache', ms: elapsed(), key, path, bytes: file.length };
      reason = 'artifact key mismatch';
    } catch (error) {
      reason = `unreadable artifact (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const bundle = trainModel(examples);
  const ms = elapsed();
  try {
    const bytes = writeArtifact(cacheDir, key, encodeModel(bundle, key, examples.length));
    return { ...bundle, from: 'trained', reason, ms, key, path, bytes };
  } catch (writeError) {
    return { ...bundle, from: 'trained', reason, ms, key, path, bytes: 0, writeError };
  }
}

/** Writes `file` at `path` through a temporary file and a rename, so readers never see half a file. */
export function writeFileAtomically(path: string, file: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, file);
  renameSync(tmp, path);
}

/** Writes the artifact atomically ({@link writeFileAtomically}), then removes other artifacts. */
export function writeArtifact(cacheDir: string, key: string, file: Buffer): number {
  const path = artifactPath(cacheDir, key);
  writeFileAtomically(path, file);
  for (const name of readdirSync(cacheDir)) {
    if (/^model-[0-9a-f]+\.bin$/.test(name) && join(cacheDir, name) !== path) {
      try {
        unlinkSync(join(cacheDir, name));
      } catch {
        /* another process removed it */
      }
    }
  }
  return file.length;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function bytesOf(a: Int8Array | Float32Array | Float64Array | Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function copy(b: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}
