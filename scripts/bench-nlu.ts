/**
 * `npm run bench:nlu`: what the embedded model costs at start-up — loading the build artifact
 * against training it, the artifact's size, the process's RSS with the loaded model — and the
 * latency of `recognize()` over a few thousand messages (training texts with variations), and the
 * locker directory's search over 3,000+ lockers.
 * Prints figures only.
 */
import { readFileSync } from 'fs';
import { loadTrainingData } from '../services/nlu/trainingData';
import { EmbeddedRecognizer } from '../services/nlu/embedded/EmbeddedRecognizer';
import { decodeModel, trainModel } from '../services/nlu/embedded/modelArtifact';
import { seedLockers } from '../services/carrier/sandbox/lockerSeed';
import { InMemoryLockerDirectory } from '../services/lockers/InMemoryLockerDirectory';
import { LOCKER_QUERIES, manyLockers } from '../test/support/bigLockerDirectory';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 3000);
  const rss0 = rss();
  const heap0 = process.memoryUsage().heapUsed;
  const { recognizer, model } = EmbeddedRecognizer.load();
  if (model.from === 'trained') console.log(`(artifact was missing or stale: trained it first in ${model.ms.toFixed(0)} ms)`);
  const rssLoaded = rss();
  const heapModel = process.memoryUsage().heapUsed - heap0;
  const file = readFileSync(model.path);
  const t0 = process.hrtime.bigint();
  decodeModel(file);
  const decodeMs = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`artifact: ${model.path} ${(model.bytes / 1024).toFixed(0)} KiB`);
  console.log(`start-up with the artifact (read data, key, read + decode): ${model.ms.toFixed(0)} ms (decode alone ${decodeMs.toFixed(0)} ms)`);
  console.log(`RSS: ${mb(rss0)} before, ${mb(rssLoaded)} with the loaded model (heap +${mb(heapModel)})`);

  const t1 = process.hrtime.bigint();
  const examples = loadTrainingData();
  const trained = trainModel(examples);
  const t2 = process.hrtime.bigint();
  console.log(`training examples: ${examples.length}`);
  console.log(`start-up training instead (incl. temperature calibration): ${(Number(t2 - t1) / 1e6).toFixed(0)} ms (temperature ${trained.classifier.temperature.toFixed(3)}); RSS after training ${mb(rss())}`);

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
  lockerSearch();
}

/** The locker directory at ten times the sandbox seed: index build and search + mention extraction per query. */
function lockerSearch(): void {
  const many = manyLockers(seedLockers());
  const t0 = process.hrtime.bigint();
  const big = new InMemoryLockerDirectory(many);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const q of LOCKER_QUERIES) big.search(q);
  const times: number[] = [];
  for (let run = 0; run < 20; run++) {
    for (const q of LOCKER_QUERIES) {
      const s = process.hrtime.bigint();
      big.search(q);
      big.extractMentions(q);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(`locker directory: ${many.length} lockers indexed in ${buildMs.toFixed(0)} ms; search + mentions per query (${LOCKER_QUERIES.length} queries × 20): mean ${mean.toFixed(2)} ms, p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
