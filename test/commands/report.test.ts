import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../extension/background/db';
import { compileRules } from '../../extension/engine';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { runReport } from '../../scripts/commands/report';
import { CliError } from '../../scripts/lib/command';
import { parsePeriod, periodOf, previousWeek, weekOf, zone } from '../../scripts/lib/period';
import { buildReport } from '../../scripts/lib/report';
import { renderReportHtml, renderReportMarkdown } from '../../scripts/lib/report-html';
import { commitment, event, makeBundle, stage } from '../support/bundles';
import { TextSink } from '../support/text-sink';

const fixtures = fileURLToPath(new URL('../fixtures/report/', import.meta.url));

describe('report periods', () => {
  it('reads an ISO week as Monday to Sunday local dates', () => {
    expect(parsePeriod('2026-W47')).toEqual({ kind: 'week', label: '2026-W47', start: '2026-11-16', end: '2026-11-22' });
  });

  it('keeps a week that crosses a month whole, and files its days under one week', () => {
    expect(parsePeriod('2026-w49')).toMatchObject({ start: '2026-11-30', end: '2026-12-06' });
    expect(weekOf('2026-12-01').label).toBe('2026-W49');
    expect(weekOf('2026-11-30').label).toBe('2026-W49');
  });

  it('knows 2026 has a week 53 that ends in 2027, and 2027 has none', () => {
    expect(parsePeriod('2026-W53')).toMatchObject({ start: '2026-12-28', end: '2027-01-03' });
    expect(weekOf('2027-01-03').label).toBe('2026-W53');
    expect(weekOf('2027-01-04').label).toBe('2027-W01');
    expect(() => parsePeriod('2027-W53')).toThrow('2027 has ISO weeks 1 to 52');
  });

  it('reads months and quarters, and says what it expects for anything else', () => {
    expect(parsePeriod('2026-02')).toMatchObject({ kind: 'month', start: '2026-02-01', end: '2026-02-28' });
    expect(parsePeriod('2026-Q4')).toMatchObject({ kind: 'quarter', start: '2026-10-01', end: '2026-12-31' });
    expect(periodOf('quarter', '2026-11-22').label).toBe('2026-Q4');
    expect(() => parsePeriod('2026-13')).toThrow('the month must be 01 to 12');
    expect(() => parsePeriod('last week')).toThrow('"last week" is not a period: use an ISO week (2026-W47)');
  });

  it('defaults to the last whole week before today', () => {
    expect(previousWeek('2026-11-23').label).toBe('2026-W47');
    expect(previousWeek('2026-11-22').label).toBe('2026-W46');
  });

  it('files instants by their local date in the rules zone, summer time included', () => {
    const madrid = zone('Europe/Madrid');
    expect(madrid.dateOf(Date.parse('2026-11-15T23:30:00Z'))).toBe('2026-11-16'); // CET, +1
    expect(madrid.dateOf(Date.parse('2026-10-24T22:30:00Z'))).toBe('2026-10-25'); // CEST, +2
    expect(madrid.dateOf(Date.parse('2026-10-25T22:30:00Z'))).toBe('2026-10-25'); // back to +1
  });
});

// A small hand-made world, evaluated on Monday 23 November 2026 at 09:00 in Madrid.
const NOW = Date.parse('2026-11-23T08:00:00Z');

function fixtureBundle(): Bundle {
  const bundle = makeBundle({
    stages: [stage('subscriber'), stage('mql', undefined, true), stage('sal', undefined, true), stage('sql', undefined, true)],
    commitments: [commitment('mql-first-touch', 'mql', ['email_sent', 'call'], '8bh'), commitment('sql-meeting', 'sql', 'meeting_booked', '5d')],
  });
  bundle.lifecycle.rejectReasons = [
    { id: 'no-budget', label: 'No budget' },
    { id: 'wrong-persona', label: 'Wrong persona' },
  ];
  bundle.sla.goals = [
    { id: 'mqls-per-month', label: 'MQLs per month', owner: 'marketing', count: { stage: 'mql' }, target: 10, period: 'month' },
    { id: 'mql-to-sal', label: 'MQL to SAL', owner: 'joint', conversion: { from: 'mql', to: 'sal' }, target: 0.5, period: 'month' },
    { id: 'sqls-per-quarter', label: 'SQLs per quarter', owner: 'sales', count: { stage: 'sql' }, target: 4, period: 'quarter' },
  ];
  return bundle;
}

const lead = (id: string, fields: Partial<Lead>): Lead => ({ id, name: `Lead ${id}`, ...fields }) as Lead;

const LEADS: Lead[] = [
  // Mon 16 Nov 10:00 local; emailed an hour later: met.
  lead('L1', { owner: 'carol', stage: 'mql', stageEnteredAt: '2026-11-16T09:00:00Z', events: [event('email_sent', '2026-11-16T11:00:00Z')] }),
  // Tue 10:00, due Tue 18:00 local; called on Wednesday: late.
  lead('L2', { owner: 'dan', stage: 'mql', stageEnteredAt: '2026-11-17T09:00:00Z', events: [event('call', '2026-11-18T15:00:00Z')], properties: { lead_source: 'paid-search' } }),
  // Fri 09:00, due Fri 17:00 local; nothing by Monday 09:00: breached by one business hour.
  lead('L3', { owner: 'carol', stage: 'mql', stageEnteredAt: '2026-11-20T08:00:00Z', properties: { lead_source: 'webinar' } }),
  // 23:30 UTC on Sunday 15th is 00:30 on Monday 16th in Madrid: inside the week.
  lead('L4', { stage: 'mql', stageEnteredAt: '2026-11-15T23:30:00Z', events: [event('email_sent', '2026-11-16T10:00:00Z')] }),
  // 00:30 on Monday 23rd local: the next week, although 22 November in UTC.
  lead('L5', { stage: 'mql', stageEnteredAt: '2026-11-22T23:30:00Z' }),
  // Accepted: at sal since Wednesday; the card showed it as an MQL since Tuesday.
  lead('L6', { owner: 'carol', stage: 'sal', stageEnteredAt: '2026-11-18T10:00:00Z' }),
  // An SQL from the week before (meeting booked on time): not this week's clock.
  lead('L7', { stage: 'sql', stageEnteredAt: '2026-11-10T10:00:00Z', events: [event('meeting_booked', '2026-11-12T10:00:00Z')] }),
  // An SQL from Thursday, due in 5 calendar days: still open.
  lead('L8', { stage: 'sql', stageEnteredAt: '2026-11-19T10:00:00Z' }),
  lead('L9', {}),
  // An MQL from 2 November never touched: an older breach still open.
  lead('L10', { owner: 'dan', stage: 'mql', stageEnteredAt: '2026-11-02T09:00:00Z' }),
];

function decision(leadId: string, at: string, who: string, reason: string | null, persona: string | null = null, shownEntered = at): FeedbackRecord {
  return {
    leadId,
    decision: reason ? 'reject' : 'accept',
    reason,
    who,
    at,
    rulesVersion: '1.0.0',
    rulesHash: 'sha256-0',
    shown: { score: 70, grade: 'B', stage: 'mql', stageEnteredAt: shownEntered, persona },
    stageRecorded: reason ? null : 'sal',
  };
}

const FEEDBACK: FeedbackRecord[] = [
  decision('L6', '2026-11-18T10:00:00Z', 'carol', null, null, '2026-11-17T12:00:00Z'),
  decision('L3', '2026-11-20T10:00:00Z', 'carol', 'no-budget', 'economic-buyer', '2026-11-20T08:00:00Z'),
  decision('L2', '2026-11-19T10:00:00Z', 'dan', 'wrong-persona', null, '2026-11-17T09:00:00Z'),
  decision('L10', '2026-11-09T10:00:00Z', 'dan', 'no-budget', null, '2026-11-02T09:00:00Z'), // the week before
  decision('ghost', '2026-11-21T10:00:00Z', 'dan', null), // a lead not in the export
];

function fixtureReport(period = '2026-W47') {
  const bundle = fixtureBundle();
  return buildReport({ bundle, rules: compileRules(bundle), leads: LEADS, feedback: FEEDBACK, period: parsePeriod(period), now: NOW });
}

describe('the weekly report', () => {
  it('counts the funnel: at each stage now, at or past it, and entered in the week (local dates)', () => {
    const { funnel } = fixtureReport();
    expect(funnel.map((r) => [r.stage, r.now, r.reached, r.entered])).toEqual([
      ['subscriber', 1, 10, 0],
      ['mql', 6, 9, 5], // L1, L2, L3, L4 and L6 (from the rep's card); not L5 (next week) nor L10
      ['sal', 1, 3, 1], // L6, and the SQLs L7 and L8 are past it
      ['sql', 2, 2, 1],
    ]);
  });

  it('counts SLA clocks started in the week: met, late, breached, open, and older breaches apart', () => {
    const { sla } = fixtureReport();
    const [touch, meeting] = sla;
    expect(touch).toMatchObject({ id: 'mql-first-touch', started: 4, met: 2, late: 1, breached: 1, open: 0, compliance: 0.5, olderBreaches: 1 });
    expect(meeting).toMatchObject({ id: 'sql-meeting', started: 1, met: 0, late: 0, breached: 0, open: 1, compliance: null, olderBreaches: 0 });
  });

  it('lists each breached lead with its owner and how late, in business minutes', () => {
    const { sla } = fixtureReport();
    expect(sla[0]!.breachedLeads).toEqual([
      { leadId: 'L3', name: 'Lead L3', owner: 'carol', commitment: 'mql-first-touch', startedAt: '2026-11-20T08:00:00.000Z', dueAt: '2026-11-20T16:00:00.000Z', lateMinutes: 60, businessTime: true },
    ]);
  });

  it('measures count goals against an even pace through their month or quarter', () => {
    const { goals } = fixtureReport();
    const mqls = goals.find((g) => g.id === 'mqls-per-month')!;
    // November: 22 of 30 days gone on the 23rd; 7 MQLs entered (L1-L6 and L10).
    expect(mqls).toMatchObject({ kind: 'count', actual: 7, target: 10, daysLeft: 8, remaining: 3, status: 'behind' });
    expect(mqls.period.label).toBe('2026-11');
    expect(mqls.elapsed).toBeCloseTo(22 / 30, 10);
    expect(mqls.expectedByNow).toBeCloseTo(10 * (22 / 30), 10);
    expect(mqls.neededPerWeek).toBeCloseTo(3 / (8 / 7), 10);
    const sqls = goals.find((g) => g.id === 'sqls-per-quarter')!;
    // Q4: 53 of 92 days gone; L7 and L8 entered sql.
    expect(sqls).toMatchObject({ actual: 2, daysLeft: 39, remaining: 2, status: 'behind' });
    expect(sqls.period).toMatchObject({ label: '2026-Q4', start: '2026-10-01', end: '2026-12-31' });
    expect(sqls.expectedByNow).toBeCloseTo(4 * (53 / 92), 10);
  });

  it('measures conversion goals on the month cohort', () => {
    const conversion = fixtureReport().goals.find((g) => g.id === 'mql-to-sal')!;
    // 7 leads entered mql in November; only L6 reached sal.
    expect(conversion).toMatchObject({ kind: 'conversion', numerator: 1, denominator: 7, conversionsNeeded: 3, status: 'behind' });
    expect(conversion.actual).toBeCloseTo(1 / 7, 10);
  });

  it('puts a week that crosses a month under the month of its last day', () => {
    const report = fixtureReport('2026-W49');
    expect(report.period).toMatchObject({ start: '2026-11-30', end: '2026-12-06' });
    expect(report.goals.find((g) => g.id === 'mqls-per-month')!.period.label).toBe('2026-12');
    expect(renderReportMarkdown(report)).toContain('Mon 30 Nov – Sun 6 Dec 2026 (Europe/Madrid, not begun yet)');
  });

  it('tallies the week\'s decisions per rep and reject reasons by persona and by lead source', () => {
    const { feedback } = fixtureReport();
    expect(feedback).toMatchObject({ total: 4, accepted: 2, rejected: 2, unknownLeads: 1 });
    expect(feedback.byRep).toEqual([
      { who: 'carol', accepted: 1, rejected: 1 },
      { who: 'dan', accepted: 1, rejected: 1 },
    ]);
    expect(feedback.byPersona.rows.map((r) => [r.reason, r.counts, r.total])).toEqual([
      ['no-budget', { 'economic-buyer': 1 }, 1],
      ['wrong-persona', { '(no persona)': 1 }, 1],
    ]);
    expect(feedback.bySource.rows.map((r) => [r.reason, r.counts])).toEqual([
      ['no-budget', { webinar: 1 }],
      ['wrong-persona', { 'paid-search': 1 }],
    ]);
    expect(feedback.rulesVersions).toEqual([{ version: '1.0.0', count: 4 }]);
  });

  it('renders one self-contained HTML page: inline SVG charts, no script, nothing fetched, print styles', async () => {
    const html = await renderReportHtml(fixtureReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|url\(\s*['"]?http|@import/i);
    expect(html).toContain('@media print');
    expect(html).toContain('Lead L3');
    expect(html).toContain('<span class="status breached">1bh</span>');
    expect(html).toContain('<p class="muted">bh: business hours, counted only in the working hours of the SLA calendar (sla.yaml).</p>');
    expect(html).toContain('3 more in 8 days: 2.6 a week');
  });

  it('renders Markdown for a chat post with the same numbers', () => {
    const md = renderReportMarkdown(fixtureReport());
    expect(md).toContain('## Test rules: weekly lead report 2026-W47');
    expect(md).toContain('| mql-first-touch | 4 | 2 | 1 | 1 | 0 | 50% |');
    expect(md).toContain('- L3 Lead L3 (carol): mql-first-touch, late by 1bh\n\nbh: business hours, counted only in the working hours of the SLA calendar (sla.yaml).\n');
    expect(md).toContain('| MQL to SAL | 2026-11 (73% gone) | 14% (1 of 7) vs 50% | behind | 3 more of these 7 to convert |');
  });

  it('writes how late in business hours or in wall-clock days, and explains bh only where it is used', async () => {
    const report = fixtureReport();
    const [touch, meeting] = report.sla;
    const breach = touch!.breachedLeads[0]!;
    const business = { ...report, sla: [{ ...touch!, breachedLeads: [{ ...breach, lateMinutes: 29 * 60 + 37.4 }] }, meeting!] };
    expect(await renderReportHtml(business)).toContain('<span class="status breached">29bh</span>');
    expect(renderReportMarkdown(business)).toContain('late by 29bh\n\nbh: business hours');

    const wallBreach = { ...breach, commitment: 'sql-meeting', lateMinutes: 2 * 1440 + 4 * 60 + 10, businessTime: false };
    const wall = { ...report, sla: [{ ...meeting!, breached: 1, breachedLeads: [wallBreach] }] };
    const html = await renderReportHtml(wall);
    expect(html).toContain('<span class="status breached">2d 4h</span>');
    expect(html).not.toContain('bh: business hours');
    const md = renderReportMarkdown(wall);
    expect(md).toContain('- L3 Lead L3 (carol): sql-meeting, late by 2d 4h\n');
    expect(md).not.toContain('bh: business hours');
  });
});

describe('leadpact report (command)', () => {
  const io = () => ({ stdout: new TextSink(), stderr: new TextSink(), cwd: fixtures });

  it('writes the page, reporting unreadable rows by file, line and column (exit 1)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-report-'));
    try {
      const out = path.join(dir, 'week.html');
      const streams = io();
      const code = await runReport(['--leads', 'leads.jsonl', '--feedback', 'feedback.jsonl', '--period', '2026-W47', '--now', '2026-11-23T08:00:00Z', '--out', out], streams);
      expect(code).toBe(1);
      const lines = streams.stderr.text.trim().split('\n');
      expect(lines[0]).toMatch(/^leads\.jsonl:3:1: /);
      expect(lines[1]).toBe('feedback.jsonl:3:1: not a feedback record: reason: "too-expensive" is not one of the rejectReasons in lifecycle.yaml (no-budget, wrong-persona, bad-timing, competitor, student-or-job-seeker, existing-customer, duplicate, not-reachable, no-data-team)');
      expect(lines.at(-1)).toBe('leadpact report: 2 rows left out');
      const html = await readFile(out, 'utf8');
      expect(html).toContain('2026-W47 (Mon 16 Nov – Sun 22 Nov 2026)');
      expect(html).toContain('Cy Orbit');
      expect(streams.stdout.text).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints Markdown on standard output with --format md', async () => {
    const streams = io();
    await runReport(['--leads', 'leads.jsonl', '--feedback', 'feedback.jsonl', '--period', '2026-W47', '--now', '2026-11-23T08:00:00Z', '--format', 'md'], streams);
    expect(streams.stdout.text).toContain('weekly lead report 2026-W47');
    expect(streams.stdout.text).toContain('| Reason | (no persona) | Total |');
  });

  it('refuses bad period text, bad formats and missing files with one line', async () => {
    const run = (args: string[]) => runReport(['--leads', 'leads.jsonl', '--feedback', 'feedback.jsonl', ...args], io());
    await expect(run(['--period', '2026-W54'])).rejects.toThrow(new CliError('--period "2026-W54": 2026 has ISO weeks 1 to 53'));
    await expect(run(['--period', 'November'])).rejects.toThrow('--period "November" is not a period');
    await expect(run(['--format', 'pdf'])).rejects.toThrow('--format must be html or md, not "pdf"');
    await expect(run(['--now', 'yesterday'])).rejects.toThrow('--now must be an ISO 8601 instant');
    await expect(runReport(['--leads', 'nope.jsonl', '--feedback', 'feedback.jsonl'], io())).rejects.toThrow('nope.jsonl does not exist');
    await expect(runReport(['--leads', 'leads.jsonl'], io())).rejects.toThrow('--feedback <export> is required');
  });
});
