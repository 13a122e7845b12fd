/**
 * A recognizer whose intents are scripted per message (exact text or a pattern), with real entity
 * extraction (tracking numbers, phones, and locker mentions when a directory is given). Dialog
 * tests use it instead of the trained model: they test the dialogs, not the classifier.
 */
import type { Lang } from '../../services/i18n/langs';
import type { LockerDirectory } from '../../services/lockers/types';
import { extractEntities } from '../../services/nlu/entities';
import type { Intent, IntentScore, Recognizer, RecognizerResult } from '../../services/nlu/types';

/** A message (exact text or a pattern) and its intents, best first. */
export type ScriptLine = [string | RegExp, ...[Intent, number][]];

/** Unscripted text: out of scope with a low score. */
const UNSCRIPTED: IntentScore[] = [{ intent: 'none', score: 0.3 }];

export class ScriptedRecognizer implements Recognizer {
  constructor(
    private readonly script: ScriptLine[],
    private readonly options: { lang?: Lang; lockers?: LockerDirectory } = {},
  ) {}

  recognizeSync(text: string, lang?: Lang): RecognizerResult {
    const line = this.script.find(([match]) => (typeof match === 'string' ? match === text : match.test(text)));
    const scored: IntentScore[] = line ? line.slice(1).flatMap((x) => (typeof x === 'object' && !(x instanceof RegExp) ? [{ intent: x[0], score: x[1] }] : [])) : [];
    const intents = scored.length ? scored : UNSCRIPTED;
    const lockers = this.options.lockers;
    return {
      text,
      lang: lang ?? this.options.lang,
      langScore: 0.99,
      intent: intents[0].intent,
      score: intents[0].score,
      intents,
      entities: extractEntities(text, { resolveLockers: lockers ? (t) => lockers.extractMentions(t) : undefined }),
      source: 'scripted',
    };
  }

  async recognize(text: string, options: { lang?: Lang } = {}): Promise<RecognizerResult> {
    return this.recognizeSync(text, options.lang);
  }
}
