// "My SLA queue": every running SLA clock on the rep's leads (all leads while no rep name is set),
// most urgent first.
import type { QueueItem } from '../lib/protocol';
import { stageLabel } from './labels';
import type { OutcomeCache } from './outcomes';
import type { ActiveRules } from './rules';
import type { LeadStore } from './store';

const runningStates = new Set(['ok', 'warning', 'breached']);

export interface SlaQueue {
  /** The most urgent items, at most `limit`. */
  items: QueueItem[];
  /** How many running clocks there are in all. */
  total: number;
}

/** `owners`: the rep's leads under any of these owner spellings; none (or empty): every lead. */
export async function slaQueue(deps: { store: LeadStore; rules: ActiveRules; cache: OutcomeCache; now: number; owners?: readonly string[]; limit?: number }): Promise<SlaQueue> {
  const { store, rules, cache, now } = deps;
  const items: QueueItem[] = [];
  const owners = [...new Set(deps.owners ?? [])];
  const seen = new Set<string>();
  const pages = owners.length === 0 ? [store.leads()] : owners.map((owner) => store.leads({ owner }));
  for (const source of pages) for await (const page of source) {
    for (const stored of page) {
      if (seen.has(stored.id)) continue;
      seen.add(stored.id);
      const { outcome } = cache.outcomeOf(stored, rules, now);
      for (const sla of outcome.sla) {
        if (!runningStates.has(sla.state) || sla.remainingMinutes === undefined) continue;
        items.push({
          leadId: stored.id,
          name: stored.lead.name ?? null,
          company: stored.lead.company?.name ?? null,
          stage: outcome.stage ? stageLabel(rules.labels, outcome.stage) : '',
          commitment: rules.labels.commitments.get(sla.id)?.label ?? sla.id,
          state: sla.state as QueueItem['state'],
          dueAt: sla.dueAt,
          remainingMinutes: sla.remainingMinutes,
          business: rules.labels.commitments.get(sla.id)?.business ?? false,
        });
      }
    }
  }
  items.sort(byUrgency);
  return { items: items.slice(0, deps.limit ?? 100), total: items.length };
}

const stateRank: Readonly<Record<QueueItem['state'], number>> = { breached: 0, warning: 1, ok: 2 };

/**
 * Breached clocks first, then warnings, then the others; within each, fewest remaining minutes
 * first (negative once breached, so the longest overdue leads). The state goes first because
 * commitments differ in their warning thresholds: a warning with 90 minutes left is more urgent
 * than an ok with 60 left on a commitment that warns at 30. Ties go to the earlier deadline, then
 * the name, so the order is stable between refreshes.
 */
export function byUrgency(a: QueueItem, b: QueueItem): number {
  return (
    stateRank[a.state] - stateRank[b.state] ||
    a.remainingMinutes - b.remainingMinutes ||
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    (a.name ?? '').localeCompare(b.name ?? '') ||
    a.leadId.localeCompare(b.leadId)
  );
}
