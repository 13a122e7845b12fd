import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { evaluationModelsReady } from './evaluationReady';

describe('evaluationModelsReady (npm test trains the accuracy models beside jest)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockerdesk-eval-ready-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has nothing to wait for when jest runs without npm test', async () => {
    await expect(evaluationModelsReady(1000, {})).resolves.toBe('not pending');
  });

  it('waits until the file appears, then tells from its exit code whether the training succeeded', async () => {
    const file = join(dir, 'done');
    setTimeout(() => writeFileSync(file, '0\n'), 300);
    const started = Date.now();
    await expect(evaluationModelsReady(5000, { NLU_EVAL_READY: file })).resolves.toBe('ready');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    writeFileSync(file, '1\n');
    await expect(evaluationModelsReady(5000, { NLU_EVAL_READY: file })).resolves.toBe('failed');
  });

  it('gives up after its timeout (the suite then trains what is missing itself)', async () => {
    await expect(evaluationModelsReady(300, { NLU_EVAL_READY: join(dir, 'never') })).resolves.toBe('timed out');
  });
});
