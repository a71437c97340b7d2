/**
 * Grade, persona and lifecycle stage (DESIGN 3.5, 3.6), compiled.
 */
import { collectNeeds, compileCondition, compileGetter, isDerivedField, noNeeds, readsEvents, type CompileScope, type ConditionNeeds } from './conditions';
import type { EvalContext, Test } from './context';
import { RulesError } from './errors';
import type { Condition, LifecycleFile, PersonasFile } from './generated/rules';

// --- Grade ---------------------------------------------------------------------------------

export interface GradeProgram {
  readonly value: (ctx: EvalContext, source: object) => unknown;
  readonly bands: readonly { grade: string; gte: number | undefined; gt: number | undefined }[];
  readonly fromDerived: boolean;
}

export function compileGrade(lifecycle: LifecycleFile, scope: CompileScope): GradeProgram {
  const grade = lifecycle.grade;
  if (!grade) return { value: () => undefined, bands: [], fromDerived: false };
  if (typeof grade.from !== 'string') throw new RulesError('lifecycle.grade.from: must name a field or a score');
  return {
    value: compileGetter(grade.from, scope),
    bands: (grade.bands ?? []).map((band) => ({ grade: band.grade, gte: band.gte, gt: band.gt })),
    fromDerived: isDerivedField(grade.from),
  };
}

/**
 * The first band whose bounds hold; a band without bounds always holds. A value that is not a
 * number meets no bound, so it falls to the first band without one.
 */
export function gradeOf(ctx: EvalContext, program: GradeProgram): string | null {
  const value = program.value(ctx, ctx.lead);
  const isNumber = typeof value === 'number';
  for (const band of program.bands) {
    if (band.gte !== undefined && !(isNumber && value >= band.gte)) continue;
    if (band.gt !== undefined && !(isNumber && value > band.gt)) continue;
    return band.grade;
  }
  return null;
}

// --- Personas ------------------------------------------------------------------------------

export interface PersonaProgram {
  readonly id: string;
  readonly when: Test;
  readonly needs: ConditionNeeds;
}

export function compilePersonas(file: PersonasFile | undefined, scope: CompileScope): PersonaProgram[] {
  return (file?.personas ?? []).map((persona, i) => ({
    id: persona.id,
    when: compileCondition(persona.when, scope, `personas[${i}] (${persona.id}).when`),
    needs: collectNeeds(persona.when, noNeeds()),
  }));
}

/** Personas are in priority order: the first that matches wins. */
export function personaOf(ctx: EvalContext, personas: readonly PersonaProgram[]): string | null {
  for (const persona of personas) if (persona.when(ctx, ctx.lead)) return persona.id;
  return null;
}

// --- Stages --------------------------------------------------------------------------------

export interface StageProgram {
  readonly id: string;
  readonly index: number;
  readonly manual: boolean;
  /** Undefined: the stage holds always (when it is not manual). */
  readonly when: Test | undefined;
  readonly needs: ConditionNeeds;
  /** Whether the condition, once it holds at some `now`, holds at every later `now` (see isMonotone). */
  readonly monotone: boolean;
}

export function compileStages(lifecycle: LifecycleFile, scope: CompileScope): StageProgram[] {
  return (lifecycle.stages ?? []).map((stage, i) => ({
    id: stage.id,
    index: i,
    manual: stage.manual === true,
    when: stage.when === undefined ? undefined : compileCondition(stage.when, scope, `lifecycle.stages[${i}] (${stage.id}).when`),
    needs: stage.when === undefined ? noNeeds() : collectNeeds(stage.when, noNeeds()),
    monotone: stage.when !== undefined && isMonotone(stage.when),
  }));
}

/**
 * Whether a lead-level condition can only go from false to true as `now` moves forward: lead
 * fields (the same at every `now`) and event tests without a window whose count can only start
 * to hold as events are added (gte, gt; the default is gte 1) and whose `where` reads only the
 * event, combined by all and any. Such a condition holds at t and at every later time once it
 * holds at t, so its stageEnteredAt is the first event time at which it holds.
 */
export function isMonotone(condition: Condition): boolean {
  if ('field' in condition) return !isDerivedField(condition.field) || condition.field === 'stage';
  if ('event' in condition) {
    if (condition.within !== undefined) return false;
    const count = condition.count as Record<string, unknown> | undefined;
    if (count !== undefined && !(Object.keys(count).length === 1 && ('gte' in count || 'gt' in count))) return false;
    return condition.where === undefined || !readsEvents(condition.where);
  }
  if ('all' in condition) return condition.all.every(isMonotone);
  if ('any' in condition) return condition.any.every(isMonotone);
  return false; // not: it can go from true to false
}

/** The highest non-manual stage whose condition holds, or -1. */
export function computedStageIndex(ctx: EvalContext, stages: readonly StageProgram[]): number {
  for (let i = stages.length - 1; i >= 0; i--) {
    const stage = stages[i]!;
    if (!stage.manual && (stage.when === undefined || stage.when(ctx, ctx.lead))) return i;
  }
  return -1;
}

/** What must be recomputed before a stage's condition can be asked at another time. */
export interface ReplayPlan {
  /** False: the answer is the same at every time, so no replay is needed. */
  readonly timeDependent: boolean;
  /** 0 nothing, 1 scores, 2 scores and grade, 3 scores, grade and persona. */
  readonly level: 0 | 1 | 2 | 3;
  /** The condition can only start to hold as time goes on (StageProgram.monotone). */
  readonly monotone: boolean;
}

/** Which derived values can change with `now`; see derivedChanges. */
export interface DerivedChanges {
  readonly scores: boolean;
  readonly grade: boolean;
  readonly persona: boolean;
}

/**
 * Whether the scores, the grade and the persona can change with `now`. The grade reads one
 * value: a model's score changes only when one of that model's rules can; `grade`, `persona`
 * and `stage` are still missing when the grade is decided, so they never change it.
 */
export function derivedChanges(
  scoring: { timeDependent: boolean; models: readonly { id: string; timeDependent: boolean }[] },
  gradeFrom: unknown,
  grade: GradeProgram,
  personas: readonly PersonaProgram[],
): DerivedChanges {
  const scores = scoring.timeDependent;
  let gradeChanges = false;
  if (grade.fromDerived && typeof gradeFrom === 'string') {
    if (gradeFrom === 'score.total') gradeChanges = scores;
    else if (gradeFrom.startsWith('score.')) {
      const id = gradeFrom.slice('score.'.length);
      gradeChanges = scoring.models.some((model) => model.id === id && model.timeDependent);
    }
  }
  const persona = personas.some(({ needs }) => needs.events || (needs.score && scores) || (needs.grade && gradeChanges));
  return { scores, grade: gradeChanges, persona };
}

export function planReplay(stage: StageProgram, changes: DerivedChanges): ReplayPlan {
  const { needs } = stage;
  return {
    timeDependent: stage.when !== undefined && (needs.events || (needs.score && changes.scores) ||
      (needs.grade && changes.grade) || (needs.persona && changes.persona)),
    level: needs.persona ? 3 : needs.grade ? 2 : needs.score ? 1 : 0,
    monotone: stage.monotone,
  };
}
