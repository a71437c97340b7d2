/**
 * Scoring models (DESIGN 3.4) compiled to flat rule programs. Contributions are summed in rule
 * order and a `per` rule's events in time order, so results are bit-for-bit reproducible.
 */
import { collectNeeds, compileCondition, compileEventQuery, lastAtOrBefore, matchesWhere, noNeeds, type CompileScope, type EventQuery } from './conditions';
import type { EvalContext, Test } from './context';
import { wallDurationMs } from './duration';
import type { LeadEvents } from './events';
import { RulesError } from './errors';
import type { ScoringModelFile } from './generated/rules';
import { compileCount } from './operators';

export interface RuleProgram {
  readonly model: string;
  readonly id: string;
  readonly points: number;
  /** For `when` rules. */
  readonly when: Test | undefined;
  /** For `per` rules. */
  readonly per: EventQuery | undefined;
  readonly perCount: ((count: number) => boolean) | undefined;
  readonly cap: number | undefined;
  /** Whether the contribution can change with `now` (event tests, derived values). */
  readonly timeDependent: boolean;
}

export interface ModelProgram {
  readonly id: string;
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** 0 without decay. */
  readonly halfLifeMs: number;
  /** Whether any of its rules is time-dependent (else its score is the same at every `now`). */
  readonly timeDependent: boolean;
  /**
   * Whether scoreLowerBounds can bound it without its per rules: its `when` rules read no derived
   * value, and its per rules can only add (points >= 0, no negative cap).
   */
  readonly boundable: boolean;
  /** Indices into the flat rule list. */
  readonly first: number;
  readonly end: number;
}

export interface ScoringProgram {
  readonly models: readonly ModelProgram[];
  readonly rules: readonly RuleProgram[];
  /** Whether any score can change with `now`. */
  readonly timeDependent: boolean;
}

export function compileScoring(models: readonly ScoringModelFile[], scope: CompileScope): ScoringProgram {
  const programs: ModelProgram[] = [];
  const rules: RuleProgram[] = [];
  const readsDerived = new Set<number>();
  models.forEach((model, m) => {
    const at = `models[${m}] (${model.id})`;
    if (!Array.isArray(model.rules)) throw new RulesError(`${at}: rules must be a list`);
    const first = rules.length;
    model.rules.forEach((rule, r) => {
      const where = `${at}.rules[${r}] (${rule.id})`;
      if (typeof rule.points !== 'number' || !Number.isFinite(rule.points)) throw new RulesError(`${where}: points must be a number`);
      if ((rule.when === undefined) === (rule.per === undefined)) throw new RulesError(`${where}: a rule needs exactly one of when, per`);
      if (rule.per !== undefined) {
        if (rule.max !== undefined && typeof rule.max !== 'number') throw new RulesError(`${where}.max: must be a number`);
        rules.push({
          model: model.id,
          id: rule.id,
          points: rule.points,
          when: undefined,
          per: compileEventQuery(rule.per, scope, `${where}.per`),
          perCount: rule.per.count === undefined ? undefined : compileCount(rule.per.count, `${where}.per.count`).holds,
          cap: rule.max,
          timeDependent: true,
        });
      } else {
        const needs = collectNeeds(rule.when!, noNeeds());
        if (needs.score || needs.grade || needs.persona) readsDerived.add(rules.length);
        rules.push({
          model: model.id,
          id: rule.id,
          points: rule.points,
          when: compileCondition(rule.when!, scope, `${where}.when`),
          per: undefined,
          perCount: undefined,
          cap: undefined,
          // Derived values are counted as time-dependent: a safe over-approximation.
          timeDependent: needs.events || needs.score || needs.grade || needs.persona,
        });
      }
    });
    programs.push({
      id: model.id,
      min: model.min,
      max: model.max,
      halfLifeMs: model.decay ? wallDurationMs(model.decay.halfLife, `${at}.decay.halfLife`) : 0,
      timeDependent: rules.slice(first).some((rule) => rule.timeDependent),
      boundable: rules.slice(first).every((rule, i) => rule.per === undefined
        ? !readsDerived.has(first + i)
        : rule.points >= 0 && (rule.cap === undefined || rule.cap >= 0)),
      first,
      end: rules.length,
    });
  });
  return { models: programs, rules, timeDependent: rules.some((rule) => rule.timeDependent) };
}

/**
 * Scores every model into ctx.scores and ctx.total, writing each rule's contribution and
 * whether it fired into `contributions`/`fired`. With `reuseTimeless`, rules that cannot
 * change with `now` keep the contribution already in `contributions` (used by replays).
 */
export function runScoring(
  ctx: EvalContext,
  program: ScoringProgram,
  contributions: Float64Array,
  fired: Uint8Array,
  reuseTimeless: boolean,
): void {
  const { models, rules } = program;
  ctx.modelsDone = 0;
  ctx.total = undefined;
  let total = 0;
  for (let m = 0; m < models.length; m++) {
    const model = models[m]!;
    if (reuseTimeless && !model.timeDependent) {
      // None of its rules can change with `now`: the score already in ctx.scores stands.
      ctx.modelsDone = m + 1;
      total += ctx.scores[m]!;
      continue;
    }
    let sum = 0;
    for (let r = model.first; r < model.end; r++) {
      const rule = rules[r]!;
      if (reuseTimeless && !rule.timeDependent) {
        sum += contributions[r]!;
        continue;
      }
      let contribution = 0;
      let didFire = false;
      if (rule.when !== undefined) {
        if (rule.when(ctx, ctx.lead)) {
          contribution = rule.points;
          didFire = true;
        }
      } else {
        const matched = perRule(ctx, rule, rule.per!, model.halfLifeMs);
        if (matched > 0 && (rule.perCount === undefined || rule.perCount(matched))) {
          contribution = perTotal;
          const cap = rule.cap;
          if (cap !== undefined && Math.abs(contribution) > cap) contribution = contribution < 0 ? -cap : cap;
          didFire = true;
        }
      }
      contributions[r] = contribution;
      fired[r] = didFire ? 1 : 0;
      sum += contribution;
    }
    if (model.min !== undefined && sum < model.min) sum = model.min;
    if (model.max !== undefined && sum > model.max) sum = model.max;
    const score = Math.round(sum) + 0; // + 0 turns -0 into 0
    ctx.scores[m] = score;
    ctx.modelsDone = m + 1;
    total += score;
  }
  ctx.total = total;
}

/**
 * Lower bounds of the model scores at ctx.now into `lower` (by model) and of the total (the
 * return value), cheaper than the scores: a first pass counts every per rule as 0 (it is never
 * negative); a refining pass at the same time (`refine`, after a first pass) adds a per rule's
 * newest events (perLowerBound) and reuses the `when` rules' answers kept in `parts`. NaN for a model that is not
 * boundable (and for the total after it). Timeless models keep their exact score (ctx.scores).
 *
 * Why they are bounds: a boundable model's `when` rules are exact, and each per rule is replaced
 * by a lower bound of its contribution (perLowerBound). Floating-point addition is monotonic in
 * each operand, and so are the min/max clamp and Math.round, so the same sum over lower bounds
 * gives a score <= the real one.
 */
export function scoreLowerBounds(
  ctx: EvalContext,
  program: ScoringProgram,
  contributions: Float64Array,
  parts: Float64Array,
  refine: boolean,
  lower: Float64Array,
): number {
  const { models, rules } = program;
  let total = 0;
  for (let m = 0; m < models.length; m++) {
    const model = models[m]!;
    if (!model.timeDependent) {
      lower[m] = ctx.scores[m]!;
      total += lower[m]!;
      continue;
    }
    if (!model.boundable) {
      for (let k = m; k < models.length; k++) lower[k] = models[k]!.timeDependent ? NaN : ctx.scores[k]!;
      return NaN;
    }
    let sum = 0;
    for (let r = model.first; r < model.end; r++) {
      const rule = rules[r]!;
      let part: number;
      if (rule.when === undefined) part = refine ? perLowerBound(ctx, rule, rule.per!, model.halfLifeMs) : 0;
      else if (refine) part = parts[r]!; // computed by the first pass at this time
      else part = !rule.timeDependent ? contributions[r]! : rule.when(ctx, ctx.lead) ? rule.points : 0;
      parts[r] = part;
      sum += part;
    }
    if (model.min !== undefined && sum < model.min) sum = model.min;
    if (model.max !== undefined && sum > model.max) sum = model.max;
    lower[m] = Math.round(sum) + 0;
    total += lower[m]!;
  }
  return total;
}

/** How many of a per rule's newest matching events its lower bound adds up. */
const NEWEST = 3;
const newest = new Int32Array(NEWEST);

/**
 * A lower bound of a boundable per rule's contribution: 0 unless it surely fires (no count test
 * and a matching event), else its capped sum over only its newest matching events, in time order,
 * with the exact terms. The full sum adds the older (non-negative) terms before them, and
 * floating-point addition is monotonic, so it is at least as large; so is its capped value.
 */
function perLowerBound(ctx: EvalContext, rule: RuleProgram, query: EventQuery, halfLifeMs: number): number {
  if (rule.perCount !== undefined) return 0;
  const events = ctx.events;
  const positions = events.buckets[query.bucket]!;
  const at = events.at;
  const now = ctx.now;
  const after = now - query.windowMs;
  let found = 0;
  for (let i = lastAtOrBefore(positions, events.bucketSizes[query.bucket]!, at, now); i >= 0 && found < NEWEST; i--) {
    const p = positions[i]!;
    if (at[p]! <= after) break;
    if (query.where !== undefined && !matchesWhere(ctx, query, p)) continue;
    newest[found++] = p;
  }
  if (found === 0) return 0;
  const points = rule.points;
  let total = 0;
  for (let k = found - 1; k >= 0; k--) {
    const p = newest[k]!;
    total += halfLifeMs > 0 ? points * decayFactor(ctx, p, at[p]!, halfLifeMs) : points;
  }
  const cap = rule.cap;
  return cap !== undefined && total > cap ? cap : total;
}

/** The total of the last perRule call (a module slot avoids allocating a pair). */
let perTotal = 0;

/**
 * Decay factors by event position for one lead's events (a LeadEvents and its load count), `now` and half-life, shared by the rules of a model
 * (several rules often count the same events): 0.5 ** ((now - at) / halfLife) computed once.
 */
const decay = {
  events: null as LeadEvents | null,
  load: -1,
  now: NaN,
  halfLifeMs: NaN,
  factors: new Float64Array(64),
  /** factors[p] is known when stamps[p] === stamp. */
  stamps: new Uint32Array(64),
  stamp: 0,
};

function decayFactor(ctx: EvalContext, p: number, time: number, halfLifeMs: number): number {
  const events = ctx.events;
  if (decay.events !== events || decay.load !== events.loads || decay.now !== ctx.now || decay.halfLifeMs !== halfLifeMs) {
    decay.events = events;
    decay.load = events.loads;
    decay.now = ctx.now;
    decay.halfLifeMs = halfLifeMs;
    if (decay.factors.length < events.size) {
      const length = Math.max(events.size, decay.factors.length * 2);
      decay.factors = new Float64Array(length);
      decay.stamps = new Uint32Array(length);
      decay.stamp = 0;
    }
    if (++decay.stamp === 0xffffffff) {
      decay.stamps.fill(0);
      decay.stamp = 1;
    }
  }
  if (decay.stamps[p] === decay.stamp) return decay.factors[p]!;
  const factor = 0.5 ** ((ctx.now - time) / halfLifeMs);
  decay.factors[p] = factor;
  decay.stamps[p] = decay.stamp;
  return factor;
}

/**
 * Counts the rule's matching events and leaves their (decayed) points in perTotal.
 *
 * With a cap and no count test, the scan may stop once the running total is past the cap: every
 * later term has the sign of `points` (decay factors are positive) and floating-point addition
 * is monotonic, so the full total would be past the cap too and the capped contribution is the
 * same; the count only has to be above zero.
 */
function perRule(ctx: EvalContext, rule: RuleProgram, query: EventQuery, halfLifeMs: number): number {
  const events = ctx.events;
  const positions = events.buckets[query.bucket]!;
  const size = events.bucketSizes[query.bucket]!;
  const at = events.at;
  const now = ctx.now;
  const after = now - query.windowMs;
  const where = query.where;
  const points = rule.points;
  const cap = rule.perCount === undefined && rule.cap !== undefined ? rule.cap : Infinity;
  let count = 0;
  let total = 0;
  // Events at or before `after` are outside the window: start after them.
  for (let i = after === -Infinity ? 0 : lastAtOrBefore(positions, size, at, after) + 1; i < size; i++) {
    const p = positions[i]!;
    const time = at[p]!;
    if (time > now) break; // ascending: nothing later counts
    if (where !== undefined && !matchesWhere(ctx, query, p)) continue;
    count++;
    total += halfLifeMs > 0 ? points * decayFactor(ctx, p, time, halfLifeMs) : points;
    if (total > cap || total < -cap) break;
  }
  perTotal = total;
  return count;
}
