/**
 * Private miss counts. A miss is a selector that matched nothing usable, or page work that threw.
 * Counts stay in this page's memory; the background hears only the selector id (never page text),
 * each id at most once per interval, so a broken selector on a busy page costs one message.
 */
import type { Request } from '../lib/protocol';

export const MISS_REPORT_INTERVAL_MS = 10 * 60_000;
/** Ids are catalogue ids, a bounded set; the cap only guards against a site inventing ids. */
const MAX_DISTINCT_IDS = 200;
const MAX_ID_LENGTH = 64;

export type SendMiss = (report: Request<'miss'>) => unknown;

export interface MissCounter {
  readonly counts: ReadonlyMap<string, number>;
  report(selectorId: string): void;
}

export function createMissCounter(site: string, send: SendMiss | undefined, now: () => number): MissCounter {
  const counts = new Map<string, number>();
  const lastSent = new Map<string, number>();
  return {
    counts,
    report(selectorId) {
      const id = String(selectorId).slice(0, MAX_ID_LENGTH);
      if (!counts.has(id) && counts.size >= MAX_DISTINCT_IDS) return;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (!send) return;
      const at = now();
      const last = lastSent.get(id);
      if (last !== undefined && at - last < MISS_REPORT_INTERVAL_MS) return;
      lastSent.set(id, at);
      try {
        const sent = send({ site: site.slice(0, 32), selector: id });
        if (sent instanceof Promise) sent.catch(() => undefined); // diagnostics only: a lost report is fine
      } catch {
        // Same: never let reporting a problem become one.
      }
    },
  };
}
