/**
 * The messages the bot did not understand, grouped by language and text with counts, the intent
 * a supervisor assigned to each (the latest `label` event wins), and the labelled lines in the
 * training-data format of `language/nlu/<lang>.tsv` (`intent<TAB>text`), so the model learns
 * from real traffic.
 */
import type { Lang } from '../i18n/langs';
import type { ReportEvent } from './events';

export interface UnrecognizedLine {
  lang: Lang;
  text: string;
  count: number;
  lastAt: string;
  /** The intent a supervisor assigned, if any. */
  intent?: string;
}

/** Texts that differ only in case or spacing are one line. */
export function lineKey(lang: string, text: string): string {
  return `${lang}\u0000${text.replace(/\s+/g, ' ').trim().toLowerCase()}`;
}

/** Grouped lines, most frequent first; `lang` filters. */
export function unrecognizedLines(events: readonly ReportEvent[], lang?: Lang): UnrecognizedLine[] {
  const lines = new Map<string, UnrecognizedLine>();
  const labels = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'unrecognized') {
      if (lang && e.lang !== lang) continue;
      const k = lineKey(e.lang, e.text);
      const line = lines.get(k);
      if (line) {
        line.count++;
        if (e.at > line.lastAt) line.lastAt = e.at;
      } else lines.set(k, { lang: e.lang, text: e.text, count: 1, lastAt: e.at });
    } else if (e.type === 'label') labels.set(lineKey(e.lang, e.text), e.intent);
  }
  const out = [...lines].map(([k, line]) => (labels.has(k) ? { ...line, intent: labels.get(k) } : line));
  return out.sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt) || a.text.localeCompare(b.text));
}

/**
 * The labelled lines as a training file (`parseTrainingTsv` reads it): the header
 * `intent<TAB>text`, then one `intent<TAB>text` per line, tabs in text made spaces.
 */
export function trainingTsv(lines: readonly UnrecognizedLine[]): string {
  const body = lines
    .filter((l) => l.intent)
    .map((l) => `${l.intent}\t${l.text.replace(/[\t\r\n]+/g, ' ')}\n`)
    .join('');
  return `intent\ttext\n${body}`;
}
