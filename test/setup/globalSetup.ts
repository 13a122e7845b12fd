/**
 * Starts one real `redis-server` for the whole test run on a free loopback port and publishes its
 * URL as TEST_REDIS_URL. Nothing is persisted to disk. Tests that need Redis read the URL through
 * `test/setup/redis.ts`; the server is stopped by globalTeardown.
 *
 * It also makes sure the trained NLU model artifact for the current training data and trainer
 * code is in `.cache/nlu` (training it once when missing or stale), so every suite loads it in
 * milliseconds instead of training the same model again.
 */
import { loadOrTrainModel } from '../../services/nlu/embedded/modelArtifact';
import { spawn, execFileSync } from 'child_process';
import { createServer } from 'net';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, deadlineMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      const out = execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (out === 'PONG') return;
    } catch {
      /* not up yet */
    }
    if (Date.now() - started > deadlineMs) throw new Error(`globalSetup: redis-server on port ${port} did not answer PING`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export default async function globalSetup(): Promise<void> {
  const model = loadOrTrainModel();
  if (model.writeError) throw new Error(`globalSetup: could not write the NLU model artifact ${model.path}: ${String(model.writeError)}`);
  if (model.from === 'trained') console.log(`\nglobalSetup: trained the NLU model in ${Math.round(model.ms)} ms (${model.reason}) -> ${model.path}`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lockerdesk-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore', detached: false },
  );
  child.on('error', (err) => {
    throw new Error(`globalSetup: could not start redis-server (is it installed? .ci/run installs it): ${err.message}`);
  });
  await waitForPing(port, 10000);
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.TEST_REDIS_PORT = String(port);
  (globalThis as unknown as { __REDIS_CHILD__: unknown }).__REDIS_CHILD__ = child;
}
