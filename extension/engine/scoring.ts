/**
 * Scoring models (DESIGN 3.4) compiled to flat rule programs. Contributions are summed in rule
 * order and a `per` rule's events in time order, so results are bit-for-bit reproducible.
 */
import {
  collectNeeds, compileCondition, compileEventQuery, countAtOrBefore, DECIDED_FALSE, DECIDED_TRUE, lastAtOrBefore, matchesWhere, matchingTimes, noNeeds,
  type CompileScope, type EventQuery, type RangeDecider,
} from './conditions';
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
   * Whether scoreLowerBoundsOver can bound it: its `when` rules read no derived value, and its
   * per rules can only add (points >= 0, no negative cap).
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
  /** Whether some `when` rule reads a derived value (scoreAtReplayedTime then gives up). */
  readonly readsDerived: boolean;
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
  return { models: programs, rules, timeDependent: rules.some((rule) => rule.timeDependent), readsDerived: readsDerived.size > 0 };
}

/**
 * Scores every model into ctx.scores and ctx.total, writing each rule's contribution and
 * whether it fired into `contributions`/`fired`. With `reuseTimeless`, rules that cannot
 * change with `now` keep the contribution already in `contributions` (used by replays).
 * `factors` caches each model's decay factors (a replay's bounds read them at the evaluation's
 * `now` again); without it one cache serves every model.
 */
export function runScoring(
  ctx: EvalContext,
  program: ScoringProgram,
  contributions: Float64Array,
  fired: Uint8Array,
  reuseTimeless: boolean,
  factors?: readonly DecayFactors[],
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
        const matched = perRule(ctx, rule, rule.per!, model.halfLifeMs, factors?.[m] ?? decay);
        if (matched > 0 && (rule.perCount === undefined || rule.perCount(matched))) {
          contribution = perTotal[0]!;
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
 * Lower bounds of the model scores at every time in [lo, hi] (replays), into `lower` (by model),
 * and of the total (the return value), cheaper than the scores. Timeless models keep their exact
 * score (ctx.scores); NaN for a model that is not boundable (and for the total and the models
 * after it).
 *
 * In a boundable model, a time-dependent `when` rule counts its points when `whenOver[r]` proves
 * it holds over the whole range, 0 when it proves it never does, else the smaller of the two. A
 * per rule counts only the matching events surely in its window at every time of the range,
 * (hi - within, lo], each decayed to `hi` (where it is smallest: the factor at the evaluation's
 * `anchor` times the gain from there back to `hi`, as in scoreAtReplayedTime, summed per lead in
 * EventQuery.sums) and shaved by SUM_MARGIN against rounding; rules with a count test count 0
 * (a per rule is never negative in a boundable model).
 *
 * Why they are bounds: each part is at most the rule's real contribution at any time of the
 * range. Floating-point addition is monotonic in each operand, and so are the cap, the min/max
 * clamp and Math.round, so the same sum gives a score <= the real one.
 */
export function scoreLowerBoundsOver(
  ctx: EvalContext,
  program: ScoringProgram,
  contributions: Float64Array,
  whenOver: readonly (RangeDecider | undefined)[],
  lo: number,
  hi: number,
  lower: Float64Array,
  anchored: readonly DecayFactors[],
  anchor: number,
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
    const halfLifeMs = model.halfLifeMs;
    // Factors at `hi` as the factor at the anchor (summed per lead) times one gain.
    const gain = halfLifeMs > 0 ? 0.5 ** ((hi - anchor) / halfLifeMs) : 1;
    const anchoredTerms = gain <= 1 / SMALLEST_FACTOR;
    let sum = 0;
    for (let r = model.first; r < model.end; r++) {
      const rule = rules[r]!;
      let part = 0;
      if (rule.when !== undefined) {
        if (!rule.timeDependent) part = contributions[r]!;
        else {
          const answer = whenOver[r]!(ctx, lo, hi);
          part = answer === DECIDED_TRUE ? rule.points : answer === DECIDED_FALSE ? 0 : Math.min(rule.points, 0);
        }
      } else if (rule.perCount === undefined) {
        const query = rule.per!;
        if (query.where !== undefined && !query.whereCacheable) continue;
        const times = matchingTimes(ctx, query);
        const size = query.matcher.timesSize;
        // The matching events surely in the window at every time of the range: (hi - within, lo].
        const first = countAtOrBefore(times, size, hi - query.windowMs);
        const end = countAtOrBefore(times, size, lo);
        if (end <= first || end - first > MAX_SUMMED) continue;
        let ruleTotal: number;
        if (halfLifeMs === 0) ruleTotal = rule.points * (end - first) * SUM_MARGIN; // the engine adds them one by one
        else {
          if (!anchoredTerms) continue;
          const sums = anchoredSums(ctx, query, anchored[m]!, anchor, halfLifeMs);
          // Each running sum is within (k + 2) units of roundoff of its exact value: take off the
          // largest error the difference can carry, then the margin for the engine's own sums.
          const factors = sums[end]! - sums[first]! - sums[end]! * (end + 2) * ULP;
          if (!(factors > 0)) continue;
          ruleTotal = rule.points * (factors * gain) * SUM_MARGIN;
        }
        const cap = rule.cap;
        part = cap !== undefined && ruleTotal > cap ? cap : ruleTotal;
      }
      sum += part;
    }
    if (model.min !== undefined && sum < model.min) sum = model.min;
    if (model.max !== undefined && sum > model.max) sum = model.max;
    lower[m] = Math.round(sum) + 0;
    total += lower[m]!;
  }
  return total;
}

/**
 * Keeps a per rule's bound below the engine's own sum at any time of the range. The exact decay
 * factors only grow as time goes back; the computed ones (two powers and a product, each within
 * a unit in the last place), the engine's products and its running sum over at most MAX_SUMMED
 * terms each err by far less than this relative margin.
 */
const SUM_MARGIN = 1 - 2 ** -30;
const MAX_SUMMED = 2 ** 16;

/**
 * The query's sums of decay factors at the anchor (see EventQuery.sums), from the model's factors
 * at the anchor (`factors`: the DecayFactors scoreAtReplayedTime reads too, so each is one power
 * per event and lead). The query's matching times must be built (matchingTimes).
 */
function anchoredSums(ctx: EvalContext, query: EventQuery, factors: DecayFactors, anchor: number, halfLifeMs: number): Float64Array {
  const events = ctx.events;
  if (query.sumsLoad === events.loads) return query.sums;
  const { times, positions, timesSize: size } = query.matcher;
  if (query.sums.length < size + 1) query.sums = new Float64Array(Math.max(size + 1, query.sums.length * 2));
  const sums = query.sums;
  let sum = 0;
  sums[0] = 0;
  for (let k = 0; k < size; k++) {
    const factor = factors.get(events, anchor, halfLifeMs, positions[k]!, times[k]!);
    if (factor >= SMALLEST_FACTOR) sum += factor;
    sums[k + 1] = sum;
  }
  query.sumsLoad = ctx.events.loads;
  return sums;
}

// --- Scores at replayed times, without a power per event ------------------------------------

/** 2^-52: twice the unit roundoff of a double. */
const ULP = 2 ** -52;
/**
 * The relative error allowed between a term computed as points * F(now) * G and the engine's
 * points * F(t): each is a few units in the last place (Math.pow and the exponent's division,
 * whose error grows with the exponent, at most 900 here), far below this.
 */
const TERM_ERROR = 1e-9;
/** Absolute error allowed per term, for products that fall into the subnormal range. */
const TINY = 1e-250;
/** Factors below this (or gains above its inverse) are outside the range the bound covers. */
const SMALLEST_FACTOR = 2 ** -900;

/**
 * The model scores at a replayed ctx.now (before the evaluation's `anchor`), into ctx.scores and
 * ctx.total, when they can be had exactly without a power per event; false when not (the caller
 * then runs runScoring). `when` rules are answered exactly. A per rule's decayed terms
 * points * 0.5 ** ((t - at) / halfLife) are computed as points * F * G, with F the factor at the
 * anchor (`anchored`: one DecayFactors per model, kept for the whole replay of the lead, so a
 * replayed time costs one power per model) and G = 0.5 ** ((t - anchor) / halfLife) shared by
 * the model's events, which gives an interval that surely holds the engine's own sum: the term
 * error (TERM_ERROR, TINY) plus the rounding of each addition (count * ULP of the absolute sum).
 * The rule's cap, the model's sum, min/max and Math.round are monotonic, so they carry the
 * interval's ends to the score's; when both ends round to the same score, that is the engine's
 * score. Near a half point they differ (rarely) and the caller computes exactly.
 */
export function scoreAtReplayedTime(
  ctx: EvalContext,
  program: ScoringProgram,
  contributions: Float64Array,
  anchored: readonly DecayFactors[],
  anchor: number,
): boolean {
  if (program.readsDerived) return false; // model order and missing values would matter
  const { models, rules } = program;
  const events = ctx.events;
  const at = events.at;
  const now = ctx.now;
  let total = 0;
  for (let m = 0; m < models.length; m++) {
    const model = models[m]!;
    if (!model.timeDependent) {
      total += ctx.scores[m]!;
      continue;
    }
    const halfLifeMs = model.halfLifeMs;
    // Far enough back, G leaves the range the bound covers: then every term is computed as the engine does.
    const gain = halfLifeMs > 0 ? 0.5 ** ((now - anchor) / halfLifeMs) : 1;
    const anchoredTerms = gain <= 1 / SMALLEST_FACTOR;
    let low = 0;
    let high = 0;
    let magnitude = 0;
    let inexact = false;
    for (let r = model.first; r < model.end; r++) {
      const rule = rules[r]!;
      if (rule.when !== undefined) {
        const part = !rule.timeDependent ? contributions[r]! : rule.when(ctx, ctx.lead) ? rule.points : 0;
        low += part;
        high += part;
        magnitude += Math.abs(part);
        continue;
      }
      const query = rule.per!;
      const positions = events.buckets[query.bucket]!;
      const size = events.bucketSizes[query.bucket]!;
      const after = now - query.windowMs;
      const points = rule.points;
      const cap = rule.cap;
      if (cap !== undefined && !(cap >= 0)) return false;
      const stopAtCap = rule.perCount === undefined && cap !== undefined;
      let count = 0;
      let sum = 0;
      let absolute = 0;
      /** Terms computed from the anchor (else each term, and so the sum, is the engine's own). */
      let anchoredCount = 0;
      let capped = false;
      for (let i = after === -Infinity ? 0 : lastAtOrBefore(positions, size, at, after) + 1; i < size; i++) {
        const p = positions[i]!;
        const time = at[p]!;
        if (time > now) break;
        if (query.where !== undefined && !matchesWhere(ctx, query, p)) continue;
        count++;
        let term = points;
        if (halfLifeMs > 0) {
          const factor = anchoredTerms ? anchored[m]!.get(events, anchor, halfLifeMs, p, time) : 0;
          if (anchoredTerms && factor >= SMALLEST_FACTOR) {
            term = points * factor * gain;
            anchoredCount++;
          } else {
            term = points * 0.5 ** ((now - time) / halfLifeMs);
          }
        }
        sum += term;
        absolute += Math.abs(term);
        if (stopAtCap) {
          // Past the cap even at the interval's inner end: the engine's running total is past it
          // too, and its contribution is the cap.
          const error = anchoredCount === 0 ? 0 : absolute * (TERM_ERROR + (count + 2) * ULP) + count * TINY;
          if (sum - error > cap! || sum + error < -cap!) {
            capped = true;
            break;
          }
        }
      }
      if (count === 0 || (rule.perCount !== undefined && !rule.perCount(count))) continue; // contributes 0
      let ruleLow: number;
      let ruleHigh: number;
      if (capped) {
        ruleLow = ruleHigh = sum > 0 ? cap! : -cap!;
      } else {
        const error = anchoredCount === 0 ? 0 : absolute * (TERM_ERROR + (count + 2) * ULP) + count * TINY;
        if (error > 0) inexact = true;
        ruleLow = sum - error;
        ruleHigh = sum + error;
        if (cap !== undefined) {
          ruleLow = ruleLow > cap ? cap : ruleLow < -cap ? -cap : ruleLow;
          ruleHigh = ruleHigh > cap ? cap : ruleHigh < -cap ? -cap : ruleHigh;
        }
      }
      low += ruleLow;
      high += ruleHigh;
      magnitude += Math.max(Math.abs(ruleLow), Math.abs(ruleHigh));
    }
    if (inexact) {
      // The engine's sum over the rules and these two each round once per addition. (With every
      // contribution exact, `low` is the engine's own sum: the same terms added in the same order.)
      const slack = magnitude * (model.end - model.first + 2) * ULP;
      low -= slack;
      high += slack;
    }
    if (model.min !== undefined) {
      if (low < model.min) low = model.min;
      if (high < model.min) high = model.min;
    }
    if (model.max !== undefined) {
      if (low > model.max) low = model.max;
      if (high > model.max) high = model.max;
    }
    const score = Math.round(low) + 0;
    if (score !== Math.round(high) + 0 || !Number.isFinite(score)) return false;
    ctx.scores[m] = score;
    total += score;
  }
  ctx.modelsDone = models.length;
  ctx.total = total;
  return true;
}

/**
 * The total of the last perRule call, in a typed slot: a pair would be allocated, and so would a
 * double written to a module variable.
 */
const perTotal = new Float64Array(1);

/**
 * Decay factors 0.5 ** ((now - at) / halfLife) by event position, for one lead's events (a
 * LeadEvents and its load count), one `now` and one half-life: each computed once, shared by the
 * rules that count the same events.
 */
export class DecayFactors {
  private events: LeadEvents | null = null;
  private load = -1;
  private now = NaN;
  private halfLifeMs = NaN;
  private factors = new Float64Array(64);
  /** factors[p] is known when stamps[p] === stamp. */
  private stamps = new Uint32Array(64);
  private stamp = 0;

  get(events: LeadEvents, now: number, halfLifeMs: number, p: number, time: number): number {
    if (this.events !== events || this.load !== events.loads || this.now !== now || this.halfLifeMs !== halfLifeMs) {
      this.events = events;
      this.load = events.loads;
      this.now = now;
      this.halfLifeMs = halfLifeMs;
      if (this.factors.length < events.size) {
        const length = Math.max(events.size, this.factors.length * 2);
        this.factors = new Float64Array(length);
        this.stamps = new Uint32Array(length);
        this.stamp = 0;
      }
      if (++this.stamp === 0xffffffff) {
        this.stamps.fill(0);
        this.stamp = 1;
      }
    }
    if (this.stamps[p] === this.stamp) return this.factors[p]!;
    const factor = 0.5 ** ((now - time) / halfLifeMs);
    this.factors[p] = factor;
    this.stamps[p] = this.stamp;
    return factor;
  }
}

/** The factors at ctx.now, for runScoring's per rules when it is given none. */
const decay = new DecayFactors();

/**
 * Counts the rule's matching events and leaves their (decayed) points in perTotal.
 *
 * With a cap and no count test, the scan may stop once the running total is past the cap: every
 * later term has the sign of `points` (decay factors are positive) and floating-point addition
 * is monotonic, so the full total would be past the cap too and the capped contribution is the
 * same; the count only has to be above zero.
 */
function perRule(ctx: EvalContext, rule: RuleProgram, query: EventQuery, halfLifeMs: number, factors: DecayFactors): number {
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
    total += halfLifeMs > 0 ? points * factors.get(events, now, halfLifeMs, p, time) : points;
    if (total > cap || total < -cap) break;
  }
  perTotal[0] = total;
  return count;
}
