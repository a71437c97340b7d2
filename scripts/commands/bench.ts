// `leadpact bench [name...]`: runs the benchmarks in scripts/bench/ and prints each figure against the
// baseline measured in the same run. Results also go to .output/bench/results.json for the notes.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCommandArgs, type Command } from '../lib/command';
import { repoRoot } from '../lib/paths';
import type { BenchResult } from '../bench/types';

const usage = 'Usage: leadpact bench [name ...] [--json]\n\nRuns scripts/bench/<name>.ts (all of them by default).';

function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

const bench: Command = async (argv) => {
  const args = parseCommandArgs(argv, { json: { type: 'boolean' } }, usage);
  if (!args) return 0;
  const dir = path.join(repoRoot, 'scripts/bench');
  const available = (await readdir(dir)).filter((f) => f.endsWith('.ts') && f !== 'types.ts').map((f) => f.slice(0, -3)).sort();
  const wanted = args.positionals.length ? args.positionals : available;
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
    return 2;
  }
  const all: Array<BenchResult & { suite: string }> = [];
  for (const suite of wanted) {
    process.stderr.write(`bench ${suite}...\n`);
    const mod = (await import(path.join(dir, `${suite}.ts`))) as { default: () => Promise<BenchResult[]> };
    const results = await mod.default();
    for (const result of results) {
      all.push({ suite, ...result });
      const baseline = result.baseline ? `  baseline ${result.baseline.name}: ${formatValue(result.baseline.value, result.unit)}` : '';
      const ratio = result.ratio !== undefined ? `  ratio ${result.ratio.toFixed(1)}x` : '';
      const target = result.target ? `  target ${result.target}: ${result.ok === false ? 'MISSED' : 'met'}` : '';
      process.stdout.write(`${suite.padEnd(10)} ${result.name}: ${formatValue(result.value, result.unit)}${baseline}${ratio}${target}${result.note ? `  (${result.note})` : ''}\n`);
    }
  }
  const out = path.join(repoRoot, '.output/bench');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'results.json'), `${JSON.stringify(all, null, 2)}\n`);
  if (args.values.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  const missed = all.filter((r) => r.ok === false);
  if (missed.length) process.stderr.write(`${missed.length} target(s) missed: ${missed.map((r) => `${r.suite}/${r.name}`).join(', ')}\n`);
  return 0;
};

export default bench;
