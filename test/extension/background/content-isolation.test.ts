// The content scripts only talk to the worker: the engine, the lead store and the rules parsers
// must never reach their bundles (size, and the page-adjacent attack surface). This follows the
// value imports (not `import type`) from each content entrypoint through the source tree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entrypoints = path.join(root, 'extension', 'entrypoints');
const forbiddenPackages = ['idb', 'yaml', 'ajv', 'ajv-formats', 'fake-indexeddb', 'csv-parse', 'json-rules-engine'];
const forbiddenDirs = ['extension/engine/', 'extension/background/', 'scripts/'];

function valueImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const pattern = /^\s*(import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) specifiers.push(match[2]!);
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  }
  return undefined;
}

function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of valueImports(file)) {
      if (specifier.startsWith('.')) {
        const resolved = resolveLocal(file, specifier);
        if (resolved) pending.push(resolved);
      } else {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
  }
  return { files, packages };
}

const contentEntrypoints = readdirSync(entrypoints).filter((name) => /\.content\.tsx?$/.test(name));

describe('content scripts', () => {
  test('there are content scripts to check', () => {
    expect(contentEntrypoints.length).toBeGreaterThanOrEqual(3);
  });

  test.each(contentEntrypoints)('%s reaches neither the engine, the store nor the rules parsers', (name) => {
    const { files, packages } = reachable(path.join(entrypoints, name));
    const relative = [...files].map((file) => path.relative(root, file).split(path.sep).join('/'));
    expect(relative.filter((file) => forbiddenDirs.some((dir) => file.startsWith(dir)))).toEqual([]);
    expect([...packages].filter((name) => forbiddenPackages.includes(name))).toEqual([]);
  });

  test('the check does see the worker reach the engine and idb (it can fail)', () => {
    const { files, packages } = reachable(path.join(entrypoints, 'background.ts'));
    expect([...files].some((file) => file.includes(`${path.sep}engine${path.sep}`))).toBe(true);
    expect(packages.has('idb')).toBe(true);
  });
});
