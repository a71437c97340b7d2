/**
 * Joint approval (DESIGN 6): from a pull request's reviews (GitHub REST, GET
 * /repos/{owner}/{repo}/pulls/{number}/reviews) and the rules it changes, decide whether every
 * team owning a changed item approved. A `joint` item needs every team; an item without an owner
 * needs any one team member. Team members come from rules/leadpact.yaml at the base, so a pull
 * request cannot add its author to a team and then approve itself.
 */
import { ITEM_NOUNS, type RuleChange } from './rules-changes';
import { owningTeams, type Team } from './ownership';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  login: string;
  state: ReviewState;
  submittedAt: string | null;
}

/** Reads the reviews JSON: an array of reviews, or an array of pages (`gh api --paginate --slurp`). */
export function parseReviews(text: string, source = 'reviews'): Review[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReviewsError(`${source}:1:1: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) throw new ReviewsError(`${source}:1:1: expected a JSON array of reviews (GitHub's pulls/{n}/reviews)`);
  const flat = data.every((page) => Array.isArray(page)) ? (data as unknown[][]).flat() : data;
  const reviews: Review[] = [];
  flat.forEach((value, index) => {
    if (!value || typeof value !== 'object') throw new ReviewsError(`${source}: review ${index + 1}: not an object`);
    const review = value as { user?: { login?: unknown } | null; state?: unknown; submitted_at?: unknown };
    const login = review.user?.login;
    // A deleted account shows as user: null; it can approve nothing.
    if (typeof login !== 'string' || login === '') return;
    const state = typeof review.state === 'string' ? review.state.toUpperCase() : '';
    if (!['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'].includes(state)) {
      throw new ReviewsError(`${source}: review ${index + 1} by ${login}: unknown state ${JSON.stringify(review.state)}`);
    }
    reviews.push({ login, state: state as ReviewState, submittedAt: typeof review.submitted_at === 'string' ? review.submitted_at : null });
  });
  return reviews;
}

export class ReviewsError extends Error {}

export type Standing = 'approved' | 'changes-requested' | 'none';

/**
 * Each reviewer's standing after their reviews in time order: an approval stands until the same
 * reviewer requests changes or it is dismissed; a comment changes nothing. Logins compare without
 * case (GitHub's are case-insensitive). Pending (unsubmitted) reviews do not count.
 */
export function standings(reviews: readonly Review[]): Map<string, { login: string; standing: Standing }> {
  const ordered = reviews
    .map((review, index) => ({ review, index, at: review.submittedAt ? Date.parse(review.submittedAt) : Number.NaN }))
    .filter(({ review }) => review.state !== 'PENDING')
    .sort((a, b) => (Number.isFinite(a.at) && Number.isFinite(b.at) && a.at !== b.at ? a.at - b.at : a.index - b.index));
  const out = new Map<string, { login: string; standing: Standing }>();
  for (const { review } of ordered) {
    const key = review.login.toLowerCase();
    const current = out.get(key) ?? { login: review.login, standing: 'none' as Standing };
    if (review.state === 'APPROVED') current.standing = 'approved';
    else if (review.state === 'CHANGES_REQUESTED') current.standing = 'changes-requested';
    else if (review.state === 'DISMISSED') current.standing = 'none';
    out.set(key, current);
  }
  return out;
}

export interface TeamDecision {
  team: Team;
  /** The changes that need this team. */
  changes: RuleChange[];
  approvedBy: string[];
  changesRequestedBy: string[];
  approved: boolean;
}

export interface ApprovalDecision {
  ok: boolean;
  teams: TeamDecision[];
  /** Changes owned by nobody: any one team member's approval is enough. */
  unowned: { changes: RuleChange[]; approvedBy: string[]; approved: boolean } | null;
  /** Approvals that count for no team (reviewers outside every team, or the author). */
  ignored: Array<{ login: string; why: string }>;
}

export function decideApprovals(changes: readonly RuleChange[], teams: readonly Team[], reviews: readonly Review[], author: string | null = null): ApprovalDecision {
  const byTeam = new Map<string, RuleChange[]>(teams.map((t) => [t.id, []]));
  const unownedChanges: RuleChange[] = [];
  for (const change of changes) {
    const needed = new Set<string>();
    let anyone = change.owners.length === 0;
    for (const owner of change.owners) {
      const ids = owningTeams(owner, teams);
      if (ids === null) anyone = true;
      else for (const id of ids) needed.add(id);
    }
    if (needed.size === 0 && anyone) unownedChanges.push(change);
    for (const id of needed) byTeam.get(id)?.push(change);
  }

  const stand = standings(reviews);
  const authorKey = author?.toLowerCase() ?? null;
  const ignored: ApprovalDecision['ignored'] = [];
  const memberOf = (login: string) => teams.filter((t) => t.members.some((m) => m.toLowerCase() === login.toLowerCase()));
  for (const [key, { login, standing }] of stand) {
    if (standing !== 'approved') continue;
    if (key === authorKey) ignored.push({ login, why: 'the author of the pull request' });
    else if (memberOf(login).length === 0) ignored.push({ login, why: `not a member of any team in rules/leadpact.yaml (${teams.map((t) => t.id).join(', ')})` });
  }
  const counted = (login: string, key: string) => key !== authorKey && memberOf(login).length > 0;

  const decisions: TeamDecision[] = teams
    .filter((team) => byTeam.get(team.id)!.length > 0)
    .map((team) => {
      const members = new Set(team.members.map((m) => m.toLowerCase()));
      const approvedBy: string[] = [];
      const changesRequestedBy: string[] = [];
      for (const [key, { login, standing }] of stand) {
        if (!members.has(key) || key === authorKey) continue;
        if (standing === 'approved') approvedBy.push(login);
        if (standing === 'changes-requested') changesRequestedBy.push(login);
      }
      return { team, changes: byTeam.get(team.id)!, approvedBy, changesRequestedBy, approved: approvedBy.length > 0 };
    });

  let unowned: ApprovalDecision['unowned'] = null;
  if (unownedChanges.length) {
    const approvedBy = [...stand].filter(([key, s]) => s.standing === 'approved' && counted(s.login, key)).map(([, s]) => s.login);
    unowned = { changes: unownedChanges, approvedBy, approved: approvedBy.length > 0 };
  }
  return { ok: decisions.every((d) => d.approved) && (unowned?.approved ?? true), teams: decisions, unowned, ignored };
}

/** The decision in words, one line per team. */
export function explainDecision(decision: ApprovalDecision, changeCount: number): string[] {
  const lines: string[] = [];
  const listChanges = (changes: readonly RuleChange[]) => {
    const shown = changes.slice(0, 5).map((c) => `${ITEM_NOUNS[c.kind]} ${c.id}${c.owners.includes('joint') ? ' (joint)' : ''}`);
    return `${shown.join(', ')}${changes.length > 5 ? ` and ${changes.length - 5} more` : ''}`;
  };
  if (changeCount === 0) return ['no rules changed: no team approval is needed'];
  for (const d of decision.teams) {
    if (d.approved) lines.push(`✓ ${d.team.label} (${d.team.id}): approved by ${d.approvedBy.join(', ')}`);
    else {
      const cr = d.changesRequestedBy.length ? `; changes requested by ${d.changesRequestedBy.join(', ')}` : '';
      lines.push(`✗ ${d.team.label} (${d.team.id}): needs an approval from one of ${d.team.members.join(', ')}${cr}; for ${listChanges(d.changes)}`);
    }
  }
  if (decision.unowned) {
    lines.push(decision.unowned.approved
      ? `✓ unowned changes: approved by ${decision.unowned.approvedBy.join(', ')}`
      : `✗ unowned changes (${listChanges(decision.unowned.changes)}): need an approval from any team member`);
  }
  for (const { login, why } of decision.ignored) lines.push(`  (the approval by ${login} does not count: ${why})`);
  for (const d of decision.teams) {
    if (d.approved && d.changesRequestedBy.length) lines.push(`  (note: ${d.changesRequestedBy.join(', ')} of ${d.team.id} still request changes)`);
  }
  return lines;
}
