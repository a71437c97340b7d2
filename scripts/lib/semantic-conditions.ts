/**
 * Checks of one condition (DESIGN 3.3) against the repository's names and types:
 * - every field, event and event prop is declared (with a "did you mean");
 * - derived values (score.*, grade, persona, stage) only where the condition's owner may use them;
 * - each operator fits its field's type, and its value has the right type;
 * - values are among the field's declared values (grades, persona and stage ids included);
 * - regular expressions compile and cannot backtrack catastrophically;
 * - score comparisons the models can reach.
 * It also returns whether the condition can ever hold: comparisons on the same value inside an
 * `all` are intersected (gte 200 and lt 50 leave nothing), so a persona or stage that can never
 * match is found.
 */
import safeRegex from 'safe-regex2';
import type { Condition, EventTest, FieldTest } from '../../extension/engine/generated/rules';
import { didYouMean, quoteValue } from './rules-suggest';
import { listNames, type RulesFile, type SemanticContext, type ValueInfo, type ValueType } from './semantic-context';
import { comparisonInterval, describeRange, fullInterval, intersect, isEmpty, type Interval } from './semantic-ranges';
import type { DataPath } from './schema-validator';

/** Who the condition belongs to: decides which derived values it may use (DESIGN 3.4-3.6). */
export type ConditionOwner = 'rule' | 'persona' | 'stage' | 'commitment';

export interface Scope {
  owner: ConditionOwner;
  /** Inside an event test's `where`: the (declared) event types whose props are the names. */
  eventTypes?: readonly string[];
}

/** Whether a condition can hold; `reported` when the reason was already reported where it lies. */
export interface Verdict {
  never: boolean;
  reported?: boolean;
  reason?: string;
  path?: DataPath;
}

const MAYBE: Verdict = { never: false };

export const OPERATORS_BY_TYPE: Readonly<Record<ValueType, readonly string[]>> = {
  string: ['eq', 'ne', 'in', 'notIn', 'contains', 'startsWith', 'endsWith', 'matches', 'exists'],
  number: ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  list: ['contains', 'eq', 'in', 'ne', 'notIn', 'exists'],
};

const DERIVED_ALLOWED: Readonly<Record<ConditionOwner, ReadonlySet<string>>> = {
  rule: new Set(),
  persona: new Set(['score', 'grade']),
  stage: new Set(['score', 'grade', 'persona']),
  commitment: new Set(),
};

const DERIVED_RULE: Readonly<Record<ConditionOwner, string>> = {
  rule: 'scoring rules may not use score.*, grade, persona or stage (they are worked out from the rules)',
  persona: 'personas may use fields, events, score.* and grade, not persona or stage',
  stage: 'stages may use any value except stage itself',
  commitment: 'only the event props can be used here',
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function checkCondition(ctx: SemanticContext, file: RulesFile, path: DataPath, condition: Condition, scope: Scope): Verdict {
  if ('field' in condition) return combineAll(ctx, file, [[path, condition]], scope);
  if ('event' in condition) return checkEventTest(ctx, file, path, condition, scope);
  if ('all' in condition) return combineAll(ctx, file, condition.all.map((c, i) => [[...path, 'all', i], c]), scope);
  if ('any' in condition) {
    const verdicts = condition.any.map((c, i) => checkCondition(ctx, file, [...path, 'any', i], c, scope));
    if (!verdicts.every((v) => v.never)) return MAYBE;
    const first = verdicts[0]!;
    return verdicts.length === 1
      ? first
      : { never: true, reported: verdicts.every((v) => v.reported), reason: 'none of the alternatives in any can hold', path: [...path, 'any'] };
  }
  // `not` holds whenever its condition does not; it only matters for errors inside.
  checkCondition(ctx, file, [...path, 'not'], condition.not, scope);
  return MAYBE;
}

export function checkEventTest(ctx: SemanticContext, file: RulesFile, path: DataPath, test: EventTest, scope: Scope): Verdict {
  if (scope.eventTypes) {
    ctx.report(file, path, 'event-in-where', 'an event test cannot sit inside where: where tests the props of the event being counted');
    return MAYBE;
  }
  const types = Array.isArray(test.event) ? test.event : [test.event];
  const known: string[] = [];
  types.forEach((type, index) => {
    if (ctx.events.has(type)) known.push(type);
    else {
      const where = Array.isArray(test.event) ? [...path, 'event', index] : [...path, 'event'];
      reportUnknownEvent(ctx, file, where, type);
    }
  });
  const count = test.count;
  if (count?.between && count.between[0] > count.between[1]) {
    ctx.report(file, [...path, 'count', 'between'], 'between-order', `count between [${count.between[0]}, ${count.between[1]}] holds for no count: lo must not be greater than hi`);
    return { never: true, reported: true };
  }
  let where: Verdict = MAYBE;
  if (test.where && known.length === types.length) {
    where = checkCondition(ctx, file, [...path, 'where'], test.where, { ...scope, eventTypes: known });
  }
  // With no matching event, only a count that accepts zero can hold.
  const acceptsZero = count !== undefined && (count.eq === 0 || count.lt !== undefined || count.lte !== undefined || count.between?.[0] === 0 || (count.ne !== undefined && count.ne !== 0));
  if (where.never && !acceptsZero) return where;
  return MAYBE;
}

// ---------------------------------------------------------------------------------------------
// Field tests and `all`

/** What one field test requires of its value, for intersecting the tests of an `all`. */
interface Constraint {
  key: string;
  label: string;
  /** As written: "gte 200", "exists false". */
  source: string;
  interval?: Interval;
  /** Only these (normalised) values. */
  allowed?: Set<string>;
  /** Not these (normalised) values. */
  excluded?: Set<string>;
  absent?: boolean;
}

interface KeyState {
  label: string;
  sources: string[];
  interval?: Interval;
  allowed?: Set<string>;
  excluded: Set<string>;
  absent: boolean;
  present: boolean;
}

/** The tests of an `all` (nested `all`s included) on one shared state per value. */
function combineAll(ctx: SemanticContext, file: RulesFile, items: Array<[DataPath, Condition]>, scope: Scope): Verdict {
  const states = new Map<string, KeyState>();
  let verdict: Verdict = MAYBE;
  const pending = [...items];
  for (let item = pending.shift(); item; item = pending.shift()) {
    const [path, condition] = item;
    if ('all' in condition) {
      pending.unshift(...condition.all.map((c, i): [DataPath, Condition] => [[...path, 'all', i], c]));
      continue;
    }
    if (!('field' in condition)) {
      const child = checkCondition(ctx, file, path, condition, scope);
      if (child.never && !verdict.never) verdict = child;
      continue;
    }
    const leaf = checkFieldTest(ctx, file, path, condition, scope);
    if (leaf.verdict.never) {
      if (!verdict.never) verdict = leaf.verdict;
      continue;
    }
    if (!leaf.constraint || verdict.never) continue;
    const conflict = apply(states, leaf.constraint, leaf.info);
    if (conflict) verdict = { never: true, reason: conflict, path };
  }
  return verdict;
}

/** Adds a constraint to its value's state; returns the reason when nothing is left. */
function apply(states: Map<string, KeyState>, constraint: Constraint, info: ValueInfo | undefined): string | undefined {
  let state = states.get(constraint.key);
  if (!state) {
    const domain = info?.values?.map(normalise) ?? (info?.type === 'boolean' ? ['true', 'false'] : undefined);
    state = {
      label: constraint.label,
      sources: [],
      excluded: new Set(),
      absent: false,
      present: false,
      ...(info?.range ? { interval: fullInterval(info.range) } : {}),
      ...(domain ? { allowed: new Set(domain) } : {}),
    };
    states.set(constraint.key, state);
  }
  const before = state.sources.length ? state.sources.join(' and ') : undefined;
  state.sources.push(constraint.source);
  const conflict = () => `${constraint.label} cannot be ${before} and ${constraint.source} at once`;
  if (constraint.absent) {
    if (state.present) return conflict();
    state.absent = true;
    return undefined;
  }
  if (state.absent) return conflict();
  state.present = true;
  if (constraint.interval) {
    state.interval = state.interval ? intersect(state.interval, constraint.interval) : constraint.interval;
    if (isEmpty(state.interval)) return before ? conflict() : undefined;
  }
  if (constraint.allowed) state.allowed = state.allowed ? new Set([...state.allowed].filter((v) => constraint.allowed!.has(v))) : new Set(constraint.allowed);
  for (const value of constraint.excluded ?? []) state.excluded.add(value);
  if (state.allowed) {
    const interval = state.interval;
    const left = [...state.allowed].filter((v) => !state.excluded.has(v) && (!interval || !isNumeric(v) || !isEmpty(intersect(interval, pointInterval(Number(v))))));
    if (left.length === 0) return before ? conflict() : undefined;
  }
  return undefined;
}

function isNumeric(value: string): boolean {
  return value !== '' && Number.isFinite(Number(value));
}

function pointInterval(value: number): Interval {
  return { lo: { value, inclusive: true }, hi: { value, inclusive: true }, integer: false };
}

/** String comparisons ignore case and surrounding white space (DESIGN 3.3). */
function normalise(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : String(value);
}

interface LeafResult {
  verdict: Verdict;
  constraint?: Constraint;
  info?: ValueInfo;
}

function checkFieldTest(ctx: SemanticContext, file: RulesFile, path: DataPath, test: FieldTest, scope: Scope): LeafResult {
  const name = test.field;
  const op = Object.keys(test).find((key) => key !== 'field') as keyof FieldTest | undefined;
  if (!op) return { verdict: MAYBE };
  const value = test[op] as unknown;
  const info = resolveName(ctx, file, [...path, 'field'], name, scope);
  if (!info) return { verdict: MAYBE };

  const fits = OPERATORS_BY_TYPE[info.type];
  if (!fits.includes(op)) {
    ctx.report(file, [...path, op], 'operator-type', `operator ${op} does not fit ${info.type} ${info.label}; ${info.type} values take ${listNames(fits)}`, { key: true });
    return { verdict: MAYBE };
  }
  if (!checkValueTypes(ctx, file, [...path, op], op, value, info)) return { verdict: MAYBE };
  if (op === 'matches' && typeof value === 'string' && !checkRegex(ctx, file, [...path, op], value)) return { verdict: MAYBE };

  const source = `${op} ${formatValue(value)}`;
  const key = scope.eventTypes ? `prop:${name}` : name;
  const constraint: Constraint = { key, label: name, source };
  if (op === 'exists') {
    if (value === false) constraint.absent = true;
    return { verdict: MAYBE, constraint, info };
  }

  if (op === 'between' && Array.isArray(value)) {
    const [lo, hi] = value.map((v) => comparable(v, info.type));
    if (lo !== undefined && hi !== undefined && lo > hi) {
      ctx.report(file, [...path, op], 'between-order', `between [${formatValue(value[0])}, ${formatValue(value[1])}] holds for no value: lo must not be greater than hi`);
      return { verdict: { never: true, reported: true } };
    }
  }

  // Values outside the declared ones (grades, personas, stages, a field's `values`).
  // (contains on a string is a substring test, so only a list's elements are checked.)
  if (info.values && (['eq', 'ne', 'in', 'notIn'].includes(op) || (op === 'contains' && info.type === 'list'))) {
    const known = new Set(info.values.map(normalise));
    const list = Array.isArray(value) ? value : [value];
    let unknown = 0;
    list.forEach((item, index) => {
      if (typeof item !== 'string' || known.has(normalise(item))) return;
      unknown++;
      reportUnknownValue(ctx, file, Array.isArray(value) ? [...path, op, index] : [...path, op], item, info);
    });
    if (unknown > 0 && unknown === list.length && ['eq', 'in', 'contains'].includes(op)) return { verdict: { never: true, reported: true } };
  }

  if (info.type === 'number' || info.type === 'date') {
    if (op === 'in' || op === 'notIn') {
      const set = new Set((value as unknown[]).map((v) => String(comparable(v, info.type))));
      if (op === 'in') constraint.allowed = set;
      else constraint.excluded = set;
    } else if (op === 'ne') {
      constraint.excluded = new Set([String(comparable(value, info.type))]);
    } else {
      const numeric = Array.isArray(value) ? ([comparable(value[0], info.type), comparable(value[1], info.type)] as [number, number]) : comparable(value, info.type);
      if (numeric !== undefined) constraint.interval = comparisonInterval(op, numeric, source);
    }
    // A score threshold the models cannot reach is wrong wherever it stands.
    if (info.range && !scoreCanHold(op, value, info.range)) {
      ctx.report(file, [...path, op], 'unreachable-threshold', `${name} ${source} can never hold: ${name} ranges ${describeRange(info.range)} (the points and caps of its rules)`);
      return { verdict: { never: true, reported: true } };
    }
  } else if (op === 'eq' || op === 'in') {
    constraint.allowed = new Set((Array.isArray(value) ? value : [value]).map(normalise));
  } else if (op === 'ne' || op === 'notIn') {
    constraint.excluded = new Set((Array.isArray(value) ? value : [value]).map(normalise));
  }
  if (info.type === 'list') {
    // eq, ne, in on a list compare elements; no intersection reasoning for lists.
    delete constraint.allowed;
    delete constraint.excluded;
  }
  return { verdict: MAYBE, constraint, info };
}

function scoreCanHold(op: string, value: unknown, range: { lo: number; hi: number; integer: boolean }): boolean {
  const domain = fullInterval(range);
  if (op === 'in') return (value as number[]).some((v) => !isEmpty(intersect(domain, pointInterval(v))));
  if (op === 'ne' || op === 'notIn') return true;
  const interval = comparisonInterval(op, value as number | [number, number], '');
  return !interval || !isEmpty(intersect(domain, interval));
}

/** A number for comparisons: numbers as they are, dates as epoch milliseconds. */
function comparable(value: unknown, type: ValueType): number | undefined {
  if (type === 'number' && typeof value === 'number') return value;
  if (type === 'date' && typeof value === 'string') {
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : time;
  }
  return undefined;
}

function reportUnknownValue(ctx: SemanticContext, file: RulesFile, path: DataPath, value: string, info: ValueInfo): void {
  const values = info.values ?? [];
  const hint = didYouMean(value, values, '; ', '');
  switch (info.derived) {
    case 'grade':
      ctx.report(file, path, 'unknown-grade', `unknown grade ${value}: the grade bands are ${listNames(values)}${hint}`);
      return;
    case 'persona':
      ctx.report(file, path, 'unknown-persona', `unknown persona ${value}${hint || `: personas are ${listNames(values)}`}`);
      return;
    case 'stage':
      ctx.report(file, path, 'unknown-stage', `unknown stage ${value}${hint || `: stages are ${listNames(values)}`}`);
      return;
    default:
      ctx.report(file, path, 'unknown-value', `${quoteValue(value)} is not a value of ${info.label}${hint || `: its values are ${listNames(values)}`}`);
  }
}

/** Checks the value's type against the field's; reports and returns false when it does not fit. */
function checkValueTypes(ctx: SemanticContext, file: RulesFile, path: DataPath, op: string, value: unknown, info: ValueInfo): boolean {
  if (op === 'exists') return true;
  const items: Array<[DataPath, unknown]> = Array.isArray(value) ? value.map((v, i) => [[...path, i], v]) : [[path, value]];
  for (const [where, item] of items) {
    const problem = valueProblem(item, info.type);
    if (problem) {
      ctx.report(file, where, 'value-type', `${op} on ${info.type} ${info.label} needs ${problem}; found ${quoteValue(item)}${info.type === 'string' && typeof item !== 'string' ? ` (write "${String(item)}" in quotes)` : ''}`);
      return false;
    }
  }
  return true;
}

function valueProblem(value: unknown, type: ValueType): string | undefined {
  switch (type) {
    case 'number':
      return typeof value === 'number' ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'an ISO date such as 2026-01-31 (or 2026-01-31T09:00:00Z)';
    case 'string':
    case 'list':
      return typeof value === 'string' ? undefined : 'text';
  }
}

/** Regular expressions: valid JavaScript syntax (matched case-insensitively), and no catastrophic backtracking. */
function checkRegex(ctx: SemanticContext, file: RulesFile, path: DataPath, pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : 'invalid';
    ctx.report(file, path, 'bad-regex', `bad regular expression ${quoteValue(pattern)}: ${reason}`);
    return false;
  }
  if (!safeRegex(pattern)) {
    ctx.report(
      file,
      path,
      'unsafe-regex',
      `regular expression ${quoteValue(pattern)} can backtrack catastrophically (a repetition inside a repetition, or too many repetitions); rewrite it without nested quantifiers`,
    );
    return false;
  }
  return true;
}

/** The named value's type, or undefined (after reporting) when it is unknown or not allowed here. */
export function resolveName(ctx: SemanticContext, file: RulesFile, path: DataPath, name: string, scope: Scope): ValueInfo | undefined {
  if (scope.eventTypes) return resolveProp(ctx, file, path, name, scope.eventTypes);
  const derived = derivedValue(ctx, name);
  if (derived === 'unknown-model') {
    const candidates = ['score.total', ...[...ctx.models.keys()].map((id) => `score.${id}`)];
    ctx.report(file, path, 'unknown-model', `unknown score ${name}${didYouMean(name, candidates, '; ', '') || `: scores are ${listNames(candidates)}`}`);
    return undefined;
  }
  if (derived) {
    if (!DERIVED_ALLOWED[scope.owner].has(derived.derived!)) {
      ctx.report(file, path, 'derived-not-allowed', `${name} cannot be used here: ${DERIVED_RULE[scope.owner]}`);
      return undefined;
    }
    return derived;
  }
  const field = ctx.fields.get(name);
  if (field) return { type: field.type, ...(field.values ? { values: field.values } : {}), label: `field ${name}` };
  const candidates = [...ctx.fields.keys(), ...['score.total', 'grade', 'persona', 'stage'].filter((d) => DERIVED_ALLOWED[scope.owner].has(d.split('.')[0]!))];
  const hint = didYouMean(name, candidates, '; ', '');
  ctx.report(file, path, 'unknown-field', `unknown field ${name}${hint || ': declare it under fields in rules/fields.yaml'}`);
  return undefined;
}

/** score.*, grade, persona and stage: what they are, 'unknown-model' for a score of no model, or undefined. */
export function derivedValue(ctx: SemanticContext, name: string): ValueInfo | 'unknown-model' | undefined {
  if (name === 'grade') return { type: 'string', values: ctx.grades, derived: 'grade', label: 'grade' };
  if (name === 'persona') return { type: 'string', values: ctx.personaIds, derived: 'persona', label: 'persona' };
  if (name === 'stage') return { type: 'string', values: ctx.stageIds, derived: 'stage', label: 'stage' };
  if (name.startsWith('score.')) {
    const range = ctx.scoreRanges.get(name.slice('score.'.length));
    if (!range) return 'unknown-model';
    return { type: 'number', derived: 'score', range, label: name };
  }
  return undefined;
}

function resolveProp(ctx: SemanticContext, file: RulesFile, path: DataPath, name: string, eventTypes: readonly string[]): ValueInfo | undefined {
  if (name === 'at') return { type: 'date', label: 'prop at' };
  for (const type of eventTypes) {
    const prop = ctx.events.get(type)?.get(name);
    if (prop) return { type: prop, label: `prop ${name}` };
  }
  const props = [...new Set(eventTypes.flatMap((type) => [...(ctx.events.get(type)?.keys() ?? [])]))];
  const owner = eventTypes.join(', ');
  const hint = didYouMean(name, [...props, 'at'], '; ', '');
  const have = props.length ? `its props are ${listNames([...props, 'at'])}` : 'it has no props besides at';
  ctx.report(file, path, 'unknown-prop', `unknown prop ${name} of ${owner} (${have})${hint}`);
  return undefined;
}

export function reportUnknownEvent(ctx: SemanticContext, file: RulesFile, path: DataPath, type: string): void {
  const hint = didYouMean(type, ctx.events.keys(), '; ', '');
  ctx.report(file, path, 'unknown-event', `unknown event ${type}${hint || ': declare it under events in rules/fields.yaml'}`);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return typeof value === 'string' ? value : String(value);
}
