/**
 * The report's charts: Vega-Lite specs rendered to SVG text in Node (vega's headless view, no
 * canvas, no network), so the HTML page holds them inline and needs nothing else to display or
 * print. Every chart writes its numbers on the marks, so no reading depends on colour alone.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { WeeklyReport } from './report';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', labelColor: '#222', titleColor: '#444', gridColor: '#e6e6e6', domainColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'top' },
} as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vgSpec } = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Accessible name; the sizes stay so print keeps the aspect ratio.
    return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttr(spec.description ?? 'chart')}" `);
  } finally {
    view.finalize();
  }
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function funnelSpec(report: WeeklyReport): TopLevelSpec {
  const values = report.funnel.map((row, order) => ({ stage: row.label, order, reached: row.reached, entered: row.entered }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Funnel: leads that reached each stage, ${report.funnel.map((r) => `${r.label} ${r.reached}`).join(', ')}`,
    width: 260,
    height: { step: 28 },
    data: { values },
    encoding: {
      y: { field: 'stage', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null, axis: { labelLimit: 400 } },
    },
    layer: [
      {
        mark: { type: 'bar', color: '#3a6ea5' },
        encoding: { x: { field: 'reached', type: 'quantitative', title: 'leads at or past the stage' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12, color: '#111' },
        encoding: {
          x: { field: 'reached', type: 'quantitative', title: 'leads at or past the stage' },
          text: { field: 'label', type: 'nominal' },
        },
        transform: [{ calculate: "datum.reached + (datum.entered ? '  (+' + datum.entered + ' this period)' : '')", as: 'label' }],
      },
    ],
  } as TopLevelSpec;
}

const SLA_STATES = [
  { key: 'met', label: 'met', color: '#2e7d32' },
  { key: 'late', label: 'late', color: '#f0a202' },
  { key: 'breached', label: 'breached', color: '#c62828' },
  { key: 'open', label: 'still open', color: '#9e9e9e' },
] as const;

export function slaSpec(report: WeeklyReport): TopLevelSpec {
  const values = report.sla.flatMap((row, order) =>
    SLA_STATES.map((state, rank) => ({ commitment: row.label, order, state: state.label, rank, count: row[state.key], share: row.started ? row[state.key] / row.started : 0 })).filter((v) => v.count > 0),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `SLA clocks started in ${report.period.label} by state: ${report.sla.map((r) => `${r.label}: ${r.met} met, ${r.late} late, ${r.breached} breached, ${r.open} open`).join('; ')}`,
    width: 520,
    height: { step: 34 },
    data: { values },
    encoding: {
      y: { field: 'commitment', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null, axis: { labelLimit: 400 } },
      x: { field: 'count', type: 'quantitative', stack: 'normalize', title: 'share of clocks started in the period', axis: { format: '%' } },
      order: { field: 'rank' },
    },
    layer: [
      {
        mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'state',
            type: 'nominal',
            title: null,
            scale: { domain: SLA_STATES.map((s) => s.label), range: SLA_STATES.map((s) => s.color) },
          },
        },
      },
      {
        // Each segment names its state and count: readable in black and white.
        mark: { type: 'text', dx: 0, fontSize: 11, color: 'white', fontWeight: 'bold' },
        encoding: {
          x: { field: 'count', type: 'quantitative', stack: 'normalize', bandPosition: 0.5 },
          text: { field: 'text', type: 'nominal' },
        },
        // A segment too narrow for its words shows the count alone (the table has every number).
        transform: [{ calculate: "datum.share >= 0.12 ? datum.count + ' ' + datum.state : datum.share >= 0.03 ? '' + datum.count : ''", as: 'text' }],
      },
    ],
  } as TopLevelSpec;
}

const GOAL_AXIS = 'share of target (black tick: where an even pace would be today)';

export function goalsSpec(report: WeeklyReport): TopLevelSpec | undefined {
  const counts = report.goals.filter((g) => g.kind === 'count');
  if (!counts.length) return undefined;
  const values = counts.map((goal, order) => ({
    goal: goal.label,
    order,
    progress: Math.min(1.5, (goal.actual ?? 0) / goal.target),
    expected: goal.elapsed,
    text: `${goal.actual} of ${goal.target} (even pace: ${Math.round(goal.expectedByNow ?? 0)})`,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Goals: ${counts.map((g) => `${g.label} ${g.actual} of ${g.target}`).join('; ')}`,
    width: 520,
    height: { step: 50 },
    data: { values },
    encoding: { y: { field: 'goal', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null, axis: { labelLimit: 400 } } },
    layer: [
      {
        mark: { type: 'bar', color: '#e8eef5', stroke: '#9bb0c8' },
        encoding: { x: { datum: 1, type: 'quantitative', scale: { domain: [0, 1.5] }, axis: { format: '%', values: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5] }, title: GOAL_AXIS } },
      },
      {
        mark: { type: 'bar', color: '#3a6ea5', height: { band: 0.45 }, yOffset: 6 },
        encoding: { x: { field: 'progress', type: 'quantitative', title: GOAL_AXIS } },
      },
      {
        mark: { type: 'tick', color: '#111', thickness: 2, size: 30 },
        encoding: { x: { field: 'expected', type: 'quantitative', title: GOAL_AXIS } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, dy: -13, fontSize: 11, color: '#111' },
        encoding: { x: { datum: 0, type: 'quantitative', title: GOAL_AXIS }, text: { field: 'text', type: 'nominal' } },
      },
    ],
  } as TopLevelSpec;
}

export function rejectsSpec(report: WeeklyReport): TopLevelSpec | undefined {
  const rows = report.feedback.byPersona.rows;
  if (!rows.length) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Reject reasons in ${report.period.label}: ${rows.map((r) => `${r.label} ${r.total}`).join(', ')}`,
    width: 300,
    height: { step: 26 },
    data: { values: rows.map((row, order) => ({ reason: row.label, order, total: row.total })) },
    encoding: {
      y: { field: 'reason', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null, axis: { labelLimit: 400 } },
      x: { field: 'total', type: 'quantitative', title: 'rejected MQLs', axis: { tickMinStep: 1 } },
    },
    layer: [
      { mark: { type: 'bar', color: '#8d6e63' } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 12 }, encoding: { text: { field: 'total', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}
