/** Test doubles for the NLU ports: a scripted recognizer, a regex extractor and a fixed language detector. */
import restify from 'restify';
import type { AddressInfo } from 'net';
import { trackingFromText, phoneFromText } from '../../../../services/nlu/cloud/cloudEntities';
import type { EntityExtractor, LanguageDetector, NluLogger } from '../../../../services/nlu/cloud/ports';
import type { Entities, Recognizer, RecognizerResult, RecognizeOptions } from '../../../../services/nlu/types';

/** Finds S10 tokens and `+370…` / `86…` phone numbers; enough to tell whether extraction ran. */
export const regexExtractor: EntityExtractor = (text) => {
  const out: Entities = { trackingNumbers: [], phones: [], lockers: [] };
  for (const m of text.matchAll(/\b[A-Za-z]{2}\d{9}[A-Za-z]{2}\b/g)) {
    const t = trackingFromText(m[0]);
    if (t) out.trackingNumbers.push(t);
  }
  for (const m of text.matchAll(/(\+370\d{8}|\b86\d{7}\b)/g)) {
    const p = phoneFromText(m[0]);
    if (p) out.phones.push(p);
  }
  return out;
};

export const noEntities: EntityExtractor = () => ({ trackingNumbers: [], phones: [], lockers: [] });

export const ltDetector: LanguageDetector = () => ({ lang: 'lt', score: 0.9 });

/** A recognizer that returns `result` (with the text it got) and records its calls. */
export class ScriptedRecognizer implements Recognizer {
  readonly calls: { text: string; options?: RecognizeOptions }[] = [];
  constructor(
    private readonly result: Omit<RecognizerResult, 'text'>,
    private readonly behaviour: 'answer' | 'fail' | 'hang' = 'answer',
    private readonly delayMs = 0,
  ) {}
  async recognize(text: string, options?: RecognizeOptions): Promise<RecognizerResult> {
    this.calls.push({ text, options });
    if (this.behaviour === 'hang') return new Promise<RecognizerResult>(() => undefined);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.behaviour === 'fail') throw new Error('scripted failure');
    return { ...this.result, text };
  }
}

export function result(partial: Partial<Omit<RecognizerResult, 'text'>> = {}): Omit<RecognizerResult, 'text'> {
  return {
    lang: 'lt',
    langScore: 0.9,
    intent: 'readdress',
    score: 0.8,
    intents: [
      { intent: 'readdress', score: 0.8 },
      { intent: 'track', score: 0.15 },
      { intent: 'none', score: 0.05 },
    ],
    entities: { trackingNumbers: [], phones: [], lockers: [] },
    source: 'scripted',
    ...partial,
  };
}

export class MemoryLogger implements NluLogger {
  readonly warnings: { obj: object; msg: string }[] = [];
  warn(obj: object, msg: string): void {
    this.warnings.push({ obj, msg });
  }
}

/** A real restify server on a free loopback port. */
export async function startRestify(setup: (server: restify.Server) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = restify.createServer({ name: 'test' });
  setup(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
