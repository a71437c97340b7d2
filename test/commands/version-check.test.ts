import { describe, expect, it } from 'vitest';
import { findChangelogEntry } from '../../scripts/lib/semver-bump';
import { run, TempRepo, useFixtureRepos } from '../support/git-repo';

const repo = useFixtureRepos();

const check = (r: TempRepo, ...extra: string[]) => run(['version-check', '--repo', r.dir, '--base', 'HEAD', ...extra]);

describe('leadpact version-check', () => {
  it('passes without a bump when the rules did not change', async () => {
    const r = repo();
    const result = await check(r);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no rules change against HEAD; version 1.0.0 needs no bump');
  });

  it('asks for a patch bump on a label change and accepts 1.0.1 with a changelog entry', async () => {
    const r = repo();
    r.edit('rules/scoring/fit.yaml', 'label: 200+ employees', 'label: Two hundred or more employees');
    const before = await check(r);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('rules/leadpact.yaml:5:10: version is still 1.0.0 but the rules changed: a patch bump is needed because labels or text changed (scoring rule big-company: text only); set version to 1.0.1');
    r.bumpVersion('1.0.1');
    const after = await check(r);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('1.0.0 → 1.0.1 is a patch bump; the changes need at least patch');
  });

  it('refuses a patch bump for changed points and says a minor one is needed', async () => {
    const r = repo();
    r.edit('rules/scoring/engagement.yaml', 'points: 40', 'points: 45');
    r.bumpVersion('1.0.1');
    const result = await check(r);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1.0.0 → 1.0.1 is a patch bump, but a minor bump is needed because points, thresholds or conditions changed (scoring rule demo-request: points changed); set version to 1.1.0');
  });

  it('needs a changelog entry for the new version, and a non-empty one', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.total, gte: 55');
    r.edit('rules/leadpact.yaml', 'version: 1.0.0', 'version: 1.1.0');
    const missing = await check(r);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('rules/CHANGELOG.md:1:1: rules/CHANGELOG.md has no entry for 1.1.0: add "## [1.1.0] - YYYY-MM-DD" with what changed and why');
    r.edit('rules/CHANGELOG.md', '# Changelog\n', '# Changelog\n\n## [1.1.0] - 2026-11-23\n\n### Changed\n');
    const empty = await check(r, '--format', 'github');
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('::error file=rules/CHANGELOG.md,line=1,col=1,title=leadpact changelog-entry::the rules/CHANGELOG.md entry for 1.1.0 is empty');
    r.edit('rules/CHANGELOG.md', '### Changed\n', '### Changed\n- MQL at a total of 55.\n');
    expect((await check(r)).code).toBe(0);
  });

  it('needs a major bump when an id is removed or renamed', async () => {
    const r = repo();
    r.edit('rules/scoring/fit.yaml', 'id: senior-title', 'id: senior-leader');
    r.edit('rules/lifecycle.yaml', /  - \{ id: sql.*\n/, '');
    r.bumpVersion('1.1.0');
    const minor = await check(r, '--format', 'json');
    expect(minor.code).toBe(1);
    const json = JSON.parse(minor.stdout);
    expect(json).toMatchObject({ ok: false, required: 'major', actual: 'minor', suggested: '2.0.0' });
    expect(json.problems[0].message).toContain('scoring rule senior-title renamed to senior-leader');
    expect(json.problems[0].message).toContain('stage sql removed');
    r.bumpVersion('2.0.0');
    expect((await check(r)).code).toBe(0);
  });

  it('rejects a version that goes down or is not semver', async () => {
    const r = repo();
    r.bumpVersion('0.9.0');
    const lower = await check(r);
    expect(lower.code).toBe(1);
    expect(lower.stdout).toContain('version 0.9.0 is lower than 1.0.0 at HEAD; versions only go up');
    r.edit('rules/leadpact.yaml', 'version: 0.9.0', 'version: "1.1"');
    const bad = await check(r);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('version "1.1" is not a semantic version');
  });

  it('accepts any first version when the base had no rules, with a changelog entry', async () => {
    const r = repo('empty');
    r.write('README.md', 'start\n');
    r.commit('empty');
    r.copyFixture();
    const result = await check(r);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('the rules did not exist at HEAD: version 1.0.0 starts the history');
  });
});

describe('findChangelogEntry', () => {
  const log = '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-11-20\n\n### Added\n- a rule\n\n## 1.1.0\n\n## [1.0.0]\n- first\n';
  it('finds Keep a Changelog and bare headings, and tells an empty entry from a missing one', () => {
    expect(findChangelogEntry(log, '1.2.0')).toBe('found');
    expect(findChangelogEntry(log, '1.1.0')).toBe('empty');
    expect(findChangelogEntry(log, '1.0.0')).toBe('found');
    expect(findChangelogEntry(log, '1.3.0')).toBe('missing');
    expect(findChangelogEntry(log, '1.2')).toBe('missing');
  });
});

describe('what each kind of change needs', () => {
  it('classifies an owner change and a persona reorder as minor, a tests-only change as patch', async () => {
    const r = repo();
    r.edit('rules/scoring/engagement.yaml', 'owner: marketing', 'owner: sales');
    r.write('rules/personas.yaml', r.read('rules/personas.yaml').replace(
      /(  - id: economic-buyer[\s\S]*?)(  - id: practitioner[\s\S]*)$/,
      (_all, buyer: string, practitioner: string) => `${practitioner.endsWith('\n') ? practitioner : `${practitioner}\n`}${buyer}`,
    ));
    const json = JSON.parse((await check(r, '--format', 'json')).stdout);
    const byId = Object.fromEntries(json.changes.map((c: { kind: string; id: string; bump: string; reason: string }) => [`${c.kind}:${c.id}`, c]));
    expect(byId['persona:economic-buyer']).toMatchObject({ bump: 'minor', reason: 'persona economic-buyer: order changed' });
    expect(byId['persona:practitioner']).toMatchObject({ bump: 'minor' });
    expect(byId['rule:pricing-visits']).toMatchObject({ bump: 'minor', reason: 'scoring rule pricing-visits: owner marketing → sales' });
    expect(byId['model:engagement']).toMatchObject({ bump: 'minor' });
    expect(json.required).toBe('minor');
  });

  it('needs only a patch for a change to rules/tests', async () => {
    const r = repo();
    r.write('rules/tests/mql.yaml', '# yaml-language-server: $schema=../../schema/tests.schema.json\nkind: tests\nnow: 2026-11-20T12:00:00Z\ncases:\n  - name: a VP at a big company is an MQL\n    lead: { id: t1, email: a@b.example, title: VP Data, company: { employees: 900 } }\n    expect: { stage: mql }\n');
    const json = JSON.parse((await check(r, '--format', 'json')).stdout);
    expect(json.changes).toEqual([{ type: 'added', kind: 'tests', id: 'mql', bump: 'patch', reason: 'tests file mql added' }]);
    expect(json.suggested).toBe('1.0.1');
  });
});
