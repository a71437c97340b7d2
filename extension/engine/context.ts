import type { LeadEvents } from './events';

/**
 * The state of one evaluation, read by compiled conditions. Derived values appear as the
 * evaluation reaches them (models, then grade, then persona, then stage): before that they
 * are missing. `now` moves back in time while stageEnteredAt is replayed.
 */
export interface EvalContext {
  now: number;
  lead: object;
  events: LeadEvents;
  /** Score of each model by index; only indices below `modelsDone` are known. */
  scores: Float64Array;
  modelsDone: number;
  total: number | undefined;
  grade: string | null | undefined;
  persona: string | null | undefined;
  /**
   * During a stageEnteredAt replay, the derived values not yet redone for the replayed `now`
   * (PENDING_SCORES | PENDING_GRADE | PENDING_PERSONA): a getter that reads one calls
   * `settle` with its bit first, so a condition pays only for the derived values it reaches.
   * Always 0 outside replays.
   */
  pending: number;
  settle: (what: number) => void;
  /** Counts evaluations; a lead field slot whose stamp equals it holds this lead's value. */
  evaluation: number;
  fieldValues: unknown[];
  fieldStamps: number[];
}

/** A compiled condition: `source` is the lead, or the event inside an event test's `where`. */
export type Test = (ctx: EvalContext, source: object) => boolean;

export const PENDING_SCORES = 1;
export const PENDING_GRADE = 2;
export const PENDING_PERSONA = 4;
