/**
 * Runs the sandbox carrier alone, for a carrier developer or a demo:
 *   node dist/services/carrier/sandbox/main.js [port=4000] [host=127.0.0.1]
 * The port comes from the command line (only services/config.ts reads the environment).
 */
import { createLogger } from '../../logging/logger';
import { createSandboxServer } from './server';

async function main(argv: string[]): Promise<void> {
  const port = argv[0] === undefined ? 4000 : Number(argv[0]);
  const host = argv[1] ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`sandbox/main: the port must be an integer 0-65535, got "${argv[0]}"`);
  }
  const sandbox = createSandboxServer({ logger: createLogger('info') });
  const { url } = await sandbox.listen(port, host);
  process.stdout.write(
    `Sandbox carrier API listening on ${url}/v1 (${sandbox.carrier.lockers.size} lockers, ${sandbox.carrier.parcels.size} parcels); ` +
      `SMS outbox (loopback only): ${url}/sandbox/sms?to=%2B370…\n`,
  );
  const stop = () => {
    sandbox.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
