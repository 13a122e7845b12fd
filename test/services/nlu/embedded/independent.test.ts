/**
 * Accuracy of the embedded recognizer on independent.tsv (issue 11): a second check set written
 * separately from the training data and from realistic.tsv, covering the issue's phenomena (damaged
 * parcels, billing, complaints, other carrier problems, "no SMS", whole stories in one message,
 * changes of mind, no diacritics, typos, Latin-script and mixed lt/ru Russian, tel./nr./no.,
 * indirect requests, «постамат»). Read through the same loader and metrics as the realistic set.
 *
 * A line whose label is not (yet) an intent of the model, or only reaches one through an alias
 * (`no_sms` → `fix_phone`), counts as an error, so the figure is not flattered by the labels.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { loadTrainingData } from '../../../../services/nlu/trainingData';
import { evaluate, parseLabelledTsv, type Prediction } from '../../../../services/nlu/evaluation';
import { EmbeddedRecognizer } from '../../../../services/nlu/embedded/EmbeddedRecognizer';
import { isIntent } from '../../../../services/nlu/types';
import { foldText } from '../../../../services/nlu/text';
import { LANGS, type Lang } from '../../../../services/i18n/langs';

const TARGET = 0.93;
/**
 * A language still below TARGET keeps the figure it measured as its floor (it must not fall
 * further). None is left: lt and en (0.917 each with the first 14-intent model) reached TARGET
 * with the issue 11 training lines and model (0.950 / 0.942).
 */
const FLOOR: Record<string, number> = {};
const floorOf = (lang: string) => Math.min(TARGET, FLOOR[lang] ?? TARGET);
const FILE = 'independent.tsv';
/** The labels the set uses: today's intents plus those issue 11 adds. */
const LABELS = [
  'readdress', 'fix_phone', 'find_tracking', 'track', 'locker_fault', 'agent', 'greet', 'thanks', 'none',
  'no_sms', 'damaged_parcel', 'billing', 'complaint', 'other_problem',
];

const content = readFileSync(join(__dirname, FILE), 'utf8');

/** The data lines as written (lang, label, text), for checks on the labels themselves. */
function rows(tsv: string): { line: number; lang: string; label: string; text: string }[] {
  const out: { line: number; lang: string; label: string; text: string }[] = [];
  let header: string[] | undefined;
  tsv.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim() || raw.startsWith('#')) return;
    const cells = raw.split('\t').map((c) => c.trim());
    if (!header) return void (header = cells.map((c) => c.toLowerCase()));
    const at = (name: string) => cells[(header as string[]).indexOf(name)] ?? '';
    out.push({ line: i + 1, lang: at('lang').toLowerCase(), label: at('intent').toLowerCase(), text: at('text') });
  });
  return out;
}

const lines = rows(content);
const training = loadTrainingData();
const key = (text: string) => foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

describe('embedded recognizer on the independent check set (independent.tsv, issue 11)', () => {
  it('has at least 110 lines per language, every label in every language, no repeated line', () => {
    for (const lang of LANGS) {
      const mine = lines.filter((r) => r.lang === lang);
      expect(mine.length).toBeGreaterThanOrEqual(110);
      expect([...new Set(mine.map((r) => r.label))].sort()).toEqual([...LABELS].sort());
      for (const label of LABELS) expect(mine.filter((r) => r.label === label).length).toBeGreaterThanOrEqual(8);
    }
    const seen = lines.map((r) => `${r.lang}|${key(r.text)}`);
    expect(seen.filter((k, i) => seen.indexOf(k) !== i)).toEqual([]);
  });

  it('shares no line with the training data', () => {
    const trained = new Set(training.map((e) => `${e.lang}|${key(e.text)}`));
    expect(lines.filter((r) => trained.has(`${r.lang}|${key(r.text)}`)).map((r) => r.text)).toEqual([]);
  });

  it('uses only intents the model distinguishes, by their own names', () => {
    expect([...new Set(lines.filter((r) => !isIntent(r.label)).map((r) => r.label))].sort()).toEqual([]);
  });

  it(`accuracy >= ${TARGET} per language (or its recorded floor, see FLOOR)`, () => {
    const skipped: number[] = [];
    const examples = parseLabelledTsv(content, FILE, { onSkip: (line) => skipped.push(line) });
    const labelOf = new Map(lines.map((r) => [`${r.lang}|${r.text}`, r.label]));
    // The deployed model (the artifact globalSetup built from language/nlu); calibration does not change the top intent.
    const { recognizer } = EmbeddedRecognizer.load();
    const predictions: Prediction[] = [];
    const unscorable: string[] = [];
    /** What the recognizer answers today for labels it has no intent for: `label -> predicted` counts. */
    const answers = new Map<string, number>();
    const noIntent = (lang: Lang, label: string, text: string, how: string) => {
      const predicted = recognizer.recognizeSync(text, { lang }).intent;
      answers.set(`${label} -> ${predicted}`, (answers.get(`${label} -> ${predicted}`) ?? 0) + 1);
      unscorable.push(`[${lang}] ${label} (${how}) -> ${predicted}: ${text}`);
    };
    for (const example of examples) {
      const label = labelOf.get(`${example.lang}|${example.text}`) ?? '';
      if (!isIntent(label)) {
        noIntent(example.lang, label, example.text, `read as ${example.intent}`);
        continue;
      }
      const result = recognizer.recognizeSync(example.text, { lang: example.lang });
      predictions.push({ example, predicted: result.intent, score: result.score });
    }
    for (const line of skipped) {
      const r = lines.find((x) => x.line === line)!;
      noIntent(r.lang as Lang, r.label, r.text, 'not an intent');
    }
    const report = evaluate(predictions);
    const accuracy = {} as Record<Lang, number>;
    for (const lang of LANGS) {
      const total = lines.filter((r) => r.lang === lang).length;
      const correct = predictions.filter((p) => p.example.lang === lang && p.predicted === p.example.intent).length;
      accuracy[lang] = Math.round((correct / total) * 1000) / 1000;
    }
    const pairs = new Map<string, number>();
    for (const p of report.misclassified) pairs.set(`${p.example.intent} -> ${p.predicted}`, (pairs.get(`${p.example.intent} -> ${p.predicted}`) ?? 0) + 1);
    console.log(
      [
        `independent set: ${JSON.stringify(accuracy)}, target ${TARGET}, floors ${JSON.stringify(FLOOR)} (lines the model has no intent for count as errors)`,
        `on lines with a known intent: ${JSON.stringify(Object.fromEntries(Object.entries(report.byLang).map(([l, v]) => [l, `${Math.round(v.accuracy * 1000) / 1000} of ${v.total}`])))}`,
        `confusions: ${[...pairs].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`,
        `answered today for labels without an intent: ${[...answers].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`,
        `without an intent (${unscorable.length}):`,
        ...unscorable.map((u) => `  ${u}`),
        `misclassified (${report.misclassified.length}):`,
        ...report.misclassified.map((p) => `  [${p.example.lang}] ${p.example.intent} -> ${p.predicted} (${p.score.toFixed(2)}): ${p.example.text}`),
      ].join('\n'),
    );
    for (const lang of LANGS) expect(accuracy[lang]).toBeGreaterThanOrEqual(floorOf(lang));
  }, 60_000);
});
