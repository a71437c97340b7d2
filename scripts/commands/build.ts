// `leadpact build [dir] [--out file]`: the rules bundle the extension loads, deterministic (canonical
// key order, no timestamps: the same rules give the same bytes), identified by version and hash.
import { execFile } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Bundle } from '../../extension/engine/generated/rules';
import { CliError, parseCommandArgs, type Command } from '../lib/command';
import { formatDiagnostics } from '../lib/diagnostics';
import { prettyCanonicalJson } from '../lib/canonical-json';
import { repoRoot } from '../lib/paths';
import { placeFile } from '../lib/rules-layout';
import { dirSource } from '../lib/rules-source';
import { bundleSchemaProblem } from '../lib/schema-validator';
import { displayFrom, failureLine, locateRules, validateSource } from './validate';

const run = promisify(execFile);

const usage = `Usage: leadpact build [dir] [--out file]

Validates the rules (as leadpact validate does) and writes the bundle: canonical JSON with the
rules' version, a sha256 content hash and the git commit when every rules file is as committed
(else null). No timestamps, so the same rules always give the same bytes.

dir    the repository (holding rules/) or the rules folder itself; default: this repository
--out  where to write the bundle; default: .output/rules/bundle.json in the repository
Exit code: 0 when built, 1 when the rules have errors (nothing is written), 2 on bad usage.`;

/** The bundle's bytes: pretty canonical JSON (sorted keys, two spaces, a trailing newline). */
export function bundleBytes(bundle: Bundle): string {
  return prettyCanonicalJson(bundle);
}

/**
 * HEAD's commit when every file the bundle is built from is exactly as committed there: no
 * modified, staged, untracked or ignored file where rules files are read. null when something
 * differs, when `repoDir` is not in a git repository, or when git is missing.
 */
export async function cleanCommit(repoDir: string, rulesSubdir = 'rules'): Promise<string | null> {
  const git = async (args: string[]) => (await run('git', args, { cwd: repoDir, maxBuffer: 16 * 1024 * 1024, windowsHide: true })).stdout;
  try {
    const prefix = (await git(['rev-parse', '--show-prefix'])).trim();
    const commit = (await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    // -z: paths verbatim; --ignored: a git-ignored rules file would be built in but not committed.
    const status = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching', '--', `${rulesSubdir}/`]);
    const records = status.split('\0');
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.length < 4) continue;
      // Renames and copies carry the old path as the next record.
      if (record[0] === 'R' || record[0] === 'C') i++;
      const file = record.slice(3);
      // Paths are relative to the top of the git repository; the layout wants them relative to repoDir.
      const inside = prefix && file.startsWith(prefix) ? file.slice(prefix.length) : file;
      if (placeFile(inside, rulesSubdir).type !== 'ignored') return null;
    }
    return /^[0-9a-f]{7,64}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a failed build never leaves half a bundle. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`${file}: cannot write the bundle (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

const build: Command = async (argv) => {
  const args = parseCommandArgs(argv, { out: { type: 'string', short: 'o' } }, usage);
  if (!args) return 0;
  if (args.positionals.length > 1) throw new CliError(`one directory at a time\n${usage}`);
  const { repoDir, rulesSubdir } = await locateRules(args.positionals[0] ?? repoRoot);
  const commit = await cleanCommit(repoDir, rulesSubdir);
  const validation = await validateSource(dirSource(repoDir, rulesSubdir), rulesSubdir, commit);
  const display = displayFrom(repoDir);
  const shown = validation.diagnostics.map((d) => ({ ...d, file: display(d.file) }));
  const bundle = validation.bundle;
  if (!bundle) {
    process.stderr.write(`${formatDiagnostics(shown, 'text')}${failureLine(shown)}; no bundle written\n`);
    return 1;
  }
  if (shown.length) process.stderr.write(formatDiagnostics(shown, 'text'));
  // buildBundle checked this already; checked again on the exact object written.
  const problem = bundleSchemaProblem(bundle);
  if (problem) throw new Error(`the bundle does not match schema/bundle.schema.json: ${problem}`);
  const out = path.resolve(args.values.out ?? path.join(repoDir, '.output/rules/bundle.json'));
  await writeAtomically(out, bundleBytes(bundle));
  const relative = path.relative(process.cwd(), out);
  const where = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : out;
  process.stdout.write(
    `built ${bundle.name} ${bundle.version}\nhash ${bundle.hash}\ncommit ${bundle.commit ?? 'null (rules differ from HEAD, or no git)'}\nwrote ${where}\n`,
  );
  return 0;
};

export default build;
