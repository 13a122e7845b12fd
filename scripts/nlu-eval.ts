/**
 * `npm run nlu:eval [-- --file F.tsv] [-- --folds K] [-- --max-errors N]`: how well the embedded
 * intent model does. With `--file`, trains on all training data and scores the labelled file
 * (header with `lang`, `intent`, `text` columns); without, k-fold cross-validation over the
 * training data. The last line is one JSON object with the overall and per-language accuracy.
 */
import { readFileSync } from 'fs';
import { LANGS } from '../services/i18n/langs';
import { loadTrainingData, type TrainingExample } from '../services/nlu/trainingData';
import { evaluate, formatReport, kFoldSplits, parseLabelledTsv, type Prediction } from '../services/nlu/evaluation';
import type { IntentClassifierOptions } from '../services/nlu/embedded/IntentClassifier';
import { EmbeddedRecognizer } from '../services/nlu/embedded/EmbeddedRecognizer';

interface Args {
  file?: string;
  folds: number;
  maxErrors: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { folds: 5, maxErrors: 200 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`nlu-eval: ${a} needs a value`);
      return v;
    };
    if (a === '--file') args.file = next();
    else if (a === '--folds') args.folds = Number(next());
    else if (a === '--max-errors') args.maxErrors = Number(next());
    else throw new Error(`nlu-eval: unknown argument "${a}" (expected --file F.tsv, --folds K, --max-errors N)`);
  }
  return args;
}

/** Evaluation runs skip temperature fitting: calibration does not change the top intent. */
const EVAL_MODEL: IntentClassifierOptions = { temperature: 1 };

/**
 * Predictions through the recognizer the bot uses (truncation of long messages, "no signal" for
 * emoji or numbers only), so the figures are what customers get.
 */
function predictAll(recognizer: EmbeddedRecognizer, examples: readonly TrainingExample[]): Prediction[] {
  return examples.map((example) => {
    const r = recognizer.recognizeSync(example.text);
    return { example, predicted: r.intent, score: r.score };
  });
}

/** Trains on everything in `train` and predicts `test`. */
export function holdOutPredictions(train: readonly TrainingExample[], test: readonly TrainingExample[]): Prediction[] {
  return predictAll(EmbeddedRecognizer.train({ examples: train, model: EVAL_MODEL }), test);
}

/** Out-of-fold predictions of k-fold cross-validation. */
export function crossValidationPredictions(examples: readonly TrainingExample[], k: number): Prediction[] {
  return kFoldSplits(examples, k).flatMap((split) => holdOutPredictions(split.train, split.test));
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const training = loadTrainingData();
  if (!training.length) throw new Error('nlu-eval: no training data in language/nlu/*.tsv');
  const started = Date.now();
  let predictions: Prediction[];
  if (args.file) {
    const skipped = new Map<string, number>();
    const test = parseLabelledTsv(readFileSync(args.file, 'utf8'), args.file, {
      onSkip: (_line, reason) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1),
    });
    for (const [reason, count] of skipped) console.error(`nlu-eval: skipped ${count} line(s): ${reason}`);
    console.log(`training on ${training.length} examples, testing on ${test.length} from ${args.file}`);
    predictions = holdOutPredictions(training, test);
  } else {
    console.log(`${args.folds}-fold cross-validation over ${training.length} training examples`);
    predictions = crossValidationPredictions(training, args.folds);
  }
  const report = evaluate(predictions);
  console.log(formatReport(report, { maxErrors: args.maxErrors }));
  console.log(`(${Date.now() - started} ms)`);
  // Every language is a key; one with no examples in the file is null rather than missing.
  const summary: Record<string, number | null> = { accuracy: round(report.accuracy) };
  for (const lang of LANGS) {
    const l = report.byLang[lang];
    summary[lang] = l ? round(l.accuracy) : null;
  }
  console.log(JSON.stringify(summary));
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
