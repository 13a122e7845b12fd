/**
 * Training data for the embedded recognizer: one TSV file per language in `language/nlu/`,
 * `<lang>.tsv`, header `intent<TAB>text`, one utterance per line; blank lines and lines starting
 * with `#` are ignored. The files are the single source for training, evaluation and export to
 * cloud recognizers (CLU, LUIS).
 */
import { readFileSync, existsSync } from 'fs';
import { join, resolve } from 'path';
import { isIntent, type Intent } from './types';
import { LANGS, type Lang } from '../i18n/langs';

export interface TrainingExample {
  text: string;
  intent: Intent;
  lang: Lang;
}

/** The repository's language-data folder, found relative to this file in both `ts` and `dist` layouts. */
export function languageDir(): string {
  for (const candidate of [resolve(__dirname, '../../language'), resolve(__dirname, '../../../language')]) {
    if (existsSync(join(candidate, 'nlu'))) return candidate;
  }
  throw new Error(`languageDir(): no language/nlu folder found above ${__dirname}`);
}

/** Parses one TSV file; throws with file and line on an unknown intent. */
export function parseTrainingTsv(content: string, lang: Lang, source = `${lang}.tsv`): TrainingExample[] {
  const out: TrainingExample[] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    if (!line || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error(`parseTrainingTsv(): ${source}:${i + 1}: expected "intent<TAB>text"`);
    const intent = line.slice(0, tab).trim();
    const text = line.slice(tab + 1).trim();
    if (i === 0 && intent === 'intent' && text === 'text') return; // header
    if (!isIntent(intent)) throw new Error(`parseTrainingTsv(): ${source}:${i + 1}: unknown intent "${intent}"`);
    if (text) out.push({ text, intent, lang });
  });
  return out;
}

/** Loads every language's training file (deduplicated per language, original order kept). */
export function loadTrainingData(dir: string = join(languageDir(), 'nlu')): TrainingExample[] {
  const all: TrainingExample[] = [];
  for (const lang of LANGS) {
    const file = join(dir, `${lang}.tsv`);
    if (!existsSync(file)) continue;
    const seen = new Set<string>();
    for (const ex of parseTrainingTsv(readFileSync(file, 'utf8'), lang, file)) {
      const key = ex.text.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(ex);
    }
  }
  return all;
}
