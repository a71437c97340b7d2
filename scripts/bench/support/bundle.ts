// Bundles a benchmark's page-side code (project modules imported by absolute path) into one
// minified script for a plain page, with Vite, as the build does.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../lib/paths';

/** Writes `source` to `work/entryName`, bundles it as an IIFE and returns the code. */
export async function bundleForPage(work: string, entryName: string, source: string): Promise<string> {
  const { build } = await import('vite');
  const entry = path.join(work, entryName);
  await writeFile(entry, source);
  const output = await build({
    configFile: false,
    root: work,
    mode: 'production',
    logLevel: 'silent',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    resolve: { alias: [{ find: /^preact(\/.*)?$/, replacement: path.join(repoRoot, 'node_modules/preact$1') }] },
    build: { write: false, minify: true, lib: { entry, formats: ['iife'], name: 'LeadpactBenchHarness', fileName: () => 'harness.js' } },
  });
  const outputs = Array.isArray(output) ? output : [output];
  for (const out of outputs) {
    if ('output' in out) for (const chunk of out.output) if (chunk.type === 'chunk') return chunk.code;
  }
  throw new Error(`${entryName} did not bundle`);
}
