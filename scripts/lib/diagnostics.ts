/**
 * Diagnostics: the one-line-per-problem findings of `leadpact validate` and their three output
 * formats (plain text for people, GitHub workflow commands for annotations, JSON for tools).
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
  message: string;
  severity: Severity;
  /** Short kebab-case id of the check, e.g. 'yaml-alias', 'unknown-field'. */
  code: string;
}

export type DiagnosticFormat = 'text' | 'github' | 'json';

/** Orders by file, line and column; ties keep their input order (Array.prototype.sort is stable). */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => compareStrings(a.file, b.file) || a.line - b.line || a.col - b.col);
}

/**
 * Renders diagnostics, sorted by file, line and column. Every format ends each line with a newline;
 * text and github give an empty string for no diagnostics, json gives `[]\n`.
 */
export function formatDiagnostics(diags: Diagnostic[], format: DiagnosticFormat): string {
  const sorted = sortDiagnostics(diags);
  switch (format) {
    case 'text':
      return sorted.map((d) => `${formatTextLine(d)}\n`).join('');
    case 'github':
      return sorted.map((d) => `${formatGithubLine(d)}\n`).join('');
    case 'json':
      return `${JSON.stringify(sorted.map(toStableObject), null, 2)}\n`;
    default:
      throw new Error(`unknown diagnostics format: ${String(format satisfies never)}`);
  }
}

/** `path:line:col: message`, or `path:line:col: warning: message`. */
export function formatTextLine(d: Diagnostic): string {
  const prefix = `${oneLine(d.file)}:${d.line}:${d.col}: `;
  return d.severity === 'warning' ? `${prefix}warning: ${oneLine(d.message)}` : `${prefix}${oneLine(d.message)}`;
}

/** `::error file=…,line=…,col=…,title=leadpact <code>::message`, escaped as GitHub's toolkit does. */
export function formatGithubLine(d: Diagnostic): string {
  const properties = [
    `file=${escapeGithubProperty(d.file)}`,
    `line=${d.line}`,
    `col=${d.col}`,
    `title=${escapeGithubProperty(`leadpact ${d.code}`)}`,
  ].join(',');
  return `::${d.severity === 'warning' ? 'warning' : 'error'} ${properties}::${escapeGithubData(d.message)}`;
}

/** Escaping for a workflow command's message (actions/toolkit `escapeData`). */
export function escapeGithubData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for a workflow command's property value (actions/toolkit `escapeProperty`). */
export function escapeGithubProperty(value: string): string {
  return escapeGithubData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function toStableObject(d: Diagnostic) {
  // A fixed key order, whatever order the producer built the object in.
  return { file: d.file, line: d.line, col: d.col, severity: d.severity, code: d.code, message: d.message };
}

/**
 * Keeps a text diagnostic on one line and keeps terminal control sequences (ESC, C1 controls) that
 * a hostile file name or message might carry from reaching the terminal.
 */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function compareStrings(a: string, b: string): number {
  // Code-unit order, not locale order: the same output on every machine.
  return a < b ? -1 : a > b ? 1 : 0;
}
