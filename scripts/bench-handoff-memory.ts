/**
 * `npm run bench:handoff-memory [-- <conversations> <messages> <KiB>]`: how much memory the
 * in-memory hand-off store holds for anonymous visitors who send huge messages before any case
 * exists (pre-case buffers), and how much is left after their buffers expire and are swept.
 * Prints figures only (run with `node --expose-gc` for exact numbers; the npm script does).
 */
import { MemoryCaseStore } from '../services/handoff/MemoryCaseStore';

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function main(): Promise<void> {
  const [conversations = 200, messages = 10, kib = 64] = process.argv.slice(2).map(Number);
  let now = Date.now();
  const store = new MemoryCaseStore({ now: () => new Date(now), preCaseBufferTtlMs: 60_000, sweepEveryMs: 1000 });
  const base = heap();
  for (let c = 0; c < conversations; c++) {
    for (let i = 0; i < messages; i++) {
      await store.appendTranscript({ conversationId: `visitor-${c}` }, { at: new Date(now).toISOString(), from: 'customer', text: `${c}:${i}:`.padEnd(kib * 1024, 'x') });
    }
  }
  const grown = heap() - base;
  const raw = (conversations * messages * kib) / 1024;
  now += 61_000;
  await store.appendTranscript({ conversationId: 'next-visitor' }, { at: new Date(now).toISOString(), from: 'customer', text: 'hi' });
  const after = heap() - base;
  console.log(`${conversations} conversations x ${messages} messages of ${kib} KiB (raw ${raw.toFixed(0)} MiB): held +${(grown / 1048576).toFixed(1)} MiB; after the buffers expired and the next write swept them: +${(after / 1048576).toFixed(1)} MiB (${store.expiringEntries()} entries left)`);
}

main().catch((err) => {
  console.error('bench:handoff-memory failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
