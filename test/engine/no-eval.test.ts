/**
 * The engine runs rules fetched at run time, so it must never turn text into code (DESIGN 3.3,
 * STYLE 4): no eval, no Function constructor, anywhere under extension/engine/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const engineDir = join(root, 'extension', 'engine');

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `eval(`, `new Function`, `Function(` (also `globalThis.Function(`), allowing white space before the parenthesis. */
const CODE_FROM_TEXT = /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(/;

function codeFromTextIn(source: string): string[] {
  return source.split('\n').filter((line) => CODE_FROM_TEXT.test(line));
}

describe('the engine source', () => {
  it('finds every engine file, the generated types included', () => {
    const files = typeScriptFiles(engineDir).map((file) => relative(engineDir, file).replaceAll('\\', '/'));
    expect(files).toContain('evaluate.ts');
    expect(files).toContain('conditions.ts');
    expect(files).toContain('generated/rules.ts');
  });

  it('never calls eval or the Function constructor', () => {
    const offenders = typeScriptFiles(engineDir).flatMap((file) =>
      codeFromTextIn(readFileSync(file, 'utf8')).map((line) => `${relative(root, file)}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });

  it('recognises each forbidden form (so the check above can fail)', () => {
    expect(codeFromTextIn('const f = eval("1");')).toHaveLength(1);
    expect(codeFromTextIn('const f = eval ("1");')).toHaveLength(1);
    expect(codeFromTextIn('const f = new Function("a", "return a");')).toHaveLength(1);
    expect(codeFromTextIn('const f = Function("return 1")();')).toHaveLength(1);
    expect(codeFromTextIn('const f = globalThis.Function("return 1");')).toHaveLength(1);
    expect(codeFromTextIn('// compiled to closures, not evaluated\nconst evaluate = 1; type Fn = () => void;')).toEqual([]);
  });
});
