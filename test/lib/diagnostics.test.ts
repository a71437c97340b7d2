import { describe, expect, it } from 'vitest';
import {
  escapeGithubData,
  escapeGithubProperty,
  formatDiagnostics,
  sortDiagnostics,
  type Diagnostic,
} from '../../scripts/lib/diagnostics';

const error = (file: string, line: number, col: number, message: string, code = 'unknown-field'): Diagnostic => ({
  file,
  line,
  col,
  message,
  severity: 'error',
  code,
});
const warning = (file: string, line: number, col: number, message: string, code = 'unused-rule'): Diagnostic => ({
  ...error(file, line, col, message, code),
  severity: 'warning',
});

describe('formatDiagnostics as text', () => {
  it('gives an empty string when there is nothing to report', () => {
    expect(formatDiagnostics([], 'text')).toBe('');
  });

  it('prints one path:line:col: message line per diagnostic, each ending in a newline', () => {
    const out = formatDiagnostics([error('rules/sla.yaml', 3, 7, 'unknown field compnay.employees')], 'text');
    expect(out).toBe('rules/sla.yaml:3:7: unknown field compnay.employees\n');
  });

  it('marks warnings with "warning:" after the position', () => {
    const out = formatDiagnostics([warning('rules/a.yaml', 1, 2, 'no test exercises rule x')], 'text');
    expect(out).toBe('rules/a.yaml:1:2: warning: no test exercises rule x\n');
  });

  it('sorts by file, then line, then column, numerically', () => {
    const out = formatDiagnostics(
      [
        error('rules/b.yaml', 1, 1, 'b1'),
        error('rules/a.yaml', 10, 1, 'a10'),
        error('rules/a.yaml', 2, 10, 'a2-10'),
        error('rules/a.yaml', 2, 9, 'a2-9'),
      ],
      'text',
    );
    expect(out.split('\n').filter(Boolean)).toEqual([
      'rules/a.yaml:2:9: a2-9',
      'rules/a.yaml:2:10: a2-10',
      'rules/a.yaml:10:1: a10',
      'rules/b.yaml:1:1: b1',
    ]);
  });

  it('keeps diagnostics at the same position in the order they were given', () => {
    const out = formatDiagnostics([error('f.yaml', 1, 1, 'first'), error('f.yaml', 1, 1, 'second')], 'text');
    expect(out).toBe('f.yaml:1:1: first\nf.yaml:1:1: second\n');
  });

  it('keeps a message with line breaks or terminal escapes on one harmless line', () => {
    const out = formatDiagnostics([error('f.yaml', 1, 1, 'bad\nkey \u001b[31mred\r')], 'text');
    expect(out).toBe('f.yaml:1:1: bad\\nkey \\u001b[31mred\\r\n');
  });

  it('does not reorder or change the array it is given', () => {
    const diags = [error('b.yaml', 1, 1, 'b'), error('a.yaml', 1, 1, 'a')];
    formatDiagnostics(diags, 'text');
    expect(diags.map((d) => d.file)).toEqual(['b.yaml', 'a.yaml']);
  });
});

describe('formatDiagnostics as GitHub workflow commands', () => {
  it('writes an ::error command with file, line, col and a title naming the check', () => {
    const out = formatDiagnostics([error('rules/fields.yaml', 4, 3, 'duplicate key "email"', 'yaml-duplicate-key')], 'github');
    expect(out).toBe('::error file=rules/fields.yaml,line=4,col=3,title=leadpact yaml-duplicate-key::duplicate key "email"\n');
  });

  it('writes an ::warning command for warnings', () => {
    const out = formatDiagnostics([warning('rules/a.yaml', 1, 1, 'unused', 'unused-rule')], 'github');
    expect(out).toBe('::warning file=rules/a.yaml,line=1,col=1,title=leadpact unused-rule::unused\n');
  });

  it('escapes %, carriage returns and line feeds in the message', () => {
    const out = formatDiagnostics([error('a.yaml', 1, 1, '100% sure\r\nnext: line, ok')], 'github');
    expect(out).toBe('::error file=a.yaml,line=1,col=1,title=leadpact unknown-field::100%25 sure%0D%0Anext: line, ok\n');
  });

  it('escapes %, line breaks, colons and commas in the file property', () => {
    const out = formatDiagnostics([error('C:\\rules\\a,b%\n.yaml', 2, 5, 'm')], 'github');
    expect(out).toBe('::error file=C%3A\\rules\\a%2Cb%25%0A.yaml,line=2,col=5,title=leadpact unknown-field::m\n');
  });

  it('sorts the commands like the text output', () => {
    const out = formatDiagnostics([error('b.yaml', 1, 1, 'b'), error('a.yaml', 1, 1, 'a')], 'github');
    expect(out.split('\n').filter(Boolean).map((l) => l.slice(-1))).toEqual(['a', 'b']);
  });

  it('gives an empty string when there is nothing to report', () => {
    expect(formatDiagnostics([], 'github')).toBe('');
  });
});

describe('escapeGithubData and escapeGithubProperty', () => {
  it('escape % before the other characters so escapes are not escaped twice', () => {
    expect(escapeGithubData('%0A\n')).toBe('%250A%0A');
    expect(escapeGithubProperty('%3A:,')).toBe('%253A%3A%2C');
  });
});

describe('formatDiagnostics as JSON', () => {
  it('writes a JSON array with a trailing newline that parses back to the diagnostics', () => {
    const diags = [error('a.yaml', 2, 3, 'm', 'yaml-tab'), warning('a.yaml', 5, 1, 'w')];
    const out = formatDiagnostics(diags, 'json');
    expect(out.endsWith(']\n')).toBe(true);
    expect(JSON.parse(out)).toEqual(diags);
  });

  it('writes every diagnostic with the same key order, whatever order the object was built in', () => {
    const scrambled = { code: 'yaml-alias', message: 'm', severity: 'error', col: 4, line: 3, file: 'a.yaml' } as const;
    const out = formatDiagnostics([scrambled], 'json');
    expect(Object.keys(JSON.parse(out)[0])).toEqual(['file', 'line', 'col', 'severity', 'code', 'message']);
    expect(out).toBe(
      '[\n  {\n    "file": "a.yaml",\n    "line": 3,\n    "col": 4,\n    "severity": "error",\n    "code": "yaml-alias",\n    "message": "m"\n  }\n]\n',
    );
  });

  it('leaves out properties that are not part of a diagnostic', () => {
    const extra = { ...error('a.yaml', 1, 1, 'm'), stack: 'Error: at somewhere' };
    expect(formatDiagnostics([extra], 'json')).not.toContain('stack');
  });

  it('writes an empty array when there is nothing to report', () => {
    expect(formatDiagnostics([], 'json')).toBe('[]\n');
  });

  it('sorts like the text output', () => {
    const out = formatDiagnostics([error('a.yaml', 9, 1, 'late'), error('a.yaml', 1, 1, 'early')], 'json');
    expect(JSON.parse(out).map((d: Diagnostic) => d.message)).toEqual(['early', 'late']);
  });
});

describe('sortDiagnostics', () => {
  it('orders file names by code unit, not by locale, so every machine agrees', () => {
    const sorted = sortDiagnostics([error('b.yaml', 1, 1, ''), error('B.yaml', 1, 1, ''), error('a.yaml', 1, 1, '')]);
    expect(sorted.map((d) => d.file)).toEqual(['B.yaml', 'a.yaml', 'b.yaml']);
  });
});
