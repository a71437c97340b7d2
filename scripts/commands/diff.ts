// `leadpact diff --base <ref>`: the impact of the working rules against the rules at a git ref, on
// a lead set scored by both at one `now`: rule changes with owners, stage moves, score shifts,
// persona and grade changes, top movers. Markdown is the pull request comment (DESIGN 6).
import path from 'node:path';
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { CliError, parseChoice, parseCommandArgs, parseInstantOption, type Command } from '../lib/command';
import { formatDiagnostics } from '../lib/diagnostics';
import { ImpactAccumulator, openLeadsFile, readLeads } from '../lib/impact';
import { scoreInParallel } from '../lib/impact-parallel';
import { renderJson, renderMarkdown, renderText, type DiffReport } from '../lib/impact-report';
import { repoRoot } from '../lib/paths';
import { compareWithBase } from '../lib/rules-changes-load';

const DEFAULT_LEADS = path.join('rules', 'samples', 'leads.jsonl');
const FORMATS = ['text', 'markdown', 'json'] as const;
/** From this size on (about 5,000 sample leads) worker threads pay for their start-up. */
const PARALLEL_FROM_BYTES = 8 * 1024 * 1024;

const USAGE = `Usage: leadpact diff --base <git ref> [options]

Scores a lead set with the rules at <git ref> and with the working tree's rules, at the same
moment, and prints what changes: rules added, removed and edited (with owners), leads moving
between stages, score distributions per model, persona and grade changes, and the top movers
with the rules that explain their move.

Options:
  --base <ref>      the git ref to compare against (a branch, tag or commit), required
  --leads <file>    leads as JSONL or a JSON array (default ${DEFAULT_LEADS})
  --now <instant>   score as of this ISO date-time (default: the current time)
  --format <f>      text (default), markdown (a pull request comment) or json
  --top <n>         how many top movers to show (default 10)
  --jobs <n>        worker threads scoring leads (default: up to 2 for files over 8 MB, else 1)
  --repo <dir>      the repository (default: this checkout)
  --exit-code       exit 1 when anything changed (like git diff --exit-code)
`;

const diffCommand: Command = async (argv) => {
  const parsed = parseCommandArgs(
    argv,
    {
      base: { type: 'string' },
      leads: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
      top: { type: 'string' },
      jobs: { type: 'string' },
      repo: { type: 'string' },
      'exit-code': { type: 'boolean' },
    },
    USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.base) throw new CliError(`--base <git ref> is required\n${USAGE}`);
  const format = parseChoice(values.format, FORMATS, 'text');
  const now = parseInstantOption(values.now);
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isSafeInteger(top) || top < 0 || top > 1000) throw new CliError(`--top must be a whole number from 0 to 1000, not "${values.top}"`);
  const jobsOption = values.jobs === undefined ? null : Number(values.jobs);
  if (jobsOption !== null && (!Number.isSafeInteger(jobsOption) || jobsOption < 1 || jobsOption > 16)) {
    throw new CliError(`--jobs must be a whole number from 1 to 16, not "${values.jobs}"`);
  }
  const repo = path.resolve(values.repo ?? repoRoot);

  const { base, head, changes } = await compareWithBase(repo, values.base);
  if (!head.load.bundle) {
    process.stderr.write(formatDiagnostics(head.load.diagnostics.filter((d) => d.severity === 'error'), 'text'));
    throw new CliError('the working tree\'s rules do not validate (see above); fix them before measuring their impact', 1);
  }

  const report: DiffReport = {
    base: { ref: values.base, version: base.version, exists: base.exists, valid: base.load.bundle !== null, errors: base.errors.length },
    head: { version: head.version },
    leadsFile: null,
    changes,
    impact: null,
  };
  if (changes.length > 0) {
    const leadsFile = path.resolve(repo, values.leads ?? DEFAULT_LEADS);
    const shown = values.leads ?? DEFAULT_LEADS;
    if (!values.leads && !(await exists(leadsFile))) {
      throw new CliError(`${DEFAULT_LEADS} does not exist: pass --leads <file>, or write a sample with "leadpact generate-leads"`);
    }
    const options = { now, topMovers: top };
    const input = await openLeadsFile(shown, repo);
    const jobs = jobsOption ?? ((input.size ?? 0) >= PARALLEL_FROM_BYTES ? Math.min(2, availableParallelism()) : 1);
    if (jobs > 1 && input.format === 'jsonl') {
      report.impact = await scoreInParallel(input, base.load.bundle, head.load.bundle, options, jobs);
    } else {
      const accumulator = new ImpactAccumulator(base.load.bundle, head.load.bundle, options);
      for await (const lead of readLeads(input, head.load.bundle)) accumulator.add(lead);
      report.impact = accumulator.result();
    }
    report.leadsFile = shown;
  }

  const render = format === 'markdown' ? renderMarkdown : format === 'json' ? renderJson : renderText;
  process.stdout.write(render(report));
  return values['exit-code'] && changes.length > 0 ? 1 : 0;
};

export default diffCommand;

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
