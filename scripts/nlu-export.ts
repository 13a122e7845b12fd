/**
 * `npm run nlu:export [-- --format jsonl]`: prints the training data (language/nlu/*.tsv) in a
 * format other tools read. Each format is one function in {@link EXPORTERS}; add cloud formats
 * (CLU, LUIS) there.
 */
import { loadTrainingData, type TrainingExample } from '../services/nlu/trainingData';

/** Turns the examples into the text to print. */
export type Exporter = (examples: readonly TrainingExample[]) => string;

/** JSON lines: `{"text","intent","lang"}` per example, in file order. */
export function exportJsonLines(examples: readonly TrainingExample[]): string {
  return examples.map((e) => JSON.stringify({ text: e.text, intent: e.intent, lang: e.lang })).join('\n') + (examples.length ? '\n' : '');
}

export const EXPORTERS: Record<string, Exporter> = {
  jsonl: exportJsonLines,
};

function parseFormat(argv: readonly string[]): string {
  let format = 'jsonl';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format') format = argv[++i] ?? '';
    else if (a?.startsWith('--format=')) format = a.slice('--format='.length);
    else throw new Error(`nlu-export: unknown argument "${a}" (expected --format ${Object.keys(EXPORTERS).join('|')})`);
  }
  if (!EXPORTERS[format]) throw new Error(`nlu-export: unknown format "${format}" (known: ${Object.keys(EXPORTERS).join(', ')})`);
  return format;
}

if (require.main === module) {
  try {
    const exporter = EXPORTERS[parseFormat(process.argv.slice(2))] as Exporter;
    process.stdout.write(exporter(loadTrainingData()));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
