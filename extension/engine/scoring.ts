/**
 * Scoring models (DESIGN 3.4) compiled to flat rule programs. Contributions are summed in rule
 * order and a `per` rule's events in time order, so results are bit-for-bit reproducible.
 */
import { collectNeeds, compileCondition, compileEventQuery, matchesWhere, noNeeds, type CompileScope, type EventQuery } from './conditions';
import type { EvalContext, Test } from './context';
import { wallDurationMs } from './duration';
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

/** The uncapped total of the last perRule call (a module slot avoids allocating a pair). */
let perTotal = 0;

/** Counts the rule's matching events and leaves their (decayed) points in perTotal. */
function perRule(ctx: EvalContext, rule: RuleProgram, query: EventQuery, halfLifeMs: number): number {
  const events = ctx.events;
  const positions = events.buckets[query.bucket]!;
  const size = events.bucketSizes[query.bucket]!;
  const at = events.at;
  const now = ctx.now;
  const after = now - query.windowMs;
  const where = query.where;
  const points = rule.points;
  let count = 0;
  let total = 0;
  for (let i = 0; i < size; i++) {
    const p = positions[i]!;
    const time = at[p]!;
    if (time > now) break; // ascending: nothing later counts
    if (time <= after) continue;
    if (where !== undefined && !matchesWhere(ctx, query, p)) continue;
    count++;
    total += halfLifeMs > 0 ? points * 0.5 ** ((now - time) / halfLifeMs) : points;
  }
  perTotal = total;
  return count;
}
