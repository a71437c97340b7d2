/**
 * `leadpact diff` output: the same report as plain text (a terminal plan), markdown (a pull
 * request comment, with a hidden marker so the workflow updates one comment in place) and JSON.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { SLA_STATES, type Histogram, type Impact, type Matrix, type Mover, type ScoreStats, type SlaShift } from './impact';
import { ITEM_NOUNS, showValue, type RuleChange, type RuleItem } from './rules-changes';

/** The first line of the markdown report; the workflow finds its own comment by it. */
export const DIFF_MARKER = '<!-- leadpact-diff -->';

export interface DiffReport {
  base: { ref: string; version: string | null; exists: boolean; valid: boolean; errors: number };
  head: { version: string | null };
  leadsFile: string | null;
  changes: RuleChange[];
  /** null when nothing changed, so no lead was scored. */
  impact: Impact | null;
}

const fmt = (n: number) => n.toLocaleString('en');
const SYMBOL: Record<RuleChange['type'], string> = { added: '+', removed: '-', edited: '~', renamed: '>' };

// --- Shared pieces ---------------------------------------------------------------------------------

function headline(report: DiffReport): string {
  const base = `${report.base.ref}${report.base.version ? ` (${report.base.version})` : ''}`;
  const head = `working tree${report.head.version ? ` (${report.head.version})` : ''}`;
  return `rules at ${base} → ${head}`;
}

function nothingChanged(report: DiffReport): string {
  return `No changes: the rules in the working tree are the same as at ${report.base.ref}; no lead moves.`;
}

function changeCounts(changes: readonly RuleChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  return ['added', 'edited', 'renamed', 'removed'].filter((t) => counts.has(t)).map((t) => `${counts.get(t)} ${t}`).join(', ');
}

function changeWhere(change: RuleChange): string {
  const model = change.kind === 'rule' ? (change.after ?? change.before)?.logic.model : undefined;
  const file = change.file.replace(/^.*?rules\//, '');
  return typeof model === 'string' ? `${file}, model ${model}` : file;
}

function changeDetail(change: RuleChange, limit = 3): string {
  if (change.type === 'added' || change.type === 'removed') return change.label ? `"${change.label}"` : '';
  const prefix = change.type === 'renamed' ? `renamed from ${change.fromId}` : '';
  const leaves = change.leaves.slice(0, limit).map(showLeaf);
  if (change.leaves.length > limit) leaves.push(`${change.leaves.length - limit} more`);
  return [prefix, leaves.join('; ')].filter(Boolean).join(': ');
}

/** `points 18 → 20`; for lists of plain values what was added and removed: `holidays +"2027-01-01" -"2026-01-01"`. */
function showLeaf(leaf: { path: string; before: unknown; after: unknown }): string {
  const plain = (v: unknown): v is Array<string | number | boolean | null> =>
    Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
  if (plain(leaf.before) && plain(leaf.after)) {
    const before = new Set(leaf.before.map((x) => JSON.stringify(x)));
    const after = new Set(leaf.after.map((x) => JSON.stringify(x)));
    const added = [...after].filter((x) => !before.has(x)).map((x) => `+${x}`);
    const removed = [...before].filter((x) => !after.has(x)).map((x) => `-${x}`);
    const all = [...added, ...removed];
    if (all.length === 0) return `${leaf.path} reordered`;
    return `${leaf.path} ${all.slice(0, 4).join(' ')}${all.length > 4 ? ` (${all.length - 4} more)` : ''}`;
  }
  return `${leaf.path} ${showValue(leaf.before, 40)} → ${showValue(leaf.after, 40)}`;
}

function statsCell(s: ScoreStats | null, key: keyof ScoreStats): string {
  return s ? String(s[key]) : '—';
}

function arrow(before: string, after: string): string {
  return before === after ? after : `${before} → ${after}`;
}

function signed(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

function moverSummary(m: Mover): string {
  const parts = [`total ${m.before?.score.total ?? '—'} → ${m.after.score.total} (${signed(m.delta)})`];
  if (m.before?.stage !== m.after.stage) parts.push(`stage ${m.before?.stage ?? 'none'} → ${m.after.stage ?? 'none'}`);
  if (m.before?.grade !== m.after.grade) parts.push(`grade ${m.before?.grade ?? 'none'} → ${m.after.grade ?? 'none'}`);
  if (m.before?.persona !== m.after.persona) parts.push(`persona ${m.before?.persona ?? 'none'} → ${m.after.persona ?? 'none'}`);
  return parts.join(', ');
}

/** The edited stage, persona and grade definitions that bear on a mover's new stage, persona or grade. */
function definitionReasons(m: Mover, changes: readonly RuleChange[]): string[] {
  const touched = (kind: RuleChange['kind'], ids: Array<string | null | undefined>) =>
    changes.filter((c) => c.kind === kind && (ids.includes(c.id) || (c.fromId !== undefined && ids.includes(c.fromId))));
  const reasons: RuleChange[] = [];
  if (m.before?.stage !== m.after.stage) reasons.push(...touched('stage', [m.before?.stage, m.after.stage]));
  if (m.before?.persona !== m.after.persona) reasons.push(...touched('persona', [m.before?.persona, m.after.persona]));
  if (m.before?.grade !== m.after.grade) reasons.push(...touched('grade-band', [m.before?.grade, m.after.grade]), ...touched('grade', ['grade']));
  return reasons.map((c) => c.reason);
}

function firedSummary(m: Mover, changes: readonly RuleChange[] = []): string {
  const definitions = definitionReasons(m, changes);
  if (m.fired.length === 0) return definitions.length ? definitions.join('; ') : 'no scoring rule fired differently (a persona, stage or grade definition changed)';
  return (definitions.length ? `${definitions.join('; ')}; ` : '') + m.fired
    .slice(0, 4)
    .map((f) => `${f.rule} ${f.before === null ? 'now fires' : f.after === null ? 'no longer fires' : 'changed'} (${f.before === null ? '' : `${signed(f.before)} → `}${f.after === null ? '0' : signed(f.after)})`)
    .join('; ') + (m.fired.length > 4 ? `; ${m.fired.length - 4} more` : '');
}

/** The moves of a matrix as "from → to: n", largest first. */
/** One commitment's counts per state, "before → after" ("–" for a side without the commitment). */
function slaStateCells(shift: SlaShift, named = true): string[] {
  return SLA_STATES.map((state) => {
    const before = shift.before ? fmt(shift.before[state]!) : '–';
    const after = shift.after ? fmt(shift.after[state]!) : '–';
    const value = before === after ? after : `${before} → ${after}`;
    return named ? `${state} ${value}` : value;
  });
}

function moves(matrix: Matrix): Array<{ from: string; to: string; count: number }> {
  return matrix.cells.filter((c) => c.from !== c.to).sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1));
}

function matrixRows(matrix: Matrix): { header: string[]; rows: string[][] } {
  const froms = matrix.order.filter((id) => matrix.cells.some((c) => c.from === id));
  const tos = matrix.order.filter((id) => matrix.cells.some((c) => c.to === id));
  const count = (from: string, to: string) => matrix.cells.find((c) => c.from === from && c.to === to)?.count ?? 0;
  const rows = froms.map((from) => [from, ...tos.map((to) => {
    const n = count(from, to);
    return n === 0 ? '·' : from === to ? fmt(n) : `**${fmt(n)}**`;
  })]);
  return { header: ['from \\ to', ...tos], rows };
}

function histogramRows(h: Histogram): string[][] {
  return h.bounds.map((lo, i) => {
    const hi = i === h.bounds.length - 1 ? '' : `${lo + h.width - 1}`;
    const label = h.width === 1 ? `${lo}` : hi ? `${lo}–${hi}` : `${lo}+`;
    const after = h.after[i]!;
    const before = h.before ? h.before[i]! : null;
    return [label, before === null ? '—' : fmt(before), fmt(after), before === null ? '' : signed(after - before)];
  });
}

// --- Text ------------------------------------------------------------------------------------------

export function renderText(report: DiffReport): string {
  const out: string[] = [`leadpact diff: ${headline(report)}`];
  if (report.changes.length === 0) {
    out.push('', nothingChanged(report));
    return `${out.join('\n')}\n`;
  }
  if (!report.base.exists) out.push(`The rules did not exist at ${report.base.ref}: everything is added.`);
  else if (!report.base.valid) out.push(`The rules at ${report.base.ref} do not validate (${report.base.errors} error(s)): impact is shown without a base.`);

  out.push('', `Rule changes (${changeCounts(report.changes)}):`);
  for (const c of report.changes) {
    const detail = changeDetail(c);
    out.push(`  ${SYMBOL[c.type]} ${ITEM_NOUNS[c.kind]} ${c.id} (${changeWhere(c)}; owner ${c.owners.join(' → ') || 'none'})${detail ? `: ${detail}` : ''}  [${c.bump}]`);
  }

  const impact = report.impact;
  if (impact) {
    out.push('', `Impact on ${fmt(impact.leads)} leads${report.leadsFile ? ` from ${report.leadsFile}` : ''} at ${impact.now}:`);
    out.push(`  ${fmt(impact.stages.moved)} change stage, ${fmt(impact.personas.moved)} change persona, ${fmt(impact.grades.moved)} change grade; ${fmt(impact.changedLeads)} change in any way`);
    for (const [title, matrix] of [['Stage moves', impact.stages], ['Persona changes', impact.personas], ['Grade changes', impact.grades]] as const) {
      const list = moves(matrix);
      out.push('', `${title}:`);
      if (list.length === 0) out.push('  none');
      for (const m of list.slice(0, 15)) out.push(`  ${m.from} → ${m.to}: ${fmt(m.count)}`);
      if (list.length > 15) out.push(`  ... ${list.length - 15} more`);
    }
    out.push('', 'Scores (mean / median / p90, before → after):');
    const width = Math.max(...impact.models.map((m) => m.model.length));
    for (const m of impact.models) {
      const cells = (['mean', 'median', 'p90'] as const).map((k) => arrow(statsCell(m.before, k), statsCell(m.after, k)));
      out.push(`  ${m.model.padEnd(width)}  ${cells.join(' / ')}${impact.compared ? `  (${fmt(m.changed)} leads changed)` : ''}`);
    }
    const total = impact.models.find((m) => m.model === 'total');
    if (total && impact.compared && total.changed > 0) {
      out.push('', 'Total score histogram (before → after):');
      for (const [label, before, after, delta] of histogramRows(total.histogram)) {
        if (before === '0' && after === '0') continue;
        out.push(`  ${label!.padStart(9)}  ${before!.padStart(7)} → ${after!.padEnd(7)} ${delta}`);
      }
    }
    if (impact.sla) {
      out.push('', `SLA clocks (the SLA changed; ${fmt(impact.sla.changedLeads)} lead(s) get another state or due time), leads by state, before → after:`);
      for (const shift of impact.sla.commitments) out.push(`  ${shift.commitment}: ${slaStateCells(shift).join(', ')}`);
    }
    if (impact.movers.length) {
      out.push('', 'Top movers:');
      for (const m of impact.movers) {
        out.push(`  ${m.id}: ${moverSummary(m)}`);
        out.push(`      because ${firedSummary(m, report.changes)}`);
      }
    }
  }
  out.push('', `Plan: ${report.changes.length} rule change(s)${impact ? `; ${fmt(impact.stages.moved)} lead(s) change stage, ${fmt(impact.changedLeads)} of ${fmt(impact.leads)} change` : ''}.`);
  return `${out.join('\n')}\n`;
}

// --- Markdown --------------------------------------------------------------------------------------

function table(header: string[], rows: string[][], align?: string[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${(align ?? header.map(() => '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function renderMarkdown(report: DiffReport): string {
  const out: string[] = [DIFF_MARKER, `### Leadpact impact: ${headline(report).replace(/^rules at (\S+)/, (_, ref: string) => `rules at ${code(ref)}`)}`, ''];
  if (report.changes.length === 0) {
    out.push(nothingChanged(report));
    return `${out.join('\n')}\n`;
  }
  const impact = report.impact;
  if (!report.base.exists) out.push(`> The rules did not exist at ${code(report.base.ref)}: everything is added.`, '');
  else if (!report.base.valid) out.push(`> The rules at ${code(report.base.ref)} do not validate (${report.base.errors} error(s)): impact is shown without a base.`, '');
  if (impact) {
    out.push(`**${fmt(impact.stages.moved)}** of ${fmt(impact.leads)} leads change stage · **${fmt(impact.personas.moved)}** change persona · ` +
      `**${fmt(impact.grades.moved)}** change grade · **${fmt(impact.changedLeads)}** change in any way` +
      ` (scored at ${impact.now}${report.leadsFile ? ` from ${code(report.leadsFile)}` : ''})`, '');
  }

  out.push(`#### Rule changes (${changeCounts(report.changes)})`, '');
  out.push(table(['', 'item', 'where', 'owner', 'change', 'bump'], report.changes.map((c) => [
    SYMBOL[c.type] === '-' ? '➖' : SYMBOL[c.type] === '+' ? '➕' : c.type === 'renamed' ? '🔀' : '✏️',
    `${ITEM_NOUNS[c.kind]} ${code(c.id)}`,
    changeWhere(c),
    c.owners.join(' → ') || '—',
    changeDetail(c),
    c.bump,
  ])));

  if (impact) {
    out.push('', '#### Stage moves', '');
    if (impact.stages.moved === 0) out.push('No lead changes stage.');
    else {
      const { header, rows } = matrixRows(impact.stages);
      out.push(table(header, rows), '', '<sub>Rows: stage with the base rules; columns: with this change. Bold cells are moves.</sub>');
    }

    out.push('', '#### Score distribution', '');
    out.push(table(['model', 'mean', 'median', 'p90', 'min–max', 'leads changed'], impact.models.map((m) => [
      m.model === 'total' ? '**total**' : m.model,
      arrow(statsCell(m.before, 'mean'), statsCell(m.after, 'mean')),
      arrow(statsCell(m.before, 'median'), statsCell(m.after, 'median')),
      arrow(statsCell(m.before, 'p90'), statsCell(m.after, 'p90')),
      arrow(m.before ? `${m.before.min}–${m.before.max}` : '—', m.after ? `${m.after.min}–${m.after.max}` : '—'),
      impact.compared ? fmt(m.changed) : '—',
    ])));
    const histograms = impact.models.filter((m) => !impact.compared || m.changed > 0);
    if (histograms.length) {
      out.push('', '<details><summary>Histograms</summary>', '');
      for (const m of histograms) {
        out.push(`**${m.label}**`, '', table(['score', 'before', 'after', 'Δ'], histogramRows(m.histogram)), '');
      }
      out.push('</details>');
    }

    for (const [title, matrix, noun] of [['Persona changes', impact.personas, 'persona'], ['Grade changes', impact.grades, 'grade']] as const) {
      out.push('', `#### ${title}`, '');
      const list = moves(matrix);
      if (list.length === 0) out.push(`No lead changes ${noun}.`);
      else out.push(table(['from', 'to', 'leads'], list.slice(0, 20).map((m) => [m.from, m.to, fmt(m.count)])));
    }

    if (impact.sla) {
      out.push('', '#### SLA clocks', '', `The SLA changed: **${fmt(impact.sla.changedLeads)}** lead(s) get another state or due time. Leads by state, before → after:`, '');
      out.push(table(['commitment', ...SLA_STATES], impact.sla.commitments.map((shift) => [code(shift.commitment), ...slaStateCells(shift, false)])));
    }

    if (impact.movers.length) {
      out.push('', '#### Top movers', '');
      out.push(table(['lead', 'move', 'because'], impact.movers.map((m) => [code(m.id), moverSummary(m), firedSummary(m, report.changes)])));
    }
  }

  const edits = report.changes.filter((c) => c.before && c.after);
  if (edits.length) {
    out.push('', '<details><summary>Rule diffs</summary>', '');
    for (const c of edits) out.push(`${ITEM_NOUNS[c.kind]} ${code(c.id)}`, '', '```diff', itemPatch(c.before!, c.after!).trimEnd(), '```', '');
    out.push('</details>');
  }
  out.push('', `<sub>Generated by ${code('leadpact diff')}; this comment is updated on every push.</sub>`);
  return `${out.join('\n')}\n`;
}

/** A unified diff of an item before and after, as YAML (jsdiff). */
export function itemPatch(before: RuleItem, after: RuleItem): string {
  const show = (item: RuleItem) => stringify({ id: item.id, owner: item.owner, ...item.text, ...item.logic }, { lineWidth: 0 });
  const patch = createTwoFilesPatch(before.file, after.file, show(before), show(after), undefined, undefined, { context: 2 });
  // Drop the "Index:" and "===" header lines; keep --- / +++ and the hunks.
  return patch.split('\n').filter((line) => !line.startsWith('Index:') && !line.startsWith('====')).join('\n');
}

// --- JSON ------------------------------------------------------------------------------------------

export function renderJson(report: DiffReport): string {
  const changes = report.changes.map((c) => ({
    type: c.type, kind: c.kind, id: c.id, ...(c.fromId ? { fromId: c.fromId } : {}), file: c.file, owners: c.owners,
    label: c.label, bump: c.bump, reason: c.reason, aspects: c.aspects, leaves: c.leaves,
  }));
  return `${JSON.stringify({ base: report.base, head: report.head, leadsFile: report.leadsFile, changed: report.changes.length > 0, changes, impact: report.impact }, null, 2)}\n`;
}
