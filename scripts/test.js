/**
 * `npm test [-- <jest arguments>]`: every check, overlapped so that the two cores are busy and
 * nothing waits for what it does not need (but the type-checks, which wait for the model on
 * purpose, 3.):
 *
 * 1. the server sources are transpiled into dist/ (swc, `scripts/transpile.js`, ~1 s), for the
 *    tests that start real processes (`node dist/index.js`);
 * 2. the NLU model artifact and the accuracy suite's models (`node dist/scripts/nlu-build.js
 *    --evaluation`: trained only when the training data or the trainer changed, e.g. on a fresh
 *    clone, on one worker thread per core; the suites then load them);
 * 3. jest, and beside it, in the background at the lowest CPU priority (nice 19), the type-check
 *    of sources and tests (`tsc -p tsconfig.test.json`) and of the agent console
 *    (`tsc -p web/agent/tsconfig.json`), both incremental (`.cache/tsc`). Jest's waits (servers,
 *    browsers, time windows) leave a core idle often enough for three workers (four did no
 *    better) and for the type-check. On a fresh clone, type-checking beside the training instead
 *    slowed it (on threads 32–33 s against 17–18 s alone) for no gain in jest.
 *
 * The exit code is the first failure's (type errors fail the run as tests do); a summary line
 * tells how long each part took. Plain JavaScript: it runs before anything is compiled.
 */
'use strict';
const { spawn } = require('child_process');
const { setPriority } = require('os');
const { join } = require('path');
const { transpile } = require('./transpile');

const ROOT = join(__dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
/** Jest workers: 3 on the 2-core development machine was the fastest whole run (see README, Performance). */
const WORKERS = process.env.JEST_WORKERS || '3';

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

/**
 * V8's young generation for jest and its workers: 32 MiB semi-spaces instead of 16 cut the run's
 * CPU by ~8% on the 2-core machine (fewer scavenges of the tests' short-lived objects; 64 MiB did
 * no better). README, Performance. The servers the process tests start get an environment of
 * their own (`test/bots/handoff/processes.ts`); a size in the caller's NODE_OPTIONS wins (last).
 */
const JEST_NODE_OPTIONS = ['--max-semi-space-size=32', process.env.NODE_OPTIONS].filter(Boolean).join(' ');

/**
 * Runs a node script with the terminal as its output; resolves with its exit code and duration.
 * `background`: at the lowest CPU priority (nice 19), so it takes only what jest leaves idle.
 */
function run(name, args, env = process.env, background = false) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
    if (background && child.pid !== undefined) {
      try {
        setPriority(child.pid, 19);
      } catch (err) {
        console.error(`${name}: runs at normal priority (${err instanceof Error ? err.message : err})`);
      }
    }
    child.once('error', (err) => {
      console.error(`${name}: ${err.message}`);
      resolve({ name, code: 1, ms: Date.now() - t0 });
    });
    child.once('exit', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), ms: Date.now() - t0 }));
  });
}

async function main() {
  const t0 = Date.now();
  try {
    transpile();
  } catch (error) {
    console.error(`transpile: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  const done = [{ name: 'transpile', code: 0, ms: Date.now() - t0 }];
  // Incremental: tsc keeps what it learnt in .cache/tsc and re-checks only what changed since (a full check on a fresh clone).
  const incremental = (name) => ['--incremental', '--tsBuildInfoFile', join(ROOT, '.cache', 'tsc', `${name}.tsbuildinfo`)];
  const model = await run('nlu model', [join(ROOT, 'dist', 'scripts', 'nlu-build.js'), '--evaluation']);
  done.push(model);
  const checks = [
    run('type-check', [TSC, '-p', 'tsconfig.test.json', ...incremental('test')], process.env, true),
    run('console type-check', [TSC, '-p', 'web/agent/tsconfig.json', ...incremental('console')], process.env, true),
  ];
  if (model.code === 0) done.push(await run('jest', [JEST, `--maxWorkers=${WORKERS}`, ...process.argv.slice(2)], { ...process.env, NODE_OPTIONS: JEST_NODE_OPTIONS }));
  done.push(...(await Promise.all(checks)));
  console.log(`\nnpm test: ${done.map((r) => `${r.name} ${seconds(r.ms)}${r.code ? ' FAILED' : ''}`).join(', ')}; ${seconds(Date.now() - started)} in all`);
  return done.find((r) => r.code !== 0)?.code ?? 0;
}

main().then((code) => {
  process.exitCode = code;
});
