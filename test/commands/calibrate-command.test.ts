import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCalibrate } from '../../scripts/commands/calibrate';
import type { CalibrationReport } from '../../scripts/lib/calibrate';
import { TextSink } from '../support/text-sink';

const NOW = '2026-11-20T12:00:00Z';
let dir: string;

/**
 * 40 leads at 5,000-employee companies (30 won) and 40 at 50-employee ones (4 won), with the
 * sample rules: fit/company-enterprise (+20, 1,000+ employees) fires on exactly the first 40.
 */
function leadsFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 80; i++) {
    const big = i < 40;
    const won = big ? i < 30 : i < 44;
    lines.push(JSON.stringify({ id: `c-${i}`, email: `p${i}@co${i}.example`, company: { employees: big ? 5000 : 50 }, properties: { deal_stage: won ? 'Closed Won' : 'Closed Lost', won: won ? 'yes' : 'no' } }));
  }
  lines.splice(10, 0, '{"id": "broken",');
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'leadpact-calibrate-'));
  await writeFile(path.join(dir, 'leads.jsonl'), leadsFile());
  await writeFile(path.join(dir, 'no-outcome.jsonl'), '{"id":"a","email":"a@x.example"}\n{"id":"b","email":"b@x.example"}\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await runCalibrate(args, { stdout, stderr, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('leadpact calibrate (command)', () => {
  it('measures each rule on the export: fire rate, rates when it fires and not, lift, verdict', async () => {
    const { code, stdout, stderr } = await run(['--leads', 'leads.jsonl', '--outcome', 'properties.won', '--now', NOW, '--format', 'json']);
    expect(stderr.split('\n')[0]).toMatch(/^leads\.jsonl:11:\d+: /);
    expect(code).toBe(1); // a row was skipped
    const report = JSON.parse(stdout) as CalibrationReport;
    expect(report).toMatchObject({ leads: 80, withoutOutcome: 0, positives: 34 });
    const enterprise = report.rules.find((r) => r.rule === 'company-enterprise')!;
    expect(enterprise).toMatchObject({ fired: 40, notFired: 40, firedPositive: 30, notFiredPositive: 4, verdict: 'useful' });
    expect(enterprise.fireRate).toBe(0.5);
    expect(enterprise.rateWhenFired).toBe(0.75);
    expect(enterprise.rateWhenNot).toBe(0.1);
    expect(enterprise.lift).toBeCloseTo(0.75 / (34 / 80), 10);
  });

  it('reads a named positive value with --positive, case-insensitively', async () => {
    const { stdout } = await run(['--leads', 'leads.jsonl', '--outcome', 'properties.deal_stage', '--positive', 'closed won', '--now', NOW, '--format', 'json']);
    expect(JSON.parse(stdout)).toMatchObject({ positives: 34, withoutOutcome: 0 });
  });

  it('prints a readable table with the verdicts, the MQL precision and recall and the suggestions', async () => {
    const { stdout } = await run(['--leads', 'leads.jsonl', '--outcome', 'properties.won', '--now', NOW]);
    const lines = stdout.split('\n');
    expect(lines[1]).toBe('80 leads with a known outcome (0 without one left out), 34 positive: base rate 42.5%');
    expect(lines[3]).toMatch(/^rule +points +fires +rate if fires +rate if not +lift +z +adjusted z +verdict$/);
    expect(stdout).toMatch(/fit\/company-enterprise +\+20 +50\.0% +75\.0% +10\.0% +1\.76 +5\.\d\d +-?\d+\.\d\d +useful/);
    expect(stdout).toMatch(/^mql: \d+ leads reach it; precision /m);
    expect(stdout).toMatch(/^(Suggestions \(strongest evidence first\):|No suggestions)/m);
  });

  it('writes a Markdown table with --format md', async () => {
    const { stdout } = await run(['--leads', 'leads.jsonl', '--outcome', 'properties.won', '--now', NOW, '--format', 'md']);
    expect(stdout).toContain('| rule | points | fires | rate if fires | rate if not | lift | z | adjusted z | verdict |');
    expect(stdout).toContain('| fit/company-enterprise | +20 | 50.0% | 75.0% | 10.0% | 1.76 |');
  });

  it('fails with one line when no lead has a readable outcome', async () => {
    const { code, stdout, stderr } = await run(['--leads', 'no-outcome.jsonl', '--outcome', 'properties.won', '--now', NOW]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('leadpact calibrate: none of the 2 leads has a readable properties.won (true/false, yes/no, 1/0, won/lost; or give --positive <value>)\n');
  });

  it('refuses missing options, unknown stages and formats', async () => {
    await expect(run(['--leads', 'leads.jsonl'])).rejects.toThrow('--outcome <field> is required');
    await expect(run(['--outcome', 'properties.won'])).rejects.toThrow('--leads <export> is required');
    await expect(run(['--leads', 'leads.jsonl', '--outcome', 'properties.won', '--format', 'xml'])).rejects.toThrow('--format must be text, json, md, not "xml"');
    await expect(run(['--leads', 'leads.jsonl', '--outcome', 'properties.won', '--stage', 'hot'])).rejects.toThrow('--stage: no stage "hot" in lifecycle.yaml');
    await expect(run(['--leads', 'missing.jsonl', '--outcome', 'properties.won'])).rejects.toThrow('missing.jsonl does not exist');
  });
});
