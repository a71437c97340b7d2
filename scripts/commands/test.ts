// `leadpact test`: runs the cases in rules/tests/*.yaml (DESIGN 3.9) against the rules beside
// them. A failing case is printed with its file:line:col and an expected-versus-actual diff of
// what it checks; rules that no case fires are listed (coverage); exit 1 when any case fails or
// the rules (tests files included) do not validate, with the errors printed as `validate` does.
import { diffLinesUnified } from 'jest-diff';
import { stringify } from 'yaml';
import { compileRules, RulesError, type CompiledRules, type Outcome } from '../../extension/engine/index';
import type { TestsFile } from '../../extension/engine/generated/rules';
import { CliError, parseChoice, parseCommandArgs, type Command } from '../lib/command';
import { formatDiagnostics, formatTextLine, type Diagnostic } from '../lib/diagnostics';
import { repoRoot } from '../lib/paths';
import { loadRules } from '../lib/rules-repo';
import { dirSource } from '../lib/rules-source';
import { runTestFiles, untestedRules, type CaseResult, type CheckResult, type TestFileInput } from '../lib/test-runner';
import { displayFrom, locateRules } from './validate';

const USAGE = `Usage: leadpact test [dir] [options]

Runs the cases in rules/tests/*.yaml against the rules and reports every case whose outcome
differs from what it expects, then the rules no case fires.

Arguments:
  dir               the repository (holding rules/) or the rules folder itself (default: this repository)

Options:
  --format <f>      text (default) or json
  --filter <text>   run only the cases whose name contains the text (coverage is then not listed)
  --color           colour the diffs even when the output is not a terminal
`;

export interface TestReport {
  ok: boolean;
  summary: { files: number; cases: number; passed: number; failed: number };
  cases: Array<{
    file: string;
    line: number;
    col: number;
    name: string;
    now: string;
    passed: boolean;
    error?: string;
    checks: Array<{ path: string; ok: boolean; expected: unknown; actual: unknown }>;
  }>;
  /** `model/rule` of every scoring rule no case fired; null when --filter ran only some cases. */
  untested: string[] | null;
  diagnostics: Diagnostic[];
}

const testCommand: Command = async (argv) => {
  const parsed = parseCommandArgs(argv, { format: { type: 'string' }, filter: { type: 'string' }, color: { type: 'boolean' } }, USAGE);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const format = parseChoice(values.format, ['text', 'json'] as const, 'text');
  if (positionals.length > 1) throw new CliError(`leadpact test takes at most one folder, got ${positionals.length}\n${USAGE}`);
  const { repoDir, rulesSubdir } = await locateRules(positionals[0] ?? repoRoot);
  const shown = displayFrom(repoDir);
  const color = values.color === true || (format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR);

  const loaded = await loadRules(dirSource(repoDir, rulesSubdir), { rulesSubdir });
  const diagnostics = loaded.diagnostics.map((d) => ({ ...d, file: shown(d.file) }));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.bundle || errors.length > 0) {
    if (format === 'json') {
      writeJson({ ok: false, summary: { files: 0, cases: 0, passed: 0, failed: 0 }, cases: [], untested: null, diagnostics });
    } else {
      process.stdout.write(formatDiagnostics(diagnostics, 'text'));
      process.stdout.write(`${plural(errors.length, 'error')} in the rules: no case was run ("leadpact validate" shows the same)\n`);
    }
    return 1;
  }
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  if (format === 'text' && warnings.length > 0) process.stdout.write(formatDiagnostics(warnings, 'text'));

  const inputs: TestFileInput[] = [];
  for (const file of loaded.files) {
    if (file.kind !== 'tests' || !file.valid || !file.doc) continue;
    const doc = file.doc;
    inputs.push({ file: shown(file.path), data: file.data as TestsFile, locateCase: (index) => doc.locate(['cases', index]) });
  }
  inputs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (inputs.length === 0) {
    const where = `${shown(`${rulesSubdir}/tests`)}/`;
    if (format === 'json') writeJson({ ok: false, summary: { files: 0, cases: 0, passed: 0, failed: 0 }, cases: [], untested: null, diagnostics });
    else process.stderr.write(`no tests: ${where} has no <name>.yaml files (kind: tests)\n`);
    return 1;
  }

  let rules: CompiledRules;
  try {
    rules = compileRules(loaded.bundle);
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    throw new CliError(`${shown(`${rulesSubdir}/leadpact.yaml`)}:1:1: the scoring engine refuses these rules: ${error.message}`, 1);
  }
  const run = runTestFiles(rules, inputs, values.filter);
  const failed = run.results.filter((r) => !r.passed);
  const untested = values.filter === undefined ? untestedRules(loaded.bundle, run.exercised) : null;
  const summary = { files: inputs.length, cases: run.results.length, passed: run.results.length - failed.length, failed: failed.length };
  const ok = failed.length === 0 && run.results.length > 0;

  if (format === 'json') {
    writeJson({
      ok,
      summary,
      cases: run.results.map((r) => ({
        file: r.file,
        line: r.line,
        col: r.col,
        name: r.name,
        now: r.now,
        passed: r.passed,
        ...(r.error !== undefined ? { error: r.error } : {}),
        checks: r.checks.map((c) => ({ path: c.path.join('.'), ok: c.ok, expected: c.expected, actual: c.actual })),
      })),
      untested,
      diagnostics,
    });
    return ok ? 0 : 1;
  }

  const out: string[] = [];
  for (const result of failed) out.push(formatFailure(result, color));
  if (untested !== null) {
    const total = loaded.bundle.models.reduce((n, m) => n + m.rules.length, 0);
    if (untested.length === 0) out.push(`Coverage: every one of the ${total} scoring rules is fired by some case.\n`);
    else out.push(`Rules no case fires (${untested.length} of ${total}):\n${untested.map((id) => `  ${id}\n`).join('')}`);
  }
  if (run.results.length === 0) out.push(`No case name contains "${values.filter ?? ''}".\n`);
  out.push(
    `Tests: ${failed.length > 0 ? `${failed.length} failed, ` : ''}${summary.passed} passed, ${plural(summary.cases, 'case')} in ${plural(summary.files, 'file')}\n`,
  );
  process.stdout.write(out.join('\n'));
  return ok ? 0 : 1;
};

export default testCommand;

function writeJson(report: TestReport): void {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const plain = (text: string) => text;
const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[39m`;

/** One failing case: where it is, its name, the diff of what it checks, and what fired. */
export function formatFailure(result: CaseResult, color = false): string {
  const heading = formatTextLine({ file: result.file, line: result.line, col: result.col, message: `FAIL ${result.name} (now ${result.now})`, severity: 'error', code: 'test-failed' });
  if (result.error !== undefined) return `${heading}\n  the case could not be evaluated: ${result.error}\n`;
  const { expected, actual } = sideBySide(result.checks);
  // Both sides as YAML, the language the case is written in, then a line diff.
  const asLines = (value: unknown) => stringify(value, { lineWidth: 0 }).trimEnd().split('\n');
  const shown = diffLinesUnified(asLines(expected), asLines(actual), {
      aAnnotation: 'Expected',
      bAnnotation: 'Actual',
      aColor: color ? ansi(32) : plain,
      bColor: color ? ansi(31) : plain,
      commonColor: plain,
      patchColor: color ? ansi(33) : plain,
      changeColor: plain,
      expand: true,
    });
  const lines = [heading, indent(shown)];
  if (result.outcome && result.checks.some((c) => !c.ok && (c.path[0] === 'score' || c.path[0] === 'rules'))) {
    lines.push(`  rules that fired: ${describeFired(result.outcome)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The checks as two objects of the same shape, so the diff shows only what went wrong as changed lines. */
function sideBySide(checks: readonly CheckResult[]): { expected: Record<string, unknown>; actual: Record<string, unknown> } {
  const expected: Record<string, unknown> = {};
  const actual: Record<string, unknown> = {};
  for (const check of checks) {
    const [head, key] = check.path;
    if (key === undefined) {
      expected[head] = check.expected;
      actual[head] = check.actual;
      continue;
    }
    const group = head === 'rules' ? 'fired' : head;
    ((expected[group] ??= {}) as Record<string, unknown>)[key] = check.expected;
    ((actual[group] ??= {}) as Record<string, unknown>)[key] = check.actual;
  }
  return { expected, actual };
}

function describeFired(outcome: Outcome): string {
  if (outcome.fired.length === 0) return 'no rule';
  return outcome.fired.map((f) => `${f.rule} ${f.points > 0 ? '+' : ''}${f.points}`).join(', ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
