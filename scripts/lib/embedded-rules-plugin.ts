/**
 * The embedded default (DESIGN 7), built into the extension from the repository at build time:
 *
 * - `virtual:leadpact/embedded-rules`: the rules bundle made from rules/ by loadRules, the same
 *   code `leadpact validate` and `build` run. Invalid rules fail the build with the validate
 *   diagnostics (`path:line:col: message`). Nothing is generated into the tree, so nothing drifts.
 * - samples/leads.jsonl: rules/samples/leads.jsonl as a public asset (checked line by line: a
 *   sample that is not a lead record fails the build), imported into an empty store on install.
 *
 * Only the service worker imports the virtual module; content scripts never see the bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { parseLeadRecord } from '../../extension/engine/lead-record';
import { formatDiagnostics } from './diagnostics';
import { generateLeads } from './lead-generator';
import { loadRules } from './rules-repo';
import { dirSource } from './rules-source';

export const embeddedRulesId = 'virtual:leadpact/embedded-rules';
const resolvedId = `\0${embeddedRulesId}`;

/** Where the sample leads sit in the repository and in the built extension. */
export const sampleLeadsSource = path.join('rules', 'samples', 'leads.jsonl');
export const sampleLeadsDest = 'samples/leads.jsonl';

export class EmbeddedRulesError extends Error {
  override name = 'EmbeddedRulesError';
}

/** The bundle as a module's source: JSON.parse of a string literal parses faster than an object literal. */
export async function embeddedRulesModule(repoRoot: string): Promise<{ code: string; files: string[] }> {
  const result = await loadRules(dirSource(repoRoot));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.bundle || errors.length > 0) {
    throw new EmbeddedRulesError(`the rules in ${path.join(repoRoot, 'rules')} are not valid, so the extension cannot embed them:\n${formatDiagnostics(errors, 'text')}`);
  }
  return {
    code: `export default JSON.parse(${JSON.stringify(JSON.stringify(result.bundle))});\n`,
    files: result.files.map((file) => path.join(repoRoot, ...file.path.split('/'))),
  };
}

export function embeddedRulesPlugin(options: { repoRoot: string }): Plugin {
  return {
    name: 'leadpact:embedded-rules',
    resolveId(source) {
      return source === embeddedRulesId ? resolvedId : undefined;
    },
    async load(id) {
      if (id !== resolvedId) return undefined;
      let module: Awaited<ReturnType<typeof embeddedRulesModule>>;
      try {
        module = await embeddedRulesModule(options.repoRoot);
      } catch (error) {
        // this.error stops the build with the message as written (no stack trace to read through).
        return this.error(error instanceof Error ? error.message : String(error));
      }
      for (const file of module.files) this.addWatchFile(file);
      return { code: module.code, map: null };
    },
  };
}

/**
 * The sample leads to ship: rules/samples/leads.jsonl, checked. Until that file is committed the
 * build ships the generator's default set (seed 42, 2,000 leads), exactly what
 * `leadpact generate-leads` writes there, and says so.
 */
export function sampleLeadsAsset(repoRoot: string, warn: (message: string) => void = console.warn): { relativeDest: string; contents: string } {
  const source = path.join(repoRoot, sampleLeadsSource);
  let contents: string;
  if (existsSync(source)) {
    contents = readFileSync(source, 'utf8');
  } else {
    warn(`${sampleLeadsSource} is missing: shipping the generator's default sample leads instead`);
    const lines: string[] = [];
    for (const lead of generateLeads({ seed: 42, count: 2000, now: '2026-11-20T12:00:00Z' })) lines.push(JSON.stringify(lead));
    contents = `${lines.join('\n')}\n`;
  }
  const problems: string[] = [];
  contents.split('\n').forEach((line, index) => {
    if (!line.trim() || problems.length >= 20) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${sampleLeadsSource}:${index + 1}:1: not JSON`);
      return;
    }
    const parsed = parseLeadRecord(value);
    if (!parsed.ok) problems.push(`${sampleLeadsSource}:${index + 1}:1: ${parsed.error}`);
  });
  if (problems.length > 0) throw new EmbeddedRulesError(`the sample leads are not all lead records:\n${problems.join('\n')}`);
  return { relativeDest: sampleLeadsDest, contents };
}
