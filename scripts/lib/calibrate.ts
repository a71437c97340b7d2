/**
 * Rule calibration: how each rule relates to a historical outcome (won, converted...).
 *
 * For every rule: how often it fires, the outcome rate when it fires and when it does not, and
 * its lift (outcome rate when it fires / overall outcome rate). For the MQL stage: precision and
 * recall against the outcome. Then suggestions, each with the evidence behind it:
 *
 * - wrong-direction: the rule adds points but converters are significantly rarer when it fires
 *   (or takes points away and they are more common): two-proportion z-test, |z| >= 1.96, and
 *   the same holds with the other rules taken into account (`adjustedZ`: the Wald z of the rule in
 *   a logistic regression of the outcome on every judged rule, ridge-regularised). Rules fire
 *   together (people who download guides also open emails): without the adjustment, a rule that
 *   merely fires alongside a harmful one looks harmful too.
 * - no-signal: the rule fires often, yet the data shows its effect is small: an equivalence test
 *   (two one-sided tests) that the rate when firing lies within ±25% of the rate when not, at
 *   95% one-sided confidence. A rule that merely lacks data is "insufficient data", not useless.
 * - threshold: a score.total cut-off that catches more converters than the MQL stage does today
 *   with a better balance (F1) of precision and recall.
 * Suggestions are ranked by their evidence, a z-score in every case.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { CompiledRules, Outcome } from '../../extension/engine';
import { evaluate } from '../../extension/engine';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';

/** Rules with fewer firing (or non-firing) leads with a known outcome than this are not judged. */
export const MIN_SAMPLE = 30;
/** The relative effect considered negligible for the no-signal verdict (±25%). */
export const NEGLIGIBLE = 0.25;
const Z95 = 1.96;
const Z95_ONE_SIDED = 1.645;

export type Verdict = 'useful' | 'wrong-direction' | 'no-signal' | 'unclear' | 'insufficient-data' | 'never-fires';

export interface RuleStats {
  model: string;
  rule: string;
  label: string;
  owner: string;
  points: number;
  /** Leads with a known outcome on which the rule fired / did not. */
  fired: number;
  notFired: number;
  firedPositive: number;
  notFiredPositive: number;
  /** Share of leads (with a known outcome) on which it fires. */
  fireRate: number;
  rateWhenFired: number | null;
  rateWhenNot: number | null;
  /** rateWhenFired / base rate. */
  lift: number | null;
  /** Two-proportion z for rate when fired vs rate when not (positive: more converters when it fires). */
  z: number | null;
  /**
   * The rule's z with the other judged rules held fixed (logistic regression, see the header);
   * null for a rule with too few leads on either side, or when the regression cannot be fitted.
   */
  adjustedZ: number | null;
  verdict: Verdict;
}

export interface StageStats {
  stage: string;
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface Suggestion {
  kind: 'wrong-direction' | 'no-signal' | 'threshold';
  /** model/rule, or the stage for a threshold. */
  subject: string;
  message: string;
  /** A z-score: how strongly the data supports the suggestion. */
  evidence: number;
}

export interface CalibrationReport {
  rulesVersion: string;
  outcomeField: string;
  now: string;
  leads: number;
  /** Leads whose outcome was missing or not readable as yes/no: left out of every rate. */
  withoutOutcome: number;
  positives: number;
  baseRate: number | null;
  rules: RuleStats[];
  mql: StageStats | null;
  thresholds: Array<{ total: number; precision: number; recall: number; f1: number }>;
  suggestions: Suggestion[];
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'won', 'closed won', 'closed-won', 'converted', 'customer']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'lost', 'closed lost', 'closed-lost', 'not converted']);

/** Reads a dotted path; the outcome as true/false, or null when missing or unreadable. */
export function readOutcome(lead: Lead, field: string, positive?: string): boolean | null {
  let value: unknown = lead;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === null || value === undefined) return null;
  if (positive !== undefined) return String(value).trim().toLowerCase() === positive.trim().toLowerCase();
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value !== 0 : null;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return null;
}

interface Counter {
  fired: number;
  firedPositive: number;
}

export interface CalibrateInput {
  rules: CompiledRules;
  leads: Iterable<Lead> | AsyncIterable<Lead>;
  outcomeField: string;
  /** The outcome is positive when the field equals this (case-insensitive); otherwise yes/no words. */
  positive?: string;
  now: number;
  /** The stage whose precision and recall are measured; 'mql' by default. */
  stage?: string;
}

export async function calibrate(input: CalibrateInput): Promise<CalibrationReport> {
  const bundle: Bundle = input.rules.bundle;
  const stageIds = bundle.lifecycle.stages.map((stage) => stage.id);
  const stageId = input.stage ?? 'mql';
  const stageIndex = stageIds.indexOf(stageId);
  const ruleKeys: string[] = [];
  const counters = new Map<string, Counter>();
  for (const model of bundle.models) {
    for (const rule of model.rules) {
      const key = `${model.id}/${rule.id}`;
      ruleKeys.push(key);
      counters.set(key, { fired: 0, firedPositive: 0 });
    }
  }
  let leads = 0;
  let withoutOutcome = 0;
  let known = 0;
  let positives = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const totals: Array<{ total: number; positive: boolean }> = [];
  const ruleIndex = new Map(ruleKeys.map((key, i) => [key, i]));
  /** Per lead with a known outcome: the indices of the rules that fired, and the outcome. */
  const firings: Array<{ rules: number[]; positive: boolean }> = [];

  for await (const lead of input.leads) {
    leads++;
    const positive = readOutcome(lead, input.outcomeField, input.positive);
    if (positive === null) {
      withoutOutcome++;
      continue;
    }
    // Fired rules, the stage and the total: no stage-entry replay or SLA clocks needed.
    const outcome: Outcome = evaluate(input.rules, lead, input.now, { clocks: false });
    known++;
    if (positive) positives++;
    const seen = new Set<string>();
    const firedRules: number[] = [];
    for (const fired of outcome.fired) {
      const key = `${fired.model}/${fired.rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const counter = counters.get(key);
      if (!counter) continue;
      counter.fired++;
      if (positive) counter.firedPositive++;
      firedRules.push(ruleIndex.get(key)!);
    }
    firings.push({ rules: firedRules, positive });
    if (stageIndex >= 0) {
      const reached = outcome.stage !== null && stageIds.indexOf(outcome.stage) >= stageIndex;
      if (reached && positive) tp++;
      else if (reached) fp++;
      else if (positive) fn++;
    }
    totals.push({ total: outcome.score.total, positive });
  }

  const baseRate = known ? positives / known : null;
  const judged = ruleKeys.map((key) => {
    const counter = counters.get(key)!;
    return counter.fired >= MIN_SAMPLE && known - counter.fired >= MIN_SAMPLE;
  });
  const adjusted = adjustedZScores(firings, judged);
  const rules: RuleStats[] = [];
  for (const model of bundle.models) {
    for (const rule of model.rules) {
      const counter = counters.get(`${model.id}/${rule.id}`)!;
      const notFired = known - counter.fired;
      const notFiredPositive = positives - counter.firedPositive;
      const rateWhenFired = counter.fired ? counter.firedPositive / counter.fired : null;
      const rateWhenNot = notFired ? notFiredPositive / notFired : null;
      const z = twoProportionZ(counter.firedPositive, counter.fired, notFiredPositive, notFired);
      const stats: RuleStats = {
        model: model.id,
        rule: rule.id,
        label: rule.label,
        owner: rule.owner ?? model.owner,
        points: rule.points,
        fired: counter.fired,
        notFired,
        firedPositive: counter.firedPositive,
        notFiredPositive,
        fireRate: known ? counter.fired / known : 0,
        rateWhenFired,
        rateWhenNot,
        lift: rateWhenFired !== null && baseRate ? rateWhenFired / baseRate : null,
        z,
        adjustedZ: adjusted[rules.length] ?? null,
        verdict: 'unclear',
      };
      stats.verdict = verdictOf(stats);
      rules.push(stats);
    }
  }

  const mql = stageIndex >= 0 ? stageStats(stageId, tp, fp, fn) : null;
  const thresholds = thresholdCurve(totals, positives);
  return {
    rulesVersion: bundle.version,
    outcomeField: input.outcomeField,
    now: new Date(input.now).toISOString(),
    leads,
    withoutOutcome,
    positives,
    baseRate,
    rules,
    mql,
    thresholds,
    suggestions: suggest(rules, mql, thresholds, positives),
  };
}

/** z for p1 - p0 with the pooled standard error; null when either group is empty or nothing varies. */
export function twoProportionZ(x1: number, n1: number, x0: number, n0: number): number | null {
  if (!n1 || !n0) return null;
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  if (!se) return null;
  return (x1 / n1 - x0 / n0) / se;
}

/**
 * Evidence that p1 lies within ±NEGLIGIBLE of p0 (two one-sided tests, unpooled standard error):
 * the smaller of the two one-sided z-scores; > 1.645 shows the effect negligible at 95%.
 */
export function equivalenceZ(x1: number, n1: number, x0: number, n0: number): number | null {
  if (!n1 || !n0) return null;
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  // Continuity-guarded variance: a group with no positives still has uncertainty.
  const v1 = Math.max(p1 * (1 - p1), 0.25 / n1) / n1;
  const v0 = Math.max(p0 * (1 - p0), 0.25 / n0) / n0;
  const se = Math.sqrt(v1 + v0 * (1 + NEGLIGIBLE) ** 2);
  const upper = ((1 + NEGLIGIBLE) * p0 - p1) / se;
  const lower = (p1 - (1 - NEGLIGIBLE) * p0) / Math.sqrt(v1 + v0 * (1 - NEGLIGIBLE) ** 2);
  return Math.min(upper, lower);
}

function verdictOf(stats: RuleStats): Verdict {
  if (stats.fired === 0) return 'never-fires';
  if (stats.fired < MIN_SAMPLE || stats.notFired < MIN_SAMPLE) return 'insufficient-data';
  const z = stats.z ?? 0;
  const direction = Math.sign(stats.points);
  if (direction !== 0 && Math.abs(z) >= Z95) {
    if (Math.sign(z) === direction) return 'useful';
    // Harmful only if it stays so with the rules it fires alongside held fixed.
    const adjusted = stats.adjustedZ;
    if (adjusted !== null && Math.abs(adjusted) >= Z95 && Math.sign(adjusted) === Math.sign(z)) return 'wrong-direction';
    return 'unclear';
  }
  const equivalence = equivalenceZ(stats.firedPositive, stats.fired, stats.notFiredPositive, stats.notFired);
  if (equivalence !== null && equivalence >= Z95_ONE_SIDED) return 'no-signal';
  return 'unclear';
}

/** The ridge penalty on each rule's coefficient: keeps the fit finite when a rule separates the outcomes. */
const RIDGE = 1;
const MAX_ITERATIONS = 50;

/**
 * Wald z of each judged rule in a logistic regression of the outcome on the judged rules' firing
 * (plus an intercept), fitted by Newton's method (iteratively reweighted least squares) with a
 * small ridge penalty; the standard errors come from the penalised information matrix. Indexed
 * like `judged`; null for a rule left out, or for all when the fit does not converge.
 */
export function adjustedZScores(firings: ReadonlyArray<{ rules: readonly number[]; positive: boolean }>, judged: readonly boolean[]): Array<number | null> {
  const column = new Map<number, number>(); // rule index -> column (0 is the intercept)
  judged.forEach((yes, rule) => {
    if (yes) column.set(rule, column.size + 1);
  });
  const none = judged.map(() => null);
  const p = column.size + 1;
  if (column.size === 0 || firings.length <= p) return none;
  const rows = firings.map((firing) => ({
    columns: [0, ...firing.rules.flatMap((rule) => (column.has(rule) ? [column.get(rule)!] : []))],
    y: firing.positive ? 1 : 0,
  }));
  let beta = new Float64Array(p);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // Gradient and information (X'WX) of the penalised log-likelihood; each row has a few ones.
    const gradient = new Float64Array(p);
    const info = new Matrix(p, p);
    for (const row of rows) {
      let eta = 0;
      for (const c of row.columns) eta += beta[c]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = mu * (1 - mu);
      for (const c of row.columns) {
        gradient[c] = gradient[c]! + row.y - mu;
        for (const d of row.columns) info.set(c, d, info.get(c, d) + w);
      }
    }
    for (let c = 1; c < p; c++) {
      gradient[c] = gradient[c]! - RIDGE * beta[c]!;
      info.set(c, c, info.get(c, c) + RIDGE);
    }
    const cholesky = new CholeskyDecomposition(info);
    if (!cholesky.isPositiveDefinite()) return none;
    const step = cholesky.solve(Matrix.columnVector(Array.from(gradient))).getColumn(0);
    let largest = 0;
    const next = new Float64Array(p);
    for (let c = 0; c < p; c++) {
      next[c] = beta[c]! + step[c]!;
      largest = Math.max(largest, Math.abs(step[c]!));
    }
    beta = next;
    if (largest < 1e-8) {
      // The information at the converged estimate, already factorised: its inverse is the covariance.
      const covariance = cholesky.solve(Matrix.eye(p, p));
      return judged.map((yes, rule) => {
        if (!yes) return null;
        const c = column.get(rule)!;
        const variance = covariance.get(c, c);
        return variance > 0 ? beta[c]! / Math.sqrt(variance) : null;
      });
    }
  }
  return none;
}

function stageStats(stage: string, tp: number, fp: number, fn: number): StageStats {
  const precision = tp + fp ? tp / (tp + fp) : null;
  const recall = tp + fn ? tp / (tp + fn) : null;
  return { stage, predicted: tp + fp, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1: f1(precision, recall) };
}

function f1(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null || precision + recall === 0) return null;
  return (2 * precision * recall) / (precision + recall);
}

/** Precision and recall of `score.total >= t` at each distinct total (at most 50 cut-offs, by quantile). */
function thresholdCurve(totals: Array<{ total: number; positive: boolean }>, positives: number): CalibrationReport['thresholds'] {
  if (!totals.length || !positives) return [];
  const sorted = [...totals].sort((a, b) => b.total - a.total);
  const distinct = [...new Set(sorted.map((t) => t.total))];
  const step = Math.max(1, Math.ceil(distinct.length / 50));
  const wanted = new Set(distinct.filter((_, i) => i % step === 0));
  const curve: CalibrationReport['thresholds'] = [];
  let predicted = 0;
  let hits = 0;
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i]!;
    predicted++;
    if (entry.positive) hits++;
    const next = sorted[i + 1];
    if (next && next.total === entry.total) continue;
    if (!wanted.has(entry.total)) continue;
    const precision = hits / predicted;
    const recall = hits / positives;
    curve.push({ total: entry.total, precision, recall, f1: f1(precision, recall) ?? 0 });
  }
  return curve.sort((a, b) => a.total - b.total);
}

function percent(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

function suggest(rules: RuleStats[], mql: StageStats | null, thresholds: CalibrationReport['thresholds'], positives: number): Suggestion[] {
  const suggestions: Suggestion[] = [];
  for (const stats of rules) {
    const subject = `${stats.model}/${stats.rule}`;
    if (stats.verdict === 'wrong-direction') {
      suggestions.push({
        kind: 'wrong-direction',
        subject,
        message: `${subject} gives ${stats.points > 0 ? '+' : ''}${stats.points} points, but converters are ${stats.z! < 0 ? 'rarer' : 'more common'} when it fires (${percent(stats.rateWhenFired)} vs ${percent(stats.rateWhenNot)} when not, ${stats.fired} leads; z ${stats.z!.toFixed(1)}, ${stats.adjustedZ!.toFixed(1)} with the other rules held fixed): reverse or remove its points`,
        evidence: Math.min(Math.abs(stats.z ?? 0), Math.abs(stats.adjustedZ ?? 0)),
      });
    } else if (stats.verdict === 'no-signal' && stats.points !== 0) {
      const evidence = equivalenceZ(stats.firedPositive, stats.fired, stats.notFiredPositive, stats.notFired) ?? 0;
      suggestions.push({
        kind: 'no-signal',
        subject,
        message: `${subject} fires on ${percent(stats.fireRate)} of leads but makes no difference (${percent(stats.rateWhenFired)} convert when it fires, ${percent(stats.rateWhenNot)} when not; lift ${stats.lift?.toFixed(2)}): its ${stats.points} points add noise; consider removing it or lowering its points`,
        evidence,
      });
    }
  }
  if (mql && mql.f1 !== null && thresholds.length && positives) {
    const best = thresholds.reduce((a, b) => (b.f1 > a.f1 ? b : a));
    if (best.recall > (mql.recall ?? 0) && best.f1 > mql.f1 + 0.02) {
      // Evidence: the recall gained, in standard errors of a proportion over the converters.
      const gain = best.recall - (mql.recall ?? 0);
      const se = Math.sqrt(Math.max(best.recall * (1 - best.recall), 0.25 / positives) / positives);
      suggestions.push({
        kind: 'threshold',
        subject: mql.stage,
        message: `score.total >= ${best.total} would catch ${percent(best.recall)} of converters (the ${mql.stage} stage catches ${percent(mql.recall)}) at ${percent(best.precision)} precision (now ${percent(mql.precision)})`,
        evidence: gain / se,
      });
    }
  }
  return suggestions.sort((a, b) => b.evidence - a.evidence);
}
