/** Test doubles for the runner: lead views, a fake messenger that records batches, a runner context. */
import type { EstimateView, LeadView, LookupResult, PersonQuery } from '../../../extension/lib/protocol';
import type { RunnerContext, RunnerDeps } from '../../../extension/content/runner';

export const NOW = Date.parse('2026-11-23T10:00:00Z');

export function leadView(overrides: Partial<LeadView> = {}): LeadView {
  return {
    leadId: 'lead-7f3a',
    name: 'Ada Quinto',
    title: 'VP Marketing',
    company: 'Northwind Analytics',
    total: 72,
    grade: 'B',
    stage: { id: 'mql', label: 'MQL' },
    stageEnteredAt: '2026-11-23T08:00:00Z',
    stageHistory: [
      { stage: 'lead', label: 'Lead', at: '2026-11-20T09:00:00Z' },
      { stage: 'mql', label: 'MQL', at: '2026-11-23T08:00:00Z' },
    ],
    models: [
      { id: 'fit', label: 'Fit', score: 40 },
      { id: 'engagement', label: 'Engagement', score: 32 },
    ],
    fired: [
      { model: 'fit', rule: 'vp-title', label: 'Title is VP or above', points: 20 },
      { model: 'fit', rule: 'target-industry', label: 'Target industry', points: 20 },
      { model: 'engagement', rule: 'pricing-visit', label: 'Visited the pricing page', points: 37 },
      { model: 'engagement', rule: 'unsubscribed', label: 'Unsubscribed from the newsletter', points: -5 },
    ],
    persona: { id: 'marketing-leader', label: 'Marketing leader', talkingPoints: ['Pipeline attribution', 'Board-ready reporting'] },
    sla: [
      {
        id: 'first-touch',
        label: 'First touch',
        state: 'ok',
        startedAt: '2026-11-23T08:00:00Z',
        dueAt: '2026-11-23T11:35:00Z',
        remainingMinutes: 95,
        business: false,
      },
    ],
    canDecide: true,
    rejectReasons: [
      { id: 'no-budget', label: 'No budget' },
      { id: 'wrong-person', label: 'Wrong person' },
    ],
    decision: null,
    rulesVersion: '2026.11.3',
    ...overrides,
  };
}

export function estimateView(overrides: Partial<EstimateView> = {}): EstimateView {
  return {
    fit: 45,
    grade: 'C',
    persona: { id: 'ops', label: 'Operations buyer' },
    fired: [{ rule: 'ops-title', label: 'Operations title', points: 15 }],
    rulesVersion: '2026.11.3',
    ...overrides,
  };
}

export interface FakeLookup {
  deps: RunnerDeps;
  /** Every lookup batch, in order. */
  batches: PersonQuery[][];
  /** Keys asked for across all batches. */
  readonly asked: string[];
  /** Leads by key; other keys get an estimate. */
  leads: Map<string, LeadView>;
  /** When set, lookups wait for `release()`. */
  hold: boolean;
  release(): void;
  /** When set, lookups reject. */
  fail: boolean;
  decisions: unknown[];
  missReports: unknown[];
  now: number;
}

export function fakeLookup(): FakeLookup {
  const pending: Array<() => void> = [];
  const fake: FakeLookup = {
    batches: [],
    get asked() {
      return fake.batches.flat().map((q) => q.key);
    },
    leads: new Map(),
    hold: false,
    fail: false,
    decisions: [],
    missReports: [],
    now: NOW,
    release() {
      for (const go of pending.splice(0)) go();
    },
    deps: {
      lookup: async (people) => {
        fake.batches.push(people.map((p) => ({ ...p })));
        if (fake.hold) await new Promise<void>((resolve) => pending.push(resolve));
        if (fake.fail) throw new Error('Extension context invalidated.');
        return people.map((p): LookupResult => {
          const lead = fake.leads.get(p.key);
          return lead ? { key: p.key, found: true, lead } : { key: p.key, found: false, estimate: estimateView() };
        });
      },
      decide: async (request) => {
        fake.decisions.push(request);
        return { ok: true };
      },
      now: () => fake.now,
      miss: (report) => {
        fake.missReports.push(report);
      },
    },
  };
  return fake;
}

/** The part of WXT's ContentScriptContext the runner uses, over a plain AbortController. */
export function fakeContext(): RunnerContext & { abort(): void } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    addEventListener(target, type, handler) {
      target.addEventListener(type, handler, { signal: controller.signal });
    },
    abort: () => controller.abort(),
  };
}
