/**
 * One impact worker thread: receives the two bundles once, then batches of JSONL lines; parses,
 * checks and scores every lead under both rule sets, and at the end hands back its
 * ImpactAccumulator part for the main thread to merge. Errors go back as one-line messages.
 */
import { parentPort } from 'node:worker_threads';
import type { Bundle } from '../../extension/engine/generated/rules';
import { CliError } from './command';
import { ImpactAccumulator, parseLeadLine } from './impact';

export type ToWorker =
  | { type: 'init'; before: Bundle | null; after: Bundle; now: number; top: number; shown: string }
  | { type: 'batch'; lines: Array<[number, string]> }
  | { type: 'end' };

export type FromWorker =
  | { type: 'done-batch' }
  | { type: 'part'; part: ReturnType<ImpactAccumulator['part']> }
  | { type: 'error'; message: string; line: number; expected: boolean };

let accumulator: ImpactAccumulator | null = null;
let shown = '';
let failed = false;
const port = parentPort!;

port.on('message', (message: ToWorker) => {
  if (failed) return;
  try {
    if (message.type === 'init') {
      accumulator = new ImpactAccumulator(message.before, message.after, { now: message.now, topMovers: message.top });
      shown = message.shown;
    } else if (message.type === 'batch') {
      for (const [line, text] of message.lines) accumulator!.add(parseLeadLine(text, line, shown));
      port.postMessage({ type: 'done-batch' } satisfies FromWorker);
    } else {
      port.postMessage({ type: 'part', part: accumulator!.part() } satisfies FromWorker);
    }
  } catch (error) {
    failed = true;
    const line = Number(/:(\d+):1: /.exec((error as Error).message)?.[1] ?? 0);
    port.postMessage({ type: 'error', message: (error as Error).message, line, expected: error instanceof CliError } satisfies FromWorker);
  }
});
