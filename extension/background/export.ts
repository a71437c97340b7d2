// Data export from the options page: the lead store and the rep's decisions as JSON Lines, the
// same lead records an import reads (so an export re-imports as is) and one feedback record per
// accept or reject (what `leadpact report` and `calibrate` read).
import type { FeedbackRecord } from './db';
import type { LeadStore } from './store';

/** The live leads as JSON Lines, page by page (never the whole store as one string). */
export async function* exportLeads(store: LeadStore): AsyncGenerator<string> {
  for await (const page of store.leads()) {
    yield page.map((stored) => `${JSON.stringify(stored.lead)}\n`).join('');
  }
}

/** Every decision, in the order recorded, as JSON Lines (the store's sequence number left out). */
export async function* exportFeedback(store: LeadStore): AsyncGenerator<string> {
  const records = await store.feedback();
  for (let start = 0; start < records.length; start += 1_000) {
    yield records
      .slice(start, start + 1_000)
      .map(({ seq: _seq, ...record }: FeedbackRecord) => `${JSON.stringify(record)}\n`)
      .join('');
  }
}

export async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts;
}
