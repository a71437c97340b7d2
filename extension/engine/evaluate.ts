/**
 * The compiled bundle and the evaluation of one lead: models, grade, persona, stage,
 * stageEnteredAt (replayed when computed), SLA. See index.ts for the semantics.
 */
import { compileEarliest, compileRangeDecider, UNDECIDED, DECIDED_TRUE, type CompileScope, type Earliest, type RangeDecider } from './conditions';
import { PENDING_GRADE, PENDING_PERSONA, PENDING_SCORES, type EvalContext } from './context';
import { RulesError } from './errors';
import { EventBuckets, LeadEvents } from './events';
import type { Bundle, Lead } from './generated/rules';
import { compileScoring, DecayFactors, runScoring, scoreAtReplayedTime, scoreLowerBoundsOver, type ScoringProgram } from './scoring';
import { compileSla, slaStates, type SlaProgram, type SlaState } from './sla';
import {
  compileGrade, compilePersonas, compileStages, computedStageIndex, derivedChanges, gradeOf, personaOf, planReplay,
  type DerivedChanges, type GradeProgram, type PersonaProgram, type ReplayPlan, type StageProgram,
} from './stages';
import { isoString, parseInstant } from './values';

export interface Fired {
  model: string;
  rule: string;
  /** The rule's contribution, rounded to one decimal. */
  points: number;
}

export interface Outcome {
  id: string;
  score: { total: number; [model: string]: number };
  grade: string | null;
  persona: string | null;
  stage: string | null;
  stageEnteredAt: string | null;
  sla: SlaState[];
  fired: Fired[];
}

/** A contribution as outcomes show it: rounded to one decimal, never -0. */
function roundPoints(points: number): number {
  return Math.round(points * 10) / 10 + 0;
}

/** Rules compiled once into plain closures; obtain with compileRules. */
export interface CompiledRules {
  readonly bundle: Bundle;
}

export class CompiledBundle implements CompiledRules {
  private readonly scoring: ScoringProgram;
  private readonly grade: GradeProgram;
  private readonly personas: readonly PersonaProgram[];
  private readonly stages: readonly StageProgram[];
  private readonly stageIndex: ReadonlyMap<string, number>;
  private readonly replayPlans: readonly ReplayPlan[];
  private readonly changes: DerivedChanges;
  /**
   * Per stage, its condition answered for a range of times at once from bounds, without redoing
   * the scores (replays of time-dependent stages); per scoring rule, the same for a
   * time-dependent `when` rule of a boundable model (for the bounds).
   */
  private readonly rangeDeciders: readonly (RangeDecider | undefined)[];
  /** Per stage that can only start to hold (StageProgram.monotone), when it starts to (replays). */
  private readonly earliest: readonly (Earliest | undefined)[];
  private readonly whenOver: readonly (RangeDecider | undefined)[];
  /** Score lower bounds over the range [overLo, overHi] (NaN: none yet for this replay). */
  private readonly overScores: Float64Array;
  private overTotal = NaN;
  private overLo = NaN;
  private overHi = NaN;
  /** The evaluation's own `now`, while a replay moves ctx.now back; and its decay factors. */
  private anchor = NaN;
  private readonly anchored: readonly DecayFactors[];
  private readonly sla: SlaProgram;
  // Per-evaluation scratch, reused lead after lead (evaluation is synchronous).
  private readonly ctx: EvalContext;
  private readonly contributions: Float64Array;
  private readonly fired: Uint8Array;
  /**
   * Per rule, its Fired record when its contribution is always the same (a `when` rule adds
   * exactly its points): one frozen object shared by every outcome instead of one per outcome.
   */
  private readonly fixedFired: readonly (Fired | undefined)[];

  constructor(readonly bundle: Bundle) {
    if (bundle === null || typeof bundle !== 'object') throw new RulesError('the rules bundle must be an object');
    const models = bundle.models ?? [];
    const buckets = new EventBuckets();
    const scope: CompileScope = {
      eventProps: false,
      models: new Map(models.map((model, i) => [model.id, i])),
      buckets,
      leadFields: new Map(),
      matchers: new Map(),
      texts: new Map(),
    };
    const lifecycle = bundle.lifecycle;
    if (!lifecycle) throw new RulesError('lifecycle: missing from the bundle');
    this.scoring = compileScoring(models, scope);
    this.grade = compileGrade(lifecycle, scope);
    this.personas = compilePersonas(bundle.personas, scope);
    this.stages = compileStages(lifecycle, scope);
    this.stageIndex = new Map(this.stages.map((stage) => [stage.id, stage.index]));
    this.changes = derivedChanges(this.scoring, lifecycle.grade?.from, this.grade, this.personas);
    this.replayPlans = this.stages.map((stage) => planReplay(stage, this.changes));
    this.anchored = models.map(() => new DecayFactors());
    this.overScores = new Float64Array(models.length);
    const lowerBoundOver = (ctx: EvalContext, model: number, lo: number, hi: number): number => {
      if (this.overLo !== lo || this.overHi !== hi) {
        this.overTotal = scoreLowerBoundsOver(
          ctx, this.scoring, this.contributions, this.whenOver, lo, hi, this.overScores, this.anchored, this.anchor);
        this.overLo = lo;
        this.overHi = hi;
      }
      return model < 0 ? this.overTotal : this.overScores[model]!;
    };
    const noBound = (): number => NaN; // boundable models' `when` rules read no score
    this.whenOver = models.flatMap((model, m) => model.rules.map((rule, r) => {
      const program = this.scoring.rules[this.scoring.models[m]!.first + r]!;
      return rule.when !== undefined && program.timeDependent && this.scoring.models[m]!.boundable
        ? compileRangeDecider(rule.when, scope, noBound)
        : undefined;
    }));
    // A time-dependent stage is replayed by walking back (range deciders), or, when it can only
    // start to hold, from the time it starts to (compileEarliest).
    const replayed = (lifecycle.stages ?? []).map((stage, i) => stage.when !== undefined && this.replayPlans[i]!.timeDependent);
    this.rangeDeciders = (lifecycle.stages ?? []).map((stage, i) =>
      replayed[i] && !this.replayPlans[i]!.monotone ? compileRangeDecider(stage.when!, scope, lowerBoundOver) : undefined);
    this.earliest = (lifecycle.stages ?? []).map((stage, i) =>
      replayed[i] && this.replayPlans[i]!.monotone ? compileEarliest(stage.when!, scope) : undefined);
    this.sla = compileSla(bundle.sla, this.stages.map((stage) => stage.id), scope);
    this.ctx = {
      now: 0,
      lead: {},
      events: new LeadEvents(buckets), // after every compile step: it sizes the buckets
      scores: new Float64Array(models.length),
      modelsDone: 0,
      total: undefined,
      grade: undefined,
      persona: undefined,
      evaluation: 0,
      fieldValues: new Array<unknown>(scope.leadFields.size).fill(undefined),
      fieldStamps: new Array<number>(scope.leadFields.size).fill(-1),
      pending: 0,
      settle: (what) => this.settle(what),
    };
    this.contributions = new Float64Array(this.scoring.rules.length);
    this.fired = new Uint8Array(this.scoring.rules.length);
    this.fixedFired = this.scoring.rules.map((rule) =>
      rule.when === undefined ? undefined : Object.freeze({ model: rule.model, rule: rule.id, points: roundPoints(rule.points) }));
  }

  evaluate(lead: Lead, now: number, clocks = true): Outcome {
    const ctx = this.ctx;
    ctx.now = now;
    ctx.lead = lead;
    ctx.evaluation++;
    ctx.grade = undefined;
    ctx.persona = undefined;
    ctx.pending = 0; // a replay cut short by an exception (a hostile getter) leaves it set
    ctx.events.load(lead.events, now);

    runScoring(ctx, this.scoring, this.contributions, this.fired, false, this.anchored);
    const score: Outcome['score'] = { total: ctx.total! };
    const models = this.scoring.models;
    for (let m = 0; m < models.length; m++) score[models[m]!.id] = ctx.scores[m]!;
    const fired = this.firedRules();
    const grade = (ctx.grade = gradeOf(ctx, this.grade));
    const persona = (ctx.persona = personaOf(ctx, this.personas));

    const computed = computedStageIndex(ctx, this.stages);
    const recorded = typeof lead.stage === 'string' ? (this.stageIndex.get(lead.stage) ?? -1) : -1;
    const stageIndex = Math.max(computed, recorded);
    let enteredMs: number | null = null;
    if (!clocks) {
      // Scores, grade, persona and stage only: no replay, no SLA clocks.
    } else if (stageIndex >= 0 && recorded >= computed) {
      const recordedMs = parseInstant(lead.stageEnteredAt);
      enteredMs = Number.isNaN(recordedMs) ? null : recordedMs;
    } else if (stageIndex >= 0) {
      this.anchor = now;
      enteredMs = this.lastQualified(this.stages[stageIndex]!, this.replayPlans[stageIndex]!, lead, now);
      ctx.now = now;
      ctx.pending = 0;
    }
    return {
      id: lead.id,
      score,
      grade,
      persona,
      stage: stageIndex >= 0 ? this.stages[stageIndex]!.id : null,
      stageEnteredAt: enteredMs === null ? null : isoString(enteredMs),
      sla: enteredMs === null ? [] : slaStates(ctx, this.sla, stageIndex, enteredMs),
      fired,
    };
  }

  private firedRules(): Fired[] {
    const rules = this.scoring.rules;
    let count = 0;
    for (let r = 0; r < rules.length; r++) count += this.fired[r]!;
    const fired = new Array<Fired>(count);
    let n = 0;
    for (let r = 0; r < rules.length; r++) {
      if (this.fired[r] === 0) continue;
      const rule = rules[r]!;
      fired[n++] = this.fixedFired[r] ?? { model: rule.model, rule: rule.id, points: roundPoints(this.contributions[r]!) };
    }
    // Largest first; a stable insertion sort (the lists are short), so equal points keep model
    // order, then rule order.
    for (let i = 1; i < fired.length; i++) {
      const item = fired[i]!;
      let j = i - 1;
      while (j >= 0 && fired[j]!.points < item.points) {
        fired[j + 1] = fired[j]!;
        j--;
      }
      fired[j + 1] = item;
    }
    return fired;
  }

  /**
   * When the lead last qualified for a computed stage: the earliest event time from which the
   * condition held at every later event time, found by walking back from the latest event (or,
   * for a condition that can only start to hold, from the time it started to).
   */
  private lastQualified(stage: StageProgram, plan: ReplayPlan, lead: Lead, now: number): number {
    const { at, size } = this.ctx.events;
    this.overLo = this.overHi = NaN; // bounds from the previous lead's replay
    if (size === 0) {
      const created = parseInstant(lead.createdAt);
      return Number.isNaN(created) ? now : created;
    }
    if (!plan.timeDependent) return at[0]!; // it holds now, so it held all along
    if (plan.monotone) {
      // Once it holds it holds at every later time: the first event time from which it holds.
      const from = this.earliest[stage.index]!(this.ctx);
      let low = 0;
      let high = size;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (at[mid]! < from) low = mid + 1;
        else high = mid;
      }
      return low < size ? at[low]! : now; // `now` cannot happen: it holds at the latest kept event
    }
    // Walking back: first try to prove the condition over a stretch of `span` event times at once
    // (decideOver), doubling the stretch after each success; when a stretch is not proved, ask at
    // its latest time alone and start again from a stretch of two.
    let entered = now;
    let i = size - 1;
    let span = 2;
    while (i >= 0) {
      const time = at[i]!;
      // j: the earliest index of the span-th distinct time from `time` down (or of the earliest time).
      let j = i;
      let times = 1;
      for (let k = i - 1; k >= 0 && times < span; k--) {
        if (at[k] !== at[j]) times++;
        j = k;
      }
      while (j > 0 && at[j - 1] === at[j]) j--;
      if (times > 1 && this.decideOver(stage, plan, at[j]!, time) === DECIDED_TRUE) {
        entered = at[j]!;
        i = j - 1;
        span *= 2;
        continue;
      }
      span = 2;
      if (!this.holdsAt(stage, plan, time)) break;
      entered = time;
      while (i >= 0 && at[i] === time) i--;
    }
    return entered;
  }

  /**
   * The stage's condition for every time from `lo` to `hi`, from bounds (see RangeDecider), with
   * `now` moved to `hi` and the derived values the stage reads that can change with it pending.
   */
  private decideOver(stage: StageProgram, plan: ReplayPlan, lo: number, hi: number): number {
    const ctx = this.ctx;
    const changes = this.changes;
    ctx.now = hi;
    let pending = 0;
    if (plan.level >= 1 && changes.scores) pending |= PENDING_SCORES;
    if (plan.level >= 2 && changes.grade) pending |= PENDING_GRADE;
    if (plan.level >= 3 && changes.persona) pending |= PENDING_PERSONA;
    ctx.pending = pending;
    return this.rangeDeciders[stage.index]!(ctx, lo, hi);
  }

  /**
   * The stage's condition with `now` moved to `time`. The derived values it reads are redone
   * lazily (see EvalContext.pending): only those that can change with `now` are marked pending,
   * and a pending value is recomputed when a getter first reads it, exactly as the evaluation
   * order computes it (scores with grade and persona missing, the grade with the persona missing).
   */
  private holdsAt(stage: StageProgram, plan: ReplayPlan, time: number): boolean {
    // First from bounds over the range [time, time]; the exact condition redoes what it reads.
    const answer = this.decideOver(stage, plan, time, time);
    if (answer !== UNDECIDED) return answer === DECIDED_TRUE;
    return stage.when!(this.ctx, this.ctx.lead);
  }

  /** Recomputes the pending derived values up to `what` (scores, then grade, then persona). */
  private settle(what: number): void {
    const ctx = this.ctx;
    if ((ctx.pending & PENDING_SCORES) !== 0) {
      ctx.pending &= ~PENDING_SCORES;
      const grade = ctx.grade;
      const persona = ctx.persona;
      ctx.grade = undefined;
      ctx.persona = undefined;
      if (!scoreAtReplayedTime(ctx, this.scoring, this.contributions, this.anchored, this.anchor)) {
        runScoring(ctx, this.scoring, this.contributions, this.fired, true);
      }
      ctx.grade = grade;
      ctx.persona = persona;
    }
    if (what >= PENDING_GRADE && (ctx.pending & PENDING_GRADE) !== 0) {
      ctx.pending &= ~PENDING_GRADE;
      const persona = ctx.persona;
      ctx.grade = undefined;
      ctx.persona = undefined;
      ctx.grade = gradeOf(ctx, this.grade);
      ctx.persona = persona;
    }
    if (what >= PENDING_PERSONA && (ctx.pending & PENDING_PERSONA) !== 0) {
      ctx.pending &= ~PENDING_PERSONA;
      ctx.persona = undefined;
      ctx.persona = personaOf(ctx, this.personas);
    }
  }
}
