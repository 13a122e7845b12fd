/**
 * `npm run agent:hash -- <password>`: prints the scrypt hash to put in AGENTS / AGENTS_FILE
 * (`[{"id","name","role","passwordHash"}]`). Without an argument the password is read from
 * standard input, which keeps it out of the shell history: `npm run agent:hash < file`.
 */
import { hashPassword } from '../services/handoff/agentAuth';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const password = process.argv[2] ?? (process.stdin.isTTY ? '' : await readStdin());
  if (!password || password.length < 10) {
    console.error('usage: npm run agent:hash -- <password of at least 10 characters>   (or pipe it on stdin)');
    process.exit(2);
  }
  console.log(await hashPassword(password));
}

main().catch((err) => {
  console.error('agent:hash failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
