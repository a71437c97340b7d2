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

export async function slaQueue(deps: { store: LeadStore; rules: ActiveRules; cache: OutcomeCache; now: number; owner?: string; limit?: number }): Promise<SlaQueue> {
  const { store, rules, cache, now } = deps;
  const items: QueueItem[] = [];
  for await (const page of store.leads(deps.owner ? { owner: deps.owner } : {})) {
    for (const stored of page) {
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
        });
      }
    }
  }
  items.sort(byUrgency);
  return { items: items.slice(0, deps.limit ?? 100), total: items.length };
}

/**
 * Breached clocks first, the latest first; then the others by least time left. Remaining minutes
 * are negative once breached, so both orders are "fewest remaining minutes first"; ties go to the
 * earlier deadline, then the name, so the order is stable between refreshes.
 */
export function byUrgency(a: QueueItem, b: QueueItem): number {
  const breached = Number(b.state === 'breached') - Number(a.state === 'breached');
  return (
    breached ||
    a.remainingMinutes - b.remainingMinutes ||
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    (a.name ?? '').localeCompare(b.name ?? '') ||
    a.leadId.localeCompare(b.leadId)
  );
}
