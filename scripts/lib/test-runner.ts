/**
 * Runs the cases of rules/tests/*.yaml (DESIGN 3.9) against compiled rules and checks only what
 * each case's `expect` lists:
 * - score: by model id and `total`, an exact number or a range (gt, gte, lt, lte, all must hold);
 * - grade, persona (null for none), stage: equal;
 * - stageEnteredAt: the same instant (so `2026-11-19T10:00:00Z` matches `...00.000Z`), or null;
 * - fired: every listed rule contributed; notFired: none of them did;
 * - sla: each commitment's state; `none` means the outcome does not report it.
 * Rules are named by id (ids are unique across the repository; validation rejects anything else).
 */
import { evaluate, type CompiledRules, type Outcome } from '../../extension/engine/index';
import type { Bundle, TestsFile } from '../../extension/engine/generated/rules';
import { parseInstant } from '../../extension/engine/values';

export type TestCase = TestsFile['cases'][number];
type Expectation = TestCase['expect'];
type NumberExpectation = NonNullable<NonNullable<Expectation['score']>[string]>;

/** One thing a case expects, with what happened; `shownExpected` equals `actual` when it holds. */
export interface CheckResult {
  /** Where in the outcome: ['grade'], ['score', 'total'], ['rules', 'pricing-visits'], ['sla', 'mql-first-touch']. */
  path: [string] | [string, string];
  ok: boolean;
  expected: unknown;
  actual: unknown;
}

export interface CaseResult {
  file: string;
  line: number;
  col: number;
  index: number;
  name: string;
  now: string;
  passed: boolean;
  checks: CheckResult[];
  outcome?: Outcome;
  /** The case could not be evaluated at all (a bad `now`, an engine error). */
  error?: string;
}

export interface TestFileInput {
  /** As shown to people: 'rules/tests/mql.yaml'. */
  file: string;
  data: TestsFile;
  /** 1-based position of a case in the file. */
  locateCase(index: number): { line: number; col: number };
}

export interface TestRun {
  results: CaseResult[];
  /** `model/rule` of every rule some case's outcome fired. */
  exercised: Set<string>;
}

/** Runs every case (whose name contains `filter`, ignoring case, when given). */
export function runTestFiles(rules: CompiledRules, files: readonly TestFileInput[], filter?: string): TestRun {
  const needle = filter?.trim().toLowerCase();
  const results: CaseResult[] = [];
  const exercised = new Set<string>();
  for (const input of files) {
    input.data.cases.forEach((testCase, index) => {
      if (needle && !testCase.name.toLowerCase().includes(needle)) return;
      const result = runCase(rules, testCase, testCase.now ?? input.data.now);
      const { line, col } = input.locateCase(index);
      results.push({ ...result, file: input.file, line, col, index });
      for (const fired of result.outcome?.fired ?? []) exercised.add(`${fired.model}/${fired.rule}`);
    });
  }
  return { results, exercised };
}

export function runCase(rules: CompiledRules, testCase: TestCase, now: string): Omit<CaseResult, 'file' | 'line' | 'col' | 'index'> {
  const base = { name: testCase.name, now };
  let outcome: Outcome;
  try {
    outcome = evaluate(rules, testCase.lead, now);
  } catch (error) {
    return { ...base, passed: false, checks: [], error: error instanceof Error ? error.message : String(error) };
  }
  const checks = checkOutcome(testCase.expect, outcome);
  return { ...base, passed: checks.every((c) => c.ok), checks, outcome };
}

export function checkOutcome(expect: Expectation, outcome: Outcome): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const [model, expected] of Object.entries(expect.score ?? {})) {
    if (expected === undefined) continue;
    const actual = Object.hasOwn(outcome.score, model) ? outcome.score[model] : undefined;
    const ok = typeof actual === 'number' && numberHolds(expected, actual);
    checks.push({ path: ['score', model], ok, expected: ok ? actual : describeNumber(expected), actual: actual ?? 'no such score' });
  }
  for (const key of ['grade', 'persona', 'stage'] as const) {
    if (!Object.hasOwn(expect, key)) continue;
    const expected = expect[key];
    checks.push({ path: [key], ok: expected === outcome[key], expected, actual: outcome[key] });
  }
  if (Object.hasOwn(expect, 'stageEnteredAt')) {
    const expected = expect.stageEnteredAt ?? null;
    const actual = outcome.stageEnteredAt;
    const ok = expected === null || actual === null ? expected === actual : parseInstant(expected) === parseInstant(actual) && !Number.isNaN(parseInstant(actual));
    checks.push({ path: ['stageEnteredAt'], ok, expected: ok ? actual : expected, actual });
  }
  const contributions = new Map<string, string>();
  for (const fired of outcome.fired) {
    const shown = `fired (${fired.model}, ${fired.points > 0 ? '+' : ''}${fired.points})`;
    contributions.set(fired.rule, shown);
    contributions.set(`${fired.model}/${fired.rule}`, shown);
  }
  for (const rule of expect.fired ?? []) {
    const actual = contributions.get(rule) ?? 'not fired';
    const ok = contributions.has(rule);
    checks.push({ path: ['rules', rule], ok, expected: ok ? actual : 'fired', actual });
  }
  for (const rule of expect.notFired ?? []) {
    const actual = contributions.get(rule) ?? 'not fired';
    checks.push({ path: ['rules', rule], ok: !contributions.has(rule), expected: 'not fired', actual });
  }
  for (const [id, expected] of Object.entries(expect.sla ?? {})) {
    if (expected === undefined) continue;
    const actual = outcome.sla.find((s) => s.id === id)?.state ?? 'none';
    checks.push({ path: ['sla', id], ok: actual === expected, expected, actual });
  }
  return checks;
}

function numberHolds(expected: NumberExpectation, actual: number): boolean {
  if (typeof expected === 'number') return actual === expected;
  return (
    (expected.gt === undefined || actual > expected.gt) &&
    (expected.gte === undefined || actual >= expected.gte) &&
    (expected.lt === undefined || actual < expected.lt) &&
    (expected.lte === undefined || actual <= expected.lte)
  );
}

/** `>= 60 and < 80`, or the number itself. */
function describeNumber(expected: NumberExpectation): string | number {
  if (typeof expected === 'number') return expected;
  const parts: string[] = [];
  if (expected.gt !== undefined) parts.push(`> ${expected.gt}`);
  if (expected.gte !== undefined) parts.push(`>= ${expected.gte}`);
  if (expected.lt !== undefined) parts.push(`< ${expected.lt}`);
  if (expected.lte !== undefined) parts.push(`<= ${expected.lte}`);
  return parts.join(' and ');
}

/** `model/rule` of every scoring rule no case fired, in model then rule order. */
export function untestedRules(bundle: Bundle, exercised: ReadonlySet<string>): string[] {
  const untested: string[] = [];
  for (const model of bundle.models) {
    for (const rule of model.rules) {
      const id = `${model.id}/${rule.id}`;
      if (!exercised.has(id)) untested.push(id);
    }
  }
  return untested;
}
