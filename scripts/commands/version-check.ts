// `leadpact version-check --base <ref>`: the rules version must go up by at least the bump the
// changes need (DESIGN 6), and rules/CHANGELOG.md must have an entry for it. Exit 1 when not.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, parseChoice, parseCommandArgs, type Command } from '../lib/command';
import { formatDiagnostics, type Diagnostic } from '../lib/diagnostics';
import { repoRoot } from '../lib/paths';
import { compareWithBase } from '../lib/rules-changes-load';
import { checkVersion } from '../lib/semver-bump';

const FORMATS = ['text', 'github', 'json'] as const;

const USAGE = `Usage: leadpact version-check --base <git ref> [options]

Compares the rules in the working tree with the rules at <git ref> and checks the version in
rules/leadpact.yaml: major when an id is removed or renamed, minor when points, thresholds or
conditions change, patch for labels and text only. rules/CHANGELOG.md needs an entry for the
new version. Exit 1 when the bump or the entry is missing.

Options:
  --base <ref>      the git ref to compare against, required
  --format <f>      text (default), github (workflow annotations) or json
  --repo <dir>      the repository (default: this checkout)
`;

const versionCheck: Command = async (argv) => {
  const parsed = parseCommandArgs(argv, { base: { type: 'string' }, format: { type: 'string' }, repo: { type: 'string' } }, USAGE, false);
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.base) throw new CliError(`--base <git ref> is required\n${USAGE}`);
  const format = parseChoice(values.format, FORMATS, 'text');
  const repo = path.resolve(values.repo ?? repoRoot);

  const { base, head, changes } = await compareWithBase(repo, values.base);
  if (!head.exists) throw new CliError(`no rules in ${path.join(repo, 'rules')}`, 1);
  const changelogPath = 'rules/CHANGELOG.md';
  const changelog = await readFile(path.join(repo, changelogPath), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new CliError(`cannot read ${changelogPath}: ${error.message}`);
  });
  const result = checkVersion({
    baseRef: values.base, baseVersion: base.version, baseExists: base.exists, headVersion: head.version, changes, changelog, changelogPath,
  });

  const project = head.load.files.find((f) => f.kind === 'project');
  const versionAt = project?.doc ? project.doc.locate(['version']) : { line: 1, col: 1 };
  const diagnostics: Diagnostic[] = result.problems.map((p) => ({
    file: p.where === 'version' ? (project?.path ?? 'rules/leadpact.yaml') : changelogPath,
    line: p.where === 'version' ? versionAt.line : 1,
    col: p.where === 'version' ? versionAt.col : 1,
    message: p.message,
    severity: 'error',
    code: p.where === 'version' ? 'version-bump' : 'changelog-entry',
  }));

  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({
      ok: result.ok, base: { ref: values.base, version: base.version, exists: base.exists }, head: { version: head.version },
      required: result.required, actual: result.actual, suggested: result.suggested, problems: diagnostics, notes: result.notes,
      changes: changes.map((c) => ({ type: c.type, kind: c.kind, id: c.id, ...(c.fromId ? { fromId: c.fromId } : {}), bump: c.bump, reason: c.reason })),
    }, null, 2)}\n`);
  } else {
    if (diagnostics.length) process.stdout.write(formatDiagnostics(diagnostics, format === 'github' ? 'github' : 'text'));
    for (const note of result.notes) process.stdout.write(`${format === 'github' ? '' : '  '}${note}\n`);
    process.stdout.write(result.ok
      ? `version-check: ok (${base.version ?? 'none'} → ${head.version})\n`
      : `version-check: ${diagnostics.length} problem(s)\n`);
  }
  return result.ok ? 0 : 1;
};

export default versionCheck;
