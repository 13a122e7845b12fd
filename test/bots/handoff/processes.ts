/**
 * Real bot server processes (`node dist/index.js`) for multi-instance and crash tests: built once
 * when `dist/` is older than the sources, started on fixed loopback ports (so a restart keeps the
 * URL), killed with SIGKILL like a crash. Output is kept for failure messages.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { readdirSync, statSync, existsSync } from 'fs';
import { join } from 'path';
import { waitUntil } from './http';

export const ROOT = join(__dirname, '..', '..', '..');
const ENTRY = join(ROOT, 'dist', 'index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (name.name === 'node_modules' || name.name.startsWith('.')) continue;
    const full = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Transpiles the sources into dist/ (`scripts/transpile.js`, as `npm test` does first) unless
 * dist/index.js is newer than every source file, e.g. when one suite is run on its own after an edit.
 */
export function ensureBuilt(): void {
  const sources = Math.max(statSync(join(ROOT, 'index.ts')).mtimeMs, ...['bots', 'dialogs', 'services'].map((d) => newestSource(join(ROOT, d))));
  if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'transpile.js')], { cwd: ROOT, stdio: 'pipe', timeout: 60_000 });
  if (!existsSync(ENTRY)) throw new Error('ensureBuilt(): dist/index.js was not produced by scripts/transpile.js');
}

export interface BotProcess {
  url: string;
  port: number;
  output(): string;
  /** SIGKILL, like a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export function startBotProcess(port: number, env: Record<string, string>): BotProcess {
  const child: ChildProcess = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      // A pipe can outlive the process (e.g. the stream is not yet drained): never keep the test runner alive for it.
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(code);
    }),
  );
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return { url: `http://127.0.0.1:${port}`, port, output: () => out, kill: () => end('SIGKILL'), stop: () => end('SIGTERM'), exited };
}

/** Resolves when `/healthz` answers; rejects with the process output if it exits or times out. */
export async function waitHealthy(p: BotProcess, timeoutMs = 150_000): Promise<void> {
  let exitCode: number | null | undefined;
  void p.exited.then((c) => (exitCode = c));
  try {
    await waitUntil(
      async () => {
        if (exitCode !== undefined) throw new Error(`bot process exited with ${exitCode}`);
        try {
          const res = await fetch(`${p.url}/healthz`);
          return res.ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      `bot process on ${p.url}`,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- output ---\n${p.output().slice(-4000)}`);
  }
}
