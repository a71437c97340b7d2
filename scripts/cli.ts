// The `leadpact` command line: a table of commands, each in scripts/commands/<name>.ts.
// Commands are loaded lazily so `leadpact validate` never pays for the release tooling.
import { CliError, type Command } from './lib/command';

const commands: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  approvals: { summary: 'check that every team owning a changed rule approved the pull request', load: () => import('./commands/approvals') },
  bench: { summary: 'run the benchmarks in scripts/bench/ against their same-run baselines', load: () => import('./commands/bench') },
  build: { summary: 'write the deterministic rules bundle (.output/rules/bundle.json) with version and hash', load: () => import('./commands/build') },
  calibrate: { summary: 'measure each scoring rule against a historical outcome: lift, verdicts, MQL precision/recall, suggestions', load: () => import('./commands/calibrate') },
  codeowners: { summary: 'generate .github/CODEOWNERS from rule owners (--check fails on drift)', load: () => import('./commands/codeowners') },
  diff: { summary: 'impact of the working rules against a git ref, on a lead set (text, markdown, json)', load: () => import('./commands/diff') },
  'generate-history': { summary: 'write seeded sample history for the sample leads: planted outcomes and rep feedback (.output/history/)', load: () => import('./commands/generate-history') },
  'generate-leads': { summary: 'write the seeded sample lead set (rules/samples/leads.jsonl)', load: () => import('./commands/generate-leads') },
  keygen: { summary: 'create an Ed25519 key pair for signing bundles (kept outside git)', load: () => import('./commands/keygen') },
  release: { summary: 'release HEAD: signed bundle, Chrome and Firefox zips, sources zip, SHA256SUMS and a release note', load: () => import('./commands/release') },
  report: { summary: 'the weekly sales and marketing report: funnel, SLA compliance, goals, reject reasons (html, md)', load: () => import('./commands/report') },
  score: { summary: 'score a JSONL, JSON or CSV export with the rules: one outcome per lead (jsonl, csv, table)', load: () => import('./commands/score') },
  sign: { summary: 'sign a rules bundle (detached Ed25519 signature with version and expiry)', load: () => import('./commands/sign') },
  test: { summary: 'run the cases in rules/tests against the rules; per-case diffs and untested rules', load: () => import('./commands/test') },
  types: { summary: 'generate TypeScript types from schema/ (--check fails on drift)', load: () => import('./commands/types') },
  validate: { summary: 'check the rules against schema/ and the semantic checks (exit 1 on any error)', load: () => import('./commands/validate') },
  verify: { summary: 'check a bundle signature as the extension does', load: () => import('./commands/verify') },
  'version-check': { summary: 'check the rules version bump and changelog entry against a git ref', load: () => import('./commands/version-check') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return `Usage: leadpact <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "leadpact <command> --help" for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`leadpact: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const { default: command } = await entry.load();
    return await command(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`leadpact ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    // A bug, not bad input: keep the stack for the report.
    process.stderr.write(`leadpact ${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
}
