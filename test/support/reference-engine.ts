/**
 * The reference interpreter of the engine's semantics (see extension/engine/index.ts): a
 * direct, recursive reading of the rules JSON, recomputing everything from scratch with no
 * caches, no compilation and no shortcuts. Property tests check the compiled engine against it.
 * It shares nothing with the engine except the business calendar and the types.
 */
import { addBusinessMinutes, businessMinutesBetween, compileCalendar } from '../../extension/engine/calendar';
import type { Bundle, Condition, Count, EventTest, Lead } from '../../extension/engine/generated/rules';
import type { Fired, Outcome, SlaState } from '../../extension/engine/index';

type Props = Record<string, unknown>;
interface TimedEvent { props: Props; at: number }

/** Everything a condition can look at, as of `now`. */
interface State {
  now: number;
  lead: Lead;
  events: TimedEvent[];
  derived: Record<string, unknown>;
}

// --- Values --------------------------------------------------------------------------------

/** ISO 8601 only; a date-time without an offset is UTC. */
function instant(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (!iso) return NaN;
  const dateTimeWithoutZone = iso[1] !== undefined && iso[4] === undefined;
  return Date.parse(dateTimeWithoutZone ? `${value}Z` : value);
}

function minutesOf(duration: string): { minutes: number; business: boolean } {
  const match = /^(\d+)(bh|m|h|d|w)$/.exec(duration);
  if (!match) throw new Error(`bad duration ${duration}`);
  const unit = match[2]!;
  const perUnit = unit === 'm' ? 1 : unit === 'h' || unit === 'bh' ? 60 : unit === 'd' ? 1440 : 10080;
  return { minutes: Number(match[1]) * perUnit, business: unit === 'bh' };
}

function isDerived(path: string): boolean {
  return path === 'grade' || path === 'persona' || path === 'stage' || path.startsWith('score.');
}

function valueAt(path: string, source: unknown, state: State, isEvent: boolean): unknown {
  if (!isEvent && isDerived(path)) return Object.hasOwn(state.derived, path) ? state.derived[path] : undefined;
  let value = source;
  for (const key of path.split('.')) {
    value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Props)[key] : undefined;
  }
  return value;
}

function norm(text: string): string {
  return text.trim().toLowerCase();
}

function same(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' ? norm(a) === norm(b) : a === b;
}

/** Negative, zero or positive; NaN when the two cannot be ordered. */
function order(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return instant(a) - instant(b);
  return NaN;
}

function scalarHolds(op: string, value: unknown, expected: unknown): boolean {
  switch (op) {
    case 'eq': return same(value, expected);
    case 'in': return (expected as unknown[]).some((item) => same(value, item));
    case 'gt': return order(value, expected) > 0;
    case 'gte': return order(value, expected) >= 0;
    case 'lt': return order(value, expected) < 0;
    case 'lte': return order(value, expected) <= 0;
    case 'between': {
      const [low, high] = expected as unknown[];
      return order(value, low) >= 0 && order(value, high) <= 0;
    }
    case 'contains': return typeof value === 'string' && norm(value).includes(norm(expected as string));
    case 'startsWith': return typeof value === 'string' && norm(value).startsWith(norm(expected as string));
    case 'endsWith': return typeof value === 'string' && norm(value).endsWith(norm(expected as string));
    case 'matches': return typeof value === 'string' && new RegExp(expected as string, 'i').test(value.trim());
    default: throw new Error(`unknown operator ${op}`);
  }
}

function fieldHolds(op: string, value: unknown, expected: unknown): boolean {
  if (op === 'exists') return expected === true ? value !== undefined && value !== null : value === undefined || value === null;
  if (value === undefined || value === null) return false;
  if (op === 'ne') return Array.isArray(value) ? !value.some((item) => same(item, expected)) : !same(value, expected);
  if (op === 'notIn') {
    const isOneOf = (item: unknown) => (expected as unknown[]).some((e) => same(item, e));
    return Array.isArray(value) ? !value.some(isOneOf) : !isOneOf(value);
  }
  if (Array.isArray(value)) {
    if (op === 'contains') return value.some((item) => same(item, expected));
    return value.some((item) => scalarHolds(op, item, expected));
  }
  return scalarHolds(op, value, expected);
}

function countHolds(count: Count | undefined, n: number): boolean {
  const [op, expected] = Object.entries(count ?? { gte: 1 })[0]!;
  if (op === 'between') {
    const [low, high] = expected as number[];
    return n >= low! && n <= high!;
  }
  const e = expected as number;
  return op === 'eq' ? n === e : op === 'ne' ? n !== e : op === 'gt' ? n > e : op === 'gte' ? n >= e : op === 'lt' ? n < e : n <= e;
}

// --- Conditions ----------------------------------------------------------------------------

function eventTypes(event: string | string[]): string[] {
  return typeof event === 'string' ? [event] : event;
}

/** Events of the test's types in its window (now - within < at <= now) matching `where`, oldest first. */
function matchingEvents(test: EventTest, state: State): TimedEvent[] {
  const types = eventTypes(test.event);
  const windowMs = test.within === undefined ? Infinity : minutesOf(test.within).minutes * 60_000;
  return state.events.filter((e) =>
    types.includes(e.props.type as string) &&
    e.at <= state.now &&
    e.at > state.now - windowMs &&
    (test.where === undefined || holds(test.where, state, e.props, true)));
}

function holds(condition: Condition, state: State, source: unknown, isEvent: boolean): boolean {
  if ('field' in condition) {
    const op = Object.keys(condition).find((key) => key !== 'field')!;
    return fieldHolds(op, valueAt(condition.field, source, state, isEvent), (condition as unknown as Props)[op]);
  }
  if ('event' in condition) return countHolds(condition.count, matchingEvents(condition, state).length);
  if ('all' in condition) return condition.all.every((c) => holds(c, state, source, isEvent));
  if ('any' in condition) return condition.any.some((c) => holds(c, state, source, isEvent));
  return !holds(condition.not, state, source, isEvent);
}

// --- Evaluation ----------------------------------------------------------------------------

interface Contribution { model: string; rule: string; value: number }

interface Snapshot {
  state: State;
  scores: Record<string, number>;
  total: number;
  grade: string | null;
  persona: string | null;
  computedStage: number;
  contributions: Contribution[];
}

/** Models, grade, persona and computed stage of the lead as of `now`, from scratch. */
function snapshot(bundle: Bundle, lead: Lead, events: TimedEvent[], now: number): Snapshot {
  const state: State = { now, lead, events, derived: {} };
  const scores: Record<string, number> = {};
  const contributions: Contribution[] = [];
  let total = 0;
  for (const model of bundle.models) {
    let sum = 0;
    for (const rule of model.rules) {
      if (rule.per) {
        const matched = matchingEvents(rule.per, state);
        if (matched.length === 0 || (rule.per.count !== undefined && !countHolds(rule.per.count, matched.length))) continue;
        let ruleTotal = 0;
        for (const e of matched) {
          const factor = model.decay ? 0.5 ** ((now - e.at) / (minutesOf(model.decay.halfLife).minutes * 60_000)) : 1;
          ruleTotal += rule.points * factor;
        }
        if (rule.max !== undefined) ruleTotal = Math.sign(ruleTotal) * Math.min(Math.abs(ruleTotal), rule.max);
        contributions.push({ model: model.id, rule: rule.id, value: ruleTotal });
        sum += ruleTotal;
      } else if (holds(rule.when!, state, lead, false)) {
        contributions.push({ model: model.id, rule: rule.id, value: rule.points });
        sum += rule.points;
      }
    }
    if (model.min !== undefined && sum < model.min) sum = model.min;
    if (model.max !== undefined && sum > model.max) sum = model.max;
    const score = Math.round(sum) === 0 ? 0 : Math.round(sum);
    scores[model.id] = score;
    state.derived[`score.${model.id}`] = score;
    total += score;
  }
  state.derived['score.total'] = total;

  const gradeValue = valueAt(bundle.lifecycle.grade.from, lead, state, false);
  const band = bundle.lifecycle.grade.bands.find((b) =>
    (b.gte === undefined || (typeof gradeValue === 'number' && gradeValue >= b.gte)) &&
    (b.gt === undefined || (typeof gradeValue === 'number' && gradeValue > b.gt)));
  const grade = band ? band.grade : null;
  state.derived.grade = grade;

  const match = bundle.personas.personas.find((p) => holds(p.when, state, lead, false));
  const persona = match ? match.id : null;
  state.derived.persona = persona;

  let computedStage = -1;
  bundle.lifecycle.stages.forEach((s, i) => {
    if (!s.manual && (s.when === undefined || holds(s.when, state, lead, false))) computedStage = i;
  });
  return { state, scores, total, grade, persona, computedStage, contributions };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function referenceEvaluate(bundle: Bundle, lead: Lead, nowInput: number | string | Date): Outcome {
  const now = typeof nowInput === 'number' ? nowInput : nowInput instanceof Date ? nowInput.getTime() : instant(nowInput);
  const events: TimedEvent[] = (Array.isArray(lead.events) ? lead.events : [])
    .filter((e): e is NonNullable<typeof e> => e !== null && typeof e === 'object')
    .map((e) => ({ props: e as Props, at: instant(e.at) }))
    .filter((e) => !Number.isNaN(e.at))
    .sort((a, b) => a.at - b.at); // stable: equal times keep the lead's order

  const current = snapshot(bundle, lead, events, now);
  const stages = bundle.lifecycle.stages;
  const recorded = stages.findIndex((s) => s.id === lead.stage);
  const stageIndex = Math.max(current.computedStage, recorded);

  let entered: number | null = null;
  if (stageIndex >= 0 && recorded >= current.computedStage) {
    const ms = instant(lead.stageEnteredAt);
    entered = Number.isNaN(ms) ? null : ms;
  } else if (stageIndex >= 0) {
    const stage = stages[stageIndex]!;
    const times = [...new Set(events.filter((e) => e.at <= now).map((e) => e.at))];
    const holdsAt = (t: number): boolean =>
      stage.when === undefined || holds(stage.when, snapshot(bundle, lead, events, t).state, lead, false);
    if (times.length === 0) {
      const created = instant(lead.createdAt);
      entered = Number.isNaN(created) ? now : created;
    } else {
      const held = times.map(holdsAt);
      const from = times.findIndex((_, i) => held.slice(i).every(Boolean));
      entered = from >= 0 ? times[from]! : now;
    }
  }

  const sla: SlaState[] = [];
  if (entered !== null) {
    const calendar = compileCalendar(bundle.sla.calendar);
    for (const c of bundle.sla.commitments) {
      if (c.stage !== stages[stageIndex]!.id) continue;
      const within = minutesOf(c.within);
      const due = within.business ? addBusinessMinutes(calendar, entered, within.minutes) : entered + within.minutes * 60_000;
      const untilTypes = eventTypes(c.until.event);
      const stop = events.find((e) =>
        untilTypes.includes(e.props.type as string) && e.at >= entered! && e.at <= now &&
        (c.until.where === undefined || holds(c.until.where, current.state, e.props, true)));
      if (stop) {
        sla.push({ id: c.id, state: stop.at <= due ? 'met' : 'late', startedAt: iso(entered), dueAt: iso(due), stoppedAt: iso(stop.at) });
        continue;
      }
      const remaining = within.business ? businessMinutesBetween(calendar, now, due) : (due - now) / 60_000;
      const warn = c.warn === undefined ? undefined : minutesOf(c.warn).minutes;
      const state = now > due ? 'breached' : warn !== undefined && remaining <= warn ? 'warning' : 'ok';
      const floored = state === 'breached' ? Math.min(Math.floor(remaining), -1) : Math.floor(remaining);
      sla.push({ id: c.id, state, startedAt: iso(entered), dueAt: iso(due), remainingMinutes: floored === 0 ? 0 : floored });
    }
  }

  const fired: Fired[] = current.contributions
    .map((c) => {
      const points = Math.round(c.value * 10) / 10;
      return { model: c.model, rule: c.rule, points: points === 0 ? 0 : points };
    })
    .sort((a, b) => b.points - a.points);

  return {
    id: lead.id,
    score: { total: current.total, ...current.scores },
    grade: current.grade,
    persona: current.persona,
    stage: stageIndex >= 0 ? stages[stageIndex]!.id : null,
    stageEnteredAt: entered === null ? null : iso(entered),
    sla,
    fired,
  };
}
