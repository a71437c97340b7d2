/**
 * Property tests: the compiled engine agrees exactly with the reference interpreter
 * (test/support/reference-engine.ts) on random rule sets and random leads. Fixed seeds and run
 * counts keep CI reproducible; a failure prints the seed and path to replay it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bundle, Condition, Count, EventTest, Lead, LifecycleFile, Rule } from '../../extension/engine/generated/rules';
import { compileRules, evaluate } from '../../extension/engine/index';
import { isoString, parseInstant } from '../../extension/engine/values';
import { referenceEvaluate } from '../support/reference-engine';
import {
  commitment, DAY, HOUR, makeBundle, MINUTE, model, persona, stage, type Band, type Commitment, type Persona, type Stage,
} from '../support/bundles';

// --- Values ----------------------------------------------------------------------------------

/** Text with odd case and surrounding white space, so normalisation is exercised. */
const TEXTS = ['acme', ' ACME ', 'Acme Corp', '/pricing', '/Pricing/Enterprise ', 'vp sales', '  VP Sales\t', '', ' ', 'ceo',
  'Head of Data', 'demo', 'DEMO ', 'ebook', '5', 'true', '2026-11-19T10:00:00Z'];
const DATES = ['2026-11-01T00:00:00Z', '2026-11-20', '2026-11-19T12:00:00+01:00', '2026-11-19T12:00:00', '2026-11-20T11:59:59.999Z',
  'not a date', '2026-02-30T00:00:00Z', '2026-11-20T12:00:00.5Z'];
const NUMBERS = [0, 1, 2.5, 5, 10, 50, 200, 1000, -3];
const PATTERNS = ['^vp', 'acme', '\\bceo\\b', 'pricing$', '^\\s*$', '^/docs/', 'head of|chief', '[0-9]+'];

const text = fc.constantFrom(...TEXTS);
const number = fc.constantFrom(...NUMBERS);
const date = fc.constantFrom(...DATES);
const scalar = fc.oneof(text, number, fc.boolean(), date);

const LEAD_FIELDS = ['email', 'title', 'company.employees', 'company.industry', 'properties.budget_confirmed', 'properties.tags',
  'properties.signed_up', 'properties.n', 'company.missing.deep', 'constructor', 'company.name.length'];
const DERIVED_FIELDS = ['score.fit', 'score.eng', 'score.intent', 'score.total', 'score.nope', 'grade', 'persona', 'stage'];
const EVENT_FIELDS = ['url', 'form', 'n', 'tags', 'type', 'missing'];
const EVENT_TYPES = ['page_view', 'email_click', 'form_submit', 'call', 'email_sent', 'meeting_booked'];
const WINDOWS = ['1h', '90m', '1d', '7d', '2w', '30d'];

/** `{ <op>: value }` for a field test: every operator, with values of every type. */
const operator: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ op: fc.constantFrom('eq', 'ne'), value: scalar }).map(({ op, value }) => ({ [op]: value })),
  fc.record({ op: fc.constantFrom('in', 'notIn'), value: fc.array(scalar, { minLength: 1, maxLength: 4 }) })
    .map(({ op, value }) => ({ [op]: value })),
  fc.record({ op: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: fc.oneof(number, date) }).map(({ op, value }) => ({ [op]: value })),
  fc.oneof(fc.tuple(number, number), fc.tuple(date, date), fc.tuple(number, date)).map((bounds) => ({ between: bounds })),
  fc.record({ op: fc.constantFrom('contains', 'startsWith', 'endsWith'), value: text }).map(({ op, value }) => ({ [op]: value })),
  fc.constantFrom(...PATTERNS).map((pattern) => ({ matches: pattern })),
  fc.boolean().map((exists) => ({ exists })),
);

const count: fc.Arbitrary<Count> = fc.oneof(
  fc.record({ op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), n: fc.integer({ min: 0, max: 4 }) })
    .map(({ op, n }) => ({ [op]: n }) as Count),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 })).map(([low, high]) => ({ between: [low, high] }) as Count),
);

function fieldTest(fields: readonly string[]): fc.Arbitrary<Condition> {
  return fc.record({ field: fc.constantFrom(...fields), op: operator }).map(({ field, op }) => ({ field, ...op }) as Condition);
}

/** Conditions over `fields`, nested with all/any/not, with event tests when `events` is set. */
function condition(fields: readonly string[], events: boolean, depth = 2): fc.Arbitrary<Condition> {
  const leaves: fc.Arbitrary<Condition>[] = [fieldTest(fields)];
  if (events) leaves.push(eventTest(depth - 1));
  const leaf = fc.oneof(...leaves);
  if (depth <= 0) return leaf;
  const inner = condition(fields, events, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((all) => ({ all }) as Condition) },
    { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((any) => ({ any }) as Condition) },
    { weight: 1, arbitrary: inner.map((not) => ({ not }) as Condition) },
  );
}

/** An event test; its `where` reads event props and, rarely, nests another event test. */
function eventTest(depth = 1): fc.Arbitrary<EventTest> {
  return fc.record({
    event: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.uniqueArray(fc.constantFrom(...EVENT_TYPES), { minLength: 1, maxLength: 3 })),
    within: fc.option(fc.constantFrom(...WINDOWS), { nil: undefined }),
    where: fc.option(depth > 0 ? condition(EVENT_FIELDS, true, 0) : fieldTest(EVENT_FIELDS), { nil: undefined, freq: 2 }),
    count: fc.option(count, { nil: undefined }),
  }, { requiredKeys: ['event'] }).map((test) => dropUndefined(test) as EventTest);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// --- Rule sets -------------------------------------------------------------------------------

const MODEL_IDS = ['fit', 'eng', 'intent'];
const POINTS = [-10, -2.5, 0, 0.05, 0.25, 1, 3, 7.5, 15, 33];

function rule(id: string): fc.Arbitrary<Rule> {
  const points = fc.constantFrom(...POINTS);
  // Scoring rules may read earlier models' scores (validation forbids it, the engine defines it).
  const when = fc.record({ when: condition([...LEAD_FIELDS, 'score.fit', 'score.eng'], true), points })
    .map(({ when: w, points: p }): Rule => ({ id, label: id, when: w, points: p }));
  const per = fc.record({ per: eventTest(), points, max: fc.option(fc.constantFrom(2, 5, 10, 12.5), { nil: undefined }) })
    .map(({ per: test, points: p, max }): Rule => dropUndefined({ id, label: id, per: test, points: p, max }));
  return fc.oneof(when, per);
}

const modelsArb = fc.integer({ min: 0, max: 3 }).chain((n) => fc.tuple(...MODEL_IDS.slice(0, n).map((id) =>
  fc.record({
    rules: fc.integer({ min: 1, max: 4 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, r) => rule(`${id}-${r}`)))),
    min: fc.option(fc.constantFrom(0, 5, -20), { nil: undefined }),
    max: fc.option(fc.constantFrom(10, 40, 100), { nil: undefined }),
    halfLife: fc.option(fc.constantFrom('12h', '7d', '30d'), { nil: undefined }),
  }).map(({ rules, min, max, halfLife }) =>
    model(id, rules, dropUndefined({ min, max, decay: halfLife === undefined ? undefined : { halfLife } }))))));

const bandsArb: fc.Arbitrary<Band[]> = fc.array(
  fc.record({ grade: fc.constantFrom('A', 'B', 'C', 'D'), bound: fc.constantFrom('gte', 'gt', 'none'), at: fc.constantFrom(0, 10, 20, 40, 60) }),
  { minLength: 0, maxLength: 4 },
).chain((bands) => fc.boolean().map((withLast) => [
  ...bands.map(({ grade, bound, at }) => (bound === 'none' ? { grade } : { grade, [bound]: at }) as Band),
  ...(withLast ? [{ grade: 'F' } as Band] : []),
]));

const STAGE_FIELDS = [...LEAD_FIELDS, ...DERIVED_FIELDS];

function stagesArb(): fc.Arbitrary<Stage[]> {
  return fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) =>
    fc.record({ kind: fc.constantFrom('when', 'when', 'when', 'always', 'manual'), when: condition(STAGE_FIELDS, true) })
      .map(({ kind, when }) => (kind === 'manual' ? stage(`s${i}`, undefined, true) : kind === 'always' ? stage(`s${i}`) : stage(`s${i}`, when))))));
}

const personasArb: fc.Arbitrary<Persona[]> = fc.array(condition([...LEAD_FIELDS, ...DERIVED_FIELDS], true), { maxLength: 3 })
  .map((conditions) => conditions.map((when, i) => persona(`p${i}`, when)));

function commitmentsArb(stageCount: number): fc.Arbitrary<Commitment[]> {
  return fc.array(fc.record({
    stage: fc.integer({ min: 0, max: stageCount - 1 }),
    until: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.uniqueArray(fc.constantFrom(...EVENT_TYPES), { minLength: 1, maxLength: 3 })),
    within: fc.constantFrom('30m', '4h', '2d', '1bh', '8bh', '20bh'),
    warn: fc.option(fc.constantFrom('1h', '1bh', '3bh', '1d'), { nil: undefined }),
    where: fc.option(fieldTest(EVENT_FIELDS), { nil: undefined, freq: 3 }),
  }), { maxLength: 4 }).map((list) => list.map((c, i) => commitment(`c${i}`, `s${c.stage}`, c.until, c.within, c.warn, c.where)));
}

const bundleArb: fc.Arbitrary<Bundle> = fc.record({
  models: modelsArb,
  personas: personasArb,
  stages: stagesArb(),
  grade: fc.record({ from: fc.constantFrom('score.total', 'score.fit', 'score.eng', 'company.employees', 'persona'), bands: bandsArb })
    .map((grade) => grade as LifecycleFile['grade']), // bands may be empty: the engine must cope
}).chain((parts) => commitmentsArb(parts.stages.length).map((commitments) => makeBundle({ ...parts, commitments })));

// --- Leads -----------------------------------------------------------------------------------

/** The moments leads are scored at: a Friday noon, a Friday evening, a Sunday, the autumn DST change, Christmas Eve. */
const NOWS = ['2026-11-20T12:00:00.000Z', '2026-11-20T17:30:00.000Z', '2026-11-22T10:00:00.000Z',
  '2026-10-25T02:30:00.000Z', '2026-12-24T16:45:00.000Z'].map(Date.parse);

/** Offsets before `now`, including exact window edges (1h, 90m, 1d, 7d, 14d, 30d), `now` itself and the future. */
const OFFSETS = [0, 1, MINUTE, 30 * MINUTE, HOUR, 90 * MINUTE, HOUR + 1, 5 * HOUR, DAY - 1, DAY, DAY + 1, 3 * DAY, 7 * DAY,
  14 * DAY, 30 * DAY, 30 * DAY + 1, 60 * DAY, -1, -MINUTE, -DAY];

/** Renders an instant in one of the ISO shapes the engine reads, or breaks it. */
function renderAt(ms: number, shape: number): unknown {
  const iso = new Date(ms).toISOString();
  switch (shape) {
    case 0: return iso;
    case 1: return iso.replace('.000Z', 'Z');
    case 2: return iso.slice(0, 19); // no offset: UTC
    case 3: { // the same instant written in +01:00
      const local = new Date(ms + HOUR).toISOString();
      return `${local.slice(0, 19)}+01:00`;
    }
    case 4: return iso.slice(0, 10); // a date: midnight UTC
    case 5: return 'yesterday';
    case 6: return ms; // a number is not ISO text
    default: return undefined;
  }
}

const atShape = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(0, 1, 2, 3) }, { weight: 1, arbitrary: fc.constantFrom(4, 5, 6, 7) });

function eventArb(now: number): fc.Arbitrary<unknown> {
  const event = fc.record({
    type: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...EVENT_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('unknown', 5, null) }),
    offset: fc.constantFrom(...OFFSETS),
    shape: atShape,
    url: fc.option(fc.oneof(text, fc.constantFrom('/docs/start', '/pricing', ' /PRICING ')), { nil: undefined }),
    form: fc.option(fc.oneof(text, fc.constant(null)), { nil: undefined }),
    n: fc.option(number, { nil: undefined }),
    tags: fc.option(fc.array(text, { maxLength: 2 }), { nil: undefined }),
  }).map(({ offset, shape, ...props }) => dropUndefined({ ...props, at: renderAt(now - offset, shape) }));
  return fc.oneof({ weight: 20, arbitrary: event }, { weight: 1, arbitrary: fc.constantFrom(null, 7, 'page_view') });
}

/** A value that is missing, null, or one of the given values. */
function maybe<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> {
  return fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constantFrom(null, undefined) });
}

function leadArb(now: number, stageIds: readonly string[]): fc.Arbitrary<Lead> {
  return fc.record({
    email: maybe(fc.oneof(text, fc.constantFrom('ada@acme.io', ' Ada@ACME.io '))),
    title: maybe(fc.oneof(text, fc.constantFrom('Chief Data Officer', 'Student'))),
    company: maybe(fc.record({
      employees: maybe(fc.oneof(number, fc.constant('200'))),
      industry: maybe(text),
      name: maybe(text),
    })),
    properties: maybe(fc.record({
      budget_confirmed: maybe(fc.oneof(fc.boolean(), fc.constant('true'))),
      tags: maybe(fc.array(fc.oneof(text, number, fc.constant(null)), { maxLength: 3 })),
      signed_up: maybe(date),
      n: maybe(number),
    })),
    events: fc.oneof({ weight: 10, arbitrary: fc.array(eventArb(now), { maxLength: 10 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, null) }),
    stage: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...stageIds, 'unknown', undefined) }, { weight: 1, arbitrary: fc.constantFrom(undefined) }),
    stageEnteredAt: fc.oneof(fc.constantFrom(...OFFSETS).chain((offset) => atShape.map((shape) => renderAt(now - 2 * offset, shape))), fc.constant(null)),
    createdAt: fc.constantFrom(...OFFSETS).chain((offset) => atShape.map((shape) => renderAt(now - 3 * offset, shape))),
  }).map((fields) => dropUndefined({ id: 'lead', ...fields }) as unknown as Lead);
}

const caseArb = fc.record({ bundle: bundleArb, now: fc.constantFrom(...NOWS) }).chain(({ bundle, now }) =>
  fc.record({
    bundle: fc.constant(bundle),
    now: fc.constant(now),
    leads: fc.array(leadArb(now, bundle.lifecycle.stages.map((s) => s.id)), { minLength: 1, maxLength: 6 }),
  }));

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// --- Properties ------------------------------------------------------------------------------

/**
 * About 4 s of CPU alone; the whole suite shares two cores, so the wall-clock limit is generous
 * (the run count and seed are fixed, so the work never grows).
 */
const PROPERTY_TIMEOUT_MS = 120_000;

describe('the compiled engine and the reference interpreter', () => {
  it('agree exactly on random rule sets and leads (deep-frozen, so neither mutates its input)', () => {
    let leads = 0;
    fc.assert(
      fc.property(caseArb, ({ bundle, now, leads: batch }) => {
        deepFreeze(bundle);
        deepFreeze(batch);
        const compiled = compileRules(bundle);
        for (const lead of batch) {
          leads++;
          expect(evaluate(compiled, lead, now)).toStrictEqual(referenceEvaluate(bundle, lead, now));
        }
      }),
      { seed: 20261120, numRuns: 1500 },
    );
    expect(leads).toBeGreaterThan(3000);
  }, PROPERTY_TIMEOUT_MS);

  it('give the same outcome when a lead is scored twice or after other leads (no state leaks between leads)', () => {
    fc.assert(
      fc.property(caseArb, ({ bundle, now, leads: batch }) => {
        const compiled = compileRules(bundle);
        const first = batch.map((lead) => evaluate(compiled, lead, now));
        const reversed = [...batch].reverse().map((lead) => evaluate(compiled, lead, now)).reverse();
        expect(reversed).toStrictEqual(first);
        expect(batch.map((lead) => evaluate(compileRules(bundle), lead, now))).toStrictEqual(first);
      }),
      { seed: 1123, numRuns: 200 },
    );
  }, PROPERTY_TIMEOUT_MS);
});

describe('parseInstant', () => {
  /** The documented rule, plainly: ISO 8601 shapes only, a date-time without an offset is UTC. */
  function plainInstant(value: string): number {
    const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
    if (!iso) return NaN;
    return Date.parse(iso[1] !== undefined && iso[4] === undefined ? `${value}Z` : value);
  }

  const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
  const isoLike = fc.record({
    year: digits(4, 9999), month: digits(2, 13), day: digits(2, 32), hour: digits(2, 24), minute: digits(2, 60), second: digits(2, 60),
    fraction: fc.constantFrom('', '.5', '.123', '.1234', '.'),
    zone: fc.constantFrom('Z', '', '+01:00', '-05:30', '+23:59', '+24:00', '+0100', 'z', ' Z'),
    separator: fc.constantFrom('T', 'T', 'T', ' ', 't'),
  }).map((p) => `${p.year}-${p.month}-${p.day}${p.separator}${p.hour}:${p.minute}:${p.second}${p.fraction}${p.zone}`);

  it('reads exactly what Date.parse reads for ISO shapes (fast path included), NaN otherwise', () => {
    fc.assert(
      fc.property(fc.oneof(isoLike, fc.string({ maxLength: 30 })), (value) => {
        expect(parseInstant(value)).toBe(plainInstant(value));
      }),
      { seed: 42, numRuns: 5000 },
    );
  });
});

describe('isoString', () => {
  it('writes exactly what Date.prototype.toISOString writes', () => {
    const instants = fc.oneof(
      fc.integer({ min: -62_167_219_200_000 - 1000, max: 253_402_300_800_000 + 1000 }),
      fc.integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2101, 0, 1) }),
      fc.constantFrom(0, -1, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 1, 28), Date.UTC(2024, 11, 31, 23, 59, 59, 999), 1.5, -1.5),
    );
    fc.assert(fc.property(instants, (ms) => {
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
    }), { seed: 7, numRuns: 5000 });
  });
});
