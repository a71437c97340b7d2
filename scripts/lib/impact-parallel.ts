/**
 * Scoring a big JSONL lead set for `leadpact diff` on several cores: the main thread only reads
 * and splits the file into batches of numbered lines (lead-input.ts readLines); worker threads
 * parse, check and score each lead under both rule sets and return their partial sums, merged
 * here into one Impact. The result is the same as the single-threaded pass (the test compares them).
 */
import { Worker } from 'node:worker_threads';
import type { Bundle } from '../../extension/engine/generated/rules';
import { CliError } from './command';
import { ImpactAccumulator, type Impact, type ImpactOptions, type LeadsFile } from './impact';
import { InputReadError, readLines } from './lead-input';
import type { FromWorker, ToWorker } from './impact-worker-thread';

const BATCH = 1000;
/** Batches sent to a worker and not yet scored: enough to keep it busy, little memory. */
const IN_FLIGHT = 3;

export async function scoreInParallel(
  input: LeadsFile,
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
    const init: ToWorker = { type: 'init', before, after, now: options.now, top: options.topMovers ?? 10, shown: input.shown };
    for (const worker of workers) worker.postMessage(init);
    let next = 0;
    const send = async (lines: Array<[number, string]>): Promise<boolean> => {
      const index = next;
      next = (next + 1) % workers.length;
      if (inFlight[index]! >= IN_FLIGHT) {
        await Promise.race([new Promise<void>((resolve) => (waiting[index] = resolve)), failedPromise]);
        if (failure) return false;
      }
      inFlight[index]!++;
      workers[index]!.postMessage({ type: 'batch', lines } satisfies ToWorker);
      return true;
    };
    let batch: Array<[number, string]> = [];
    try {
      read: for await (const items of readLines(input.chunks)) {
        for (const item of items) {
          if (failure) break read;
          if (!('text' in item)) {
            // A bad line a worker reported already is earlier: it stays the one reported.
            failure ??= { message: `${input.shown}:${item.line}:${item.col}: ${item.error}`, line: item.line, expected: true };
            break read;
          }
          batch.push([item.line, item.text]);
          if (batch.length === BATCH) {
            if (!(await send(batch))) break read;
            batch = [];
          }
        }
      }
      if (!failure && batch.length > 0) await send(batch);
    } catch (error) {
      if (!(error instanceof InputReadError)) throw error;
      failure ??= { message: `${input.shown}: ${error.message}`, line: Number.MAX_SAFE_INTEGER, expected: true };
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
    await input.close();
  }
}
