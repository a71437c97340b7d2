import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ENTRYPOINTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../extension/entrypoints');

/** Every module and package a file pulls in at run time (type-only imports erased). */
function runtimeGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      if (match[2]) continue; // `import type` / `export type`
      const spec = match[3]!;
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const base = resolve(dirname(file), spec);
      const target = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => existsSync(candidate) && !candidate.endsWith('/'));
      if (target && /\.tsx?$/.test(target)) visit(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('content script bundles', () => {
  test.each(['gmail', 'outlook', 'linkedin'])('%s.content.ts pulls in neither zod nor the zod-validated modules (the 30 KB budget)', (site) => {
    const { files, packages } = runtimeGraph(resolve(ENTRYPOINTS, `${site}.content.ts`));
    expect([...packages].filter((p) => p === 'zod' || p.startsWith('zod/'))).toEqual([]);
    const names = [...files].map((f) => f.slice(f.indexOf('/extension/') + 1));
    expect(names).not.toContain('extension/lib/messaging.ts');
    expect(names).not.toContain('extension/lib/settings.ts');
    expect(names).not.toContain('extension/lib/protocol.ts');
    expect(names).toContain('extension/content/runner.ts');
  });
});
