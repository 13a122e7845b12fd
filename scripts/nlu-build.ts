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
 * with `--evaluation` the ones whose file is missing or stale train on worker threads, one per
 * core (`NLU_BUILD_THREADS`, default `os.availableParallelism()`, at most 4), longest first, and
 * the others load in the main thread meanwhile. Each job is deterministic on its own, so the files
 * are the same whichever thread trained them; on a fresh clone the second core would otherwise
 * sit idle once the type-check beside this script ends. After a failed job no further one
 * starts; the model is still reported when it succeeded, and every failure is listed.
 *
 * It runs the compiled trainer in `dist/` but keys by the TypeScript sources: run it through
 * `npm run nlu:build` or `npm test`, which compile first, not by hand after editing the trainer.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { TRAINER_HASH_FILE, artifactPath, decodeModel, defaultCacheDir, loadOrTrainModel, modelKey, trainerHash } from '../services/nlu/embedded/modelArtifact';
import { evaluationKey, evaluationPath, evaluationPlan, loadOrTrainClassifier, type EvaluationTraining } from '../services/nlu/embedded/evaluationCache';
import { loadTrainingData, type TrainingExample } from '../services/nlu/trainingData';

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

/** The jobs' inputs, read once per thread. */
interface Inputs {
  data: TrainingExample[];
  plan: EvaluationTraining[];
}

function readInputs(): Inputs {
  const data = loadTrainingData();
  return { data, plan: evaluationPlan(data) };
}

/** Runs one job in this thread: the deployed model, or one training of the evaluation plan by name. */
function runJob(name: string, inputs: Inputs): JobResult {
  if (name === MODEL) {
    const m = loadOrTrainModel({ examples: inputs.data });
    const writeError = m.writeError === undefined ? undefined : String(m.writeError);
    return { name, from: m.from, ms: m.ms, model: { key: m.key, path: m.path, bytes: m.bytes, reason: m.from === 'trained' ? m.reason : undefined, writeError } };
  }
  const training = trainingNamed(name, inputs);
  const r = loadOrTrainClassifier(training.train, training.options);
  return { name, from: r.from, ms: r.ms };
}

/** The evaluation plan's training called `name`. */
function trainingNamed(name: string, inputs: Inputs): EvaluationTraining {
  const training = inputs.plan.find((t) => t.name === name);
  if (!training) throw new Error(`nlu-build: no evaluation training named ${name}`);
  return training;
}

/** Whether a job's file exists under its current key (its contents are checked when it is loaded). */
function present(name: string, inputs: Inputs): boolean {
  if (name === MODEL) {
    const cacheDir = defaultCacheDir();
    return existsSync(artifactPath(cacheDir, modelKey(inputs.data, {}, cacheDir)));
  }
  const t = trainingNamed(name, inputs);
  return existsSync(evaluationPath(evaluationKey(t.train, t.options)));
}

/** Threads for the jobs: `NLU_BUILD_THREADS` (1–4) or one per core, at most 4 (each holds the training data and a model). */
function threadCount(jobs: number): number {
  const asked = Number(process.env.NLU_BUILD_THREADS);
  const wanted = Number.isInteger(asked) && asked >= 1 ? asked : availableParallelism();
  return Math.max(1, Math.min(wanted, 4, jobs));
}

/**
 * Runs `names` on `threads` worker threads, taking the next job in order as a thread frees up.
 * After a failure no further job starts; the ones running finish. Resolves with what succeeded
 * and what failed (each error names its job).
 */
async function runOnThreads(names: readonly string[], threads: number): Promise<{ results: Map<string, JobResult>; errors: Error[] }> {
  const results = new Map<string, JobResult>();
  const errors: Error[] = [];
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < names.length && !errors.length) {
      const name = names[next++] as string;
      try {
        results.set(name, await inWorker(name));
      } catch (err) {
        errors.push(new Error(`nlu-build: job ${name}: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
  };
  await Promise.all(Array.from({ length: threads }, runner));
  return { results, errors };
}

function inWorker(name: string): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { job: name } });
    let result: JobResult | undefined;
    worker.once('message', (r: JobResult) => (result = r));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`ended (exit code ${code}) without a result`))));
  });
}

function reportModel(model: JobResult): void {
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
}

function reportEvaluation(evaluation: readonly JobResult[], started: number): void {
  const trained = evaluation.filter((r) => r.from === 'trained');
  const what = trained.length ? `trained ${trained.map((r) => `${r.name} (${(r.ms / 1000).toFixed(1)} s)`).join(', ')}` : 'all up to date';
  console.log(`nlu evaluation models: ${what}; ${Date.now() - started} ms in all`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const extra = process.argv.slice(2);
  if (extra.some((a) => a !== '--evaluation')) throw new Error(`nlu-build: unknown argument(s) ${extra.join(' ')} (expected --evaluation)`);
  const evaluation = extra.includes('--evaluation');
  const inputs = readInputs();
  if (evaluation && process.env.NLU_EVAL_CACHE === 'off') console.log('nlu evaluation models: NLU_EVAL_CACHE=off, the accuracy suite trains them itself');
  if (!evaluation || process.env.NLU_EVAL_CACHE === 'off') {
    reportModel(runJob(MODEL, inputs));
    return;
  }
  // Longest first (the model and the held-out split calibrate their temperature on three more trainings).
  const names = [MODEL, ...inputs.plan.map((t) => t.name)];
  // What is on disk loads here (quicker than starting a thread); what is missing or stale trains on threads.
  const missing = names.filter((n) => !present(n, inputs));
  const threads = threadCount(missing.length);
  const onThreads = threads > 1 ? runOnThreads(missing, threads) : undefined;
  const results = new Map<string, JobResult>();
  for (const name of names) if (!onThreads || !missing.includes(name)) results.set(name, runJob(name, inputs));
  const errors: Error[] = [];
  if (onThreads) {
    const done = await onThreads;
    for (const [name, r] of done.results) results.set(name, r);
    errors.push(...done.errors);
  }
  const model = results.get(MODEL);
  if (model) reportModel(model);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  reportEvaluation(names.slice(1).map((n) => results.get(n) as JobResult), started);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
} else {
  parentPort?.postMessage(runJob((workerData as { job: string }).job, readInputs()));
}
