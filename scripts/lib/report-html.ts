/**
 * The weekly report as one self-contained HTML page (inline CSS and SVG charts, no script, no
 * network) and as Markdown for a chat post. Both read the same WeeklyReport.
 */
import type { TopLevelSpec } from 'vega-lite';
import { isBusinessDuration } from '../../extension/engine/duration';
import { formatDuration } from '../../extension/ui/duration';
import { describePeriod } from './period';
import type { CrossTab, GoalRow, SlaRow, WeeklyReport } from './report';
import { funnelSpec, goalsSpec, rejectsSpec, renderSvg, slaSpec } from './report-charts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const pct = (x: number | null, digits = 0) => (x === null ? '–' : `${(x * 100).toFixed(digits)}%`);

/** How late a breached lead is: `29bh` on a business-hours commitment, else `2d 4h`. */
function lateText(lead: SlaRow['breachedLeads'][number]): string {
  return formatDuration(lead.lateMinutes, lead.businessTime);
}

/** Said once in a report that writes business hours (`bh`), so no reader has to guess the unit. */
const BUSINESS_HOURS_LEGEND = 'bh: business hours, counted only in the working hours of the SLA calendar (sla.yaml).';

function localDateTime(iso: string, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function goalStatusText(goal: GoalRow): string {
  return { met: 'target met', 'on-track': 'on track', behind: 'behind', 'no-data': 'no data yet' }[goal.status];
}

/** The pace or gap a goal still needs, in words. */
export function goalNeedText(goal: GoalRow): string {
  if (goal.kind === 'count') {
    if (!goal.remaining) return 'target reached';
    if (goal.daysLeft === 0) return `missed by ${goal.remaining}`;
    const perWeek = goal.neededPerWeek!;
    return `${goal.remaining} more in ${goal.daysLeft} day${goal.daysLeft === 1 ? '' : 's'}: ${perWeek < 10 ? perWeek.toFixed(1) : Math.ceil(perWeek)} a week`;
  }
  if (goal.status === 'no-data') return `no lead entered ${goal.subject.split(' → ')[0]} yet this ${goal.period.kind}`;
  if (!goal.conversionsNeeded) return 'target rate reached';
  return `${goal.conversionsNeeded} more of these ${goal.denominator} to convert`;
}

function goalActualText(goal: GoalRow): string {
  if (goal.kind === 'count') return `${goal.actual} of ${goal.target}`;
  return `${pct(goal.actual)} (${goal.numerator} of ${goal.denominator}) vs ${pct(goal.target)}`;
}

function table(headers: string[], rows: string[][], numeric: Set<number> = new Set()): string {
  const th = headers.map((h, i) => `<th scope="col"${numeric.has(i) ? ' class="num"' : ''}>${h}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${cell}</th>` : `<td${numeric.has(i) ? ' class="num"' : ''}>${cell}</td>`)).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function crossTabHtml(tab: CrossTab, caption: string): string {
  if (!tab.rows.length) return `<p class="muted">No rejections in the period.</p>`;
  const columns = tab.columns;
  const numeric = new Set(columns.map((_, i) => i + 1).concat(columns.length + 1));
  const rows = tab.rows.map((row) => [escapeHtml(row.label), ...columns.map((c) => (row.counts[c] ? String(row.counts[c]) : '·')), `<strong>${row.total}</strong>`]);
  const totals = columns.map((c) => tab.rows.reduce((n, r) => n + (r.counts[c] ?? 0), 0));
  rows.push(['<em>All reasons</em>', ...totals.map(String), `<strong>${totals.reduce((a, b) => a + b, 0)}</strong>`]);
  return `<figure class="table"><figcaption>${caption}</figcaption>${table(['Reason', ...columns.map(escapeHtml), 'Total'], rows, numeric)}</figure>`;
}

const CSS = `
:root { --ink: #1b1b1b; --muted: #5f6368; --line: #d9d9d9; --accent: #3a6ea5; --bad: #c62828; --good: #2e7d32; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: #f6f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: white; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 16px 0 4px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.kpi .value { font-size: 24px; font-weight: 650; display: block; }
.kpi .label { color: var(--muted); font-size: 12px; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; align-items: start; }
figure { margin: 8px 0; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { border-bottom: 2px solid #999; font-weight: 600; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; white-space: nowrap; }
.status.behind, .status.breached { color: var(--bad); }
.status.met, .status.on-track { color: var(--good); }
.status.no-data { color: var(--muted); }
.muted { color: var(--muted); }
.status.behind::before, .status.breached::before { content: "▲ "; }
.status.met::before, .status.on-track::before { content: "✓ "; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { background: white; font-size: 11pt; }
  main { padding: 0; max-width: none; }
  section, figure, table, .kpis { break-inside: avoid; }
  h2 { break-after: avoid; }
  .cols { grid-template-columns: 1fr; }
  a { color: inherit; text-decoration: none; }
}
`;

async function chart(spec: TopLevelSpec | undefined, caption: string): Promise<string> {
  if (!spec) return '';
  return `<figure class="chart"><figcaption>${escapeHtml(caption)}</figcaption>${await renderSvg(spec)}</figure>`;
}

export async function renderReportHtml(report: WeeklyReport): Promise<string> {
  const tz = report.timezone;
  // A period that has not ended yet (or not begun) is a partial picture: say so.
  const partial = report.today <= report.period.end ? (report.today < report.period.start ? ', not begun yet' : ', still running') : '';
  const period = `${report.period.label} (${describePeriod(report.period)}${partial})`;
  const slaTotals = report.sla.reduce((t, r) => ({ met: t.met + r.met, late: t.late + r.late, breached: t.breached + r.breached }), { met: 0, late: 0, breached: 0 });
  const decided = slaTotals.met + slaTotals.late + slaTotals.breached;
  const mql = report.funnel.find((f) => f.stage === 'mql');
  const fb = report.feedback;

  const kpis = [
    { value: mql ? String(mql.entered) : '–', label: `new MQLs in ${report.period.label}` },
    { value: decided ? pct(slaTotals.met / decided) : '–', label: `SLA clocks met on time (${slaTotals.met} of ${decided} decided)` },
    { value: String(slaTotals.breached), label: 'SLA breaches open from this period' },
    { value: fb.total ? pct(fb.accepted / fb.total) : '–', label: `MQLs accepted by reps (${fb.accepted} of ${fb.total} decisions)` },
  ];

  const funnelRows = report.funnel.map((row) => [escapeHtml(row.label), String(row.now), String(row.reached), String(row.entered)]);
  const slaRows = report.sla.map((row) => [
    `${escapeHtml(row.label)}<br><span class="muted">${escapeHtml(row.id)} · within ${escapeHtml(row.within)} · ${escapeHtml(row.owner)}</span>`,
    String(row.started),
    String(row.met),
    String(row.late),
    row.breached ? `<span class="status breached">${row.breached}</span>` : '0',
    String(row.open),
    pct(row.compliance),
    row.olderBreaches ? String(row.olderBreaches) : '0',
  ]);
  const breached = report.sla.flatMap((row) => row.breachedLeads.map((lead) => ({ row, lead })));
  const breachedRows = breached.map(({ row, lead }) => [
    escapeHtml(lead.leadId),
    escapeHtml(lead.name ?? '–'),
    escapeHtml(lead.owner ?? 'unassigned'),
    escapeHtml(row.label),
    escapeHtml(localDateTime(lead.dueAt, tz)),
    `<span class="status breached">${escapeHtml(lateText(lead))}</span>`,
  ]);
  const goalRows = report.goals.map((goal) => [
    `${escapeHtml(goal.label)}<br><span class="muted">${escapeHtml(goal.subject)} · ${escapeHtml(goal.owner)}</span>`,
    `${escapeHtml(goal.period.label)}<br><span class="muted">${pct(goal.elapsed)} gone</span>`,
    escapeHtml(goalActualText(goal)),
    goal.kind === 'count' ? String(Math.round(goal.expectedByNow ?? 0)) : '–',
    `<span class="status ${goal.status}">${goalStatusText(goal)}</span>`,
    escapeHtml(goalNeedText(goal)),
  ]);
  const repRows = fb.byRep.map((rep) => [escapeHtml(rep.who), String(rep.accepted), String(rep.rejected), pct(rep.accepted / (rep.accepted + rep.rejected))]);
  if (fb.byRep.length) repRows.push(['<em>All reps</em>', `<strong>${fb.accepted}</strong>`, `<strong>${fb.rejected}</strong>`, `<strong>${pct(fb.accepted / fb.total)}</strong>`]);

  const [funnelSvg, slaSvg, goalsSvg, rejectsSvg] = await Promise.all([
    chart(funnelSpec(report), 'Leads at or past each stage'),
    report.sla.some((r) => r.started > 0) ? chart(slaSpec(report), 'SLA clocks started in the period, by state') : Promise.resolve(''),
    chart(goalsSpec(report), 'Count goals: progress against target'),
    chart(rejectsSpec(report), 'Why reps rejected MQLs'),
  ]);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${report.project}: weekly report ${report.period.label}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(report.project)}: weekly lead report</h1>
<p class="meta"><strong>${escapeHtml(period)}</strong>, dates in ${escapeHtml(tz)} · rules ${escapeHtml(report.rulesVersion)} (${escapeHtml(report.rulesHash.replace(/^sha256-/, '').slice(0, 12) || 'no hash')}) · ${report.leads} leads · as of ${escapeHtml(localDateTime(report.now, tz))}</p>
</header>
<div class="kpis">${kpis.map((k) => `<div class="kpi"><span class="value">${escapeHtml(k.value)}</span><span class="label">${escapeHtml(k.label)}</span></div>`).join('')}</div>

<section id="funnel">
<h2>Funnel</h2>
<div class="cols">
${funnelSvg}
<figure class="table"><figcaption>Leads by stage</figcaption>${table(['Stage', 'Now at', 'At or past', `Entered in ${escapeHtml(report.period.label)}`], funnelRows, new Set([1, 2, 3]))}
<p class="muted">“Entered” counts leads whose entry into the stage is known: their present stage, or a rep's decision on the card.</p></figure>
</div>
</section>

<section id="sla">
<h2>SLA compliance</h2>
${slaSvg}
${table(['Commitment', 'Started', 'Met', 'Late', 'Breached', 'Open', 'On time', 'Older breaches still open'], slaRows, new Set([1, 2, 3, 4, 5, 6, 7]))}
${report.sla.some((row) => isBusinessDuration(row.within)) ? `<p class="muted">${escapeHtml(BUSINESS_HOURS_LEGEND)}</p>` : ''}
<h3>Breached: no stop event yet, past the deadline (${breached.length})</h3>
${breached.length ? table(['Lead', 'Name', 'Owner', 'Commitment', 'Was due', 'Late by'], breachedRows, new Set([5])) : '<p class="muted">None. Every clock started in the period was met, is late but done, or is still running.</p>'}
</section>

<section id="goals">
<h2>Goals</h2>
${goalsSvg}
${report.goals.length ? table(['Goal', 'Period', 'So far', 'Even pace today', 'Status', 'Still needed'], goalRows, new Set([3])) : '<p class="muted">sla.yaml has no goals.</p>'}
</section>

<section id="feedback">
<h2>Rep feedback on MQLs</h2>
<div class="cols">
<figure class="table"><figcaption>Decisions in ${escapeHtml(report.period.label)}</figcaption>${fb.byRep.length ? table(['Rep', 'Accepted', 'Rejected', 'Accept rate'], repRows, new Set([1, 2, 3])) : '<p class="muted">No decisions in the period.</p>'}</figure>
${rejectsSvg || '<p class="muted">No rejections in the period.</p>'}
</div>
${crossTabHtml(fb.byPersona, 'Reject reasons by persona (as shown on the card)')}
${crossTabHtml(fb.bySource, 'Reject reasons by lead source')}
${fb.unknownLeads ? `<p class="muted">${fb.unknownLeads} decision${fb.unknownLeads === 1 ? '' : 's'} name a lead that is not in the leads export (lead source unknown).</p>` : ''}
</section>

<footer>
Rules ${escapeHtml(report.rulesVersion)}, hash ${escapeHtml(report.rulesHash || '–')}. Decisions in the period were made under rules ${fb.rulesVersions.map((v) => `${escapeHtml(v.version)} (${v.count})`).join(', ') || '–'}.
Generated by <code>leadpact report</code> at ${escapeHtml(report.now)}; SLA states as of that moment, in business time where the commitment says so.
</footer>
</main>
</body>
</html>
`;
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(headers: string[], rows: string[][], numeric: Set<number> = new Set()): string {
  return [
    `| ${headers.map(mdCell).join(' | ')} |`,
    `| ${headers.map((_, i) => (numeric.has(i) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

export function renderReportMarkdown(report: WeeklyReport): string {
  const fb = report.feedback;
  const out: string[] = [];
  out.push(`## ${report.project}: weekly lead report ${report.period.label}`, '');
  const partial = report.today <= report.period.end ? (report.today < report.period.start ? ', not begun yet' : ', still running') : '';
  out.push(`${describePeriod(report.period)} (${report.timezone}${partial}) · rules ${report.rulesVersion} · ${report.leads} leads · as of ${report.now}`, '');
  out.push('### Funnel', '', mdTable(['Stage', 'Now at', 'At or past', `Entered in ${report.period.label}`], report.funnel.map((r) => [r.label, String(r.now), String(r.reached), String(r.entered)]), new Set([1, 2, 3])), '');
  out.push('### SLA compliance (clocks started in the period)', '');
  out.push(mdTable(['Commitment', 'Started', 'Met', 'Late', 'Breached', 'Open', 'On time'], report.sla.map((r) => [r.label, String(r.started), String(r.met), String(r.late), String(r.breached), String(r.open), pct(r.compliance)]), new Set([1, 2, 3, 4, 5, 6])), '');
  const breached = report.sla.flatMap((row) => row.breachedLeads.map((lead) => ({ row, lead })));
  if (breached.length) {
    out.push(`**Breached (${breached.length}):**`, '');
    const shown = breached.slice(0, 25);
    for (const { row, lead } of shown) out.push(`- ${lead.leadId} ${lead.name ?? ''} (${lead.owner ?? 'unassigned'}): ${row.label}, late by ${lateText(lead)}`);
    if (breached.length > 25) out.push(`- …and ${breached.length - 25} more (see the HTML report)`);
    if (shown.some(({ lead }) => lead.businessTime)) out.push('', BUSINESS_HOURS_LEGEND);
    out.push('');
  }
  out.push('### Goals', '');
  out.push(mdTable(['Goal', 'Period', 'So far', 'Status', 'Still needed'], report.goals.map((g) => [g.label, `${g.period.label} (${pct(g.elapsed)} gone)`, goalActualText(g), goalStatusText(g), goalNeedText(g)])), '');
  out.push('### Rep feedback', '');
  out.push(fb.total ? `${fb.total} decisions: ${fb.accepted} accepted, ${fb.rejected} rejected (${pct(fb.accepted / fb.total)} accepted).` : 'No decisions in the period.', '');
  if (fb.byRep.length) out.push(mdTable(['Rep', 'Accepted', 'Rejected'], fb.byRep.map((r) => [r.who, String(r.accepted), String(r.rejected)]), new Set([1, 2])), '');
  for (const [title, tab] of [['Reject reasons by persona', fb.byPersona], ['Reject reasons by lead source', fb.bySource]] as const) {
    if (!tab.rows.length) continue;
    out.push(`**${title}**`, '', mdTable(['Reason', ...tab.columns, 'Total'], tab.rows.map((r) => [r.label, ...tab.columns.map((c) => String(r.counts[c] ?? 0)), String(r.total)]), new Set(tab.columns.map((_, i) => i + 1).concat(tab.columns.length + 1))), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
