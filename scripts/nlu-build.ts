/**
 * `npm run build` (after tsc) and `npm run nlu:build [-- --evaluation]`: makes sure the trained
 * embedded model for the current training data and trainer code is in `.cache/nlu` (trains only
 * when it is missing or stale), records the trainer hash for deployments without sources, and
 * prints how it was obtained, its size and the time to load it back.
 *
 * `--evaluation` (npm test) also fills the evaluation cache with the accuracy suite's trainings
 * (`services/nlu/embedded/evaluationCache.ts`), here in plain node rather than inside a jest
 * worker, and only those that are missing or stale; with `NLU_EVAL_CACHE=off` it does nothing
 * (the suite trains them itself). The deployed model and those trainings are independent jobs:
 * with `--evaluation` they run on worker threads, one per core (`NLU_BUILD_THREADS`, default
 * `os.availableParallelism()`, at most 4), longest first. Each job is deterministic on its own,
 * so the files are the same whichever thread trained them; on a fresh clone the second core would
 * otherwise sit idle once the type-check beside this script ends.
 *
 * It runs the compiled trainer in `dist/` but keys by the TypeScript sources: run it through
 * `npm run nlu:build` or `npm test`, which compile first, not by hand after editing the trainer.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { TRAINER_HASH_FILE, artifactPath, decodeModel, defaultCacheDir, loadOrTrainModel, modelKey, trainerHash } from '../services/nlu/embedded/modelArtifact';
import { evaluationKey, evaluationPath, evaluationPlan, loadOrTrainClassifier } from '../services/nlu/embedded/evaluationCache';
import { loadTrainingData } from '../services/nlu/trainingData';

/** The deployed model's job name; the others are the evaluation plan's training names. */
const MODEL = 'model';

/** What a job reports back: how its model was obtained. */
interface JobResult {
  name: string;
  from: 'cache' | 'trained';
  ms: number;
  /** The deployed model only. */
  model?: { key: string; path: string; bytes: number; reason?: string; writeError?: string };
}

/** Runs one job in this thread: the deployed model, or one training of the evaluation plan by name. */
function runJob(name: string): JobResult {
  if (name === MODEL) {
    const m = loadOrTrainModel();
    const writeError = m.writeError === undefined ? undefined : String(m.writeError);
    return { name, from: m.from, ms: m.ms, model: { key: m.key, path: m.path, bytes: m.bytes, reason: m.from === 'trained' ? m.reason : undefined, writeError } };
  }
  const training = evaluationPlan(loadTrainingData()).find((t) => t.name === name);
  if (!training) throw new Error(`nlu-build: no evaluation training named ${name}`);
  const r = loadOrTrainClassifier(training.train, training.options);
  return { name, from: r.from, ms: r.ms };
}

/** Threads for the jobs: `NLU_BUILD_THREADS` (1–4) or one per core, at most 4 (each holds the training data and a model). */
function threadCount(jobs: number): number {
  const asked = Number(process.env.NLU_BUILD_THREADS);
  const wanted = Number.isInteger(asked) && asked >= 1 ? asked : availableParallelism();
  return Math.max(1, Math.min(wanted, 4, jobs));
}

/** Runs `names` on `threads` worker threads, taking the next job in order as a thread frees up; results in the order given. */
function runOnThreads(names: readonly string[], threads: number): Promise<JobResult[]> {
  const results = new Map<string, JobResult>();
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] as string;
      results.set(name, await inWorker(name));
    }
  };
  return Promise.all(Array.from({ length: threads }, runner)).then(() => names.map((n) => results.get(n) as JobResult));
}

function inWorker(name: string): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { job: name } });
    let result: JobResult | undefined;
    worker.once('message', (r: JobResult) => (result = r));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`nlu-build: job ${name} ended (exit code ${code}) without a result`))));
  });
}

/** Whether the deployed model's and every evaluation training's file exist under their current keys (contents are checked when loaded). */
function allPresent(): boolean {
  const data = loadTrainingData();
  const cacheDir = defaultCacheDir();
  if (!existsSync(artifactPath(cacheDir, modelKey(data, {}, cacheDir)))) return false;
  return evaluationPlan(data).every((t) => existsSync(evaluationPath(evaluationKey(t.train, t.options))));
}

function report(model: JobResult, evaluation: JobResult[] | undefined, started: number): void {
  const m = model.model;
  if (!m) throw new Error('nlu-build: the model job gave no model');
  // A deployment that ships dist/ and .cache/ without the TypeScript sources reads the trainer hash from here.
  writeFileSync(join(defaultCacheDir(), TRAINER_HASH_FILE), `${trainerHash()}\n`);
  if (m.writeError) throw new Error(`nlu-build: trained but could not write ${m.path}: ${m.writeError}`);
  const t = process.hrtime.bigint();
  decodeModel(readFileSync(m.path));
  const loadMs = Number(process.hrtime.bigint() - t) / 1e6;
  const how = model.from === 'cache' ? 'up to date' : `trained in ${model.ms.toFixed(0)} ms (${m.reason ?? 'stale'})`;
  console.log(`nlu model ${m.key.slice(0, 12)}: ${how}; ${m.path} ${(m.bytes / 1024).toFixed(0)} KiB, loads in ${loadMs.toFixed(0)} ms`);
  if (!evaluation) return;
  const trained = evaluation.filter((r) => r.from === 'trained');
  const how2 = trained.length ? `trained ${trained.map((r) => `${r.name} (${(r.ms / 1000).toFixed(1)} s)`).join(', ')}` : 'all up to date';
  console.log(`nlu evaluation models: ${how2}; ${Date.now() - started} ms in all`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const extra = process.argv.slice(2);
  if (extra.some((a) => a !== '--evaluation')) throw new Error(`nlu-build: unknown argument(s) ${extra.join(' ')} (expected --evaluation)`);
  const evaluation = extra.includes('--evaluation');
  if (evaluation && process.env.NLU_EVAL_CACHE === 'off') console.log('nlu evaluation models: NLU_EVAL_CACHE=off, the accuracy suite trains them itself');
  if (!evaluation || process.env.NLU_EVAL_CACHE === 'off') {
    report(runJob(MODEL), undefined, started);
    return;
  }
  // Longest first (the model and the held-out split calibrate their temperature on three more trainings).
  const names = [MODEL, ...evaluationPlan(loadTrainingData()).map((t) => t.name)];
  // When every file is there (the usual warm run) loading them here is quicker than starting threads.
  const threads = allPresent() ? 1 : threadCount(names.length);
  const [model, ...rest] = threads > 1 ? await runOnThreads(names, threads) : names.map(runJob);
  report(model as JobResult, rest, started);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
} else {
  parentPort?.postMessage(runJob((workerData as { job: string }).job));
}
