import { FallbackRecognizer, FALLBACK_SOURCE } from '../../../../services/nlu/cloud/FallbackRecognizer';
import { CircuitBreaker } from '../../../../services/nlu/cloud/CircuitBreaker';
import { MemoryLogger, ScriptedRecognizer, result } from './fakes';

const cloudResult = result({ intent: 'track', score: 0.9, intents: [{ intent: 'track', score: 0.9 }], source: 'clu' });
const embeddedResult = result({ intent: 'readdress', score: 0.7, source: 'embedded' });

function setup(primary: ScriptedRecognizer, timeoutMs = 300, breaker = { failureThreshold: 3, openMs: 60_000 }) {
  const fallback = new ScriptedRecognizer(embeddedResult);
  const logger = new MemoryLogger();
  const rec = new FallbackRecognizer({ primary, fallback, timeoutMs, logger, primaryName: 'clu', breaker });
  return { rec, fallback, logger };
}

describe('FallbackRecognizer', () => {
  test('a primary answering in time is used as is; the fallback is not called', async () => {
    const { rec, fallback, logger } = setup(new ScriptedRecognizer(cloudResult, 'answer', 20));
    const r = await rec.recognize('kur siunta', { lang: 'lt' });
    expect(r).toMatchObject({ text: 'kur siunta', intent: 'track', source: 'clu' });
    expect(fallback.calls).toHaveLength(0);
    expect(logger.warnings).toHaveLength(0);
  });

  test('a primary that never answers: the fallback answers within timeout + 200 ms, and it is logged', async () => {
    const primary = new ScriptedRecognizer(cloudResult, 'hang');
    const { rec, fallback, logger } = setup(primary, 300);
    const t0 = performance.now();
    const r = await rec.recognize('kur siunta', { lang: 'lt' });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThanOrEqual(300 + 200);
    expect(r).toMatchObject({ text: 'kur siunta', intent: 'readdress', source: FALLBACK_SOURCE });
    expect(fallback.calls).toEqual([{ text: 'kur siunta', options: { lang: 'lt' } }]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].obj).toMatchObject({ recognizer: 'clu', timeout: true, breaker: 'closed' });
  });

  test('a primary error: the fallback answers at once, and the error is logged', async () => {
    const { rec, logger } = setup(new ScriptedRecognizer(cloudResult, 'fail'), 5000);
    const t0 = performance.now();
    const r = await rec.recognize('labas');
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.source).toBe(FALLBACK_SOURCE);
    expect(logger.warnings[0].obj).toMatchObject({ recognizer: 'clu', timeout: false, err: 'scripted failure' });
  });

  test('a primary that throws synchronously is a failure like any other', async () => {
    const primary = { recognize: () => { throw new Error('sync boom'); } };
    const fallback = new ScriptedRecognizer(embeddedResult);
    const rec = new FallbackRecognizer({ primary, fallback, timeoutMs: 100, logger: new MemoryLogger() });
    await expect(rec.recognize('x')).resolves.toMatchObject({ source: FALLBACK_SOURCE });
  });

  test('the breaker opens after N consecutive failures; then the primary is skipped until openMs has passed', async () => {
    let now = 1_000_000;
    const primary = new ScriptedRecognizer(cloudResult, 'fail');
    const fallback = new ScriptedRecognizer(embeddedResult);
    const logger = new MemoryLogger();
    const rec = new FallbackRecognizer({
      primary,
      fallback,
      timeoutMs: 200,
      logger,
      primaryName: 'clu',
      breaker: { failureThreshold: 3, openMs: 30_000, now: () => now },
    });
    for (let i = 0; i < 3; i++) await rec.recognize(`t${i}`);
    expect(primary.calls).toHaveLength(3);
    expect(rec.breaker.state).toBe('open');
    expect(logger.warnings.at(-1)?.msg).toMatch(/circuit open for 30000 ms/);

    for (let i = 0; i < 5; i++) await expect(rec.recognize(`skip${i}`)).resolves.toMatchObject({ source: FALLBACK_SOURCE });
    expect(primary.calls).toHaveLength(3);
    expect(fallback.calls).toHaveLength(8);
    expect(logger.warnings).toHaveLength(3);

    now += 30_001; // half-open: one trial, which fails -> open again
    await rec.recognize('trial');
    expect(primary.calls).toHaveLength(4);
    expect(rec.breaker.state).toBe('open');
    await rec.recognize('skipped again');
    expect(primary.calls).toHaveLength(4);
  });

  test('a successful trial closes the breaker again', async () => {
    let now = 0;
    let healthy = false;
    const primary = {
      calls: 0,
      async recognize(text: string) {
        this.calls++;
        if (!healthy) throw new Error('down');
        return { ...cloudResult, text };
      },
    };
    const rec = new FallbackRecognizer({
      primary,
      fallback: new ScriptedRecognizer(embeddedResult),
      timeoutMs: 200,
      logger: new MemoryLogger(),
      breaker: { failureThreshold: 2, openMs: 1000, now: () => now },
    });
    await rec.recognize('a');
    await rec.recognize('b');
    expect(rec.breaker.state).toBe('open');
    healthy = true;
    now += 1001;
    await expect(rec.recognize('c')).resolves.toMatchObject({ source: 'clu' });
    expect(rec.breaker.state).toBe('closed');
    await expect(rec.recognize('d')).resolves.toMatchObject({ source: 'clu' });
    expect(primary.calls).toBe(4);
  });

  test('a success resets the consecutive-failure count', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 });
    b.onFailure();
    b.onSuccess();
    expect(b.onFailure()).toBe(false);
    expect(b.state).toBe('closed');
    expect(b.onFailure()).toBe(true);
    expect(b.state).toBe('open');
  });

  test('half-open lets only one trial through at a time', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 10, now: () => now });
    b.onFailure();
    expect(b.canRequest()).toBe(false);
    now = 11;
    expect(b.canRequest()).toBe(true);
    expect(b.canRequest()).toBe(false);
  });

  test('when the fallback fails too, it rejects with context', async () => {
    const rec = new FallbackRecognizer({
      primary: new ScriptedRecognizer(cloudResult, 'fail'),
      fallback: new ScriptedRecognizer(embeddedResult, 'fail'),
      timeoutMs: 100,
      logger: new MemoryLogger(),
    });
    await expect(rec.recognize('x')).rejects.toThrow(/^FallbackRecognizer\.recognize\(\): the fallback failed too: scripted failure/);
  });
});
