// `leadpact approvals --reviews <file|->`: given a pull request's reviews and the rules it changes
// (working tree against --base), checks that every owning team approved; a `joint` item needs every
// team. Exit 1, saying what is missing, when not approved.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, parseChoice, parseCommandArgs, type Command } from '../lib/command';
import { readTeams } from '../lib/ownership';
import { repoRoot } from '../lib/paths';
import { decideApprovals, explainDecision, parseReviews, ReviewsError } from '../lib/reviews';
import { compareWithBase } from '../lib/rules-changes-load';

const USAGE = `Usage: leadpact approvals --reviews <file|-> [options]

Reads a pull request's reviews (the JSON of GitHub's GET /repos/{o}/{r}/pulls/{n}/reviews; a list
of pages from "gh api --paginate --slurp" works too) and checks that every team owning a changed
rule approved: members from rules/leadpact.yaml at the base, "joint" needs every team, a later
"changes requested" by the same reviewer cancels their approval. Exit 1 when approval is missing.

Options:
  --reviews <file>  the reviews JSON, "-" for standard input, required
  --base <ref>      the git ref the pull request merges into (default: origin/$GITHUB_BASE_REF
                    in a pull request workflow, otherwise main)
  --author <login>  the pull request's author, whose own approval never counts
  --format <f>      text (default) or json
  --repo <dir>      the repository (default: this checkout)
`;

const approvals: Command = async (argv) => {
  const parsed = parseCommandArgs(
    argv,
    { reviews: { type: 'string' }, base: { type: 'string' }, author: { type: 'string' }, format: { type: 'string' }, repo: { type: 'string' } },
    USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.reviews) throw new CliError(`--reviews <file|-> is required\n${USAGE}`);
  const format = parseChoice(values.format, ['text', 'json'] as const, 'text');
  const baseRef = values.base ?? (process.env.GITHUB_BASE_REF ? `origin/${process.env.GITHUB_BASE_REF}` : 'main');
  const repo = path.resolve(values.repo ?? repoRoot);

  const source = values.reviews === '-' ? 'standard input' : values.reviews;
  const text = values.reviews === '-' ? await readStdin() : await readFile(path.resolve(values.reviews), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'ENOENT' ? `${values.reviews}: no such file` : `cannot read ${values.reviews}: ${error.message}`);
  });
  let reviews;
  try {
    reviews = parseReviews(text, source);
  } catch (error) {
    if (error instanceof ReviewsError) throw new CliError(error.message);
    throw error;
  }

  const { base, head, changes } = await compareWithBase(repo, baseRef);
  // Members as agreed at the base: a pull request cannot approve itself by editing the teams.
  const baseTeams = readTeams(base.load.files);
  const teams = baseTeams.length ? baseTeams : readTeams(head.load.files);
  if (teams.length === 0) throw new CliError('rules/leadpact.yaml names no teams, so nobody can approve; add teams with members', 1);
  const decision = decideApprovals(changes, teams, reviews, values.author ?? null);

  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({
      ok: decision.ok,
      base: baseRef,
      teamsFrom: baseTeams.length ? baseRef : 'working tree',
      changes: changes.length,
      teams: decision.teams.map((d) => ({
        team: d.team.id, approved: d.approved, approvedBy: d.approvedBy, changesRequestedBy: d.changesRequestedBy,
        members: d.team.members, for: d.changes.map((c) => `${c.kind}:${c.id}`),
      })),
      unowned: decision.unowned && { approved: decision.unowned.approved, approvedBy: decision.unowned.approvedBy, for: decision.unowned.changes.map((c) => `${c.kind}:${c.id}`) },
      ignored: decision.ignored,
    }, null, 2)}\n`);
  } else {
    process.stdout.write(`approvals: ${changes.length} changed item(s) against ${baseRef}${baseTeams.length ? '' : ' (teams from the working tree: the base has none)'}\n`);
    for (const line of explainDecision(decision, changes.length)) process.stdout.write(`${line}\n`);
    process.stdout.write(decision.ok ? 'approvals: ok\n' : 'approvals: not approved yet\n');
  }
  return decision.ok ? 0 : 1;
};

export default approvals;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
