/**
 * `GET /readyz` (issue #12): whether this instance should get traffic. 200 only when every
 * dependency answers (Redis when configured, the carrier API); 503 naming the ones that do not,
 * and 503 at once while the instance drains for shutdown. `/healthz` stays process liveness (a
 * failing dependency must not make the platform restart a healthy process).
 *
 * Bodies name dependencies only (`redis`, `carrier`), never addresses or error text.
 */
import type { Request, Response, Server } from 'restify';

/** A dependency check: resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<unknown>;

export interface ReadinessOptions {
  /** Named checks, e.g. `{ redis: () => redis.ping(), carrier: () => carrier.health() }`. */
  checks: Record<string, ReadinessCheck>;
  /** True once shutdown began. */
  draining: () => boolean;
  /** A check slower than this counts as failing. Default 2 s. */
  timeoutMs?: number;
}

function within(check: ReadinessCheck, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const run = Promise.resolve()
    .then(check)
    .then(
      () => true,
      () => false,
    );
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

export function registerReadiness(server: Server, opts: ReadinessOptions): void {
  const ms = opts.timeoutMs ?? 2000;
  server.get('/readyz', async (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-store');
    if (opts.draining()) {
      res.send(503, { status: 'draining' });
      return;
    }
    const names = Object.keys(opts.checks);
    const results = await Promise.all(names.map((n) => within(opts.checks[n], ms)));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'unavailable']));
    const unavailable = names.filter((_n, i) => !results[i]);
    if (unavailable.length) res.send(503, { status: 'unavailable', failing: unavailable, checks });
    else res.send(200, { status: 'ready', checks });
  });
}
