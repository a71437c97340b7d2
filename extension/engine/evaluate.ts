/**
 * The compiled bundle and the evaluation of one lead: models, grade, persona, stage,
 * stageEnteredAt (replayed when computed), SLA. See index.ts for the semantics.
 */
import type { CompileScope } from './conditions';
import type { EvalContext } from './context';
import { RulesError } from './errors';
import { EventBuckets, LeadEvents } from './events';
import type { Bundle, Lead } from './generated/rules';
import { compileScoring, runScoring, type ScoringProgram } from './scoring';
import { compileSla, slaStates, type SlaProgram, type SlaState } from './sla';
import {
  compileGrade, compilePersonas, compileStages, computedStageIndex, gradeOf, personaOf, planReplay,
  type GradeProgram, type PersonaProgram, type ReplayPlan, type StageProgram,
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
  private readonly sla: SlaProgram;
  // Per-evaluation scratch, reused lead after lead (evaluation is synchronous).
  private readonly ctx: EvalContext;
  private readonly contributions: Float64Array;
  private readonly fired: Uint8Array;

  constructor(readonly bundle: Bundle) {
    if (bundle === null || typeof bundle !== 'object') throw new RulesError('the rules bundle must be an object');
    const models = bundle.models ?? [];
    const buckets = new EventBuckets();
    const scope: CompileScope = {
      eventProps: false,
      models: new Map(models.map((model, i) => [model.id, i])),
      buckets,
      leadFields: new Map(),
    };
    const lifecycle = bundle.lifecycle;
    if (!lifecycle) throw new RulesError('lifecycle: missing from the bundle');
    this.scoring = compileScoring(models, scope);
    this.grade = compileGrade(lifecycle, scope);
    this.personas = compilePersonas(bundle.personas, scope);
    this.stages = compileStages(lifecycle, scope);
    this.stageIndex = new Map(this.stages.map((stage) => [stage.id, stage.index]));
    this.replayPlans = this.stages.map((stage) => planReplay(stage, this.scoring.timeDependent, this.grade, this.personas));
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
    };
    this.contributions = new Float64Array(this.scoring.rules.length);
    this.fired = new Uint8Array(this.scoring.rules.length);
  }

  evaluate(lead: Lead, now: number): Outcome {
    const ctx = this.ctx;
    ctx.now = now;
    ctx.lead = lead;
    ctx.evaluation++;
    ctx.grade = undefined;
    ctx.persona = undefined;
    ctx.events.load(lead.events, now);

    runScoring(ctx, this.scoring, this.contributions, this.fired, false);
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
    if (stageIndex >= 0 && recorded >= computed) {
      const recordedMs = parseInstant(lead.stageEnteredAt);
      enteredMs = Number.isNaN(recordedMs) ? null : recordedMs;
    } else if (stageIndex >= 0) {
      enteredMs = this.lastQualified(this.stages[stageIndex]!, this.replayPlans[stageIndex]!, lead, now);
      ctx.now = now;
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
    const fired: Fired[] = [];
    for (let r = 0; r < rules.length; r++) {
      if (this.fired[r] === 0) continue;
      const rule = rules[r]!;
      fired.push({ model: rule.model, rule: rule.id, points: Math.round(this.contributions[r]! * 10) / 10 + 0 });
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
   * When the lead last qualified for a computed stage: walking back from the latest event,
   * the earliest event time from which the condition held at every later event time.
   */
  private lastQualified(stage: StageProgram, plan: ReplayPlan, lead: Lead, now: number): number {
    const at = this.ctx.events.at;
    if (at.length === 0) {
      const created = parseInstant(lead.createdAt);
      return Number.isNaN(created) ? now : created;
    }
    if (!plan.timeDependent) return at[0]!; // it holds now, so it held all along
    let entered = now;
    let i = at.length - 1;
    while (i >= 0) {
      const time = at[i]!;
      if (!this.holdsAt(stage, plan, time)) break;
      entered = time;
      while (i >= 0 && at[i] === time) i--;
    }
    return entered;
  }

  /** The stage's condition with `now` moved to `time` and the derived values it reads redone. */
  private holdsAt(stage: StageProgram, plan: ReplayPlan, time: number): boolean {
    const ctx = this.ctx;
    ctx.now = time;
    ctx.modelsDone = 0;
    ctx.total = undefined;
    ctx.grade = undefined;
    ctx.persona = undefined;
    if (plan.level >= 1) runScoring(ctx, this.scoring, this.contributions, this.fired, true);
    if (plan.level >= 2) ctx.grade = gradeOf(ctx, this.grade);
    if (plan.level >= 3) ctx.persona = personaOf(ctx, this.personas);
    return stage.when!(ctx, ctx.lead);
  }
}
