// The embedded default (DESIGN 7): the sample leads ship in the build as a public asset
// (samples/leads.jsonl, added by wxt.config.ts) and are imported once, on install, into an empty
// lead store, so a new install shows badges before anything is configured.
import { parseLeadRecord } from '../engine/lead-record';
import type { Lead } from '../engine/generated/rules';
import type { LeadStore, SeedRefusal } from './store';

/** Where the build puts the sample leads, relative to the extension root. */
export const sampleLeadsPath = '/samples/leads.jsonl';

export interface SampleLeads {
  leads: Lead[];
  /** Lines that are not lead records (the build ships a checked file, so normally none). */
  problems: string[];
}

export function parseSampleLeads(text: string): SampleLeads {
  const leads: Lead[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      continue;
    }
    const parsed = parseLeadRecord(value);
    if (parsed.ok) leads.push(parsed.lead);
    else problems.push(`line ${i + 1}: ${parsed.error}`);
  }
  return { leads, problems };
}

export type SeedResult = { seeded: true; count: number; problems: string[] } | { seeded: false; reason: SeedRefusal };

/**
 * Imports the sample leads when the store has never been seeded and holds no lead. Once seeded
 * (or after the rep's own import, or "clear data") it never seeds again, so clearing the data
 * does not bring the samples back.
 */
export async function seedSampleLeads(store: LeadStore, loadText: () => Promise<string>, stageOrder: readonly string[], now?: () => Date): Promise<SeedResult> {
  if (await store.meta('seeded')) return { seeded: false, reason: 'already-seeded' };
  if ((await store.leadCount()) > 0) {
    await store.setMeta('seeded', true);
    return { seeded: false, reason: 'not-empty' };
  }
  const { leads, problems } = parseSampleLeads(await loadText());
  // Checked again under the import lock: the rep may have imported, or cleared the data, or be
  // importing right now (then the rep's import wins and the samples are not written at all).
  const result = await store.seedLeads(leads, { source: 'samples', name: 'Sample leads', stageOrder, ...(now ? { now } : {}) });
  if ('refused' in result) return { seeded: false, reason: result.refused };
  return { seeded: true, count: result.summary.count, problems };
}
