/**
 * `TRAINER_MODULES` (services/nlu/embedded/modelArtifact.ts) is the list of sources whose text
 * keys the deployed model and the evaluation cache. It is kept by hand, so this checks it against
 * the code: every module the trainer and the artifact reach through value imports is listed,
 * except the few below, each with the reason it cannot change a trained model.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { TRAINER_MODULES } from '../../../../services/nlu/embedded/modelArtifact';

const SERVICES = join(__dirname, '..', '..', '..', '..', 'services');
const ROOTS = ['nlu/embedded/IntentClassifier', 'nlu/embedded/modelArtifact', 'nlu/language', 'nlu/trainingData'];
/** Reached, but without effect on what training produces. */
const NOT_TRAINING: Record<string, string> = {
  'nlu/entities/lockerRoles': 'only extractEntities (the recognizer at run time) uses it; training tokenizes with locateEntities',
  'carrier/s10': 'sets the value and validity of a tracking number, not the masked span the features see',
  'i18n/langs': 'the language list; the stratified splits sort their own keys',
};

/** Relative value imports of one module (type-only imports and re-exports of types are skipped). */
function imports(module: string): string[] {
  const source = readFileSync(join(SERVICES, `${module}.ts`), 'utf8');
  const out: string[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?(?:[\s\S]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
  for (const m of source.matchAll(statement)) {
    if (m[1]) continue;
    const target = resolve(dirname(join(SERVICES, module)), m[2]!);
    const file = [`${target}.ts`, join(target, 'index.ts')].find(existsSync);
    if (file) out.push(relative(SERVICES, file).replace(/\.ts$/, '').split('\\').join('/'));
  }
  return out;
}

function closure(roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const m = todo.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    todo.push(...imports(m));
  }
  return seen;
}

describe('TRAINER_MODULES', () => {
  it('names only modules that exist', () => {
    for (const m of TRAINER_MODULES) expect(existsSync(join(SERVICES, `${m}.ts`))).toBe(true);
  });

  it('lists every module the trainer reaches, but for the few without effect on training', () => {
    const reached = [...closure(ROOTS)].sort();
    // The walk sees through the imports (a parse that found nothing would pass the check below).
    expect(reached).toEqual(expect.arrayContaining(['nlu/embedded/features', 'nlu/embedded/softmax', 'nlu/text', 'text/fold', 'nlu/entities/phone']));
    const unlisted = reached.filter((m) => !(TRAINER_MODULES as readonly string[]).includes(m) && !(m in NOT_TRAINING));
    expect(unlisted).toEqual([]);
    // The exceptions are still reached (otherwise they belong out of this list).
    for (const m of Object.keys(NOT_TRAINING)) expect(reached).toContain(m);
  });
});
