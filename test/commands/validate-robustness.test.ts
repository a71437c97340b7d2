/**
 * Whatever a rules file holds, validation answers with located one-line findings: never an
 * exception. Random damage to a valid file (bytes flipped, cut short, lines swapped, text
 * inserted) stands in for the bad input people and tools produce.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSource } from '../../scripts/commands/validate';
import { dirSource, type RulesSource } from '../../scripts/lib/rules-source';

const minimal = fileURLToPath(new URL('../rules/valid/minimal', import.meta.url));
const target = 'rules/scoring/fit.yaml';
const original = new Uint8Array(readFileSync(path.join(minimal, target)));

function withFile(bytes: Uint8Array): RulesSource {
  const base = dirSource(minimal);
  return {
    ...base,
    read: async (file) => (file === target ? bytes : base.read(file)),
    size: async (file) => (file === target ? bytes.length : base.size!(file)),
  };
}

const SNIPPETS = ['&a ', '*a', '\t', ': ', '- ', '[', ']', '{', '}', '"', "'", '#', '---\n', '\u0000', '!!binary ', '<<: *a\n', '? ', '|\n', '\ufeff', '\u001b[31m'];

const damage = fc.oneof(
  // Flip some bytes.
  fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
    const copy = original.slice();
    for (const [at, value] of flips) copy[at] = value;
    return copy;
  }),
  // Cut it short.
  fc.nat(original.length).map((end) => original.slice(0, end)),
  // Insert YAML punctuation and hostile characters.
  fc.array(fc.tuple(fc.nat(original.length), fc.constantFrom(...SNIPPETS)), { minLength: 1, maxLength: 6 }).map((inserts) => {
    let text = new TextDecoder().decode(original);
    for (const [at, snippet] of inserts.sort((a, b) => b[0] - a[0])) text = text.slice(0, Math.min(at, text.length)) + snippet + text.slice(Math.min(at, text.length));
    return new TextEncoder().encode(text);
  }),
  // Swap two lines (indentation and structure move).
  fc.tuple(fc.nat(40), fc.nat(40)).map(([a, b]) => {
    const lines = new TextDecoder().decode(original).split('\n');
    const i = a % lines.length;
    const j = b % lines.length;
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return new TextEncoder().encode(lines.join('\n'));
  }),
);

describe('validate on damaged files', () => {
  it('never throws, and every finding is located inside the file on one line', async () => {
    await fc.assert(
      fc.asyncProperty(damage, async (bytes) => {
        const validation = await validateSource(withFile(bytes));
        const lineCount = new TextDecoder().decode(bytes).split('\n').length;
        for (const d of validation.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
          if (d.file === target) expect(d.line).toBeLessThanOrEqual(lineCount);
          expect(d.message).not.toMatch(/[\n\r]/);
          expect(d.message.length).toBeLessThan(400);
        }
        // A bundle only when nothing is wrong.
        expect(validation.bundle === null).toBe(validation.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });
});
