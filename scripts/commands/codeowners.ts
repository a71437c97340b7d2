// `leadpact codeowners [--check]`: writes .github/CODEOWNERS from the owners in the rules, or with
// --check fails (exit 1, with a diff) when the committed file has drifted from them.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { CliError, parseCommandArgs, type Command } from '../lib/command';
import { CODEOWNERS_PATH, readTeams, renderCodeowners } from '../lib/ownership';
import { repoRoot } from '../lib/paths';
import { loadRules } from '../lib/rules-repo';
import { dirSource } from '../lib/rules-source';

const USAGE = `Usage: leadpact codeowners [--check] [--repo <dir>]

Generates ${CODEOWNERS_PATH} from the teams in rules/leadpact.yaml and the owners of the rules
files and of the items inside them.

Options:
  --check        write nothing; exit 1 with a diff when ${CODEOWNERS_PATH} is out of date
  --repo <dir>   the repository (default: this checkout)
`;

const codeowners: Command = async (argv) => {
  const parsed = parseCommandArgs(argv, { check: { type: 'boolean' }, repo: { type: 'string' } }, USAGE, false);
  if (!parsed) return 0;
  const repo = path.resolve(parsed.values.repo ?? repoRoot);
  const { files } = await loadRules(dirSource(repo));
  if (files.length === 0) throw new CliError(`no rules in ${path.join(repo, 'rules')}`, 1);
  if (readTeams(files).length === 0) throw new CliError('rules/leadpact.yaml names no teams: CODEOWNERS needs teams with github handles', 1);
  const wanted = renderCodeowners(files);
  const target = path.join(repo, ...CODEOWNERS_PATH.split('/'));
  const current = await readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new CliError(`cannot read ${CODEOWNERS_PATH}: ${error.message}`);
  });

  if (parsed.values.check) {
    if (current === wanted) {
      process.stdout.write(`codeowners: ${CODEOWNERS_PATH} is up to date\n`);
      return 0;
    }
    if (current === null) process.stdout.write(`${CODEOWNERS_PATH}: missing; run "leadpact codeowners" to write it\n`);
    else {
      process.stdout.write(`${CODEOWNERS_PATH}: out of date with the owners in rules/; run "leadpact codeowners" and commit it\n`);
      process.stdout.write(createTwoFilesPatch(`a/${CODEOWNERS_PATH}`, `b/${CODEOWNERS_PATH}`, current, wanted, 'committed', 'from rules/'));
    }
    return 1;
  }
  if (current === wanted) {
    process.stdout.write(`codeowners: ${CODEOWNERS_PATH} already up to date\n`);
    return 0;
  }
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, wanted);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`cannot write ${CODEOWNERS_PATH}: ${(error as Error).message}`, 1);
  }
  process.stdout.write(`codeowners: wrote ${CODEOWNERS_PATH}\n`);
  return 0;
};

export default codeowners;
