import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { embeddedRulesModule, embeddedRulesPlugin, sampleLeadsAsset } from '../../../scripts/lib/embedded-rules-plugin';
import { ada, bob, jsonl } from './support';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const temporary: string[] = [];

/** A copy of the repository's rules/ in a temporary repository root. */
function copyOfRules(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'leadpact-embedded-'));
  temporary.push(root);
  cpSync(path.join(repoRoot, 'rules'), path.join(root, 'rules'), { recursive: true, filter: (source) => !source.includes(`${path.sep}samples`) });
  return root;
}

afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded rules module', () => {
  test('is the bundle loadRules builds from rules/', async () => {
    const { code, files } = await embeddedRulesModule(copyOfRules());
    const match = /^export default JSON\.parse\((.*)\);\n$/s.exec(code);
    expect(match).not.toBeNull();
    const bundle = JSON.parse(JSON.parse(match![1]!));
    expect(bundle).toMatchObject({ kind: 'bundle', format: 1 });
    expect(bundle.hash).toMatch(/^sha256-/);
    expect(files.some((file) => file.endsWith(path.join('rules', 'lifecycle.yaml')))).toBe(true);
  });

  test('fails the build with the validate diagnostics when the rules are invalid', async () => {
    const root = copyOfRules();
    const lifecycle = path.join(root, 'rules', 'lifecycle.yaml');
    writeFileSync(lifecycle, readFileSync(lifecycle, 'utf8').replace(/^kind: lifecycle$/m, 'kind: lifecycle\nsurprise: true'));
    await expect(embeddedRulesModule(root)).rejects.toThrow(/rules\/lifecycle\.yaml:\d+:\d+: .*surprise/);
    // Through the plugin, the same text goes to Rollup's this.error, which stops the build.
    const plugin = embeddedRulesPlugin({ repoRoot: root });
    const errors: string[] = [];
    const context = { error: (message: string) => { errors.push(message); throw new Error(message); }, addWatchFile: () => undefined };
    const resolved = (plugin.resolveId as (id: string) => string)('virtual:leadpact/embedded-rules');
    await expect((plugin.load as unknown as (this: typeof context, id: string) => Promise<unknown>).call(context, resolved)).rejects.toThrow();
    expect(errors[0]).toContain('rules/lifecycle.yaml');
  });
});

describe('the sample leads asset', () => {
  test('ships rules/samples/leads.jsonl when it is there', () => {
    const root = copyOfRules();
    mkdirSync(path.join(root, 'rules', 'samples'));
    writeFileSync(path.join(root, 'rules', 'samples', 'leads.jsonl'), jsonl([ada(), bob()]));
    expect(sampleLeadsAsset(root, () => undefined)).toEqual({ relativeDest: 'samples/leads.jsonl', contents: jsonl([ada(), bob()]) });
  });

  test('falls back to the generator\'s default set, and says so, until the file exists', () => {
    const warnings: string[] = [];
    const asset = sampleLeadsAsset(copyOfRules(), (message) => warnings.push(message));
    expect(asset.contents.trim().split('\n')).toHaveLength(2000);
    expect(warnings).toEqual([expect.stringContaining('leads.jsonl is missing')]);
  });

  test('fails the build on a sample that is not a lead record, naming its line', () => {
    const root = copyOfRules();
    mkdirSync(path.join(root, 'rules', 'samples'));
    writeFileSync(path.join(root, 'rules', 'samples', 'leads.jsonl'), `${JSON.stringify(ada())}\n{"id": "x", "shoe": 44}\n`);
    expect(() => sampleLeadsAsset(root)).toThrow(/leads\.jsonl:2:1: .*shoe/);
  });
});
