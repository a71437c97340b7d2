// Validate benchmark: a 1,000-rule repository (the sample rules' 46 plus 954 generated rules in 9
// more models) written to a temporary folder, then `leadpact validate`'s work on it timed: loading
// (hardened YAML, schema comments, ajv, the semantic checks, the bundle) plus compileRules from
// extension/engine. Target < 2 s. The same-run baseline is ajv alone on the same files (YAML.parse
// and the kind's schema, nothing else), so the ratio shows what the located diagnostics, the
// semantic checks and the compile cost on top of plain schema validation.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileRules } from '../../extension/engine/index';
import { rulesDir } from '../lib/paths';
import { loadRules } from '../lib/rules-repo';
import { placeFile, RULES_KINDS } from '../lib/rules-layout';
import { dirSource } from '../lib/rules-source';
import { prepareSchemas, validateWithSchema } from '../lib/schema-validator';
import type { BenchResult } from './types';

const RULES = 1_000;
const EXTRA_MODELS = 9;
const RUNS = 5;

export default async function run(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadpact-bench-validate-'));
  try {
    const ruleCount = await writeRepository(dir);
    const source = dirSource(dir);
    const files = (await source.list()).filter((file) => placeFile(file).type === 'rules');

    // Cold: the first validation in the process compiles the schemas, as a `leadpact validate` run does.
    const start = performance.now();
    const first = await validateAndCompile(source);
    const coldMs = performance.now() - start;
    if (first.errors) throw new Error(`the generated repository should be valid; first problem: ${first.errors}`);

    const fullMs = median(await repeat(RUNS, () => validateAndCompile(source)));
    prepareSchemas(RULES_KINDS);
    const ajvMs = median(await repeat(RUNS, () => ajvOnly(dir, files)));
    const bytes = (await Promise.all(files.map(async (file) => (await readFile(path.join(dir, file))).length))).reduce((a, b) => a + b, 0);

    return [
      {
        name: `validate + compile ${ruleCount.toLocaleString('en')} rules`,
        value: coldMs / 1000,
        unit: 's',
        target: '< 2 s',
        ok: coldMs < 2000,
        baseline: { name: 'ajv only (YAML.parse + schema) on the same files, warm', value: ajvMs / 1000 },
        ratio: ajvMs / fullMs,
        note:
          `first run in the process (schemas compiled on the way); warm median of ${RUNS}: ${fullMs.toFixed(0)} ms, ` +
          `${(fullMs / ajvMs).toFixed(1)}x the ajv-only ${ajvMs.toFixed(0)} ms; ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function validateAndCompile(source: ReturnType<typeof dirSource>): Promise<{ errors?: string }> {
  const result = await loadRules(source);
  if (!result.bundle) {
    const d = result.diagnostics[0];
    return { errors: d ? `${d.file}:${d.line}:${d.col}: ${d.message}` : 'no bundle' };
  }
  compileRules(result.bundle);
  return {};
}

async function ajvOnly(dir: string, files: string[]): Promise<void> {
  for (const file of files) {
    const placement = placeFile(file);
    if (placement.type !== 'rules') continue;
    const data: unknown = parseYaml(await readFile(path.join(dir, file), 'utf8'));
    if (validateWithSchema(placement.kind, data).length) throw new Error(`${file}: does not match its schema`);
  }
}

async function repeat(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  return durations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The sample rules (without tests and samples) plus generated models up to RULES rules; returns the rule count. */
async function writeRepository(dir: string): Promise<number> {
  const rules = path.join(dir, 'rules');
  await mkdir(path.join(rules, 'scoring'), { recursive: true });
  await cp(rulesDir, rules, {
    recursive: true,
    filter: (from) => {
      const relative = path.relative(rulesDir, from).split(path.sep).join('/');
      return !relative.startsWith('tests') && !relative.startsWith('samples');
    },
  });
  let existing = 0;
  for (const model of ['fit', 'engagement', 'intent']) {
    const text = await readFile(path.join(rules, 'scoring', `${model}.yaml`), 'utf8').catch(() => '');
    existing += (text.match(/^ {2}- id: /gm) ?? []).length;
  }
  const toGenerate = RULES - existing;
  const perModel = Math.ceil(toGenerate / EXTRA_MODELS);
  let made = 0;
  for (let m = 0; m < EXTRA_MODELS && made < toGenerate; m++) {
    const count = Math.min(perModel, toGenerate - made);
    await writeFile(path.join(rules, 'scoring', `generated-${m + 1}.yaml`), generatedModel(m + 1, count));
    made += count;
  }
  return existing + made;
}

const WORDS = ['data', 'platform', 'analytics', 'engineering', 'finance', 'operations', 'security', 'product', 'growth', 'revenue'];
const INDUSTRIES = ['software', 'fintech', 'banking', 'retail', 'logistics', 'healthcare', 'media', 'energy'];
const COUNTRIES = ['ES', 'DE', 'FR', 'GB', 'NL', 'US', 'IT', 'SE'];

/** One model of `count` rules cycling through the condition shapes real models use. */
function generatedModel(n: number, count: number): string {
  const lines = [
    '# yaml-language-server: $schema=../../schema/scoring-model.schema.json',
    `# Generated by scripts/bench/validate.ts (model ${n}).`,
    'kind: scoring-model',
    `id: generated-${n}`,
    `label: Generated ${n}`,
    n % 2 ? 'owner: marketing' : 'owner: sales',
    'min: 0',
    'max: 100',
    'decay: { halfLife: 30d }',
    'rules:',
  ];
  for (let i = 0; i < count; i++) {
    const id = `gen-${n}-${i + 1}`;
    const word = WORDS[(n + i) % WORDS.length]!;
    const points = i % 7 === 6 ? -((i % 5) + 1) : (i % 9) + 1;
    lines.push(`  - id: ${id}`, `    label: Generated rule ${n}.${i + 1}`);
    switch (i % 8) {
      case 0:
        lines.push(`    when: { field: title, matches: '\\b(head of|director|vp) ${word}\\b' }`);
        break;
      case 1:
        lines.push(`    when: { field: company.employees, between: [${(i % 50) * 20}, ${(i % 50) * 20 + 500}] }`);
        break;
      case 2:
        lines.push(`    when: { field: company.industry, in: [${INDUSTRIES[i % 8]}, ${INDUSTRIES[(i + 3) % 8]}] }`);
        break;
      case 3:
        lines.push(`    when: { event: page_view, within: ${(i % 80) + 10}d, where: { field: url, contains: /${word}-${i} }, count: { gte: ${(i % 3) + 1} } }`);
        break;
      case 4:
        lines.push('    per: { event: email_click, within: 90d, where: { field: campaign, startsWith: nurture- } }', `    points: ${Math.abs(points)}`, '    max: 10');
        continue;
      case 5:
        lines.push(
          '    when:',
          '      all:',
          '        - { field: properties.budget_confirmed, eq: true }',
          `        - { field: company.country, in: [${COUNTRIES[i % 8]}, ${COUNTRIES[(i + 1) % 8]}] }`,
          `        - any: [ { field: properties.timeline, eq: this-quarter }, { field: properties.annual_budget, gte: ${(i % 10) * 10000} } ]`,
        );
        break;
      case 6:
        lines.push(`    when: { not: { field: email, endsWith: "@${word}.example" } }`);
        break;
      default:
        lines.push(`    when: { event: [form_submit, content_download], within: ${(i % 8) + 1}w, where: { field: form, ne: newsletter } }`);
    }
    lines.push(`    points: ${points}`);
  }
  return `${lines.join('\n')}\n`;
}
