import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';
import { CluRecognizer, CLU_DEFAULT_API_VERSION } from '../../../../services/nlu/cloud/CluRecognizer';
import { makeS10 } from '../../../../services/carrier/s10';
import { noEntities, regexExtractor, ltDetector } from './fakes';

interface Captured {
  method?: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A stand-in CLU runtime on loopback: records each request and answers with the next scripted reply. */
class FakeClu {
  readonly requests: Captured[] = [];
  reply: { status: number; body: unknown; delayMs?: number } = { status: 200, body: {} };
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method,
          url: new URL(req.url ?? '/', 'http://x'),
          headers: req.headers,
          body: raw ? JSON.parse(raw) : undefined,
        });
        const { status, body, delayMs } = this.reply;
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        }, delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

const tracking = makeS10('CE', '48213907', 'LT');
const other = makeS10('RR', '12345678', 'LT');

function cluResponse(prediction: object) {
  return { kind: 'ConversationResult', result: { query: 'x', prediction: { projectKind: 'Conversation', ...prediction } } };
}

describe('CluRecognizer against a local CLU runtime', () => {
  const clu = new FakeClu();
  beforeAll(() => clu.start());
  afterAll(() => clu.stop());
  beforeEach(() => {
    clu.requests.length = 0;
  });

  const make = (extra: Partial<ConstructorParameters<typeof CluRecognizer>[0]> = {}) =>
    new CluRecognizer({
      endpoint: `${clu.url}/`,
      key: 'secret-key',
      projectName: 'lockerdesk',
      deploymentName: 'prod',
      extractEntities: regexExtractor,
      detectLanguage: ltDetector,
      ...extra,
    });

  test('sends the documented request: path, api-version, key header, body', async () => {
    clu.reply = { status: 200, body: cluResponse({ topIntent: 'track', intents: [{ category: 'track', confidenceScore: 0.9 }], entities: [] }) };
    await make().recognize('kur mano siunta?');
    expect(clu.requests).toHaveLength(1);
    const req = clu.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url.pathname).toBe('/language/:analyze-conversations');
    expect(req.url.searchParams.get('api-version')).toBe(CLU_DEFAULT_API_VERSION);
    expect(req.headers['ocp-apim-subscription-key']).toBe('secret-key');
    expect(req.headers['content-type']).toMatch(/application\/json/);
    expect(req.body).toEqual({
      kind: 'Conversation',
      analysisInput: {
        conversationItem: { id: expect.any(String), participantId: 'customer', text: 'kur mano siunta?', language: 'lt' },
      },
      parameters: { projectName: 'lockerdesk', deploymentName: 'prod', stringIndexType: 'Utf16CodeUnit' },
    });
  });

  test('no language is sent when detection is weak and no prior is given; the prior is used when it is', async () => {
    clu.reply = { status: 200, body: cluResponse({ topIntent: 'greet', intents: [{ category: 'greet', confidenceScore: 0.9 }] }) };
    const weak = make({ detectLanguage: () => ({ score: 0.1 }) });
    const r = await weak.recognize('12345');
    await weak.recognize('12345', { lang: 'ru' });
    const items = clu.requests.map((q) => (q.body as { analysisInput: { conversationItem: Record<string, unknown> } }).analysisInput.conversationItem);
    expect(items[0]).not.toHaveProperty('language');
    expect(items[1].language).toBe('ru');
    expect(r.lang).toBeUndefined();
    expect(r.langScore).toBe(0.1);
  });

  test('maps intents (None and unknown -> none, best first) and entities; deterministic extraction always runs', async () => {
    clu.reply = {
      status: 200,
      body: cluResponse({
        topIntent: 'readdress',
        intents: [
          { category: 'readdress', confidenceScore: 0.71 },
          { category: 'LegacyThing', confidenceScore: 0.2 },
          { category: 'None', confidenceScore: 0.05 },
          { category: 'track', confidenceScore: 0.04 },
        ],
        entities: [
          { category: 'TrackingNumber', text: 'ce 482 139 075 lt', offset: 10, length: 17, confidenceScore: 1 },
          { category: 'Phone', text: '861234567', offset: 40, length: 9, confidenceScore: 0.95 },
          {
            category: 'Locker',
            text: 'Akropolyje',
            offset: 60,
            length: 10,
            confidenceScore: 0.8,
            extraInformation: [{ extraInformationKind: 'ListKey', key: 'LT-KLP-0007' }],
          },
          { category: 'Locker', text: 'kažkur', offset: 80, length: 6, confidenceScore: 0.4 },
          { category: 'SomethingElse', text: 'x', offset: 0, length: 1, confidenceScore: 1 },
        ],
      }),
    };
    const r = await make().recognize(`siunta ce 482 139 075 lt ir ${other}, tel 861234567, į Akropolyje`);
    expect(r.source).toBe('clu');
    expect(r.intent).toBe('readdress');
    expect(r.score).toBeCloseTo(0.71);
    expect(r.intents).toEqual([
      { intent: 'readdress', score: 0.71 },
      { intent: 'none', score: 0.2 },
      { intent: 'track', score: 0.04 },
    ]);
    // The regex extractor finds `other` (CLU missed it); CLU adds the spaced number the extractor cannot read.
    expect(r.entities.trackingNumbers.map((t) => t.value)).toEqual([other, tracking]);
    expect(r.entities.trackingNumbers[1]).toEqual({ value: tracking, kind: 's10', valid: true, text: 'ce 482 139 075 lt' });
    // Same phone from both sources is reported once.
    expect(r.entities.phones).toEqual([{ e164: '+37061234567', country: 'LT', text: '861234567' }]);
    // Locker only when resolved to a list key.
    expect(r.entities.lockers).toEqual([{ text: 'Akropolyje', candidates: [{ lockerId: 'LT-KLP-0007', score: 0.8 }] }]);
  });

  test('a topIntent below the project threshold (None) wins over the list order', async () => {
    clu.reply = {
      status: 200,
      body: cluResponse({ topIntent: 'None', intents: [{ category: 'track', confidenceScore: 0.3 }, { category: 'None', confidenceScore: 0.25 }] }),
    };
    const r = await make({ extractEntities: noEntities }).recognize('hmm');
    expect(r.intent).toBe('none');
    expect(r.score).toBeCloseTo(0.25);
  });

  test('truncates long texts to maxChars before sending', async () => {
    clu.reply = { status: 200, body: cluResponse({ topIntent: 'none', intents: [] }) };
    const r = await make({ maxChars: 20 }).recognize('a'.repeat(100));
    expect(r.text).toHaveLength(20);
    expect((clu.requests[0].body as { analysisInput: { conversationItem: { text: string } } }).analysisInput.conversationItem.text).toHaveLength(20);
  });

  test('an HTTP error rejects with the status, the service message and the project, never the key', async () => {
    clu.reply = { status: 401, body: { error: { code: '401', message: 'Access denied due to invalid subscription key.' } } };
    const err = await make().recognize('labas').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^CluRecognizer\.recognize\(\): project "lockerdesk": HTTP 401: 401 Access denied/);
    expect(msg).not.toContain('secret-key');
  });

  test('a malformed 200 response rejects', async () => {
    clu.reply = { status: 200, body: { kind: 'ConversationResult', result: {} } };
    await expect(make().recognize('labas')).rejects.toThrow(/no result\.prediction\.intents/);
  });

  test('a slow service rejects after the HTTP timeout', async () => {
    clu.reply = { status: 200, body: cluResponse({ topIntent: 'none', intents: [] }), delayMs: 1000 };
    await expect(make({ timeoutMs: 100 }).recognize('labas')).rejects.toThrow(/CluRecognizer\.recognize\(\).*timeout/i);
  });

  test('an unreachable endpoint rejects with the network error', async () => {
    const dead = make({ endpoint: 'http://127.0.0.1:1' });
    await expect(dead.recognize('labas')).rejects.toThrow(/CluRecognizer\.recognize\(\).*ECONNREFUSED/);
  });
});
