// `leadpact report --leads <export> --feedback <export>`: the weekly sales and marketing report
// (scripts/lib/report.ts): funnel, SLA compliance, goals, reject reasons, rep feedback. One
// self-contained HTML page (charts inline as SVG, prints well) or Markdown for a chat post.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, parseChoice, parseCommandArgs, parseInstantOption, type Command, processIo, type CommandIo } from '../lib/command';
import { repoRoot } from '../lib/paths';
import { parsePeriod, PeriodError, previousWeek, zone, type Period } from '../lib/period';
import { buildReport } from '../lib/report';
import { renderReportHtml, renderReportMarkdown } from '../lib/report-html';
import { formatProblem, loadCompiledRules, readFeedbackExport, readLeadExport } from '../lib/report-input';

const USAGE = `Usage: leadpact report --leads <export> --feedback <export> [options]

The weekly report for the sales and marketing meeting: the funnel by stage, SLA compliance per
commitment (with the breached leads), each goal's progress and the pace still needed, reject
reasons by persona and by lead source, rep feedback totals and the rules version.

Options:
  --leads <file>      the leads: JSON Lines, JSON or CSV (read as \`leadpact score\` reads them)
  --feedback <file>   the reps' decisions: the extension's feedback export (JSON Lines or JSON)
  --period <p>        an ISO week (2026-W47), a month (2026-11) or a quarter (2026-Q4), in the
                      rules' time zone (default: the last whole week before --now)
  --now <instant>     SLA states and goal progress as of this moment (default: now)
  --format <f>        html (default) or md
  --out <file>        write here instead of standard output
  --map <id|file>     the mapping for a CSV leads export (default: the preset its header matches)
  --rules <dir>       the rules folder (default: rules/ of this repository)

Rows that cannot be read are reported as file:line:col and left out; the exit code is then 1.
`;

const FORMATS = ['html', 'md'] as const;
type Format = (typeof FORMATS)[number];

const reportCommand: Command = (argv) => runReport(argv, processIo());
export default reportCommand;

export async function runReport(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      leads: { type: 'string' },
      feedback: { type: 'string' },
      period: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      map: { type: 'string' },
      rules: { type: 'string' },
    },
    USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.leads === undefined) throw new CliError(`--leads <export> is required\n${USAGE}`);
  if (values.feedback === undefined) throw new CliError(`--feedback <export> is required (the extension's "Export feedback" file)\n${USAGE}`);
  const format: Format = parseChoice(values.format, FORMATS, 'html');
  const now = parseInstantOption(values.now);
  let period: Period | undefined;
  if (values.period !== undefined) {
    try {
      period = parsePeriod(values.period);
    } catch (error) {
      if (error instanceof PeriodError) throw new CliError(`--period ${error.message}`);
      throw error;
    }
  }
  const rulesDir = values.rules !== undefined ? path.resolve(io.cwd, values.rules) : path.join(repoRoot, 'rules');

  const { bundle, rules } = await loadCompiledRules(rulesDir, 'report', io.cwd);
  period ??= previousWeek(zone(bundle.project.timezone ?? bundle.sla.calendar.timezone).dateOf(now));
  const leads = await readLeadExport(values.leads, bundle, { map: values.map, cwd: io.cwd });
  const feedback = await readFeedbackExport(values.feedback, bundle, io.cwd);
  const problems = [...leads.problems, ...feedback.problems];
  for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`);
  if (leads.records.length === 0) {
    io.stderr.write(`leadpact report: no leads could be read from ${values.leads}; no report written\n`);
    return 1;
  }

  const report = buildReport({ bundle, rules, leads: leads.records, feedback: feedback.records, period, now });
  const text = format === 'html' ? await renderReportHtml(report) : renderReportMarkdown(report);
  if (values.out !== undefined) {
    const out = path.resolve(io.cwd, values.out);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, text);
    io.stderr.write(`leadpact report: ${report.period.label} written to ${values.out}\n`);
  } else {
    io.stdout.write(text);
  }
  if (problems.length > 0) io.stderr.write(`leadpact report: ${problems.length} row${problems.length === 1 ? '' : 's'} left out\n`);
  return problems.length > 0 || leads.stopped || feedback.stopped ? 1 : 0;
}
