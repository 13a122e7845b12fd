/**
 * `npm test` (`scripts/test.js`) trains the accuracy suite's models beside jest rather than before
 * it, and names in `NLU_EVAL_READY` the file it writes once that training has ended (its exit
 * code inside). The suite waits for it, then loads the models from the evaluation cache — or,
 * when the training failed or never finished within `timeoutMs`, trains what is missing itself
 * (`loadOrTrainClassifier`), so the figures are the same either way. Without the variable (jest
 * run by hand) there is nothing to wait for.
 */
import { existsSync, readFileSync } from 'fs';

export async function evaluationModelsReady(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<'ready' | 'failed' | 'timed out' | 'not pending'> {
  const file = env.NLU_EVAL_READY;
  if (!file) return 'not pending';
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) return 'timed out';
    await new Promise((r) => setTimeout(r, 200));
  }
  return readFileSync(file, 'utf8').trim() === '0' ? 'ready' : 'failed';
}
