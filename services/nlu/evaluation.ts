/**
 * Evaluation of intent classifiers on labelled examples: deterministic hash-based splits
 * (stratified by language × intent, so results do not depend on file order or on luck), k-fold
 * cross-validation, accuracy per language and per intent, precision/recall/F1 and a confusion
 * matrix. Used by `npm run nlu:eval`, the accuracy tests and the recognizer's own calibration.
 */
import { INTENTS, isIntent, type Intent } from './types';
import { LANGS, isLang, type Lang } from '../i18n/langs';
import type { TrainingExample } from './trainingData';

/** FNV-1a 32-bit hash of a string: a stable, platform-independent way to "shuffle" examples. */
export function textHash(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Examples grouped by `lang|intent`, each group sorted by text hash (ties by text). */
function strata<T extends TrainingExample>(examples: readonly T[], salt: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const ex of examples) {
    const key = `${ex.lang}|${ex.intent}`;
    const g = groups.get(key);
    if (g) g.push(ex);
    else groups.set(key, [ex]);
  }
  const keys = [...groups.keys()].sort();
  return keys.map((k) =>
    (groups.get(k) as T[])
      .map((ex) => ({ ex, h: textHash(ex.text, salt) }))
      .sort((a, b) => a.h - b.h || (a.ex.text < b.ex.text ? -1 : a.ex.text > b.ex.text ? 1 : 0))
      .map((x) => x.ex),
  );
}

export interface Split<T> {
  train: T[];
  test: T[];
}

/**
 * Deterministic held-out split: in every language × intent group, the `fraction` of examples
 * with the lowest text hash are held out. The same data always gives the same split.
 */
export function holdOutSplit<T extends TrainingExample>(examples: readonly T[], fraction = 0.15): Split<T> {
  const test = new Set<T>();
  for (const group of strata(examples, 0)) {
    const n = Math.round(group.length * fraction);
    for (let i = 0; i < n; i++) test.add(group[i] as T);
  }
  return { train: examples.filter((e) => !test.has(e)), test: examples.filter((e) => test.has(e)) };
}

/** Fold number (0..k-1) of every example, stratified by language × intent; deterministic. */
export function foldAssignment<T extends TrainingExample>(examples: readonly T[], k: number, salt = 1): Map<T, number> {
  if (!Number.isInteger(k) || k < 2) throw new Error(`foldAssignment(): k must be an integer >= 2, got ${k}`);
  const fold = new Map<T, number>();
  let offset = 0;
  for (const group of strata(examples, salt)) {
    group.forEach((ex, i) => fold.set(ex, (i + offset) % k));
    offset += group.length;
  }
  return fold;
}

/** k stratified train/test splits whose test parts partition the data. */
export function kFoldSplits<T extends TrainingExample>(examples: readonly T[], k: number, salt = 1): Split<T>[] {
  const fold = foldAssignment(examples, k, salt);
  return Array.from({ length: k }, (_, f) => ({
    train: examples.filter((e) => fold.get(e) !== f),
    test: examples.filter((e) => fold.get(e) === f),
  }));
}

/** One classified example. */
export interface Prediction {
  example: TrainingExample;
  predicted: Intent;
  score: number;
}

export interface IntentMetrics {
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  total: number;
  accuracy: number;
  /** Accuracy per language (only languages present). */
  byLang: Partial<Record<Lang, { total: number; accuracy: number }>>;
  byIntent: Record<Intent, IntentMetrics>;
  /** `confusion[actual][predicted]` counts. */
  confusion: Record<Intent, Record<Intent, number>>;
  misclassified: Prediction[];
}

/** Metrics over a list of predictions. */
export function evaluate(predictions: readonly Prediction[]): EvaluationReport {
  const confusion = Object.fromEntries(INTENTS.map((a) => [a, Object.fromEntries(INTENTS.map((p) => [p, 0]))])) as Record<
    Intent,
    Record<Intent, number>
  >;
  const langTotals = new Map<Lang, { total: number; correct: number }>();
  let correct = 0;
  const misclassified: Prediction[] = [];
  for (const p of predictions) {
    confusion[p.example.intent][p.predicted]++;
    const lt = langTotals.get(p.example.lang) ?? { total: 0, correct: 0 };
    lt.total++;
    if (p.predicted === p.example.intent) {
      correct++;
      lt.correct++;
    } else misclassified.push(p);
    langTotals.set(p.example.lang, lt);
  }
  const byLang: EvaluationReport['byLang'] = {};
  for (const lang of LANGS) {
    const t = langTotals.get(lang);
    if (t) byLang[lang] = { total: t.total, accuracy: t.correct / t.total };
  }
  const byIntent = {} as Record<Intent, IntentMetrics>;
  for (const intent of INTENTS) {
    const tp = confusion[intent][intent];
    const support = INTENTS.reduce((s, p) => s + confusion[intent][p], 0);
    const predicted = INTENTS.reduce((s, a) => s + confusion[a][intent], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    byIntent[intent] = { support, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
  }
  return { total: predictions.length, accuracy: predictions.length ? correct / predictions.length : 0, byLang, byIntent, confusion, misclassified };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Human-readable report: accuracy per language, per-intent P/R/F1, confusion matrix, errors. */
export function formatReport(report: EvaluationReport, options: { maxErrors?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`examples: ${report.total}   accuracy: ${pct(report.accuracy)}`);
  for (const lang of LANGS) {
    const l = report.byLang[lang];
    if (l) lines.push(`  ${lang}: ${pct(l.accuracy)} of ${l.total}`);
  }
  lines.push('', 'intent          support  precision  recall     F1');
  for (const intent of INTENTS) {
    const m = report.byIntent[intent];
    if (!m.support && !m.precision) continue;
    lines.push(
      `${intent.padEnd(15)} ${String(m.support).padStart(7)}  ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}  ${pct(m.f1).padStart(6)}`,
    );
  }
  const abbrev = (i: string) => i.slice(0, 6).padStart(7);
  lines.push('', `confusion (rows = actual, columns = predicted)`, `${''.padEnd(15)}${INTENTS.map(abbrev).join('')}`);
  for (const a of INTENTS) lines.push(`${a.padEnd(15)}${INTENTS.map((p) => String(report.confusion[a][p]).padStart(7)).join('')}`);
  const maxErrors = options.maxErrors ?? Infinity;
  lines.push('', `misclassified: ${report.misclassified.length}`);
  for (const p of report.misclassified.slice(0, maxErrors)) {
    lines.push(`  [${p.example.lang}] ${p.example.intent} -> ${p.predicted} (${p.score.toFixed(2)}): ${p.example.text}`);
  }
  return lines.join('\n');
}

/**
 * Other names evaluation sets commonly use for our intents (compared lower-case, with spaces and
 * dashes as underscores). Anything else that is not one of our intents is unknown.
 */
const INTENT_ALIASES: Record<string, Intent> = {
  change_locker: 'readdress',
  redirect: 'readdress',
  wrong_locker: 'readdress',
  wrong_phone: 'fix_phone',
  change_phone: 'fix_phone',
  resend_sms: 'no_sms',
  lost_code: 'no_sms',
  damaged: 'damaged_parcel',
  refund: 'billing',
  lost_tracking: 'find_tracking',
  lost_tracking_number: 'find_tracking',
  find_tracking_number: 'find_tracking',
  tracking: 'track',
  where_is_my_parcel: 'track',
  status: 'track',
  locker_problem: 'locker_fault',
  locker_issue: 'locker_fault',
  human: 'agent',
  handoff: 'agent',
  operator: 'agent',
  talk_to_agent: 'agent',
  greeting: 'greet',
  hello: 'greet',
  thank_you: 'thanks',
  goodbye: 'thanks',
  bye: 'thanks',
  out_of_scope: 'none',
  oos: 'none',
  other: 'none',
  fallback: 'none',
};

/** Our intent for a label from an evaluation file (`Track`, `out-of-scope`, `None`), or undefined. */
export function normalizeIntentLabel(label: string): Intent | undefined {
  const key = label.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return isIntent(key) ? key : INTENT_ALIASES[key];
}

export interface ParseLabelledOptions {
  /**
   * Skip lines with an unknown language or intent instead of throwing, reporting each through
   * `onSkip` (for evaluation sets written by others, where one odd label must not stop the run).
   */
  onSkip?: (line: number, reason: string) => void;
}

/**
 * Parses a labelled TSV file whose header names the columns `lang`, `intent` and `text` (any
 * order, extra columns ignored); blank lines and `#` comments are skipped. Languages and intents
 * are case-insensitive, and common intent synonyms are mapped (see {@link normalizeIntentLabel}).
 * @throws Error naming the file and line on a missing column, or (without `onSkip`) an unknown
 * language or intent.
 */
export function parseLabelledTsv(content: string, source = 'input.tsv', options: ParseLabelledOptions = {}): TrainingExample[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: string[] | undefined;
  const out: TrainingExample[] = [];
  const reject = (line: number, reason: string) => {
    if (!options.onSkip) throw new Error(`parseLabelledTsv(): ${source}:${line}: ${reason}`);
    options.onSkip(line, reason);
  };
  lines.forEach((raw, i) => {
    if (!raw.trim() || raw.startsWith('#')) return;
    const cells = raw.split('\t');
    if (!header) {
      header = cells.map((c) => c.trim().toLowerCase());
      for (const col of ['lang', 'intent', 'text']) {
        if (!header.includes(col)) throw new Error(`parseLabelledTsv(): ${source}:${i + 1}: header has no "${col}" column`);
      }
      return;
    }
    const cell = (name: string) => (cells[(header as string[]).indexOf(name)] ?? '').trim();
    const lang = cell('lang').toLowerCase();
    const label = cell('intent');
    const intent = normalizeIntentLabel(label);
    const text = cell('text');
    if (!isLang(lang)) return reject(i + 1, `unknown language "${cell('lang')}"`);
    if (!intent) return reject(i + 1, `unknown intent "${label}"`);
    if (text) out.push({ lang, intent, text });
  });
  return out;
}
