/**
 * Number ranges for the static checks: the scores each model can reach (from its rules' points,
 * per-rule caps and the model's min/max), and interval arithmetic for the comparisons conditions
 * make (gt, gte, lt, lte, between, eq, in).
 */
import type { ScoringModelFile } from '../../extension/engine/generated/rules';
import type { NumberRange } from './semantic-context';

/**
 * Every score the model can produce: each `when` rule adds 0 or its points; a `per` rule adds from
 * 0 up to its cap (unbounded without one) in the direction of its points; the sum is clamped to
 * [min, max] and rounded (DESIGN 3.4).
 */
export function modelRange(model: ScoringModelFile): NumberRange {
  let lo = 0;
  let hi = 0;
  for (const rule of model.rules) {
    const points = rule.points;
    const reach = rule.per ? (rule.max ?? Number.POSITIVE_INFINITY) : Math.abs(points);
    if (points > 0) hi += reach;
    else if (points < 0) lo -= reach;
  }
  const clamp = (value: number) => Math.min(model.max ?? Number.POSITIVE_INFINITY, Math.max(model.min ?? Number.NEGATIVE_INFINITY, value));
  return { lo: roundScore(clamp(lo)), hi: roundScore(clamp(hi)), integer: true };
}

export function sumRanges(ranges: Iterable<NumberRange>): NumberRange {
  let lo = 0;
  let hi = 0;
  for (const range of ranges) {
    lo += range.lo;
    hi += range.hi;
  }
  return { lo, hi, integer: true };
}

function roundScore(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : value;
}

/** A bound of an interval: the value and whether it is included. */
export interface Bound {
  value: number;
  inclusive: boolean;
  /** The comparison that set it, as written ("gte 200"), for messages. */
  source?: string;
}

/** A set of numbers: lo..hi (either side open or closed). */
export interface Interval {
  lo: Bound;
  hi: Bound;
  integer: boolean;
}

export function fullInterval(range?: NumberRange): Interval {
  return {
    lo: { value: range?.lo ?? Number.NEGATIVE_INFINITY, inclusive: true },
    hi: { value: range?.hi ?? Number.POSITIVE_INFINITY, inclusive: true },
    integer: range?.integer ?? false,
  };
}

export function isEmpty(interval: Interval): boolean {
  let { value: lo } = interval.lo;
  let { value: hi } = interval.hi;
  if (interval.integer) {
    // The whole numbers inside, when the interval is made of whole numbers only.
    lo = Number.isFinite(lo) ? (interval.lo.inclusive ? Math.ceil(lo) : Math.floor(lo) + 1) : lo;
    hi = Number.isFinite(hi) ? (interval.hi.inclusive ? Math.floor(hi) : Math.ceil(hi) - 1) : hi;
    return lo > hi;
  }
  if (lo < hi) return false;
  return lo > hi || !(interval.lo.inclusive && interval.hi.inclusive);
}

/** Tighter of two lower bounds. */
function maxLo(a: Bound, b: Bound): Bound {
  if (a.value !== b.value) return a.value > b.value ? a : b;
  return a.inclusive ? b : a;
}

function minHi(a: Bound, b: Bound): Bound {
  if (a.value !== b.value) return a.value < b.value ? a : b;
  return a.inclusive ? b : a;
}

export function intersect(a: Interval, b: Interval): Interval {
  return { lo: maxLo(a.lo, b.lo), hi: minHi(a.hi, b.hi), integer: a.integer || b.integer };
}

/** The interval a numeric comparison keeps, or undefined for operators that are not ranges (ne, notIn). */
export function comparisonInterval(op: string, value: number | [number, number], source: string): Interval | undefined {
  const open = Number.NEGATIVE_INFINITY;
  const close = Number.POSITIVE_INFINITY;
  const at = (v: number, inclusive: boolean): Bound => ({ value: v, inclusive, source });
  const none = (v: number): Bound => ({ value: v, inclusive: true });
  switch (op) {
    case 'gt':
      return typeof value === 'number' ? { lo: at(value, false), hi: none(close), integer: false } : undefined;
    case 'gte':
      return typeof value === 'number' ? { lo: at(value, true), hi: none(close), integer: false } : undefined;
    case 'lt':
      return typeof value === 'number' ? { lo: none(open), hi: at(value, false), integer: false } : undefined;
    case 'lte':
      return typeof value === 'number' ? { lo: none(open), hi: at(value, true), integer: false } : undefined;
    case 'eq':
      return typeof value === 'number' ? { lo: at(value, true), hi: at(value, true), integer: false } : undefined;
    case 'between':
      return Array.isArray(value) ? { lo: at(value[0], true), hi: at(value[1], true), integer: false } : undefined;
    default:
      return undefined;
  }
}

/** "0 to 100", "0 or more", "any number". */
export function describeRange(range: NumberRange): string {
  const lo = Number.isFinite(range.lo);
  const hi = Number.isFinite(range.hi);
  if (lo && hi) return range.lo === range.hi ? `only ${range.lo}` : `from ${range.lo} to ${range.hi}`;
  if (lo) return `${range.lo} or more`;
  if (hi) return `${range.hi} or less`;
  return 'any number';
}
