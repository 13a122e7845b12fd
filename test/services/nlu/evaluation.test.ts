import {
  evaluate,
  foldAssignment,
  formatReport,
  holdOutSplit,
  kFoldSplits,
  parseLabelledTsv,
  textHash,
  type Prediction,
} from '../../../services/nlu/evaluation';
import { FIXTURE_EXAMPLES } from './fixtures';

describe('splits', () => {
  it('holds out ~15% of every language × intent group, independent of input order', () => {
    const { train, test } = holdOutSplit(FIXTURE_EXAMPLES, 0.25);
    expect(train.length + test.length).toBe(FIXTURE_EXAMPLES.length);
    const groups = new Map<string, number>();
    for (const e of test) groups.set(`${e.lang}|${e.intent}`, (groups.get(`${e.lang}|${e.intent}`) ?? 0) + 1);
    expect(groups.size).toBe(27);
    expect([...groups.values()].every((n) => n === 1)).toBe(true);
    const reversed = holdOutSplit([...FIXTURE_EXAMPLES].reverse(), 0.25);
    expect(new Set(reversed.test.map((e) => e.text))).toEqual(new Set(test.map((e) => e.text)));
  });

  it('k folds partition the data and are stratified', () => {
    const splits = kFoldSplits(FIXTURE_EXAMPLES, 4);
    const tested = splits.flatMap((s) => s.test.map((e) => e.text)).sort();
    expect(tested).toEqual(FIXTURE_EXAMPLES.map((e) => e.text).sort());
    for (const s of splits) {
      expect(s.train.length + s.test.length).toBe(FIXTURE_EXAMPLES.length);
      expect(s.test).toHaveLength(27);
    }
    expect(() => foldAssignment(FIXTURE_EXAMPLES, 1)).toThrow(/k must be/);
  });

  it('hashes are stable', () => {
    expect(textHash('labas')).toBe(textHash('labas'));
    expect(textHash('labas')).not.toBe(textHash('labas', 1));
  });
});

describe('evaluate', () => {
  const ex = (text: string, intent: Prediction['predicted'], lang: 'lt' | 'en' = 'lt') => ({ text, intent, lang });
  const predictions: Prediction[] = [
    { example: ex('a', 'track'), predicted: 'track', score: 0.9 },
    { example: ex('b', 'track'), predicted: 'none', score: 0.5 },
    { example: ex('c', 'none'), predicted: 'none', score: 0.8 },
    { example: ex('d', 'greet', 'en'), predicted: 'greet', score: 0.7 },
  ];

  it('computes accuracy, per-language accuracy, P/R/F1 and confusion', () => {
    const r = evaluate(predictions);
    expect(r.accuracy).toBe(0.75);
    expect(r.byLang).toEqual({ lt: { total: 3, accuracy: 2 / 3 }, en: { total: 1, accuracy: 1 } });
    expect(r.byIntent.track).toEqual({ support: 2, precision: 1, recall: 0.5, f1: 2 / 3 });
    expect(r.byIntent.none).toEqual({ support: 1, precision: 0.5, recall: 1, f1: 2 / 3 });
    expect(r.confusion.track.none).toBe(1);
    expect(r.misclassified.map((p) => p.example.text)).toEqual(['b']);
    const text = formatReport(r);
    expect(text).toContain('accuracy: 75.0%');
    expect(text).toContain('[lt] track -> none (0.50): b');
  });
});

describe('parseLabelledTsv', () => {
  it('reads columns in any order and ignores extra ones', () => {
    const tsv = 'text\tsource\tintent\tlang\nkur mano siunta\tchat\ttrack\tlt\n\n# comment\nhello\tx\tgreet\ten\n';
    expect(parseLabelledTsv(tsv)).toEqual([
      { lang: 'lt', intent: 'track', text: 'kur mano siunta' },
      { lang: 'en', intent: 'greet', text: 'hello' },
    ]);
  });

  it('names the file and line on errors', () => {
    expect(() => parseLabelledTsv('lang\ttext\nlt\tx\n', 'f.tsv')).toThrow('f.tsv:1: header has no "intent" column');
    expect(() => parseLabelledTsv('lang\tintent\ttext\nlv\ttrack\tx\n', 'f.tsv')).toThrow('f.tsv:2: unknown language "lv"');
    expect(() => parseLabelledTsv('lang\tintent\ttext\nlt\tshop\tx\n', 'f.tsv')).toThrow('f.tsv:2: unknown intent "shop"');
  });

  it('accepts other spellings of languages and intents, and can skip unknown labels instead of failing', () => {
    const skipped: string[] = [];
    const tsv = 'Text\tIntent\tLang\nkur siunta\tTrack\tLT\nhow much\tout-of-scope\ten\nкакая погода\tweather\tru\nhi\tGreeting\ten\n';
    expect(parseLabelledTsv(tsv, 'f.tsv', { onSkip: (line, reason) => skipped.push(`${line}: ${reason}`) })).toEqual([
      { lang: 'lt', intent: 'track', text: 'kur siunta' },
      { lang: 'en', intent: 'none', text: 'how much' },
      { lang: 'en', intent: 'greet', text: 'hi' },
    ]);
    expect(skipped).toEqual(['4: unknown intent "weather"']);
  });
});
