/**
 * SLA commitments (DESIGN 3.7): the clock starts when the lead entered the commitment's stage
 * and stops at the first `until` event after that.
 */
import { addBusinessMinutes, businessMinutesBetween, CalendarError, compileCalendar, type BusinessCalendar } from './calendar';
import { compileCondition, type CompileScope } from './conditions';
import type { EvalContext, Test } from './context';
import { parseDuration, type Duration } from './duration';
import { RulesError } from './errors';
import type { SlaFile } from './generated/rules';
import { isoString } from './values';

export type SlaStateName = 'met' | 'late' | 'ok' | 'warning' | 'breached';

export interface SlaState {
  id: string;
  state: SlaStateName;
  startedAt: string;
  dueAt: string;
  /** Business minutes for a business-hours commitment, else wall minutes; absent once met or late. */
  remainingMinutes?: number;
  /** The stop event's time, when met or late. */
  stoppedAt?: string;
}

interface CommitmentProgram {
  readonly id: string;
  readonly stageIndex: number;
  readonly within: Duration;
  readonly warnMinutes: number | undefined;
  readonly bucket: number;
  readonly where: Test | undefined;
}

export interface SlaProgram {
  readonly calendar: BusinessCalendar | undefined;
  readonly commitments: readonly CommitmentProgram[];
}

const MINUTE_MS = 60_000;

export function compileSla(sla: SlaFile | undefined, stageIds: readonly string[], scope: CompileScope): SlaProgram {
  if (!sla) return { calendar: undefined, commitments: [] };
  let calendar: BusinessCalendar | undefined;
  if (sla.calendar) {
    try {
      calendar = compileCalendar(sla.calendar);
    } catch (error) {
      if (error instanceof CalendarError) throw new RulesError(`sla.calendar: ${error.message}`);
      throw error;
    }
  }
  const commitments = (sla.commitments ?? []).map((commitment, i): CommitmentProgram => {
    const at = `sla.commitments[${i}] (${commitment.id})`;
    const stageIndex = stageIds.indexOf(commitment.stage);
    if (stageIndex < 0) throw new RulesError(`${at}.stage: unknown stage "${commitment.stage}" (stages: ${stageIds.join(', ')})`);
    const within = duration(commitment.within, `${at}.within`);
    if (within.business && !calendar) throw new RulesError(`${at}.within: business hours need sla.calendar`);
    const until = commitment.until;
    const types = typeof until?.event === 'string' ? [until.event] : until?.event;
    if (!Array.isArray(types) || types.length === 0) throw new RulesError(`${at}.until.event: needs an event type or a list of them`);
    return {
      id: commitment.id,
      stageIndex,
      within,
      warnMinutes: commitment.warn === undefined ? undefined : duration(commitment.warn, `${at}.warn`).minutes,
      bucket: scope.buckets.idFor(types),
      where: until.where === undefined ? undefined : compileCondition(until.where, { ...scope, eventProps: true }, `${at}.until.where`),
    };
  });
  return { calendar, commitments };
}

function duration(text: string, where: string): Duration {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new RulesError(`${where}: ${(error as Error).message}`);
  }
}

/** The clocks of the commitments of `stageIndex`, started at `startedMs`, as of ctx.now. */
export function slaStates(ctx: EvalContext, program: SlaProgram, stageIndex: number, startedMs: number): SlaState[] {
  const states: SlaState[] = [];
  const now = ctx.now;
  for (const commitment of program.commitments) {
    if (commitment.stageIndex !== stageIndex) continue;
    const business = commitment.within.business;
    const calendar = program.calendar!;
    const dueMs = business
      ? addBusinessMinutes(calendar, startedMs, commitment.within.minutes)
      : startedMs + commitment.within.minutes * MINUTE_MS;
    const stopMs = firstStop(ctx, commitment, startedMs);
    const id = commitment.id;
    const startedAt = isoString(startedMs);
    const dueAt = isoString(dueMs);
    if (stopMs !== undefined) {
      states.push({ id, state: stopMs <= dueMs ? 'met' : 'late', startedAt, dueAt, stoppedAt: isoString(stopMs) });
      continue;
    }
    const remaining = business ? businessMinutesBetween(calendar, now, dueMs) : (dueMs - now) / MINUTE_MS;
    const state: SlaStateName = now > dueMs
      ? 'breached'
      : commitment.warnMinutes !== undefined && remaining <= commitment.warnMinutes ? 'warning' : 'ok';
    // Past the deadline the count is negative (DESIGN 4), even when no business minute has gone
    // by since (due at closing, now after hours): at least a minute late, never "0 left".
    const minutes = state === 'breached' ? Math.min(Math.floor(remaining), -1) : Math.floor(remaining) + 0;
    states.push({ id, state, startedAt, dueAt, remainingMinutes: minutes });
  }
  return states;
}

/** The earliest `until` event at or after the start (the lead's kept events are all <= now). */
function firstStop(ctx: EvalContext, commitment: CommitmentProgram, startedMs: number): number | undefined {
  const events = ctx.events;
  const positions = events.buckets[commitment.bucket]!;
  const size = events.bucketSizes[commitment.bucket]!;
  for (let i = 0; i < size; i++) {
    const p = positions[i]!;
    const time = events.at[p]!;
    if (time < startedMs) continue;
    if (time > ctx.now) break;
    if (commitment.where === undefined || commitment.where(ctx, events.records[p]!)) return time;
  }
  return undefined;
}
