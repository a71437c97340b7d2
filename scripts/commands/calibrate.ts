// `leadpact calibrate --leads <export> --outcome <field>`: how each scoring rule relates to a
// historical outcome (won, converted...): fire rate, outcome rate when it fires and when not,
// lift and a verdict; the MQL stage's precision and recall; suggestions ranked by evidence.
// The statistics live in scripts/lib/calibrate.ts; this is reading, checking and printing.
import path from 'node:path';
import { calibrate, type CalibrationReport, type RuleStats, type Verdict } from '../lib/calibrate';
import { CliError, parseChoice, parseCommandArgs, parseInstantOption, type Command, processIo, type CommandIo } from '../lib/command';
import { repoRoot } from '../lib/paths';
import { formatProblem, loadCompiledRules, readLeadExport } from '../lib/report-input';

const USAGE = `Usage: leadpact calibrate --leads <export> --outcome <field> [options]

Measures every scoring rule against an outcome the leads carry (e.g. properties.converted):
how often it fires, how often leads convert when it fires and when not, its lift, a verdict,
the MQL stage's precision and recall, and suggestions ranked by the strength of their evidence.

Options:
  --leads <file>      the leads: JSON Lines, JSON or CSV (read as \`leadpact score\` reads them)
  --outcome <field>   the outcome's field, dotted (properties.converted, properties.deal_stage)
  --positive <value>  the value meaning "yes" (e.g. "closed won"); default: true/yes/1/won/converted
  --stage <id>        the stage whose precision and recall are measured (default: mql)
  --now <instant>     evaluate as of this moment, ISO 8601 with a zone (default: now)
  --format <f>        text (default), json or md
  --map <id|file>     the mapping for a CSV export (default: the preset its header matches)
  --rules <dir>       the rules folder (default: rules/ of this repository)

Verdicts: useful (significant in the rule's direction), wrong-direction (significant, against
it), no-signal (shown to make no real difference), unclear, insufficient-data (under 30 leads
on either side), never-fires. Rows that cannot be read are reported and skipped (exit 1).
`;

const FORMATS = ['text', 'json', 'md'] as const;
type Format = (typeof FORMATS)[number];

const calibrateCommand: Command = (argv) => runCalibrate(argv, processIo());
export default calibrateCommand;

export async function runCalibrate(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      leads: { type: 'string' },
      outcome: { type: 'string' },
      positive: { type: 'string' },
      stage: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
      map: { type: 'string' },
      rules: { type: 'string' },
    },
    USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.leads === undefined) throw new CliError(`--leads <export> is required\n${USAGE}`);
  if (values.outcome === undefined || values.outcome.trim() === '') throw new CliError(`--outcome <field> is required, e.g. --outcome properties.converted\n${USAGE}`);
  const format: Format = parseChoice(values.format, FORMATS, 'text');
  const now = parseInstantOption(values.now);
  const rulesDir = values.rules !== undefined ? path.resolve(io.cwd, values.rules) : path.join(repoRoot, 'rules');

  const { bundle, rules } = await loadCompiledRules(rulesDir, 'calibrate', io.cwd);
  const stage = values.stage ?? 'mql';
  if (!bundle.lifecycle.stages.some((s) => s.id === stage)) {
    throw new CliError(`--stage: no stage "${stage}" in lifecycle.yaml (${bundle.lifecycle.stages.map((s) => s.id).join(', ')})`);
  }
  const loaded = await readLeadExport(values.leads, bundle, { map: values.map, cwd: io.cwd });
  for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
  if (loaded.records.length === 0) {
    io.stderr.write(`leadpact calibrate: no leads could be read from ${values.leads}\n`);
    return 1;
  }
  const report = await calibrate({ rules, leads: loaded.records, outcomeField: values.outcome, positive: values.positive, now, stage });
  if (report.withoutOutcome === report.leads) {
    io.stderr.write(
      `leadpact calibrate: none of the ${report.leads} leads has a readable ${values.outcome}` +
        `${values.positive === undefined ? ' (true/false, yes/no, 1/0, won/lost; or give --positive <value>)' : ''}\n`,
    );
    return 1;
  }
  io.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'md' ? renderCalibrationMarkdown(report) : renderCalibrationText(report));
  if (loaded.problems.length > 0) io.stderr.write(`leadpact calibrate: ${loaded.problems.length} row${loaded.problems.length === 1 ? '' : 's'} skipped\n`);
  return loaded.problems.length > 0 || loaded.stopped ? 1 : 0;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits));
const signed = (x: number) => `${x > 0 ? '+' : ''}${x}`;

/** Verdicts in the order a reader acts on them. */
const VERDICT_ORDER: Verdict[] = ['wrong-direction', 'no-signal', 'useful', 'unclear', 'insufficient-data', 'never-fires'];

function sortedRules(report: CalibrationReport): RuleStats[] {
  return [...report.rules].sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict) || Math.abs(b.z ?? 0) - Math.abs(a.z ?? 0));
}

function ruleRow(rule: RuleStats): string[] {
  return [
    `${rule.model}/${rule.rule}`,
    signed(rule.points),
    pct(rule.fireRate),
    pct(rule.rateWhenFired),
    pct(rule.rateWhenNot),
    num(rule.lift),
    num(rule.z),
    num(rule.adjustedZ),
    rule.verdict,
  ];
}

const HEADERS = ['rule', 'points', 'fires', 'rate if fires', 'rate if not', 'lift', 'z', 'adjusted z', 'verdict'];

function summaryLines(report: CalibrationReport): string[] {
  const known = report.leads - report.withoutOutcome;
  return [
    `Rules ${report.rulesVersion}, outcome ${report.outcomeField}, as of ${report.now}`,
    `${known} leads with a known outcome (${report.withoutOutcome} without one left out), ${report.positives} positive: base rate ${pct(report.baseRate)}`,
  ];
}

function stageLine(report: CalibrationReport): string | undefined {
  const m = report.mql;
  if (!m) return undefined;
  return `${m.stage}: ${m.predicted} leads reach it; precision ${pct(m.precision)} (${m.truePositives} of them converted), recall ${pct(m.recall)} (${m.falseNegatives} converters never reached it), F1 ${num(m.f1)}`;
}

export function renderCalibrationText(report: CalibrationReport): string {
  const rows = [HEADERS, ...sortedRules(report).map(ruleRow)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const right = new Set([1, 2, 3, 4, 5, 6, 7]);
  const line = (row: string[]) => row.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [...summaryLines(report), '', line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), ''];
  const stage = stageLine(report);
  if (stage) out.push(stage, '');
  out.push(report.suggestions.length ? 'Suggestions (strongest evidence first):' : 'No suggestions: nothing in this data argues for a change.');
  report.suggestions.forEach((s, i) => out.push(`  ${i + 1}. [${s.kind}, z ${s.evidence.toFixed(1)}] ${s.message}`));
  return `${out.join('\n')}\n`;
}

export function renderCalibrationMarkdown(report: CalibrationReport): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const out = [`### Rule calibration against \`${report.outcomeField}\``, '', ...summaryLines(report).map((l) => `${l}  `), ''];
  out.push(`| ${HEADERS.join(' | ')} |`, `| --- | ${HEADERS.slice(1).map((_, i) => (i < 7 ? '---:' : '---')).join(' | ')} |`);
  for (const rule of sortedRules(report)) out.push(`| ${ruleRow(rule).map(cell).join(' | ')} |`);
  const stage = stageLine(report);
  if (stage) out.push('', stage);
  out.push('', report.suggestions.length ? '**Suggestions** (strongest evidence first):' : 'No suggestions: nothing in this data argues for a change.');
  report.suggestions.forEach((s, i) => out.push(`${i + 1}. **${s.kind}** (z ${s.evidence.toFixed(1)}): ${cell(s.message)}`));
  return `${out.join('\n')}\n`;
}
