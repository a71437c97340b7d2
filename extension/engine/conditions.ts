/**
 * Conditions (DESIGN 3.3) compiled to closures over an EvalContext: no eval, no Function, a
 * closed vocabulary walked once at compile time.
 */
import { PENDING_GRADE, PENDING_PERSONA, PENDING_SCORES, type EvalContext, type Test } from './context';
import { wallDurationMs } from './duration';
import { RulesError } from './errors';
import type { EventBuckets } from './events';
import type { Condition, EventTest, FieldTest } from './generated/rules';
import {
  compileCount, compileOperator, FIELD_OPERATORS, remembersTexts, TextGroup, type CountTest, type FieldOperator,
} from './operators';
import { compilePath, isInheritedName, type PathReader } from './values';

export interface CompileScope {
  /** Inside an event test's `where`: fields are the event's props, nothing is derived. */
  readonly eventProps: boolean;
  /** Model id to its index, for `score.<model>`. */
  readonly models: ReadonlyMap<string, number>;
  readonly buckets: EventBuckets;
  /** Lead field path to its slot in EvalContext.fieldValues (each path is read once per lead). */
  readonly leadFields: Map<string, number>;
  /**
   * Event matchers by event types and `where`, so that every copy of a test (a rule, a stage, the
   * range deciders of replays) shares one set of per-lead memos; without it each query has its own.
   */
  readonly matchers?: Map<string, EventMatcher>;
  /**
   * The text tests of each lead field and event prop, answered together (see TextGroup); without
   * it each test remembers its own answers.
   */
  readonly texts?: Map<string, TextGroup>;
}

/** Which derived values (and whether events) a condition looks at, for replay planning. */
export interface ConditionNeeds {
  events: boolean;
  score: boolean;
  grade: boolean;
  persona: boolean;
}

export function noNeeds(): ConditionNeeds {
  return { events: false, score: false, grade: false, persona: false };
}

/** The events a test looks at: a bucket, a window and an optional `where`. */
export interface EventQuery {
  bucket: number;
  /** Infinity without `within`. */
  windowMs: number;
  where: Test | undefined;
  /**
   * A `where` without event tests reads only the event's props, so its answer for an event is
   * the same at every `now`: it is remembered per lead in the matcher and reused by replays.
   */
  readonly whereCacheable: boolean;
  /** Per-lead memos, shared by every query with the same event types and `where` (see CompileScope.matchers). */
  readonly matcher: EventMatcher;
  /**
   * For a per rule's query in a model with decay (see scoreLowerBoundsOver), built on first use
   * per lead (`sumsLoad`): sums[k] is the sum of the decay factors of the first k matching times
   * at the evaluation's `now` (one per load), for the model's half-life (a query belongs to one
   * rule, so to one model). Factors too small to bound count 0.
   */
  sums: Float64Array;
  sumsLoad: number;
}

/** What a query's events are, remembered per lead (each part belongs to the LeadEvents load in its *Load field). */
export interface EventMatcher {
  /** Per event position: 0 unknown, 1 the `where` matches, 2 it does not. */
  cache: Uint8Array;
  cacheLoad: number;
  /**
   * For range deciders (replays), built on first use: the times of the matching events,
   * ascending, and their positions among the lead's kept events, the first `timesSize` entries.
   * Only for a cacheable (or absent) `where`.
   */
  times: Float64Array;
  positions: Int32Array;
  timesSize: number;
  timesLoad: number;
}

function newMatcher(): EventMatcher {
  return {
    cache: new Uint8Array(0), cacheLoad: -1,
    times: new Float64Array(0), positions: new Int32Array(0), timesSize: 0, timesLoad: -1,
  };
}

/** Whether the event at position `p` of the lead's kept events matches the query's `where`. */
export function matchesWhere(ctx: EvalContext, query: EventQuery, p: number): boolean {
  const events = ctx.events;
  if (!query.whereCacheable) return query.where!(ctx, events.records[p]!);
  const matcher = query.matcher;
  let cache = matcher.cache;
  if (matcher.cacheLoad !== events.loads) {
    if (cache.length < events.size) cache = matcher.cache = new Uint8Array(Math.max(events.size, cache.length * 2));
    else cache.fill(0, 0, events.size);
    matcher.cacheLoad = events.loads;
  }
  let known = cache[p]!;
  if (known === 0) {
    known = query.where!(ctx, events.records[p]!) ? 1 : 2;
    cache[p] = known;
  }
  return known === 1;
}

export function readsEvents(condition: Condition): boolean {
  if ('event' in condition) return true;
  if ('all' in condition) return condition.all.some(readsEvents);
  if ('any' in condition) return condition.any.some(readsEvents);
  if ('not' in condition) return readsEvents(condition.not);
  return false;
}

type Getter = (ctx: EvalContext, source: object) => unknown;

const missing: Getter = () => undefined;

export function isDerivedField(path: string): boolean {
  return path === 'grade' || path === 'persona' || path === 'stage' || path.startsWith('score.');
}

/** A field's value: a derived value at lead level, else a dotted path into the source. */
export function compileGetter(path: string, scope: CompileScope): Getter {
  if (!scope.eventProps && isDerivedField(path)) {
    // In replays a derived value may still be pending: settle it first (see EvalContext.pending).
    if (path === 'score.total') {
      return (ctx) => {
        if ((ctx.pending & PENDING_SCORES) !== 0) ctx.settle(PENDING_SCORES);
        return ctx.total;
      };
    }
    if (path === 'grade') {
      return (ctx) => {
        if ((ctx.pending & PENDING_GRADE) !== 0) ctx.settle(PENDING_GRADE);
        return ctx.grade;
      };
    }
    if (path === 'persona') {
      return (ctx) => {
        if ((ctx.pending & PENDING_PERSONA) !== 0) ctx.settle(PENDING_PERSONA);
        return ctx.persona;
      };
    }
    // `stage` is decided last, after every lead-level condition has run, so it is always missing.
    if (path === 'stage') return missing;
    const index = scope.models.get(path.slice('score.'.length));
    if (index === undefined) return missing;
    return (ctx) => {
      if ((ctx.pending & PENDING_SCORES) !== 0) ctx.settle(PENDING_SCORES);
      return ctx.modelsDone > index ? ctx.scores[index] : undefined;
    };
  }
  const read = compilePath(path);
  if (scope.eventProps) return (_ctx, source) => read(source);
  const index = leadFieldSlot(path, scope);
  return (ctx) => leadFieldValue(ctx, index, read);
}

/**
 * At lead level the source is always ctx.lead: each path is read once per lead into its slot
 * (rules often share one, and lead objects come in many shapes, so every read is a slow keyed
 * load).
 */
function leadFieldSlot(path: string, scope: CompileScope): number {
  let slot = scope.leadFields.get(path);
  if (slot === undefined) {
    slot = scope.leadFields.size;
    scope.leadFields.set(path, slot);
  }
  return slot;
}

/** The lead's value at a slot: from the slot when this evaluation read it already, else read now. */
function leadFieldValue(ctx: EvalContext, index: number, read: PathReader): unknown {
  return ctx.fieldStamps[index] === ctx.evaluation ? ctx.fieldValues[index] : readLeadField(ctx, index, read);
}

function readLeadField(ctx: EvalContext, index: number, read: PathReader): unknown {
  const value = read(ctx.lead);
  ctx.fieldValues[index] = value;
  ctx.fieldStamps[index] = ctx.evaluation;
  return value;
}

export function compileCondition(condition: Condition, scope: CompileScope, where: string): Test {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    throw new RulesError(`${where}: a condition must be an object`);
  }
  if ('field' in condition) return compileFieldTest(condition, scope, where);
  if ('event' in condition) return compileEventTest(condition, scope, where);
  if ('all' in condition) {
    const parts = compileList(condition.all, scope, `${where}.all`);
    if (parts.length === 2) {
      const [a, b] = parts as [Test, Test];
      return (ctx, source) => a(ctx, source) && b(ctx, source);
    }
    return (ctx, source) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i]!(ctx, source)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = compileList(condition.any, scope, `${where}.any`);
    return (ctx, source) => {
      for (let i = 0; i < parts.length; i++) if (parts[i]!(ctx, source)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, scope, `${where}.not`);
    return (ctx, source) => !inner(ctx, source);
  }
  throw new RulesError(`${where}: a condition needs one of field, event, all, any, not`);
}

/**
 * The parts of an all/any, cheapest first. Conditions have no side effects (their caches are
 * memos), so the order changes only how soon `all` meets a false part or `any` a true one.
 */
function compileList(list: unknown, scope: CompileScope, where: string): Test[] {
  if (!Array.isArray(list) || list.length === 0) throw new RulesError(`${where}: needs a non-empty list of conditions`);
  const parts = list.map((item, i) => ({ test: compileCondition(item as Condition, scope, `${where}[${i}]`), cost: costOf(item as Condition, scope) }));
  return parts.sort((a, b) => a.cost - b.cost).map((part) => part.test); // stable: ties keep rule order
}

/**
 * A rough relative cost: a lead field test is cheap, a regular expression dearer, an event test
 * scans events, and a score may have to be recomputed (in a replay) before it can be read.
 */
export function costOf(condition: Condition, scope: CompileScope): number {
  if ('field' in condition) {
    if (!scope.eventProps) {
      const path = condition.field;
      if (path.startsWith('score.')) return 100;
      if (path === 'grade' || path === 'persona') return 30;
    }
    return 'matches' in condition ? 4 : 1;
  }
  if ('event' in condition) return 10 + (condition.where === undefined ? 0 : costOf(condition.where, { ...scope, eventProps: true }));
  if ('all' in condition) return Array.isArray(condition.all) ? condition.all.reduce((sum, part) => sum + costOf(part, scope), 0) : 0;
  if ('any' in condition) return Array.isArray(condition.any) ? condition.any.reduce((sum, part) => sum + costOf(part, scope), 0) : 0;
  if ('not' in condition) return costOf(condition.not, scope);
  return 0;
}

function compileFieldTest(test: FieldTest, scope: CompileScope, where: string): Test {
  if (typeof test.field !== 'string' || test.field === '') throw new RulesError(`${where}: field must be a dotted path`);
  const ops = Object.keys(test).filter((key) => key !== 'field');
  const op = ops[0] as FieldOperator;
  if (ops.length !== 1 || !FIELD_OPERATORS.includes(op)) {
    throw new RulesError(`${where}: a field test needs exactly one of ${FIELD_OPERATORS.join(', ')}`);
  }
  const expected = (test as unknown as Record<string, unknown>)[op];
  const leadField = !scope.eventProps && !isDerivedField(test.field);
  const holds = compileOperator(op, expected, `${where}.${op}`);
  // A missing or null value fails every operator except `exists: false`.
  const whenMissing = op === 'exists' && expected === false;
  // A text is answered with the field's other text tests (see TextGroup).
  const group = (leadField || scope.eventProps) && remembersTexts(op, expected)
    ? textGroup(scope, `${leadField ? 'lead' : 'event'} ${test.field}`)
    : undefined;
  const k = group?.add(holds, jsonKey({ [op]: expected })) ?? -1;
  if (leadField) {
    // A lead field, read from its slot here rather than through a getter (one call less per test).
    const index = leadFieldSlot(test.field, scope);
    const read = compilePath(test.field);
    return (ctx) => {
      const value = leadFieldValue(ctx, index, read);
      if (typeof value === 'string' && group !== undefined) return group.test(value, k);
      return value === undefined || value === null ? whenMissing : holds(value);
    };
  }
  if (scope.eventProps && !test.field.includes('.') && !isInheritedName(test.field)) {
    // An event prop by its own name (`url`, `form`): read here rather than through a getter.
    const key = test.field;
    return (_ctx, source) => {
      const value = (source as Record<string, unknown>)[key];
      if (typeof value === 'string' && group !== undefined) return group.test(value, k);
      return value === undefined || value === null ? whenMissing : holds(value);
    };
  }
  const get = compileGetter(test.field, scope);
  return (ctx, source) => {
    const value = get(ctx, source);
    if (typeof value === 'string' && group !== undefined) return group.test(value, k);
    return value === undefined || value === null ? whenMissing : holds(value);
  };
}

/**
 * A key for sharing memos between copies of one test: its JSON, or undefined when that would not
 * tell it from others (JSON writes Infinity, -Infinity and NaN all as null; only a bundle built in
 * code can hold them).
 */
function jsonKey(value: unknown): string | undefined {
  let distinct = true;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) distinct = false;
    return item;
  });
  return distinct ? text : undefined;
}

/** The text tests of a field (`lead <path>` or `event <path>`). */
function textGroup(scope: CompileScope, field: string): TextGroup {
  if (scope.texts === undefined) return new TextGroup();
  let group = scope.texts.get(field);
  if (group === undefined) scope.texts.set(field, (group = new TextGroup()));
  return group;
}

export function compileEventQuery(test: EventTest, scope: CompileScope, where: string): EventQuery {
  const types = typeof test.event === 'string' ? [test.event] : test.event;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string')) {
    throw new RulesError(`${where}.event: needs an event type or a list of them`);
  }
  const bucket = scope.buckets.idFor(types);
  const whereCacheable = test.where !== undefined && !readsEvents(test.where);
  let matcher: EventMatcher | undefined;
  if (scope.matchers !== undefined && (test.where === undefined || whereCacheable)) {
    const text = jsonKey(test.where ?? null);
    if (text !== undefined) {
      const key = `${bucket} ${text}`;
      matcher = scope.matchers.get(key);
      if (matcher === undefined) scope.matchers.set(key, (matcher = newMatcher()));
    }
  }
  return {
    bucket,
    windowMs: test.within === undefined ? Infinity : wallDurationMs(test.within, `${where}.within`),
    where: test.where === undefined
      ? undefined
      : compileCondition(test.where, { ...scope, eventProps: true }, `${where}.where`),
    whereCacheable,
    matcher: matcher ?? newMatcher(),
    sums: new Float64Array(0),
    sumsLoad: -1,
  };
}

function compileEventTest(test: EventTest, scope: CompileScope, where: string): Test {
  const query = compileEventQuery(test, scope, where);
  const { bucket, windowMs, where: matches } = query;
  const { holds, enough } = compileCount(test.count, `${where}.count`);
  // Newest first: a window's events are at the end, and `enough` usually stops the scan early.
  return (ctx) => {
    const events = ctx.events;
    const positions = events.buckets[bucket]!;
    const at = events.at;
    const now = ctx.now;
    const after = now - windowMs;
    let count = 0;
    for (let i = lastAtOrBefore(positions, events.bucketSizes[bucket]!, at, now); i >= 0; i--) {
      const p = positions[i]!;
      const time = at[p]!;
      if (time <= after) break;
      if (matches !== undefined && !matchesWhere(ctx, query, p)) continue;
      if (++count >= enough) break;
    }
    return holds(count);
  };
}

/**
 * The index of the last of the first `size` positions whose time is at or before `now`, or -1. Replays move `now`
 * back, so later events are skipped by bisection rather than one by one.
 */
export function lastAtOrBefore(positions: Int32Array, size: number, at: Float64Array, now: number): number {
  let high = size - 1;
  if (high < 0 || at[positions[high]!]! <= now) return high;
  let low = 0; // invariant: everything above `high` is after now
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (at[positions[mid]!]! <= now) low = mid + 1;
    else high = mid - 1;
  }
  return high;
}

/** What a lead-level condition reads, added into `needs`. */
export function collectNeeds(condition: Condition, needs: ConditionNeeds): ConditionNeeds {
  if ('field' in condition) {
    const path = condition.field;
    if (path === 'grade') needs.grade = true;
    else if (path === 'persona') needs.persona = true;
    else if (path.startsWith('score.')) needs.score = true;
  } else if ('event' in condition) {
    needs.events = true; // its `where` reads event props, never derived values
  } else if ('all' in condition) {
    for (const part of condition.all) collectNeeds(part, needs);
  } else if ('any' in condition) {
    for (const part of condition.any) collectNeeds(part, needs);
  } else if ('not' in condition) {
    collectNeeds(condition.not, needs);
  }
  return needs;
}

// --- Deciding a condition over a range of times from bounds (replays) -----------------------

/** A three-valued answer: DECIDED_FALSE, DECIDED_TRUE or UNDECIDED. */
export const DECIDED_FALSE = 0;
export const DECIDED_TRUE = 1;
export const UNDECIDED = 2;

/**
 * A lead-level condition's answer for every time in [lo, hi] at once: DECIDED_TRUE when it holds
 * at each of them, DECIDED_FALSE when it holds at none, else UNDECIDED. A replay that proves a
 * stage held over a whole stretch of event times skips asking at each one; asked for [t, t], it
 * answers at t without redoing the scores when their bounds suffice.
 */
export type RangeDecider = (ctx: EvalContext, lo: number, hi: number) => number;

/** A lower bound of a score at every time in [lo, hi]: a model index, or -1 for the total; NaN when unknown. */
export type ScoreLowerBoundOver = (ctx: EvalContext, model: number, lo: number, hi: number) => number;

/**
 * A lead-level condition as a RangeDecider, answered without redoing pending derived values: a
 * `score.<model>`/`score.total` test with gte or gt holds when a lower bound of the score over
 * the range does; any other test of a pending derived value is undecided; lead fields are exact.
 * An event test counts the matching events surely in its window at every time of the range,
 * (hi - within, lo], and those that may be, (lo - within, hi]: the count at any time of the range
 * lies between the two, and the count test is asked at both ends (see CountTest.convex and
 * .monotone); for [t, t] the two are the same and the answer is exact. A `where` that reads
 * events leaves it undecided. all, any and not combine the answers in three-valued logic, so a
 * decided answer is the condition's answer.
 */
export function compileRangeDecider(condition: Condition, scope: CompileScope, lowerBound: ScoreLowerBoundOver): RangeDecider {
  if ('field' in condition) {
    const exact = compileFieldTest(condition, scope, 'range decider');
    const path = condition.field;
    if (!isDerivedField(path) || path === 'stage') return (ctx) => (exact(ctx, ctx.lead) ? DECIDED_TRUE : DECIDED_FALSE);
    if (path === 'grade' || path === 'persona') {
      const bit = path === 'grade' ? PENDING_GRADE : PENDING_PERSONA;
      return (ctx) => ((ctx.pending & bit) !== 0 ? UNDECIDED : exact(ctx, ctx.lead) ? DECIDED_TRUE : DECIDED_FALSE);
    }
    const index = path === 'score.total' ? -1 : scope.models.get(path.slice('score.'.length));
    if (index === undefined) return (ctx) => (exact(ctx, ctx.lead) ? DECIDED_TRUE : DECIDED_FALSE); // always missing
    const test = condition as unknown as Record<string, unknown>;
    const bound = typeof test.gte === 'number' ? test.gte : typeof test.gt === 'number' ? test.gt : undefined;
    const strict = typeof test.gt === 'number';
    return (ctx, lo, hi) => {
      if ((ctx.pending & PENDING_SCORES) === 0) return exact(ctx, ctx.lead) ? DECIDED_TRUE : DECIDED_FALSE;
      if (bound === undefined) return UNDECIDED;
      // The score is >= lower: if lower passes the bound, so does the score (NaN passes nothing).
      const lower = lowerBound(ctx, index, lo, hi);
      return (strict ? lower > bound : lower >= bound) ? DECIDED_TRUE : UNDECIDED;
    };
  }
  if ('event' in condition) {
    const query = compileEventQuery(condition, scope, 'range decider');
    const count = compileCount(condition.count, 'range decider.count');
    return (ctx, lo, hi) => eventTestOver(ctx, query, count, lo, hi);
  }
  if ('all' in condition || 'any' in condition) {
    const all = 'all' in condition;
    const list = (all ? condition.all : (condition as { any: Condition[] }).any);
    const parts = list
      .map((part) => ({ decide: compileRangeDecider(part, scope, lowerBound), cost: costOf(part, scope) }))
      .sort((a, b) => a.cost - b.cost)
      .map((part) => part.decide);
    // all: false as soon as a part is false; any: true as soon as a part is true.
    const stop = all ? DECIDED_FALSE : DECIDED_TRUE;
    const rest = all ? DECIDED_TRUE : DECIDED_FALSE;
    return (ctx, lo, hi) => {
      let answer = rest;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!(ctx, lo, hi);
        if (part === stop) return stop;
        if (part === UNDECIDED) answer = UNDECIDED;
      }
      return answer;
    };
  }
  if ('not' in condition) {
    const inner = compileRangeDecider(condition.not, scope, lowerBound);
    return (ctx, lo, hi) => {
      const answer = inner(ctx, lo, hi);
      return answer === UNDECIDED ? UNDECIDED : answer === DECIDED_TRUE ? DECIDED_FALSE : DECIDED_TRUE;
    };
  }
  throw new RulesError('range decider: a condition needs one of field, event, all, any, not');
}

/** When a condition that can only start to hold starts to: see compileEarliest. */
export type Earliest = (ctx: EvalContext) => number;

/**
 * For a condition that can only start to hold as time goes on (stages.ts isMonotone): the
 * earliest time from which it holds, given the lead's kept events; -Infinity when it holds at
 * every time, Infinity when never. A lead field is the same at every time; an event test starts
 * to hold at the time of the matching event that first brings its count to one that holds; `all`
 * holds from the latest of its parts' times, `any` from the earliest.
 */
export function compileEarliest(condition: Condition, scope: CompileScope): Earliest {
  if ('field' in condition) {
    const exact = compileFieldTest(condition, scope, 'replay');
    return (ctx) => (exact(ctx, ctx.lead) ? -Infinity : Infinity);
  }
  if ('event' in condition) {
    const query = compileEventQuery(condition, scope, 'replay');
    const { holds } = compileCount(condition.count, 'replay.count');
    return (ctx) => {
      const times = matchingTimes(ctx, query);
      const size = query.matcher.timesSize;
      let count = 0;
      while (count <= size && !holds(count)) count++;
      return count === 0 ? -Infinity : count > size ? Infinity : times[count - 1]!;
    };
  }
  if ('all' in condition || 'any' in condition) {
    const all = 'all' in condition;
    const parts = (all ? condition.all : (condition as { any: Condition[] }).any).map((part) => compileEarliest(part, scope));
    return (ctx) => {
      let time = all ? -Infinity : Infinity;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!(ctx);
        time = all ? Math.max(time, part) : Math.min(time, part);
      }
      return time;
    };
  }
  throw new RulesError('replay: only lead fields and event tests, combined by all and any, can only start to hold');
}

/** An event test's answer at every time in [lo, hi] (see compileRangeDecider). */
function eventTestOver(ctx: EvalContext, query: EventQuery, count: CountTest, lo: number, hi: number): number {
  if (query.where !== undefined && !query.whereCacheable) return UNDECIDED;
  const times = matchingTimes(ctx, query);
  const size = query.matcher.timesSize;
  const upToHi = countAtOrBefore(times, size, hi);
  const most = upToHi - countAtOrBefore(times, size, lo - query.windowMs); // in the window at some time of the range
  const surelyAfter = hi - query.windowMs;
  const least = surelyAfter >= lo ? 0 : countAtOrBefore(times, size, lo) - countAtOrBefore(times, size, surelyAfter); // at every time
  const holds = count.holds;
  if (least === most || least >= count.enough) return holds(least) ? DECIDED_TRUE : DECIDED_FALSE;
  const atLeast = holds(least);
  const atMost = holds(most);
  if (atLeast && atMost && count.convex) return DECIDED_TRUE;
  if (!atLeast && !atMost && count.monotone) return DECIDED_FALSE;
  return UNDECIDED;
}

/**
 * The times of the lead's events that match the query (its bucket and cacheable `where`),
 * ascending: the first query.matcher.timesSize entries; built once per lead.
 */
export function matchingTimes(ctx: EvalContext, query: EventQuery): Float64Array {
  const events = ctx.events;
  const matcher = query.matcher;
  if (matcher.timesLoad === events.loads) return matcher.times;
  const positions = events.buckets[query.bucket]!;
  const size = events.bucketSizes[query.bucket]!;
  if (matcher.times.length < size) {
    const length = Math.max(size, matcher.times.length * 2);
    matcher.times = new Float64Array(length);
    matcher.positions = new Int32Array(length);
  }
  const { times, positions: kept } = matcher;
  const at = events.at;
  let n = 0;
  for (let i = 0; i < size; i++) {
    const p = positions[i]!;
    if (query.where !== undefined && !matchesWhere(ctx, query, p)) continue;
    times[n] = at[p]!;
    kept[n++] = p;
  }
  matcher.timesSize = n;
  matcher.timesLoad = events.loads;
  return times;
}

/** How many of the first `size` (ascending) times are at or before `time`. */
export function countAtOrBefore(times: Float64Array, size: number, time: number): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid]! <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}
