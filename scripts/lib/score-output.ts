/**
 * What `leadpact score` prints per lead, in three formats:
 * - jsonl: the outcome exactly as DESIGN 4 defines it (the same object the overlay shows), one per
 *   line; `--explain` adds each fired rule's label.
 * - csv: one row per lead for a spreadsheet or a CRM import: id, email, name, the scores, grade,
 *   persona, stage, its entry time and three columns per SLA commitment; `--explain` adds a
 *   `fired` column ("fit/senior-title +20; engagement/email-clicks +9"). Text that a spreadsheet
 *   would take for a formula is escaped.
 * - table: for people, sized to the terminal; `--explain` adds an indented line of fired rules.
 *
 * Writers collect text; the caller takes it in batches and writes it with backpressure.
 */
import { stringify } from 'csv-stringify/sync';
import { isBusinessDuration } from '../../extension/engine/duration';
import type { Fired, Outcome, SlaState } from '../../extension/engine/index';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { formatDuration } from '../../extension/ui/duration';

export type OutputFormat = 'jsonl' | 'csv' | 'table';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['jsonl', 'csv', 'table'];

export interface OutcomeWriter {
  add(lead: Lead, outcome: Outcome): void;
  /** The text collected since the last call. */
  take(): string;
  /** The text still held back (the table keeps its first rows to size the columns). */
  finish(): string;
}

export interface WriterOptions {
  explain: boolean;
  /** Terminal width for the table; undefined: columns take their natural width. */
  width?: number;
}

export function createWriter(format: OutputFormat, bundle: Bundle, options: WriterOptions): OutcomeWriter {
  switch (format) {
    case 'jsonl':
      return jsonlWriter(bundle, options.explain);
    case 'csv':
      return csvWriter(bundle, options.explain);
    case 'table':
      return tableWriter(bundle, options.explain, options.width ?? Number.POSITIVE_INFINITY);
    default:
      throw new Error(`unknown output format ${String(format satisfies never)}`);
  }
}

/** `model/rule` to the rule's label, for --explain. */
function ruleLabels(bundle: Bundle): Map<string, string> {
  const labels = new Map<string, string>();
  for (const model of bundle.models) for (const rule of model.rules) labels.set(`${model.id}/${rule.id}`, rule.label);
  return labels;
}

// --- JSON Lines --------------------------------------------------------------------------------------

function jsonlWriter(bundle: Bundle, explain: boolean): OutcomeWriter {
  const labels = explain ? ruleLabels(bundle) : undefined;
  let text = '';
  return {
    add(_lead, outcome) {
      const shown = labels
        ? { ...outcome, fired: outcome.fired.map((f) => ({ ...f, label: labels.get(`${f.model}/${f.rule}`) ?? f.rule })) }
        : outcome;
      text += `${JSON.stringify(shown)}\n`;
    },
    take() {
      const out = text;
      text = '';
      return out;
    },
    finish() {
      return this.take();
    },
  };
}

// --- CSV -----------------------------------------------------------------------------------------------

function csvWriter(bundle: Bundle, explain: boolean): OutcomeWriter {
  const models = bundle.models.map((model) => model.id);
  const commitments = bundle.sla.commitments.map((commitment) => commitment.id);
  const header = [
    'id', 'email', 'name', 'score.total', ...models.map((id) => `score.${id}`), 'grade', 'persona', 'stage', 'stageEnteredAt',
    ...commitments.flatMap((id) => [`sla.${id}`, `sla.${id}.dueAt`, `sla.${id}.remainingMinutes`]),
    ...(explain ? ['fired'] : []),
  ];
  let rows: unknown[][] = [header];
  return {
    add(lead, outcome) {
      const sla = new Map(outcome.sla.map((state) => [state.id, state]));
      rows.push([
        outcome.id, lead.email ?? '', lead.name ?? '', outcome.score.total, ...models.map((id) => outcome.score[id] ?? ''),
        outcome.grade ?? '', outcome.persona ?? '', outcome.stage ?? '', outcome.stageEnteredAt ?? '',
        ...commitments.flatMap((id) => {
          const state = sla.get(id);
          return state ? [state.state, state.dueAt, state.remainingMinutes ?? ''] : ['', '', ''];
        }),
        ...(explain ? [firedText(outcome.fired)] : []),
      ]);
    },
    take() {
      if (rows.length === 0) return '';
      // Names and emails come from web forms: a cell starting with = + - @ would run as a formula
      // when the file is opened in a spreadsheet, so such cells get a leading quote.
      const out = stringify(rows, { escape_formulas: true });
      rows = [];
      return out;
    },
    finish() {
      return this.take();
    },
  };
}

function firedText(fired: readonly Fired[]): string {
  return fired.map((f) => `${f.model}/${f.rule} ${signed(f.points)}`).join('; ');
}

function signed(points: number): string {
  return points < 0 ? `${points}` : `+${points}`;
}

// --- The table ----------------------------------------------------------------------------------------

/** Rows held back to size the columns before the first line is printed. */
const SIZING_ROWS = 50;
const GAP = '  ';

interface Column {
  title: string;
  align: 'left' | 'right';
  /** Narrowest it may be squeezed to when the terminal is narrow (0: never squeezed). */
  min: number;
  /** Squeezed before the columns of a higher rank: descriptive text first, the lead's id last. */
  rank: number;
  /** Widest it grows to for its content. */
  max: number;
  cell: (lead: Lead, outcome: Outcome) => string;
}

function tableWriter(bundle: Bundle, explain: boolean, terminalWidth: number): OutcomeWriter {
  const columns: Column[] = [
    { title: 'ID', align: 'left', min: 8, rank: 3, max: 24, cell: (_lead, o) => o.id },
    { title: 'Name / email', align: 'left', min: 10, rank: 1, max: 28, cell: (lead) => lead.name ?? lead.email ?? lead.emails?.[0] ?? '' },
    { title: 'Total', align: 'right', min: 0, rank: 0, max: 6, cell: (_lead, o) => String(o.score.total) },
    ...bundle.models.map((model): Column => ({
      title: model.id, align: 'right', min: 5, rank: 2, max: 12, cell: (_lead, o) => String(o.score[model.id] ?? ''),
    })),
    { title: 'Grade', align: 'left', min: 0, rank: 0, max: 5, cell: (_lead, o) => o.grade ?? '-' },
    { title: 'Persona', align: 'left', min: 8, rank: 1, max: 24, cell: (_lead, o) => o.persona ?? '-' },
    { title: 'Stage', align: 'left', min: 6, rank: 2, max: 14, cell: (_lead, o) => o.stage ?? '-' },
    { title: 'SLA', align: 'left', min: 10, rank: 1, max: 44, cell: (_lead, o) => slaSummary(o.sla, business) },
  ];
  const width = Math.max(40, terminalWidth);
  const business = new Set(bundle.sla.commitments.filter((c) => isBusinessDuration(c.within)).map((c) => c.id));
  let held: { cells: string[]; fired: readonly Fired[] }[] = [];
  let widths: number[] | undefined;
  let text = '';

  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => fit(cell, widths![i]!, columns[i]!.align)).join(GAP).trimEnd();
  const print = (row: { cells: string[]; fired: readonly Fired[] }) => {
    text += `${line(row.cells)}\n`;
    if (explain) text += explainLines(row.fired, width);
  };
  const start = () => {
    widths = sizeColumns(columns, held.map((row) => row.cells), width);
    text += `${line(columns.map((c) => c.title))}\n`;
    for (const row of held) print(row);
    held = [];
  };

  return {
    add(lead, outcome) {
      const row = { cells: columns.map((column) => clean(column.cell(lead, outcome))), fired: outcome.fired };
      if (widths) print(row);
      else {
        held.push(row);
        if (held.length >= SIZING_ROWS) start();
      }
    },
    take() {
      const out = text;
      text = '';
      return out;
    },
    finish() {
      if (!widths && held.length > 0) start();
      return this.take();
    },
  };
}

/** Natural widths (title and content, capped), squeezed widest-first, lowest rank first, until the line fits. */
export function sizeColumns(columns: readonly Column[], rows: readonly (readonly string[])[], terminalWidth: number): number[] {
  const widths = columns.map((column, i) =>
    Math.min(column.max, Math.max(column.title.length, ...rows.map((cells) => cells[i]!.length))));
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * (columns.length - 1);
  const ranks = [...new Set(columns.map((c) => c.rank).filter((rank) => rank > 0))].sort((a, b) => a - b);
  for (const rank of ranks) {
    while (total() > terminalWidth) {
      let widest = -1;
      for (let i = 0; i < columns.length; i++) {
        const { min, rank: own } = columns[i]!;
        if (own === rank && widths[i]! > min && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
      }
      if (widest === -1) break; // this rank is as narrow as it gets: squeeze the next one
      widths[widest]!--;
    }
  }
  // Still too wide: the terminal wraps the lines.
  return widths;
}

function fit(text: string, width: number, align: 'left' | 'right'): string {
  const cut = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}

/** Control characters and line breaks from the data never reach the terminal. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function explainLines(fired: readonly Fired[], width: number): string {
  const indent = '    ';
  if (fired.length === 0) return `${indent}no rule fired\n`;
  const parts = fired.map((f) => `${f.model}/${f.rule} ${signed(f.points)}`);
  let out = '';
  let current = `${indent}fired:`;
  parts.forEach((part, i) => {
    const text = i < parts.length - 1 ? `${part},` : part;
    if (i > 0 && current.length + 1 + text.length > width) {
      out += `${current}\n`;
      current = `${indent}       ${text}`;
    } else current += ` ${text}`;
  });
  return `${out}${current}\n`;
}

/**
 * The commitments in a few words: `mql-first-touch warning, 1h 35m left`; the commitments named in
 * `business` count business hours: `mql-first-touch breached 12bh ago`.
 */
export function slaSummary(states: readonly SlaState[], business: ReadonlySet<string> = new Set()): string {
  if (states.length === 0) return '-';
  return states.map((state) => {
    switch (state.state) {
      case 'met':
      case 'late':
        return `${state.id} ${state.state}`;
      case 'breached':
        return `${state.id} breached ${formatDuration(-(state.remainingMinutes ?? 0), business.has(state.id))} ago`;
      default:
        return `${state.id} ${state.state}, ${formatDuration(state.remainingMinutes ?? 0, business.has(state.id))} left`;
    }
  }).join('; ');
}
