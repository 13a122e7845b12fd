/**
 * `npm run nlu:export [-- --format jsonl|clu|luis] [--lang lt|en|ru]`: prints the training data
 * (language/nlu/*.tsv) in a format other tools read — JSON lines, a CLU project import file
 * (Azure AI Language, multilingual), or a LUIS app (schema 7.0.0; LUIS apps are monolingual, so
 * one language per export, `--lang`, default lt). Each format is one function in {@link EXPORTERS}.
 */
import { loadTrainingData, type TrainingExample } from '../services/nlu/trainingData';
import { toCluProject } from '../services/nlu/export/cluProject';
import { toLuisApp } from '../services/nlu/export/luisApp';
import { isLang, type Lang } from '../services/i18n/langs';

export interface ExportOptions {
  lang: Lang;
}

/** Turns the examples into the text to print. */
export type Exporter = (examples: readonly TrainingExample[], options: ExportOptions) => string;

/** JSON lines: `{"text","intent","lang"}` per example, in file order. */
export function exportJsonLines(examples: readonly TrainingExample[]): string {
  return examples.map((e) => JSON.stringify({ text: e.text, intent: e.intent, lang: e.lang })).join('\n') + (examples.length ? '\n' : '');
}

export const EXPORTERS: Record<string, Exporter> = {
  jsonl: exportJsonLines,
  clu: (examples) => `${JSON.stringify(toCluProject(examples, { projectName: 'LockerDesk' }), null, 2)}\n`,
  luis: (examples, { lang }) => `${JSON.stringify(toLuisApp(examples, { lang }), null, 2)}\n`,
};

export function parseArgs(argv: readonly string[]): { format: string; lang: Lang } {
  let format = 'jsonl';
  let lang: Lang = 'lt';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format') format = argv[++i] ?? '';
    else if (a?.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '--lang' || a?.startsWith('--lang=')) {
      const value = a === '--lang' ? argv[++i] : a.slice('--lang='.length);
      if (!isLang(value)) throw new Error(`nlu-export: unknown language "${value}" (expected lt, en or ru)`);
      lang = value;
    } else throw new Error(`nlu-export: unknown argument "${a}" (expected --format ${Object.keys(EXPORTERS).join('|')} [--lang lt|en|ru])`);
  }
  if (!EXPORTERS[format]) throw new Error(`nlu-export: unknown format "${format}" (known: ${Object.keys(EXPORTERS).join(', ')})`);
  return { format, lang };
}

if (require.main === module) {
  try {
    const { format, lang } = parseArgs(process.argv.slice(2));
    process.stdout.write((EXPORTERS[format] as Exporter)(loadTrainingData(), { lang }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
