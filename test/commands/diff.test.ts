import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIFF_MARKER } from '../../scripts/lib/impact-report';
import { NOW, run, TempRepo, useFixtureRepos } from '../support/git-repo';

// The fixture's six leads at NOW with the base rules:
//   vp-big      fit 60 (A), total 60  → mql, economic-buyer
//   head-small  fit 30 (B), total 70  → mql (demo request)
//   engineer    fit 30 (B), total 50  → lead, practitioner
//   student     fit 0 (C),  total 0   → lead
//   budget      fit 60 (A), total 60  → sql, economic-buyer
//   anon        fit 0 (C),  no email  → subscriber

const repo = useFixtureRepos();

async function diffJson(r: TempRepo, base = 'HEAD', extra: string[] = []) {
  const result = await run(['diff', '--repo', r.dir, '--base', base, '--leads', 'leads.jsonl', '--now', NOW, '--format', 'json', ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('leadpact diff', () => {
  it('says nothing changed when the working rules equal the base, and exits 0 even with --exit-code', async () => {
    const r = repo();
    const result = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW, '--exit-code']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No changes: the rules in the working tree are the same as at HEAD; no lead moves.');
    const json = await diffJson(r);
    expect(json.changed).toBe(false);
    expect(json.impact).toBeNull();
  });

  it('shows a lowered MQL threshold as an edited stage and the leads it moves, with the from-to matrix', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.total, gte: 50');
    const json = await diffJson(r);
    expect(json.changes).toEqual([
      expect.objectContaining({ type: 'edited', kind: 'stage', id: 'mql', owners: ['marketing'], bump: 'minor', leaves: [{ path: 'when.gte', before: 60, after: 50 }] }),
    ]);
    expect(json.impact.leads).toBe(6);
    expect(json.impact.stages.moved).toBe(1);
    expect(json.impact.stages.cells).toContainEqual({ from: 'lead', to: 'mql', count: 1 });
    expect(json.impact.movers.map((m: { id: string }) => m.id)).toEqual(['engineer']);

    const text = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW, '--exit-code']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('~ stage mql (lifecycle.yaml; owner marketing): when.gte 60 → 50  [minor]');
    expect(text.stdout).toContain('lead → mql: 1');
    expect(text.stdout).toContain('engineer: total 50 → 50 (0), stage lead → mql');
    expect(text.stdout).toContain('because stage mql: thresholds changed');
  });

  it('explains a score change by the rules that fired differently and shifts the distribution', async () => {
    const r = repo();
    r.edit('rules/scoring/fit.yaml', 'points: 30\n  - id: big-company', 'points: 25\n  - id: big-company');
    const json = await diffJson(r);
    const fit = json.impact.models.find((m: { model: string }) => m.model === 'fit');
    // vp-big and budget lose 5 fit points (60 → 55), head-small 30 → 25 (grade B → C).
    expect(fit.changed).toBe(3);
    expect(fit.before.max).toBe(60);
    expect(fit.after.max).toBe(55);
    expect(json.impact.grades.cells).toContainEqual({ from: 'B', to: 'C', count: 1 });
    expect(json.impact.grades.moved).toBe(1);
    const vp = json.impact.movers.find((m: { id: string }) => m.id === 'vp-big');
    expect(vp.delta).toBe(-5);
    expect(vp.fired).toEqual([{ model: 'fit', rule: 'senior-title', before: 30, after: 25 }]);
    expect(vp.after.stage).toBe('lead');
    expect(json.impact.sla).toBeNull(); // the SLA did not change: its clocks are not run
  });

  it('counts each SLA commitment\'s clocks by state before and after when the SLA changes', async () => {
    const r = repo();
    r.edit('rules/sla.yaml', 'within: 8bh', 'within: 40bh');
    const json = await diffJson(r);
    expect(json.changes).toEqual([expect.objectContaining({ type: 'edited', kind: 'commitment', id: 'mql-first-touch', owners: ['sales'], leaves: [{ path: 'within', before: '8bh', after: '40bh' }] })]);
    // The two MQLs: head-small entered at its demo request (Wed 18 Nov, 11:00 in Madrid), 8 business
    // hours were over on Thursday, 40 are not; vp-big has no events, so its clock starts now (ok
    // either way, with a later due time).
    expect(json.impact.sla).toEqual({
      commitments: [{
        commitment: 'mql-first-touch',
        label: 'First touch on a new MQL',
        before: { ok: 1, warning: 0, breached: 1, met: 0, late: 0 },
        after: { ok: 2, warning: 0, breached: 0, met: 0, late: 0 },
      }],
      changedLeads: 2,
    });
    expect(json.impact.stages.moved).toBe(0);
    const text = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW]);
    expect(text.stdout).toContain('  mql-first-touch: ok 1 → 2, warning 0, breached 1 → 0, met 0, late 0');
    const md = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW, '--format', 'markdown']);
    expect(md.stdout).toContain('| `mql-first-touch` | 1 → 2 | 0 | 1 → 0 | 0 | 0 |');
  });

  it('runs no clocks when only the SLA\'s words change', async () => {
    const r = repo();
    r.edit('rules/sla.yaml', 'label: First touch on a new MQL', 'label: First touch on every new MQL');
    const json = await diffJson(r);
    expect(json.changes).toHaveLength(1);
    expect(json.impact.sla).toBeNull();
  });

  it('reports a renamed rule as a rename (same logic, new id), not as a removal and an addition', async () => {
    const r = repo();
    r.edit('rules/scoring/fit.yaml', 'id: senior-title', 'id: senior-leader');
    const json = await diffJson(r);
    expect(json.changes).toEqual([expect.objectContaining({ type: 'renamed', kind: 'rule', id: 'senior-leader', fromId: 'senior-title', bump: 'major' })]);
    expect(json.impact.changedLeads).toBe(0);
    const text = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW]);
    expect(text.stdout).toContain('> scoring rule senior-leader (scoring/fit.yaml, model fit; owner joint): renamed from senior-title');
  });

  it('shows a removed stage and where its leads go', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', /  - \{ id: sql.*\n/, '');
    const json = await diffJson(r);
    expect(json.changes).toEqual([expect.objectContaining({ type: 'removed', kind: 'stage', id: 'sql', owners: ['sales'], bump: 'major' })]);
    expect(json.impact.stages.cells).toContainEqual({ from: 'sql', to: 'mql', count: 1 });
    expect(json.impact.stages.moved).toBe(1);
  });

  it('shows an edit inside a joint persona with its owner and the persona changes', async () => {
    const r = repo();
    r.edit('rules/personas.yaml', 'company.employees, gte: 200', 'company.employees, gte: 1000');
    const json = await diffJson(r);
    expect(json.changes).toEqual([expect.objectContaining({ type: 'edited', kind: 'persona', id: 'economic-buyer', owners: ['joint'], bump: 'minor' })]);
    expect(json.impact.personas.cells).toContainEqual({ from: 'economic-buyer', to: '(none)', count: 1 });
    expect(json.impact.personas.moved).toBe(1);
    const md = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW, '--format', 'markdown']);
    expect(md.stdout.split('\n')[0]).toBe(DIFF_MARKER);
    expect(md.stdout).toContain('| ✏️ | persona `economic-buyer` | personas.yaml | joint |');
    expect(md.stdout).toContain('| economic-buyer | (none) | 1 |');
    // The rule diff is a real unified diff of the item.
    expect(md.stdout).toMatch(/```diff\n--- rules\/personas.yaml\n\+\+\+ rules\/personas.yaml\n@@[^\n]*@@\n[\s\S]*-\s+gte: 200\n\+\s+gte: 1000/);
  });

  it('shows a revert: against the commit before the change nothing moves, against the change everything moves back', async () => {
    const r = repo();
    const original = r.read('rules/lifecycle.yaml');
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.total, gte: 50');
    r.commit('lower the MQL threshold');
    r.write('rules/lifecycle.yaml', original); // the revert, not yet committed
    const againstChange = await diffJson(r, 'HEAD');
    expect(againstChange.changes).toEqual([expect.objectContaining({ id: 'mql', leaves: [{ path: 'when.gte', before: 50, after: 60 }] })]);
    expect(againstChange.impact.stages.cells).toContainEqual({ from: 'mql', to: 'lead', count: 1 });
    const againstBase = await diffJson(r, 'HEAD~1');
    expect(againstBase.changed).toBe(false);
  });

  it('treats a base where the rules did not exist yet as everything added, scoring only the new rules', async () => {
    const r = repo('empty');
    r.write('README.md', '# before the rules\n');
    r.commit('empty start');
    r.copyFixture();
    const json = await diffJson(r);
    expect(json.base.exists).toBe(false);
    expect(json.changes.every((c: { type: string }) => c.type === 'added')).toBe(true);
    expect(json.changes.map((c: { kind: string; id: string }) => `${c.kind}:${c.id}`)).toEqual(expect.arrayContaining(['rule:senior-title', 'stage:mql', 'persona:economic-buyer', 'team:sales']));
    expect(json.impact.compared).toBe(false);
    expect(json.impact.stages.cells).toContainEqual({ from: '(no rules)', to: 'mql', count: 2 });
    const text = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW]);
    expect(text.stdout).toContain('The rules did not exist at HEAD: everything is added.');
  });

  it('refuses to measure rules that do not validate, and names an unknown base', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.totl, gte: 60');
    const broken = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^rules\/lifecycle\.yaml:\d+:\d+: /m);
    expect(broken.stderr).toContain("the working tree's rules do not validate");
    const unknown = await run(['diff', '--repo', r.dir, '--base', 'no-such-branch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown git ref "no-such-branch"');
  });

  it('stops at a bad lead line with file:line:col', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.total, gte: 50');
    r.write('bad.jsonl', '{"id":"ok"}\n{"id":"x","colour":"red"}\n');
    const result = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'bad.jsonl', '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.jsonl:2:1: not a lead record: unknown field "colour"');
  });

  it('reads leads as leadpact score does: gzip, a byte-order mark, a JSON array, with located errors; refuses CSV', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.total, gte: 50');
    const plain = await diffJson(r);
    const lines = r.read('leads.jsonl');
    writeFileSync(path.join(r.dir, 'leads.jsonl.gz'), gzipSync(`\ufeff${lines}`));
    r.write('leads.json', `[\n${lines.trim().split('\n').join(',\n')}\n]\n`);
    for (const file of ['leads.jsonl.gz', 'leads.json']) {
      const result = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', file, '--now', NOW, '--format', 'json']);
      expect([file, result.stderr]).toEqual([file, '']);
      expect(JSON.parse(result.stdout).impact).toEqual(plain.impact);
    }
    r.write('bad.json', '[\n{"id":"ok"},\n{"id":"x",\n "colour":"red"}\n]\n');
    const bad = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'bad.json', '--now', NOW]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.json:3:1: not a lead record: unknown field "colour"');
    r.write('leads.csv', 'id,email\nx,x@y.example\n');
    const csv = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.csv', '--now', NOW]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('leads.csv:1:1: not JSON Lines or a JSON array of lead records');
  });

  it('gives the same report with worker threads as in one thread, and the same error for a bad line', async () => {
    const r = repo();
    r.edit('rules/lifecycle.yaml', 'score.total, gte: 60', 'score.total, gte: 50');
    r.edit('rules/scoring/fit.yaml', 'points: 30\n  - id: big-company', 'points: 25\n  - id: big-company');
    r.edit('rules/sla.yaml', 'within: 8bh', 'within: 4bh'); // the SLA counts are merged from the workers too
    // 6 fixture leads repeated with new ids: enough batches to spread over two workers.
    const leads = r.read('leads.jsonl').trim().split('\n');
    const many = Array.from({ length: 2500 }, (_, i) => leads[i % leads.length]!.replace(/"id":"([^"]+)"/, `"id":"$1-${i}"`));
    r.write('many.jsonl', `${many.join('\n')}\n`);
    const args = ['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'many.jsonl', '--now', NOW, '--format', 'json'];
    const one = await run([...args, '--jobs', '1']);
    const two = await run([...args, '--jobs', '2']);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
    expect(JSON.parse(one.stdout).impact.leads).toBe(2500);
    expect(JSON.parse(one.stdout).impact.sla.commitments[0].after.ok).toBeGreaterThan(0);
    r.write('many.jsonl', `${many.slice(0, 1500).join('\n')}\n{"id":"x","colour":"red"}\n${many.slice(1500).join('\n')}\n`);
    const bad = await run([...args, '--jobs', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('many.jsonl:1501:1: not a lead record: unknown field "colour"');
  });

  it('shows a list edit as what was added and removed, and a text-only edit as a patch that moves no lead', async () => {
    const r = repo();
    r.edit('rules/personas.yaml', '[Lead with the payback period]', '[Lead with the payback period, Bring a reference]');
    const text = await run(['diff', '--repo', r.dir, '--base', 'HEAD', '--leads', 'leads.jsonl', '--now', NOW]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('~ persona economic-buyer (personas.yaml; owner joint): text.talkingPoints +"Bring a reference"  [patch]');
    expect(text.stdout).toContain('0 change stage, 0 change persona, 0 change grade; 0 change in any way');
    expect(text.stdout).not.toContain('Total score histogram');
  });
});
