/**
 * `npm run build` (after tsc) and `npm run nlu:build [-- --evaluation]`: makes sure the trained
 * embedded model for the current training data and trainer code is in `.cache/nlu` (trains only
 * when it is missing or stale), records the trainer hash for deployments without sources, and
 * prints how it was obtained, its size and the time to load it back.
 *
 * `--evaluation` (npm test) also fills the evaluation cache with the accuracy suite's trainings
 * (`services/nlu/embedded/evaluationCache.ts`), here in plain node rather than inside a jest
 * worker, and only those that are missing or stale; with `NLU_EVAL_CACHE=off` it does nothing
 * (the suite trains them itself).
 *
 * It runs the compiled trainer in `dist/` but keys by the TypeScript sources: run it through
 * `npm run nlu:build` or `npm test`, which compile first, not by hand after editing the trainer.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { TRAINER_HASH_FILE, decodeModel, defaultCacheDir, loadOrTrainModel, trainerHash } from '../services/nlu/embedded/modelArtifact';
import { evaluationPlan, loadOrTrainClassifier } from '../services/nlu/embedded/evaluationCache';
import { loadTrainingData } from '../services/nlu/trainingData';

function evaluationModels(): void {
  if (process.env.NLU_EVAL_CACHE === 'off') {
    console.log('nlu evaluation models: NLU_EVAL_CACHE=off, the accuracy suite trains them itself');
    return;
  }
  const started = Date.now();
  const results = evaluationPlan(loadTrainingData()).map((t) => ({ name: t.name, ...loadOrTrainClassifier(t.train, t.options) }));
  const trained = results.filter((r) => r.from === 'trained');
  const how = trained.length ? `trained ${trained.map((r) => `${r.name} (${(r.ms / 1000).toFixed(1)} s)`).join(', ')}` : 'all up to date';
  console.log(`nlu evaluation models: ${how}; ${Date.now() - started} ms`);
}

function main(): void {
  const extra = process.argv.slice(2);
  if (extra.some((a) => a !== '--evaluation')) throw new Error(`nlu-build: unknown argument(s) ${extra.join(' ')} (expected --evaluation)`);
  const model = loadOrTrainModel();
  // A deployment that ships dist/ and .cache/ without the TypeScript sources reads the trainer hash from here.
  writeFileSync(join(defaultCacheDir(), TRAINER_HASH_FILE), `${trainerHash()}\n`);
  if (model.writeError) throw new Error(`nlu-build: trained but could not write ${model.path}: ${String(model.writeError)}`);
  const started = process.hrtime.bigint();
  decodeModel(readFileSync(model.path));
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  const how = model.from === 'cache' ? 'up to date' : `trained in ${model.ms.toFixed(0)} ms (${model.reason})`;
  console.log(`nlu model ${model.key.slice(0, 12)}: ${how}; ${model.path} ${(model.bytes / 1024).toFixed(0)} KiB, loads in ${loadMs.toFixed(0)} ms`);
  if (extra.includes('--evaluation')) evaluationModels();
}

try {
  main();
} catch (error: unknown) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
