/**
 * Scoring a big JSONL lead set for `leadpact diff` on several cores: the main thread only reads
 * and splits the file into batches of lines; worker threads parse, check and score each lead
 * under both rule sets and return their partial sums, merged here into one Impact. The result is
 * the same as the single-threaded pass (the test compares them).
 */
import { Worker } from 'node:worker_threads';
import type { Bundle } from '../../extension/engine/generated/rules';
import { CliError } from './command';
import { ImpactAccumulator, readLineBatches, type Impact, type ImpactOptions } from './impact';
import type { FromWorker, ToWorker } from './impact-worker-thread';

const BATCH = 1000;
/** Batches sent to a worker and not yet scored: enough to keep it busy, little memory. */
const IN_FLIGHT = 3;

export async function scoreInParallel(
  file: string,
  shown: string,
  before: Bundle | null,
  after: Bundle,
  options: ImpactOptions,
  jobs: number,
): Promise<Impact> {
  const workers = Array.from({ length: jobs }, () => new Worker(new URL('./impact-worker.mjs', import.meta.url)));
  const inFlight = workers.map(() => 0);
  const waiting: Array<(() => void) | null> = workers.map(() => null);
  const parts: Array<ReturnType<ImpactAccumulator['part']> | null> = workers.map(() => null);
  let failure: { message: string; line: number; expected: boolean } | null = null;
  let failed: (() => void) | null = null;
  const failedPromise = new Promise<void>((resolve) => (failed = resolve));
  const partsDone = workers.map((worker, index) => new Promise<void>((resolve) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'done-batch') {
        inFlight[index]!--;
        waiting[index]?.();
        waiting[index] = null;
      } else if (message.type === 'part') {
        parts[index] = message.part;
        resolve();
      } else {
        if (!failure || message.line < failure.line) failure = message;
        failed!();
      }
    });
    worker.on('error', (error) => {
      failure ??= { message: error.message, line: 0, expected: false };
      failed!();
    });
  }));

  try {
    const init: ToWorker = { type: 'init', before, after, now: options.now, top: options.topMovers ?? 10, shown };
    for (const worker of workers) worker.postMessage(init);
    let next = 0;
    for await (const { first, lines } of readLineBatches(file, BATCH)) {
      if (failure) break;
      const index = next;
      next = (next + 1) % workers.length;
      if (inFlight[index]! >= IN_FLIGHT) {
        await Promise.race([new Promise<void>((resolve) => (waiting[index] = resolve)), failedPromise]);
        if (failure) break;
      }
      inFlight[index]!++;
      workers[index]!.postMessage({ type: 'batch', first, lines } satisfies ToWorker);
    }
    if (!failure) {
      for (const worker of workers) worker.postMessage({ type: 'end' } satisfies ToWorker);
      await Promise.race([Promise.all(partsDone), failedPromise]);
    }
    if (failure) {
      const { message, expected } = failure;
      if (expected) throw new CliError(message);
      throw new Error(`impact worker failed: ${message}`);
    }
    const merged = new ImpactAccumulator(before, after, options);
    for (const part of parts) merged.absorb(part!);
    return merged.result();
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
