/**
 * The default recognizer: runs in-process, no cloud. Loads the model trained at build time
 * ({@link EmbeddedRecognizer.load}, milliseconds; it trains and caches only when the training
 * data or the trainer changed), then classifies in well under a millisecond. It never throws on
 * customer text: empty, huge, emoji-only or number-only messages get a defined result.
 */
import type { Entities, LockerMention, RecognizeOptions, Recognizer, RecognizerResult } from '../types';
import type { Lang } from '../../i18n/langs';
import { loadTrainingData, type TrainingExample } from '../trainingData';
import { extractEntities, locateEntities, type LocatedEntities } from '../entities';
import { LanguageDetector } from '../language';
import { IntentClassifier, noSignalScores, type IntentClassifierOptions } from './IntentClassifier';
import { loadOrTrainModel, type LoadedModel, type LoadModelOptions } from './modelArtifact';

export interface EmbeddedRecognizerOptions {
  /** Training examples; default {@link loadTrainingData} from `language/nlu/*.tsv`. */
  examples?: readonly TrainingExample[];
  /** Longer messages are cut (at a word boundary when possible) before recognition. Default 500. */
  maxChars?: number;
  /** Locker-mention matcher (e.g. the locker directory's `extractMentions`). */
  resolveLockers?: (text: string) => LockerMention[];
  /** Told about failures that recognition survives (a throwing locker resolver), for logging. */
  onError?: (error: unknown) => void;
  /** Model settings (tests and evaluation). */
  model?: IntentClassifierOptions;
  /** Value of `RecognizerResult.source`. Default `embedded`. */
  source?: string;
}

/** Cuts `text` to about `maxChars`, extending to the end of the word (at most 40 more characters) so an entity is not split. */
export function truncateForRecognition(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const rest = text.slice(maxChars, maxChars + 40);
  const boundary = rest.search(/\s/);
  return text.slice(0, maxChars + (boundary < 0 ? 0 : boundary)).trimEnd();
}

export class EmbeddedRecognizer implements Recognizer {
  private readonly maxChars: number;
  private readonly source: string;

  private constructor(
    private readonly classifier: IntentClassifier,
    private readonly detector: LanguageDetector,
    private readonly options: EmbeddedRecognizerOptions,
  ) {
    this.maxChars = options.maxChars ?? 500;
    this.source = options.source ?? 'embedded';
  }

  /**
   * Trains a recognizer synchronously.
   * @throws Error when there are no training examples (missing or empty `language/nlu/*.tsv`).
   */
  static train(options: EmbeddedRecognizerOptions = {}): EmbeddedRecognizer {
    const examples = options.examples ?? loadTrainingData();
    if (!examples.length) throw new Error('EmbeddedRecognizer.train(): no training examples (language/nlu/*.tsv are empty)');
    const classifier = IntentClassifier.train(examples, options.model);
    return new EmbeddedRecognizer(classifier, LanguageDetector.train(examples), options);
  }

  /**
   * The recognizer on the default training data from the model artifact (`.cache/nlu`, written by
   * `npm run build`); trains and writes it when it is missing or stale. `model` tells how it was
   * obtained (for the start-up log). Other training data or model settings: {@link train}.
   */
  static load(options: Omit<EmbeddedRecognizerOptions, 'examples' | 'model'> & Pick<LoadModelOptions, 'cacheDir'> = {}): { recognizer: EmbeddedRecognizer; model: LoadedModel } {
    const model = loadOrTrainModel({ cacheDir: options.cacheDir });
    return { recognizer: new EmbeddedRecognizer(model.classifier, model.detector, options), model };
  }

  /** As {@link EmbeddedRecognizer.train}, yielding to the event loop first so start-up logs flush. */
  static async create(options: EmbeddedRecognizerOptions = {}): Promise<EmbeddedRecognizer> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return EmbeddedRecognizer.train(options);
  }

  /** Calibration temperature of the intent model (for start-up logs). */
  get temperature(): number {
    return this.classifier.temperature;
  }

  async recognize(text: string, options: RecognizeOptions = {}): Promise<RecognizerResult> {
    return this.recognizeSync(text, options);
  }

  /** Synchronous {@link recognize} (benchmarks, scripts). */
  recognizeSync(text: string, options: RecognizeOptions = {}): RecognizerResult {
    const input = truncateForRecognition(typeof text === 'string' ? text : '', this.maxChars);
    const located = this.locate(input);
    const entities = this.entities(input, located);
    const guess = this.detector.detect(input, options.lang, located);
    const prediction = this.classifier.predict(input, located);
    const intents = prediction.signal ? prediction.intents : noSignalScores();
    const top = intents[0] ?? { intent: 'none' as const, score: 0 };
    const lang: Lang | undefined = guess.lang;
    return { text: input, lang, langScore: guess.score, intent: top.intent, score: top.score, intents, entities, source: this.source };
  }

  private locate(text: string): LocatedEntities {
    try {
      return locateEntities(text);
    } catch (error) {
      this.options.onError?.(error);
      return { trackingNumbers: [], phones: [] };
    }
  }

  private entities(text: string, located: LocatedEntities): Entities {
    return extractEntities(text, { resolveLockers: this.options.resolveLockers, onResolverError: this.options.onError }, located);
  }
}
