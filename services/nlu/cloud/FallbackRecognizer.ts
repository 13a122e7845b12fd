/**
 * Keeps a cloud recognizer from ever blocking or failing a turn: the primary (cloud) gets
 * `timeoutMs`; when it fails or is late, the fallback (embedded) answers. A circuit breaker stops
 * calling a primary that keeps failing, so a dead cloud costs no latency on every turn.
 */
import type { RecognizeOptions, Recognizer, RecognizerResult } from '../types';
import { CircuitBreaker, type CircuitBreakerOptions } from './CircuitBreaker';
import type { NluLogger } from './ports';

export interface FallbackRecognizerOptions {
  primary: Recognizer;
  fallback: Recognizer;
  /** How long the primary may take (config `CLOUD_NLU_TIMEOUT_MS`). */
  timeoutMs: number;
  logger: NluLogger;
  /** Name of the primary in logs, e.g. `clu`. Default `primary`. */
  primaryName?: string;
  /** Default: open after 3 consecutive failures, for 30 s. */
  breaker?: CircuitBreakerOptions;
}

/** `source` of results the fallback produced. */
export const FALLBACK_SOURCE = 'embedded-fallback';

class PrimaryTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'PrimaryTimeout';
  }
}

/**
 * `Recognizer` that answers with the primary's result when it arrives within `timeoutMs`, and
 * otherwise with the fallback's result marked `source: 'embedded-fallback'`. Each primary failure
 * is logged with `warn`; while the breaker is open the primary is not called at all. Rejects only
 * when the fallback fails too.
 *
 * @example
 * new FallbackRecognizer({ primary: clu, fallback: embedded, timeoutMs: cfg.nlu.cloudTimeoutMs, logger, primaryName: 'clu' })
 */
export class FallbackRecognizer implements Recognizer {
  readonly breaker: CircuitBreaker;
  private readonly name: string;

  constructor(private readonly opts: FallbackRecognizerOptions) {
    this.breaker = new CircuitBreaker(opts.breaker);
    this.name = opts.primaryName ?? 'primary';
  }

  async recognize(text: string, options?: RecognizeOptions): Promise<RecognizerResult> {
    if (this.breaker.canRequest()) {
      const started = Date.now();
      try {
        const result = await this.withTimeout(this.opts.primary.recognize(text, options));
        this.breaker.onSuccess();
        return result;
      } catch (err) {
        const opened = this.breaker.onFailure();
        this.opts.logger.warn(
          {
            recognizer: this.name,
            elapsedMs: Date.now() - started,
            timeout: err instanceof PrimaryTimeout,
            err: err instanceof Error ? err.message : String(err),
            breaker: this.breaker.state,
          },
          opened
            ? `FallbackRecognizer: ${this.name} failed; circuit open for ${this.breaker.remainingOpenMs()} ms, using the fallback`
            : `FallbackRecognizer: ${this.name} failed, using the fallback`,
        );
      }
    }
    try {
      const result = await this.opts.fallback.recognize(text, options);
      return { ...result, source: FALLBACK_SOURCE };
    } catch (err) {
      throw new Error(
        `FallbackRecognizer.recognize(): the fallback failed too: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const ms = this.opts.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PrimaryTimeout(ms)), ms);
      work.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}
