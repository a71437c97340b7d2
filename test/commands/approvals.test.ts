import { describe, expect, it } from 'vitest';
import { decideApprovals, parseReviews, standings, type Review } from '../../scripts/lib/reviews';
import type { Team } from '../../scripts/lib/ownership';
import type { RuleChange } from '../../scripts/lib/rules-changes';
import { run, TempRepo, useFixtureRepos } from '../support/git-repo';

const repo = useFixtureRepos();

/** One review in GitHub's REST shape. */
const review = (login: string, state: string, at: string) => ({ id: Math.floor(Math.random() * 1e9), user: { login, type: 'User' }, state, submitted_at: `2026-11-22T${at}:00Z`, body: '' });

describe('reviews', () => {
  it('keeps each reviewer\'s latest standing: a later request for changes cancels an approval, a comment does not', () => {
    const reviews = parseReviews(JSON.stringify([
      review('sam-ortiz', 'APPROVED', '10:00'),
      review('sam-ortiz', 'COMMENTED', '10:30'),
      review('mia-lopez', 'APPROVED', '09:00'),
      review('mia-lopez', 'CHANGES_REQUESTED', '11:00'),
      review('sue-lind', 'APPROVED', '12:00'),
      review('sue-lind', 'DISMISSED', '12:30'),
    ]));
    const result = Object.fromEntries([...standings(reviews)].map(([login, s]) => [login, s.standing]));
    expect(result).toEqual({ 'sam-ortiz': 'approved', 'mia-lopez': 'changes-requested', 'sue-lind': 'none' });
  });

  it('orders by submitted_at, not by position in the list, and reads gh --paginate --slurp pages', () => {
    const pages = [[review('max-berg', 'APPROVED', '15:00')], [review('max-berg', 'CHANGES_REQUESTED', '14:00'), { user: null, state: 'APPROVED', submitted_at: null }]];
    const reviews = parseReviews(JSON.stringify(pages));
    expect(reviews).toHaveLength(2);
    expect(standings(reviews).get('max-berg')?.standing).toBe('approved');
  });

  it('says what is wrong with input that is not a reviews list', () => {
    expect(() => parseReviews('{"state":"APPROVED"}', 'r.json')).toThrow('r.json:1:1: expected a JSON array of reviews');
    expect(() => parseReviews('[{"user":{"login":"a"},"state":"LGTM"}]', 'r.json')).toThrow('review 1 by a: unknown state "LGTM"');
  });

  it('needs every team for a joint change and ignores the author and outsiders', () => {
    const teams: Team[] = [
      { id: 'marketing', label: 'Marketing', github: null, members: ['mia-lopez'] },
      { id: 'sales', label: 'Sales', github: null, members: ['Sam-Ortiz'] },
    ];
    const change = { type: 'edited', kind: 'persona', id: 'economic-buyer', owners: ['joint'] } as RuleChange;
    const reviews: Review[] = [
      { login: 'mia-lopez', state: 'APPROVED', submittedAt: '2026-11-22T10:00:00Z' },
      { login: 'sam-ortiz', state: 'APPROVED', submittedAt: '2026-11-22T10:00:00Z' },
      { login: 'outsider', state: 'APPROVED', submittedAt: '2026-11-22T10:00:00Z' },
    ];
    expect(decideApprovals([change], teams, reviews).ok).toBe(true);
    const byAuthor = decideApprovals([change], teams, reviews, 'SAM-ORTIZ');
    expect(byAuthor.ok).toBe(false);
    expect(byAuthor.teams.find((t) => t.team.id === 'sales')?.approved).toBe(false);
    expect(byAuthor.ignored.map((i) => i.login).sort()).toEqual(['outsider', 'sam-ortiz']);
  });
});

describe('leadpact approvals', () => {
  async function approvals(r: TempRepo, reviews: unknown[], ...extra: string[]) {
    r.write('reviews.json', JSON.stringify(reviews));
    return run(['approvals', '--repo', r.dir, '--base', 'HEAD', '--reviews', `${r.dir}/reviews.json`, ...extra]);
  }

  it('needs both teams for an edit inside a joint persona and says which team is missing', async () => {
    const r = repo();
    r.edit('rules/personas.yaml', 'company.employees, gte: 200', 'company.employees, gte: 1000');
    const marketingOnly = await approvals(r, [review('mia-lopez', 'APPROVED', '10:00')]);
    expect(marketingOnly.code).toBe(1);
    expect(marketingOnly.stdout).toContain('✓ Marketing (marketing): approved by mia-lopez');
    expect(marketingOnly.stdout).toContain('✗ Sales (sales): needs an approval from one of sam-ortiz, sue-lind; for persona economic-buyer (joint)');
    const both = await approvals(r, [review('mia-lopez', 'APPROVED', '10:00'), review('sue-lind', 'APPROVED', '10:05')]);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain('approvals: ok');
    const withdrawn = await approvals(r, [review('mia-lopez', 'APPROVED', '10:00'), review('sue-lind', 'APPROVED', '10:05'), review('sue-lind', 'CHANGES_REQUESTED', '11:00')]);
    expect(withdrawn.code).toBe(1);
    expect(withdrawn.stdout).toContain('changes requested by sue-lind');
  });

  it('needs only the owning team for a marketing rule, and nothing when no rule changed', async () => {
    const r = repo();
    expect((await approvals(r, [])).stdout).toContain('no rules changed: no team approval is needed');
    r.edit('rules/scoring/engagement.yaml', 'points: 40', 'points: 45');
    const result = await approvals(r, [review('max-berg', 'APPROVED', '10:00')], '--format', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).teams).toEqual([
      { team: 'marketing', approved: true, approvedBy: ['max-berg'], changesRequestedBy: [], members: ['mia-lopez', 'max-berg'], for: ['rule:demo-request'] },
    ]);
  });

  it('takes team members from the base: a pull request that adds its author to a team cannot approve itself', async () => {
    const r = repo();
    r.edit('rules/scoring/fit.yaml', 'points: -40', 'points: -50'); // the student rule, owned by sales
    r.edit('rules/leadpact.yaml', 'members: [sam-ortiz, sue-lind]', 'members: [sam-ortiz, sue-lind, mallory]');
    const result = await approvals(r, [review('mallory', 'APPROVED', '10:00'), review('mia-lopez', 'APPROVED', '10:00')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the approval by mallory does not count: not a member of any team');
  });

  it('reads the reviews from standard input', async () => {
    const r = repo();
    r.edit('rules/scoring/engagement.yaml', 'points: 40', 'points: 45');
    const result = await run(['approvals', '--repo', r.dir, '--base', 'HEAD', '--reviews', '-'], JSON.stringify([review('sam-ortiz', 'APPROVED', '10:00')]));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ Marketing (marketing): needs an approval from one of mia-lopez, max-berg');
  });
});
