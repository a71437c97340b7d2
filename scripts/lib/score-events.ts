/**
 * Activity exports for `leadpact score --events <file>`: one row per activity (a HubSpot activity
 * report, say), turned into events by a `records: events` mapping and attached to the leads of
 * the main export by lead id or email. The activities are grouped by lead in memory before the
 * leads stream past (an activity file is not sorted by lead, so there is no other way); the lead
 * export itself still streams.
 */
import type { Event, Lead } from '../../extension/engine/generated/rules';
import { readCsv, readJsonArray, readJsonLines, type InputFormat, type InputItem } from './lead-input';
import type { ResolvedMapping } from './score-mapping';

export interface ActivityTally {
  read: number;
  attached: number;
  skipped: number;
  /** Rows whose activity type the mapping maps to null: activities the rules do not use. */
  ignored: number;
}

export class Activities {
  readonly tally: ActivityTally = { read: 0, attached: 0, skipped: 0, ignored: 0 };
  private readonly byLead = new Map<string, Event[]>();
  private readonly used = new Set<string>();

  constructor(private readonly leadKey: 'id' | 'email') {}

  /** Reads every row; a row that is not an event is passed to `report` and skipped. */
  async load(
    batches: AsyncGenerator<InputItem[]>,
    mapping: ResolvedMapping,
    report: (line: number, col: number, message: string) => void,
  ): Promise<{ fatal: boolean }> {
    for await (const batch of batches) {
      for (const item of batch) {
        this.tally.read++;
        if ('error' in item) {
          this.tally.skipped++;
          report(item.line, item.col, item.error);
          if (item.fatal) return { fatal: true };
          continue;
        }
        const result = mapping.program.toEvent(item.value as Record<string, unknown>, item.line);
        if (result.ok) {
          const list = this.byLead.get(result.leadKey);
          if (list) list.push(result.event);
          else this.byLead.set(result.leadKey, [result.event]);
        } else if (result.ignored) {
          this.tally.ignored++;
        } else {
          this.tally.skipped++;
          report(item.line, 1, result.error);
        }
      }
    }
    return { fatal: false };
  }

  /** The lead with its activities appended to its own events (a new object; the input is not changed). */
  attach(lead: Lead): Lead {
    const keys = this.leadKey === 'id'
      ? [lead.id]
      : [...new Set([lead.email, ...(lead.emails ?? [])].filter((e): e is string => typeof e === 'string').map((e) => e.trim().toLowerCase()))];
    let found: Event[] = [];
    for (const key of keys) {
      const events = this.byLead.get(key);
      if (!events) continue;
      this.used.add(key);
      found = found.length === 0 ? events : found.concat(events);
    }
    if (found.length === 0) return lead;
    this.tally.attached += found.length;
    return { ...lead, events: [...(lead.events ?? []), ...found] };
  }

  /** Leads named by activities that no scored lead had. */
  unmatchedLeads(): number {
    let count = 0;
    for (const key of this.byLead.keys()) if (!this.used.has(key)) count++;
    return count;
  }
}

export function activityBatches(format: InputFormat, chunks: AsyncIterable<Buffer>, mapping: ResolvedMapping): AsyncGenerator<InputItem[]> {
  if (format === 'csv') return readCsv(chunks, { delimiter: mapping.program.mapping.delimiter ?? ',' });
  if (format === 'json') return readJsonArray(chunks, mapping.program.mapping.recordsPath ?? '');
  return readJsonLines(chunks);
}
