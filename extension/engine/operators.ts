/**
 * Field-test operators compiled to predicates on a present (non-null) value. Constants are
 * prepared once: lower-cased text, sets for `in`, parsed dates, regular expressions.
 *
 * On a list value, `eq`, `in`, `contains` and the ordering and text operators hold when any
 * element does; `ne` and `notIn` hold when no element matches.
 */
import { RulesError } from './errors';
import { normalizeText, parseInstant } from './values';

export type Predicate = (value: unknown) => boolean;
type Scalar = string | number | boolean;

export const FIELD_OPERATORS = [
  'eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'between',
  'contains', 'startsWith', 'endsWith', 'matches', 'exists',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

const never: Predicate = () => false;

/** Texts whose answers a TextGroup remembers (then it starts over). */
const TEXT_MEMO_SIZE = 1024;
/** Changes of text a TextGroup that stopped remembering sees before it tries again. */
const TEXT_PAUSE = 4096;

function anyElement(list: readonly unknown[], test: Predicate): boolean {
  for (let i = 0; i < list.length; i++) if (test(list[i])) return true;
  return false;
}

/** Lifts a predicate on single values to lists: true when any element holds. */
function orAnyElement(test: Predicate): Predicate {
  return (value) => (Array.isArray(value) ? anyElement(value, test) : test(value));
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function equalTo(expected: Scalar): Predicate {
  if (typeof expected === 'string') {
    const text = normalizeText(expected);
    return (value) => typeof value === 'string' && normalizeText(value) === text;
  }
  return (value) => value === expected;
}

/** The members of an `in` list: texts normalised, the rest as they are. */
function memberSets(expected: readonly Scalar[]): { texts: Set<string>; others: Set<unknown> } {
  const texts = new Set<string>();
  const others = new Set<unknown>();
  for (const item of expected) {
    if (typeof item === 'string') texts.add(normalizeText(item));
    else others.add(item);
  }
  return { texts, others };
}

type Order = (difference: number) => boolean;

/**
 * Numbers compare numerically; when both sides are text they compare as instants. Anything
 * else (a number against a date, a boolean, an unparseable date) does not hold.
 */
function ordered(expected: number | string, order: Order): Predicate {
  if (typeof expected === 'number') return (value) => typeof value === 'number' && order(value - expected);
  const expectedMs = parseInstant(expected);
  if (Number.isNaN(expectedMs)) return never;
  return (value) => typeof value === 'string' && order(parseInstant(value) - expectedMs);
}

const gt: Order = (d) => d > 0;
const gte: Order = (d) => d >= 0;
const lt: Order = (d) => d < 0;
const lte: Order = (d) => d <= 0;

function textTest(expected: string, test: (value: string, expected: string) => boolean): Predicate {
  const text = normalizeText(expected);
  return (value) => typeof value === 'string' && test(normalizeText(value), text);
}

/**
 * The predicate for `op` with its rule value; `where` locates errors.
 *
 * Each predicate answers a single value inline and a list through anyElement: a field test
 * costs one call into its predicate rather than a chain of wrappers (every rule's test goes
 * through the same few call sites, so each call in the chain is an indirect one).
 */
export function compileOperator(op: FieldOperator, expected: unknown, where: string): Predicate {
  const fail = (needs: string): never => {
    throw new RulesError(`${where}: ${op} needs ${needs}, got ${JSON.stringify(expected)}`);
  };
  switch (op) {
    case 'eq': {
      if (!isScalar(expected)) fail('a string, number or boolean');
      const equal = equalTo(expected as Scalar);
      if (typeof expected === 'string') {
        const text = normalizeText(expected);
        return (value) => (typeof value === 'string' ? normalizeText(value) === text : Array.isArray(value) && anyElement(value, equal));
      }
      return (value) => value === expected || (Array.isArray(value) && anyElement(value, equal));
    }
    case 'ne': {
      if (!isScalar(expected)) fail('a string, number or boolean');
      const equal = equalTo(expected as Scalar);
      return (value) => (Array.isArray(value) ? !anyElement(value, equal) : !equal(value));
    }
    case 'in':
    case 'notIn': {
      if (!Array.isArray(expected) || expected.length === 0 || !expected.every(isScalar)) {
        fail('a non-empty list of strings, numbers or booleans');
      }
      const { texts, others } = memberSets(expected as Scalar[]);
      const member: Predicate = (value) => (typeof value === 'string' ? texts.has(normalizeText(value)) : others.has(value));
      if (op === 'notIn') return (value) => (Array.isArray(value) ? !anyElement(value, member) : !member(value));
      return (value) => (typeof value === 'string' ? texts.has(normalizeText(value)) : Array.isArray(value) ? anyElement(value, member) : others.has(value));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (typeof expected !== 'number' && typeof expected !== 'string') fail('a number or an ISO date');
      const scalar = ordered(expected as number | string, { gt, gte, lt, lte }[op]);
      if (typeof expected !== 'number') return orAnyElement(scalar);
      const bound = expected;
      // `value - bound` as ordered() compares, so a list element and a single value answer alike.
      switch (op) {
        case 'gt': return (value) => (typeof value === 'number' ? value - bound > 0 : Array.isArray(value) && anyElement(value, scalar));
        case 'gte': return (value) => (typeof value === 'number' ? value - bound >= 0 : Array.isArray(value) && anyElement(value, scalar));
        case 'lt': return (value) => (typeof value === 'number' ? value - bound < 0 : Array.isArray(value) && anyElement(value, scalar));
        case 'lte': return (value) => (typeof value === 'number' ? value - bound <= 0 : Array.isArray(value) && anyElement(value, scalar));
      }
      break;
    }
    case 'between': {
      const bounds = expected as unknown[];
      if (!Array.isArray(bounds) || bounds.length !== 2 || !bounds.every((b) => typeof b === 'number' || typeof b === 'string')) {
        fail('[low, high] (numbers or ISO dates)');
      }
      const atLeast = ordered(bounds[0] as number | string, gte);
      const atMost = ordered(bounds[1] as number | string, lte);
      const scalar: Predicate = (value) => atLeast(value) && atMost(value);
      const [low, high] = bounds as [unknown, unknown];
      if (typeof low !== 'number' || typeof high !== 'number') return orAnyElement(scalar);
      return (value) => (typeof value === 'number' ? value - low >= 0 && value - high <= 0 : Array.isArray(value) && anyElement(value, scalar));
    }
    case 'contains': {
      if (typeof expected !== 'string') fail('a text');
      const text = normalizeText(expected as string);
      const element = equalTo(expected as string);
      // In a text, a substring; in a list, an element equal to it.
      return (value) => (typeof value === 'string' ? normalizeText(value).includes(text) : Array.isArray(value) && anyElement(value, element));
    }
    case 'startsWith': {
      if (typeof expected !== 'string') fail('a text');
      const scalar = textTest(expected as string, (value, text) => value.startsWith(text));
      const text = normalizeText(expected as string);
      return (value) => (typeof value === 'string' ? normalizeText(value).startsWith(text) : Array.isArray(value) && anyElement(value, scalar));
    }
    case 'endsWith': {
      if (typeof expected !== 'string') fail('a text');
      const scalar = textTest(expected as string, (value, text) => value.endsWith(text));
      const text = normalizeText(expected as string);
      return (value) => (typeof value === 'string' ? normalizeText(value).endsWith(text) : Array.isArray(value) && anyElement(value, scalar));
    }
    case 'matches': {
      // Field tests remember the answers per text (see TextGroup).
      const pattern = compilePattern(expected, where);
      const scalar: Predicate = (value) => typeof value === 'string' && pattern.test(value.trim());
      return (value) => (typeof value === 'string' ? pattern.test(value.trim()) : Array.isArray(value) && anyElement(value, scalar));
    }
    case 'exists':
      if (typeof expected !== 'boolean') fail('true or false');
      return expected ? () => true : never; // only called on present values
  }
  throw new RulesError(`${where}: unknown operator ${String(op)}`);
}

/**
 * The regular expression of a `matches` test: case-insensitive, without 'g' or 'y', so a test
 * keeps no state and its answer for a text can be remembered.
 */
function compilePattern(expected: unknown, where: string): RegExp {
  if (typeof expected !== 'string') throw new RulesError(`${where}: matches needs a regular expression, got ${JSON.stringify(expected)}`);
  try {
    return new RegExp(expected, 'i');
  } catch (error) {
    throw new RulesError(`${where}: bad regular expression ${JSON.stringify(expected)}: ${(error as Error).message}`);
  }
}

/**
 * Whether an operator's answer on a text is worth remembering per text (see TextGroup): text
 * comparisons lower-case the text (~100 ns on a URL), date comparisons parse it and `matches`
 * runs a regular expression. `exists`, and a comparison with numbers or booleans only, answer a
 * text at once.
 */
export function remembersTexts(op: FieldOperator, expected: unknown): boolean {
  switch (op) {
    case 'exists': return false;
    case 'in':
    case 'notIn':
    case 'between': return Array.isArray(expected) && expected.some((item) => typeof item === 'string');
    case 'matches': return true;
    default: return typeof expected === 'string';
  }
}

/**
 * The tests of one field on a text value, answered together: per text, one remembered row of
 * answers (0 not asked yet, 1 holds, 2 does not). A field's texts often repeat from lead to
 * lead (job titles, industries, the pages of a site), so a job title's dozen patterns, or the URL
 * tests of a page view, cost one look-up per text instead of a lower-casing and a comparison
 * each. `row` and `rowText` are the row of the text asked last.
 *
 * Remembering costs a hash and an insertion per new text, more than it saves on texts that do
 * not repeat (email addresses): when the memo fills up with at most TEXT_MEMO_SIZE / 2 texts
 * found in it meanwhile (about one text in three asked), the group stops remembering for the next
 * TEXT_PAUSE changes of text and only shares the row of the current text. The memo lives in
 * memory only, as long as the compiled rules.
 *
 * A test must answer a text from the text alone (every field operator does).
 */
export class TextGroup {
  private readonly tests: Predicate[] = [];
  private readonly indices = new Map<string, number>();
  private readonly memo = new Map<string, Uint8Array>();
  private row: Uint8Array = new Uint8Array(0);
  private rowText: string | undefined;
  /** The row of the current text while not remembering. */
  private scratch: Uint8Array = new Uint8Array(0);
  /** Texts found in the memo since it last started over; or, while not remembering, changes of text still to go. */
  private known = 0;
  private remembering = true;

  /**
   * Adds a test at compile time and returns its index. Tests with the same `key` (copies of one
   * test: a rule's and a stage's) share one; without a key a test has its own.
   */
  add(test: Predicate, key: string | undefined): number {
    let k = key === undefined ? undefined : this.indices.get(key);
    if (k === undefined) {
      k = this.tests.push(test) - 1;
      if (key !== undefined) this.indices.set(key, k);
      this.rowText = undefined; // rows made before are one answer short
      this.scratch = new Uint8Array(this.tests.length);
      this.memo.clear();
    }
    return k;
  }

  /** Whether test `k` holds for `text`. */
  test(text: string, k: number): boolean {
    let row = this.row;
    if (this.rowText !== text) {
      row = this.remembering ? this.rememberedRow(text) : this.freshRow();
      this.row = row;
      this.rowText = text;
    }
    let answer = row[k]!;
    if (answer === 0) {
      answer = this.tests[k]!(text) ? 1 : 2;
      row[k] = answer;
    }
    return answer === 1;
  }

  private rememberedRow(text: string): Uint8Array {
    const memo = this.memo;
    let row = memo.get(text);
    if (row !== undefined) {
      this.known++;
      return row;
    }
    if (memo.size >= TEXT_MEMO_SIZE) {
      memo.clear();
      if (this.known * 2 <= TEXT_MEMO_SIZE) {
        this.remembering = false;
        this.known = TEXT_PAUSE;
        return this.freshRow();
      }
      this.known = 0;
    }
    row = new Uint8Array(this.tests.length);
    memo.set(text, row);
    return row;
  }

  /** While not remembering: the scratch row, emptied for a new text. */
  private freshRow(): Uint8Array {
    if (--this.known <= 0) {
      this.remembering = true;
      this.known = 0;
    }
    return this.scratch.fill(0);
  }
}

/** `count: { <op>: n }` on a number of events. */
export interface CountTest {
  holds: (count: number) => boolean;
  /** Counting past this cannot change the answer, so a scan may stop there. */
  enough: number;
  /**
   * Whether holding at two counts means holding at every count between them (every test but
   * `ne`), and whether failing at two counts means failing at every count between them (the
   * one-sided tests: gt, gte, lt, lte and the default). Replays use them to answer for a range
   * of counts from its ends.
   */
  convex: boolean;
  monotone: boolean;
}

const COUNT_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between'] as const;

export function compileCount(count: unknown, where: string): CountTest {
  if (count === undefined) return { holds: (n) => n >= 1, enough: 1, convex: true, monotone: true };
  const keys = count !== null && typeof count === 'object' ? Object.keys(count) : [];
  const op = keys[0] as (typeof COUNT_OPERATORS)[number];
  if (keys.length !== 1 || !COUNT_OPERATORS.includes(op)) {
    throw new RulesError(`${where}: count needs exactly one of ${COUNT_OPERATORS.join(', ')}`);
  }
  const value = (count as Record<string, unknown>)[op];
  if (op === 'between') {
    const [low, high] = Array.isArray(value) ? (value as unknown[]) : [];
    if (typeof low !== 'number' || typeof high !== 'number') throw new RulesError(`${where}: count.between needs [low, high]`);
    return { holds: (n) => n >= low && n <= high, enough: high + 1, convex: true, monotone: false };
  }
  if (typeof value !== 'number' || Number.isNaN(value)) throw new RulesError(`${where}: count.${op} needs a number`);
  switch (op) {
    case 'eq': return { holds: (n) => n === value, enough: value + 1, convex: true, monotone: false };
    case 'ne': return { holds: (n) => n !== value, enough: value + 1, convex: false, monotone: false };
    case 'gt': return { holds: (n) => n > value, enough: value + 1, convex: true, monotone: true };
    case 'gte': return { holds: (n) => n >= value, enough: value, convex: true, monotone: true };
    case 'lt': return { holds: (n) => n < value, enough: value, convex: true, monotone: true };
    case 'lte': return { holds: (n) => n <= value, enough: value + 1, convex: true, monotone: true };
  }
}
