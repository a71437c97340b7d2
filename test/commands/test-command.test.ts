import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import testCommand, { type TestReport } from '../../scripts/commands/test';
import { CliError } from '../../scripts/lib/command';
import { captureStdio } from '../support/command-sandbox';

/** A small invented rules repository: two models, two personas, four stages, one commitment. */
const RULES: Record<string, string> = {
  'leadpact.yaml': `# yaml-language-server: $schema=../schema/project.schema.json
kind: project
name: Brackenfold test rules
version: 0.1.0
timezone: Europe/Madrid
teams:
  marketing: { label: Marketing, github: "@brackenfold/marketing", members: [ana] }
  sales: { label: Sales, github: "@brackenfold/sales", members: [ben] }
`,
  'fields.yaml': `# yaml-language-server: $schema=../schema/fields.schema.json
kind: fields
owner: joint
fields:
  email: { type: string, label: Email }
  title: { type: string, label: Job title }
  company.employees: { type: number, label: Employees }
events:
  page_view: { label: Page view, props: { url: string } }
  email_click: { label: Email click, props: { campaign: string } }
  email_sent: { label: Rep sent an email, props: {} }
`,
  'lifecycle.yaml': `# yaml-language-server: $schema=../schema/lifecycle.schema.json
kind: lifecycle
owner: joint
grade:
  from: score.fit
  bands: [ { grade: A, gte: 60 }, { grade: B, gte: 30 }, { grade: C } ]
stages:
  - { id: subscriber, label: Subscriber }
  - { id: lead, label: Lead, when: { field: email, exists: true } }
  - id: mql
    label: MQL
    owner: marketing
    when: { all: [ { field: score.total, gte: 50 }, { field: grade, in: [A, B] } ] }
  - { id: sal, label: Sales accepted, owner: sales, manual: true }
rejectReasons:
  - { id: no-budget, label: No budget }
`,
  'personas.yaml': `# yaml-language-server: $schema=../schema/personas.schema.json
kind: personas
owner: joint
personas:
  - id: executive
    label: Executive
    when: { field: title, matches: '\\b(vp|chief)\\b' }
  - id: reader
    label: Reader
    when: { field: score.engagement, gte: 10 }
`,
  'sla.yaml': `# yaml-language-server: $schema=../schema/sla.schema.json
kind: sla
owner: joint
calendar: { timezone: Europe/Madrid, days: [mon, tue, wed, thu, fri], hours: { from: "09:00", to: "18:00" } }
commitments:
  - { id: first-touch, label: First touch, owner: sales, stage: mql, until: { event: email_sent }, within: 8bh, warn: 2bh }
`,
  'scoring/fit.yaml': `# yaml-language-server: $schema=../../schema/scoring-model.schema.json
kind: scoring-model
id: fit
label: Fit
owner: joint
min: 0
max: 100
rules:
  - { id: senior-title, label: Senior title, when: { field: title, matches: '\\b(vp|chief)\\b' }, points: 40 }
  - { id: large-company, label: 500+ employees, when: { field: company.employees, gte: 500 }, points: 30 }
`,
  'scoring/engagement.yaml': `# yaml-language-server: $schema=../../schema/scoring-model.schema.json
kind: scoring-model
id: engagement
label: Engagement
owner: marketing
min: 0
max: 100
rules:
  - { id: email-clicks, label: Email clicks, per: { event: email_click, within: 90d }, points: 5, max: 20 }
  - { id: site-visits, label: Site visits, per: { event: page_view, within: 90d }, points: 1, max: 10 }
`,
};

/** Cases that pass against RULES: a VP at a large company is an MQL; a bare address is a lead. */
const PASSING = `# yaml-language-server: $schema=../../schema/tests.schema.json
kind: tests
now: 2026-11-20T12:00:00Z
cases:
  - name: A VP at a large company who clicked twice is an MQL
    lead:
      id: p1
      email: vera@brackenfold.example
      title: VP Data
      company: { employees: 800 }
      events:
        - { type: email_click, at: 2026-11-20T09:00:00Z, campaign: launch }
        - { type: email_click, at: 2026-11-20T10:00:00Z, campaign: launch }
    expect:
      stage: mql
      stageEnteredAt: 2026-11-20T09:00:00Z
      grade: A
      persona: executive
      score: { fit: 70, engagement: 10, total: { gte: 75, lt: 90 } }
      fired: [senior-title, large-company, email-clicks]
      sla: { first-touch: ok }
  - name: An address alone is a lead
    lead: { id: p2, email: otto@brackenfold.example }
    expect: { stage: lead, grade: C, persona: null, notFired: [senior-title], sla: { first-touch: none } }
`;

/** One case whose score, grade and SLA are wrong: the VP above with its clicks gone. */
const FAILING = `# yaml-language-server: $schema=../../schema/tests.schema.json
kind: tests
now: 2026-11-20T12:00:00Z
cases:
  - name: A VP without clicks is still expected to be an engaged MQL
    lead:
      id: f1
      email: vera@brackenfold.example
      title: VP Data
    expect:
      stage: mql
      grade: A
      score: { total: 50 }
      fired: [email-clicks]
      sla: { first-touch: ok }
`;

describe('leadpact test', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const stdout = () => out.join('');

  async function writeRepo(tests: Record<string, string>): Promise<void> {
    for (const [name, text] of Object.entries({ ...RULES, ...Object.fromEntries(Object.entries(tests).map(([n, t]) => [`tests/${n}`, t])) })) {
      const file = path.join(dir, 'rules', name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'leadpact-test-'));
    ({ out, err } = captureStdio());
    // Paths are shown relative to the working directory: make that the temporary repository.
    vi.spyOn(process, 'cwd').mockReturnValue(dir);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 when every case passes and lists the rules no case fires', async () => {
    await writeRepo({ 'mql.yaml': PASSING });
    expect(await testCommand([dir])).toBe(0);
    expect(stdout()).toBe('Rules no case fires (1 of 4):\n  engagement/site-visits\n\nTests: 2 passed, 2 cases in 1 file\n');
  });

  it('says so when every scoring rule is covered', async () => {
    const withVisit = PASSING.replace(
      "        - { type: email_click, at: 2026-11-20T10:00:00Z, campaign: launch }\n",
      "        - { type: email_click, at: 2026-11-20T10:00:00Z, campaign: launch }\n        - { type: page_view, at: 2026-11-20T10:30:00Z, url: /pricing }\n",
    );
    await writeRepo({ 'mql.yaml': withVisit.replace('engagement: 10,', 'engagement: 11,') });
    expect(await testCommand([dir])).toBe(0);
    expect(stdout()).toContain('Coverage: every one of the 4 scoring rules is fired by some case.\n');
  });

  it('prints each failing case at its file:line:col with an expected-versus-actual diff, and exits 1', async () => {
    await writeRepo({ 'a-pass.yaml': PASSING, 'b-fail.yaml': FAILING });
    expect(await testCommand([dir])).toBe(1);
    const text = stdout();
    expect(text).toContain('rules/tests/b-fail.yaml:5:5: FAIL A VP without clicks is still expected to be an engaged MQL (now 2026-11-20T12:00:00Z)\n');
    expect(text).not.toContain('a-pass.yaml');
    // The diff shows the wrong lines as - expected / + actual and what held as context.
    expect(text).toContain('  - Expected\n  + Actual\n');
    // Neighbouring wrong lines form one block, as in any line diff.
    expect(text).toContain('    score:\n  -   total: 50\n  - grade: A\n  - stage: mql\n  +   total: 40\n  + grade: B\n  + stage: lead\n');
    expect(text).toContain('  -   email-clicks: fired\n  +   email-clicks: not fired\n');
    expect(text).toContain('  -   first-touch: ok\n  +   first-touch: none\n');
    expect(text).toContain('  rules that fired: senior-title +40\n');
    expect(text).toMatch(/Tests: 1 failed, 2 passed, 3 cases in 2 files\n$/);
  });

  it('shows a passing check as context, with the range a score had to meet when it failed', async () => {
    await writeRepo({ 'range.yaml': PASSING.replace('total: { gte: 75, lt: 90 }', 'total: { gt: 90 }') });
    expect(await testCommand([dir])).toBe(1);
    expect(stdout()).toContain('  -   total: "> 90"\n  +   total: 80\n');
    expect(stdout()).toContain('    grade: A\n');
  });

  it('writes a JSON report with --format json', async () => {
    await writeRepo({ 'a-pass.yaml': PASSING, 'b-fail.yaml': FAILING });
    expect(await testCommand([dir, '--format', 'json'])).toBe(1);
    const report = JSON.parse(stdout()) as TestReport;
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ files: 2, cases: 3, passed: 2, failed: 1 });
    const failed = report.cases.find((c) => !c.passed);
    expect(failed).toMatchObject({ file: 'rules/tests/b-fail.yaml', line: 5, col: 5, name: 'A VP without clicks is still expected to be an engaged MQL' });
    expect(failed?.checks).toContainEqual({ path: 'score.total', ok: false, expected: 50, actual: 40 });
    expect(failed?.checks).toContainEqual({ path: 'grade', ok: false, expected: 'A', actual: 'B' });
    expect(failed?.checks).toContainEqual({ path: 'sla.first-touch', ok: false, expected: 'ok', actual: 'none' });
    expect(report.untested).toEqual(['engagement/site-visits']);
    expect(report.diagnostics).toEqual([]);
  });

  it('reports invalid tests files as path:line:col lines, runs nothing and exits 1', async () => {
    const broken = PASSING.replace('fired: [senior-title, large-company, email-clicks]', 'fired: [senior-titel]').replace('grade: C, persona: null', 'grade: C, persona: null, colour: red');
    await writeRepo({ 'broken.yaml': broken });
    expect(await testCommand([dir])).toBe(1);
    const lines = stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^rules\/tests\/broken\.yaml:\d+:\d+: .*colour/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('1 error in the rules: no case was run ("leadpact validate" shows the same)');

    // Once the schema holds, the semantic checks find the unknown rule (with a suggestion).
    await writeRepo({ 'broken.yaml': broken.replace(', colour: red', '') });
    out.length = 0;
    expect(await testCommand([dir])).toBe(1);
    expect(stdout()).toBe(
      'rules/tests/broken.yaml:20:15: unknown rule senior-titel; did you mean senior-title?\n1 error in the rules: no case was run ("leadpact validate" shows the same)\n',
    );
  });

  it('puts validation errors in the JSON report too', async () => {
    await writeRepo({ 'broken.yaml': PASSING.replace('grade: A', 'grade: Z') });
    expect(await testCommand([dir, '--format', 'json'])).toBe(1);
    const report = JSON.parse(stdout()) as TestReport;
    expect(report.ok).toBe(false);
    expect(report.cases).toEqual([]);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ file: 'rules/tests/broken.yaml', line: 17, col: 14, severity: 'error', code: 'unknown-grade' }),
    ]);
  });

  it('fails when there are no tests to run', async () => {
    await writeRepo({});
    expect(await testCommand([dir])).toBe(1);
    expect(err.join('')).toBe('no tests: rules/tests/ has no <name>.yaml files (kind: tests)\n');
  });

  it('runs only the cases whose name contains --filter, without a coverage list', async () => {
    await writeRepo({ 'a-pass.yaml': PASSING, 'b-fail.yaml': FAILING });
    expect(await testCommand([dir, '--filter', 'ADDRESS alone'])).toBe(0);
    expect(stdout()).toBe('Tests: 1 passed, 1 case in 2 files\n');
  });

  it('accepts the rules folder itself', async () => {
    await writeRepo({ 'mql.yaml': PASSING });
    expect(await testCommand([path.join(dir, 'rules')])).toBe(0);
  });

  it('refuses an unknown format as a usage error', async () => {
    await writeRepo({ 'mql.yaml': PASSING });
    await expect(testCommand([dir, '--format', 'xml'])).rejects.toThrow(CliError);
    await expect(testCommand([dir, '--format', 'xml'])).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('the sample rules', () => {
  it('pass their own tests and every scoring rule is exercised', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await testCommand(['--format', 'json'])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    const report = JSON.parse(out.join('')) as TestReport;
    expect(report.summary.failed).toBe(0);
    expect(report.summary.cases).toBeGreaterThanOrEqual(30);
    expect(report.untested).toEqual([]);
  });
});
