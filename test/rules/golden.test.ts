/**
 * Rules fixtures in the SchemaStore manner, checked by `leadpact validate`'s own code:
 *
 * - test/rules/valid/<name>/ is a complete repository (it holds rules/); valid/minimal is also the
 *   base the single-file cases are laid over.
 * - test/rules/valid/<name>.yaml and test/rules/invalid/<name>.yaml are one rules file each, laid
 *   over valid/minimal where its schema line says it goes: `$schema=../schema/<kind>...` replaces
 *   rules/<kind file>.yaml, `$schema=../../schema/scoring-model...` (or mapping, tests) is added as
 *   rules/scoring/<name>.yaml (mappings/, tests/).
 * - test/rules/invalid/<name>/ holds files under rules/ laid over valid/minimal the same way, for
 *   cases one file cannot show.
 * - An invalid case is named after the check it breaks (`<code>.yaml` or `<code>--<variant>.yaml`):
 *   its output must contain that code, and `<name>.expected.txt` beside it is exactly what
 *   `leadpact validate` prints for it. UPDATE_GOLDEN=1 rewrites those files.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderValidation, validateSource } from '../../scripts/commands/validate';
import { REQUIRED_FILES, RULES_KINDS, type RulesKind } from '../../scripts/lib/rules-layout';
import { dirSource, type RulesSource } from '../../scripts/lib/rules-source';

const here = fileURLToPath(new URL('.', import.meta.url));
const validDir = path.join(here, 'valid');
const invalidDir = path.join(here, 'invalid');
const baseDir = path.join(validDir, 'minimal');
const update = process.env.UPDATE_GOLDEN === '1';

/** dirSource(base) with some files replaced or added (paths relative to the repository root). */
export function overlaySource(base: RulesSource, overlay: ReadonlyMap<string, Uint8Array>): RulesSource {
  return {
    label: `${base.label} + ${overlay.size} file(s)`,
    async list() {
      return [...new Set([...(await base.list()), ...overlay.keys()])].sort();
    },
    async read(file) {
      return overlay.get(file) ?? base.read(file);
    },
    async size(file) {
      const bytes = overlay.get(file);
      if (bytes) return bytes.length;
      return base.size ? base.size(file) : (await base.read(file)).length;
    },
  };
}

const SINGLE_FILES = new Map(Object.entries(REQUIRED_FILES).map(([file, kind]) => [kind, file]));
const FOLDERS: Partial<Record<RulesKind, string>> = { 'scoring-model': 'scoring', mapping: 'mappings', tests: 'tests' };

/** Where a single-file case goes in the repository, from its schema line. */
function placeCase(name: string, bytes: Uint8Array): string {
  const newline = bytes.indexOf(0x0a);
  const first = Buffer.from(bytes.subarray(0, newline === -1 ? bytes.length : newline)).toString('latin1');
  const match = /\$schema=((?:\.\.\/)+)schema\/([a-z-]+)\.schema\.json/.exec(first);
  const kind = match?.[2] as RulesKind | undefined;
  if (!match || !kind || !RULES_KINDS.includes(kind)) throw new Error(`${name}: the first line must name a kind's schema to place the case`);
  const folder = FOLDERS[kind];
  if (folder) return `rules/${folder}/${name}.yaml`;
  return `rules/${SINGLE_FILES.get(kind)!}`;
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

interface Case {
  name: string;
  source: RulesSource;
}

function casesIn(dir: string, { completeRepos }: { completeRepos: boolean }): Case[] {
  const base = dirSource(baseDir);
  return readdirSync(dir)
    .sort()
    .flatMap((entry): Case[] => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        if (completeRepos) return [{ name: entry, source: dirSource(full) }];
        const overlay = new Map(filesUnder(full).map((file) => [file, new Uint8Array(readFileSync(path.join(full, file)))]));
        return [{ name: entry, source: overlaySource(base, overlay) }];
      }
      if (!entry.endsWith('.yaml')) return [];
      const name = entry.slice(0, -'.yaml'.length);
      const bytes = new Uint8Array(readFileSync(full));
      return [{ name, source: overlaySource(base, new Map([[placeCase(name, bytes), bytes]])) }];
    });
}

describe('valid rules', () => {
  const cases = casesIn(validDir, { completeRepos: true });

  it('has the minimal base repository and more than one case', () => {
    expect(cases.map((c) => c.name)).toContain('minimal');
    expect(cases.length).toBeGreaterThan(1);
  });

  for (const { name, source } of cases) {
    it(`${name} validates without errors or warnings and builds a bundle`, async () => {
      const validation = await validateSource(source);
      expect(renderValidation(validation, 'text').stdout).toMatch(/^rules ok: /);
      expect(validation.diagnostics).toEqual([]);
      expect(validation.bundle).not.toBeNull();
    });
  }
});

describe('invalid rules', () => {
  const cases = casesIn(invalidDir, { completeRepos: false });

  for (const { name, source } of cases) {
    it(`${name} fails with the expected located output`, async () => {
      const validation = await validateSource(source);
      const { stdout, exitCode } = renderValidation(validation, 'text');
      expect(exitCode).toBe(1);
      expect(validation.bundle).toBeNull();
      // Named after the check it breaks.
      expect(validation.diagnostics.map((d) => d.code)).toContain(name.split('--')[0]);
      // Each problem is one located line; no stack trace, no multi-line message.
      const lines = stdout.trimEnd().split('\n');
      for (const line of lines.slice(0, -1)) expect(line).toMatch(/^rules\/[^:]+:\d+:\d+: \S/);
      expect(stdout).not.toMatch(/\n\s+at /);

      const golden = path.join(invalidDir, `${name}.expected.txt`);
      if (update) writeFileSync(golden, stdout);
      let expected: string;
      try {
        expected = readFileSync(golden, 'utf8');
      } catch {
        throw new Error(`missing ${path.relative(process.cwd(), golden)}: run with UPDATE_GOLDEN=1 and review it`);
      }
      expect(stdout).toBe(expected);
    });
  }

  it('has no golden file without its case', () => {
    const names = new Set(cases.map((c) => c.name));
    const orphans = readdirSync(invalidDir).filter((f) => f.endsWith('.expected.txt') && !names.has(f.slice(0, -'.expected.txt'.length)));
    expect(orphans).toEqual([]);
  });
});
