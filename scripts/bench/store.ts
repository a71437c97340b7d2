// Lead store benchmark in Node: importing 100k sample-shaped leads the way the options page does
// (JSON Lines text -> checked records -> the store's chunked, staged write; target < 15 s, progress
// on stderr) against one transaction per record, and looking a person up by email with 100k leads
// stored (p95 target < 5 ms) against a scan without the index. The measurements are in
// support/store-core.ts; browser-store.ts runs the same ones on Chromium's own IndexedDB.
//
// IndexedDB here is fake-indexeddb (an in-memory implementation in JavaScript), not a browser's:
// absolute figures differ from Chrome's (LevelDB on disk). The baseline import runs on the first
// BASELINE_LEADS leads and is scaled to 100k.
import 'fake-indexeddb/auto';
import { normaliseEmail } from '../../extension/background/keys';
import { generateLeads } from '../lib/lead-generator';
import { measureStore, storeResults } from './support/store-core';
import type { BenchResult } from './types';

const LEADS = 100_000;
const NOW = '2026-11-20T12:00:00Z';

/** The benchmark's leads as JSON Lines, and their normalised emails. */
export function benchLeads(leadCount: number): { text: string; emails: string[] } {
  const lines: string[] = [];
  const emails: string[] = [];
  for (const lead of generateLeads({ seed: 7, count: leadCount, now: NOW })) {
    lines.push(JSON.stringify(lead));
    const email = normaliseEmail(lead.email);
    if (email) emails.push(email);
  }
  return { text: `${lines.join('\n')}\n`, emails };
}

export default async function run(leadCount = LEADS): Promise<BenchResult[]> {
  const { text, emails } = benchLeads(leadCount);
  const cpuStarted = process.cpuUsage();
  const m = await measureStore(text, leadCount, emails, (line) => process.stderr.write(`${line}\n`));
  const cpu = process.cpuUsage(cpuStarted);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return storeResults(m, 'fake-indexeddb in Node', `; CPU time of the whole run ${cpuS.toFixed(1)} s (wall time suffers when other processes share the cores)`);
}
