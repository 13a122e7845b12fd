/**
 * `npm run bench:nlu`: start-up (training) time of the embedded recognizer and the latency of
 * `recognize()` over a few thousand messages (training texts with variations). Prints figures only.
 */
import { loadTrainingData } from '../services/nlu/trainingData';
import { EmbeddedRecognizer } from '../services/nlu/embedded/EmbeddedRecognizer';

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 3000);
  const t0 = process.hrtime.bigint();
  const examples = loadTrainingData();
  const t1 = process.hrtime.bigint();
  const recognizer = EmbeddedRecognizer.train({ examples });
  const t2 = process.hrtime.bigint();
  console.log(`training examples: ${examples.length}`);
  console.log(`load data: ${(Number(t1 - t0) / 1e6).toFixed(0)} ms`);
  console.log(`train (incl. temperature calibration): ${(Number(t2 - t1) / 1e6).toFixed(0)} ms (temperature ${recognizer.temperature.toFixed(3)})`);

  const variants = [(t: string) => t, (t: string) => t.toUpperCase(), (t: string) => `${t} CE482139075LT`, (t: string) => `${t}, mano nr. 861234567`];
  const texts: string[] = [];
  for (let i = 0; texts.length < messages && examples.length; i++) {
    const ex = examples[i % examples.length];
    const variant = variants[Math.floor(i / examples.length) % variants.length];
    if (ex && variant) texts.push(variant(ex.text));
  }
  for (const t of texts.slice(0, 200)) await recognizer.recognize(t);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (const t of texts) {
    const s = process.hrtime.bigint();
    await recognizer.recognize(t);
    latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  latencies.sort((a, b) => a - b);
  console.log(`recognize(): ${texts.length} messages`);
  console.log(`  p50 ${percentile(latencies, 50).toFixed(3)} ms   p99 ${percentile(latencies, 99).toFixed(3)} ms   max ${(latencies[latencies.length - 1] ?? 0).toFixed(3)} ms`);
  console.log(`  ${((texts.length / totalMs) * 1000).toFixed(0)} messages/second`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
