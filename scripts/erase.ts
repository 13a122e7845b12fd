/** `npm run erase -- --phone +370… | --channel-id …` (see `eraseCommand.ts`). */
import { createLogger } from '../services/logging/logger';
import { runErase } from './eraseCommand';

runErase(process.argv.slice(2), process.env, createLogger(process.env.LOG_LEVEL ?? 'info'))
  .then((report) => {
    console.log(JSON.stringify(report));
  })
  .catch((err: unknown) => {
    console.error('erase failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
