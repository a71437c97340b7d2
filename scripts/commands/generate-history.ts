// `leadpact generate-history`: seeded sample history for the sample leads (scripts/lib/sample-history.ts):
// the leads with a planted outcome, the reps' feedback over the weeks before --now, and the
// planted truths, in one folder (.output/history/ by default; not committed).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, parseCommandArgs, parseInstantOption, type Command, processIo, type CommandIo } from '../lib/command';
import { repoRoot } from '../lib/paths';
import { formatProblem, loadCompiledRules, readLeadExport } from '../lib/report-input';
import { generateHistory } from '../lib/sample-history';

const DEFAULTS = { seed: '7', now: '2026-11-20T12:00:00Z', weeks: '8', leads: path.join('rules', 'samples', 'leads.jsonl'), out: path.join('.output', 'history') };

const USAGE = `Usage: leadpact generate-history [options]

Writes invented history for the sample leads, with planted truths, to try calibrate and report:
  <out>/leads.jsonl     the leads with properties.converted (planted: some rules truly useful,
                        some useless, one harmful) and accepted MQLs recorded at sal
  <out>/feedback.jsonl  the reps' accept/reject records (the extension's feedback export)
  <out>/truths.json     which rules were planted useful, useless and harmful

Options:
  --leads <file>    the leads (default ${DEFAULTS.leads})
  --out <dir>       where to write (default ${DEFAULTS.out})
  --seed <n>        PRNG seed, an integer (default ${DEFAULTS.seed})
  --now <instant>   the history ends here; evaluate as of it (default ${DEFAULTS.now})
  --weeks <n>       weeks of rep feedback before --now (default ${DEFAULTS.weeks})
  --rules <dir>     the rules folder (default: rules/ of this repository)
`;

const command: Command = (argv) => runGenerateHistory(argv, processIo());
export default command;

export async function runGenerateHistory(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    { leads: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, now: { type: 'string' }, weeks: { type: 'string' }, rules: { type: 'string' } },
    USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const seedText = values.seed ?? DEFAULTS.seed;
  if (!/^-?\d+$/.test(seedText) || !Number.isSafeInteger(Number(seedText))) throw new CliError(`--seed must be an integer, not "${seedText}"`);
  const weeksText = values.weeks ?? DEFAULTS.weeks;
  if (!/^\d+$/.test(weeksText) || Number(weeksText) < 1 || Number(weeksText) > 104) throw new CliError(`--weeks must be a whole number from 1 to 104, not "${weeksText}"`);
  const now = parseInstantOption(values.now ?? DEFAULTS.now);
  const rulesDir = values.rules !== undefined ? path.resolve(io.cwd, values.rules) : path.join(repoRoot, 'rules');
  const leadsFile = values.leads ?? (values.rules === undefined ? path.relative(io.cwd, path.join(repoRoot, DEFAULTS.leads)) || DEFAULTS.leads : DEFAULTS.leads);
  const outDir = path.resolve(io.cwd, values.out ?? path.join(repoRoot, DEFAULTS.out));

  const { bundle, rules } = await loadCompiledRules(rulesDir, 'generate-history', io.cwd);
  const loaded = await readLeadExport(leadsFile, bundle, { cwd: io.cwd });
  for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
  if (loaded.problems.length > 0 || loaded.stopped) {
    io.stderr.write(`leadpact generate-history: ${leadsFile} has rows that cannot be read; nothing was written\n`);
    return 1;
  }
  const history = generateHistory(rules, bundle, loaded.records, { seed: Number(seedText), now, weeks: Number(weeksText) });
  await mkdir(outDir, { recursive: true });
  const jsonl = (records: readonly unknown[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
  await writeFile(path.join(outDir, 'leads.jsonl'), jsonl(history.leads));
  await writeFile(path.join(outDir, 'feedback.jsonl'), jsonl(history.feedback));
  await writeFile(path.join(outDir, 'truths.json'), `${JSON.stringify(history.truths, null, 2)}\n`);
  const converted = history.leads.filter((l) => (l.properties as Record<string, unknown> | undefined)?.converted === true).length;
  const rejects = history.feedback.filter((f) => f.decision === 'reject').length;
  const shown = path.relative(io.cwd, outDir) || '.';
  io.stdout.write(
    `leadpact generate-history: ${history.leads.length} leads (${converted} converted) and ${history.feedback.length} feedback records ` +
      `(${history.feedback.length - rejects} accepted, ${rejects} rejected) over ${weeksText} weeks to ${history.truths.now} in ${shown}/\n` +
      `  planted useful: ${history.truths.useful.join(', ')}\n  planted useless: ${history.truths.useless.join(', ')}\n  planted harmful: ${history.truths.harmful.join(', ')}\n`,
  );
  return 0;
}
