// A stored lead and the active rules become the LeadView the badge and the card draw. Outcomes
// are cached by lead id, lead revision and rules hash until the next minute boundary, when SLA
// clocks move on. Two levels: this worker's memory, and the `outcomes` store in IndexedDB, so a
// worker that MV3 stopped while idle finds what it computed before (db.ts PersistedOutcome).
import { evaluate, type Outcome } from '../engine/index';
import type { LeadView } from '../lib/protocol';
import type { FeedbackRecord, PersistedOutcome, StoredLead } from './db';
import { ruleKey, stageLabel } from './labels';
import type { ActiveRules } from './rules';

/** The stage a rep can accept or reject from. */
export const decidableStage = 'mql';

const MINUTE_MS = 60_000;

export interface CachedOutcome {
  outcome: Outcome;
  /** The view without the rep's decision, which is read fresh with every lookup. */
  view: Omit<LeadView, 'decision'>;
}

export class OutcomeCache {
  private readonly entries = new Map<string, CachedOutcome & { validUntil: number }>();

  constructor(private readonly maxEntries = 20_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** The outcome of `stored` under `rules` at `now`, from the cache while it is still this minute. */
  outcomeOf(stored: StoredLead, rules: ActiveRules, now: number): CachedOutcome {
    const key = `${stored.id}\u0000${stored.rev}\u0000${rules.hash}`;
    const hit = this.entries.get(key);
    if (hit && inMinute(hit.validUntil, now)) return hit;
    const outcome = evaluate(rules.compiled, stored.lead, now);
    const entry = { outcome, view: toView(stored, outcome, rules), validUntil: nextMinute(now) };
    if (hit) this.entries.delete(key);
    else if (this.entries.size >= this.maxEntries) this.evictOldest();
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Like outcomeOf, but also accepts the persisted entry read with the lead: a fresh persisted
   * entry is used as is; `computed` tells the caller to persist the new one.
   */
  resolve(stored: StoredLead, persisted: PersistedOutcome | undefined, rules: ActiveRules, now: number): { entry: CachedOutcome; computed?: PersistedOutcome } {
    const key = `${stored.id}\u0000${stored.rev}\u0000${rules.hash}`;
    const hit = this.entries.get(key);
    if (hit && inMinute(hit.validUntil, now)) return { entry: hit };
    if (persisted && isFresh(persisted, stored, rules, now)) {
      const entry = { outcome: persisted.outcome, view: persisted.view, validUntil: persisted.validUntil };
      this.remember(key, entry, hit !== undefined);
      return { entry };
    }
    const outcome = evaluate(rules.compiled, stored.lead, now);
    const entry = { outcome, view: toView(stored, outcome, rules), validUntil: nextMinute(now) };
    this.remember(key, entry, hit !== undefined);
    return { entry, computed: { id: stored.id, rev: stored.rev, rulesHash: rules.hash, validUntil: entry.validUntil, outcome, view: entry.view } };
  }

  clear(): void {
    this.entries.clear();
  }

  private remember(key: string, entry: CachedOutcome & { validUntil: number }, replacing: boolean): void {
    if (replacing) this.entries.delete(key);
    else if (this.entries.size >= this.maxEntries) this.evictOldest();
    this.entries.set(key, entry);
  }

  private evictOldest(): void {
    // Map iterates in insertion order: drop the oldest tenth in one go rather than one per miss.
    let drop = Math.ceil(this.maxEntries / 10);
    for (const key of this.entries.keys()) {
      if (drop-- <= 0) break;
      this.entries.delete(key);
    }
  }
}

/** A persisted outcome still holds for this lead revision, these rules and this minute. */
export function isFresh(persisted: PersistedOutcome, stored: StoredLead, rules: ActiveRules, now: number): boolean {
  return persisted.rev === stored.rev && persisted.rulesHash === rules.hash && inMinute(persisted.validUntil, now);
}

/** `now` is in the minute that ends at `validUntil` (a clock set back does not reuse a later minute). */
function inMinute(validUntil: number, now: number): boolean {
  return now < validUntil && now >= validUntil - MINUTE_MS;
}

export function nextMinute(now: number): number {
  return Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
}

export function leadView(cached: CachedOutcome, decision: FeedbackRecord | undefined, rules: ActiveRules): LeadView {
  const view: LeadView = { ...cached.view, decision: decision ? { decision: decision.decision, reason: decision.reason, at: decision.at } : null };
  const history = recordedHistory(decision, cached.outcome, rules);
  return history ? { ...view, stageHistory: history } : view;
}

function toView(stored: StoredLead, outcome: Outcome, rules: ActiveRules): Omit<LeadView, 'decision'> {
  const { labels } = rules;
  const lead = stored.lead;
  const persona = outcome.persona ? labels.personas.get(outcome.persona) : undefined;
  return {
    leadId: stored.id,
    name: lead.name ?? null,
    title: lead.title ?? null,
    company: lead.company?.name ?? null,
    total: outcome.score.total,
    grade: outcome.grade,
    stage: outcome.stage ? { id: outcome.stage, label: stageLabel(labels, outcome.stage) } : null,
    stageEnteredAt: outcome.stageEnteredAt,
    stageHistory: outcome.stage ? [{ stage: outcome.stage, label: stageLabel(labels, outcome.stage), at: outcome.stageEnteredAt }] : [],
    models: labels.models.map((model) => ({ id: model.id, label: model.label, score: outcome.score[model.id] ?? 0 })),
    fired: outcome.fired.map((fired) => ({
      model: fired.model,
      rule: fired.rule,
      label: labels.rules.get(ruleKey(fired.model, fired.rule)) ?? fired.rule,
      points: fired.points,
    })),
    persona: outcome.persona
      ? { id: outcome.persona, label: persona?.label ?? outcome.persona, talkingPoints: persona?.talkingPoints ?? [] }
      : null,
    sla: outcome.sla.map((sla) => {
      const commitment = labels.commitments.get(sla.id);
      return {
        id: sla.id,
        label: commitment?.label ?? sla.id,
        state: sla.state,
        startedAt: sla.startedAt,
        dueAt: sla.dueAt,
        ...(sla.remainingMinutes === undefined ? {} : { remainingMinutes: sla.remainingMinutes }),
        business: commitment?.business ?? false,
      };
    }),
    canDecide: outcome.stage === decidableStage,
    rejectReasons: labels.rejectReasons.map((reason) => ({ id: reason.id, label: reason.label })),
    rulesVersion: rules.version,
  };
}

/**
 * The stages the extension itself recorded: a rep's accept moved the lead from the stage on the
 * card (entered at the time the card showed) to the accepted stage; later computed stages follow.
 * Without a recorded accept the history is the current stage alone.
 */
function recordedHistory(decision: FeedbackRecord | undefined, outcome: Outcome, rules: ActiveRules): LeadView['stageHistory'] | undefined {
  if (decision?.decision !== 'accept' || !decision.stageRecorded) return undefined;
  const { labels } = rules;
  const history: LeadView['stageHistory'] = [];
  if (decision.shown.stage && decision.shown.stage !== decision.stageRecorded) {
    history.push({ stage: decision.shown.stage, label: stageLabel(labels, decision.shown.stage), at: decision.shown.stageEnteredAt ?? null });
  }
  history.push({ stage: decision.stageRecorded, label: stageLabel(labels, decision.stageRecorded), at: decision.at });
  if (outcome.stage && outcome.stage !== decision.stageRecorded) {
    const recorded = labels.stages.get(decision.stageRecorded)?.index ?? -1;
    const current = labels.stages.get(outcome.stage)?.index ?? -1;
    // A lead that moved on since (an SQL now) shows that move; one that went back (a CRM import
    // reset it) is told by the stage badge, not by rewriting what the rep recorded.
    if (current > recorded) history.push({ stage: outcome.stage, label: stageLabel(labels, outcome.stage), at: outcome.stageEnteredAt });
  }
  return history;
}
