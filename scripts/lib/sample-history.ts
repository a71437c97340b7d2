/**
 * Invented history for the sample leads, with planted truths, so `leadpact calibrate` and
 * `leadpact report` can be tried on rules/samples/leads.jsonl:
 *
 * - an outcome per lead (`properties.converted`, true/false) drawn from a seeded model in which
 *   some sample rules truly raise the odds (USEFUL), some make no difference (USELESS, chosen
 *   among rules that fire often, independently of the useful ones) and one lowers them although
 *   it adds points (HARMFUL);
 * - rep feedback (the extension's FeedbackRecord, extension/background/db.ts) over the weeks
 *   before `now`: every lead that reached the MQL stage in that window is accepted or rejected
 *   by its owner, with a reject reason that fits the lead (a student is rejected as
 *   student-or-job-seeker, a competitor's employee as competitor...). An accepted lead is
 *   recorded at the sal stage on the written lead, as the extension records it.
 *
 * Same seed, same input, same bytes. Nothing here reads the clock.
 */
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { evaluate, type CompiledRules, type Outcome } from '../../extension/engine/index';
import type { FeedbackRecord } from '../../extension/background/db';
import { isoSeconds } from './lead-generator';
import { mulberry32 } from './prng';

/** Planted effects: the multiplier on a lead's odds of converting when the rule fires. */
export const PLANTED = {
  useful: { 'fit/stack-cloud-warehouse': 2.5, 'engagement/pricing-visits': 3, 'fit/revenue-over-50m': 2 } as Record<string, number>,
  useless: ['fit/country-core-market', 'fit/industry-core', 'fit/company-mid-market'],
  harmful: { 'engagement/content-downloads': 0.35 } as Record<string, number>,
};

/** The odds of converting for a lead on which no planted rule fires. */
const BASE_ODDS = 0.08;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface HistoryOptions {
  seed: number;
  now: number;
  /** How many weeks of rep feedback before `now` (default 8). */
  weeks?: number;
  /** The outcome field written on each lead (default properties.converted). */
  outcomeField?: string;
}

export interface History {
  leads: Lead[];
  feedback: FeedbackRecord[];
  truths: { outcomeField: string; useful: string[]; useless: string[]; harmful: string[]; seed: number; now: string };
}


function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const FALLBACK_REPS = ['carmen-ruiz', 'jonas-weber', 'priya-nair', 'tomas-okafor'];

export function generateHistory(rules: CompiledRules, bundle: Bundle, input: readonly Lead[], options: HistoryOptions): History {
  const random = mulberry32(options.seed);
  const weeks = options.weeks ?? 8;
  const outcomeField = options.outcomeField ?? 'properties.converted';
  const [, outcomeKey] = /^properties\.(.+)$/.exec(outcomeField) ?? [];
  if (!outcomeKey) throw new Error(`the outcome field must be properties.<name>, not ${outcomeField}`);
  const stageIds = bundle.lifecycle.stages.map((s) => s.id);
  const mqlIndex = stageIds.indexOf('mql');
  const salIndex = stageIds.indexOf('sal');
  const reasons = new Set(bundle.lifecycle.rejectReasons?.map((r) => r.id) ?? []);
  const reps = bundle.project.teams?.sales?.members?.length ? bundle.project.teams.sales.members : FALLBACK_REPS;
  const windowStart = options.now - weeks * 7 * DAY;

  const evaluated = input.map((original) => {
    const lead: Lead = structuredClone(original);
    const outcome = evaluate(rules, lead, options.now);
    const fired = new Set(outcome.fired.map((f) => `${f.model}/${f.rule}`));
    let odds = BASE_ODDS;
    for (const [rule, factor] of Object.entries({ ...PLANTED.useful, ...PLANTED.harmful })) if (fired.has(rule)) odds *= factor;
    return { lead, outcome, fired, probability: lead.stage === 'customer' ? 1 : odds / (1 + odds), converted: false };
  });
  // Systematic sampling over a seeded shuffle: each lead converts with its planted probability,
  // but the counts in any large group come out within about one lead of what the model expects,
  // so the planted effects (and non-effects) show without the noise of independent coin flips.
  const order = evaluated.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let carry = random();
  for (const i of order) {
    const entry = evaluated[i]!;
    carry += entry.probability;
    if (carry >= 1) {
      entry.converted = true;
      carry -= 1;
    }
  }

  const leads: Lead[] = [];
  const feedback: FeedbackRecord[] = [];
  for (const { lead, outcome, fired, converted } of evaluated) {
    lead.properties = { ...(lead.properties ?? {}), [outcomeKey]: converted };

    const stageIndex = outcome.stage === null ? -1 : stageIds.indexOf(outcome.stage);
    if (mqlIndex >= 0 && stageIndex >= mqlIndex) {
      const record = decide(lead, outcome, fired, stageIndex, { random, reps, reasons, windowStart, now: options.now, bundle, mqlIndex, salIndex, converted });
      if (record) {
        feedback.push(record);
        if (record.stageRecorded && outcome.stage === 'mql') {
          lead.stage = record.stageRecorded;
          lead.stageEnteredAt = record.at;
          qualificationCall(lead, Date.parse(record.at), options.now, random);
        }
      }
    }
    leads.push(lead);
  }
  feedback.sort((a, b) => a.at.localeCompare(b.at) || a.leadId.localeCompare(b.leadId));
  return {
    leads,
    feedback,
    truths: {
      outcomeField,
      useful: Object.keys(PLANTED.useful),
      useless: [...PLANTED.useless],
      harmful: Object.keys(PLANTED.harmful),
      seed: options.seed,
      now: new Date(options.now).toISOString(),
    },
  };
}

interface DecideContext {
  random: () => number;
  reps: readonly string[];
  reasons: ReadonlySet<string>;
  windowStart: number;
  now: number;
  bundle: Bundle;
  mqlIndex: number;
  salIndex: number;
  converted: boolean;
}

/** The rep's accept or reject on a lead that reached MQL in the window; null when outside it. */
function decide(lead: Lead, outcome: Outcome, fired: ReadonlySet<string>, stageIndex: number, c: DecideContext): FeedbackRecord | null {
  const { random } = c;
  // When the lead became an MQL: its stageEnteredAt while it is one; for a lead further on, a
  // plausible moment before it entered its present stage.
  const entered = outcome.stageEnteredAt === null ? Number.NaN : Date.parse(outcome.stageEnteredAt);
  if (!Number.isFinite(entered)) return null;
  const mqlAt = stageIndex === c.mqlIndex ? entered : entered - (2 + random() * 10) * DAY;
  if (mqlAt < c.windowStart || mqlAt >= c.now) return null;
  // Reps decide within hours, now and then after a weekend or a busy week.
  const delay = (random() < 0.8 ? 1 + random() * 20 : 24 + random() * 96) * HOUR;
  const at = Math.min(mqlAt + delay, c.now - 60_000);
  const further = stageIndex > c.mqlIndex;
  const reason = further ? null : rejectReason(lead, outcome, fired, c);
  const who = lead.owner ?? c.reps[Math.floor(random() * c.reps.length)]!;
  return {
    leadId: lead.id,
    decision: reason ? 'reject' : 'accept',
    reason,
    who,
    at: isoSeconds(at),
    rulesVersion: c.bundle.version,
    rulesHash: c.bundle.hash ?? '',
    shown: {
      score: outcome.score.total,
      grade: outcome.grade,
      stage: 'mql',
      stageEnteredAt: isoSeconds(mqlAt),
      persona: outcome.persona,
    },
    stageRecorded: reason || c.salIndex < 0 ? null : 'sal',
  };
}

/**
 * After accepting, most reps get the buyer on the phone within the sal commitment's two business
 * days; some need longer, some leave a voicemail (which does not stop the clock), a few forget.
 */
function qualificationCall(lead: Lead, acceptedAt: number, now: number, random: () => number): void {
  const roll = random();
  if (roll < 0.15) return;
  const outcome = roll < 0.25 ? 'voicemail' : random() < 0.3 ? 'meeting-set' : 'connected';
  const hours = roll < 0.8 ? 1 + random() * 30 : 40 + random() * 80;
  const at = acceptedAt + hours * HOUR;
  if (at >= now) return;
  const call = { type: 'call', at: isoSeconds(at), outcome };
  lead.events = [...(lead.events ?? []), call].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Null to accept; else a reason that fits what the rep would see on the lead. */
function rejectReason(lead: Lead, outcome: Outcome, fired: ReadonlySet<string>, c: DecideContext): string | null {
  const { random } = c;
  const has = (id: string) => c.reasons.size === 0 || c.reasons.has(id);
  if ((fired.has('fit/title-student-or-intern') || fired.has('fit/title-job-seeker')) && has('student-or-job-seeker')) return 'student-or-job-seeker';
  if (fired.has('fit/competitor-employee') && has('competitor')) return 'competitor';
  if (fired.has('fit/company-tiny') && random() < 0.7 && has('no-data-team')) return 'no-data-team';
  if (outcome.persona === null && random() < 0.5 && has('wrong-persona')) return 'wrong-persona';
  if (fired.has('fit/free-mail-domain') && random() < 0.4 && has('not-reachable')) return 'not-reachable';
  // Converters are mostly accepted; the rest are rejected about a third of the time.
  if (random() < (c.converted ? 0.08 : 0.35)) {
    const options = ['no-budget', 'no-budget', 'bad-timing', 'bad-timing', 'duplicate', 'existing-customer', 'wrong-persona'].filter(has);
    return options.length ? pick(random, options) : null;
  }
  void lead;
  return null;
}
