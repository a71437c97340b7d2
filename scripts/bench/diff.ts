// `leadpact diff` on 100k leads (target < 5 s), end to end as a pull request runs it: both rule
// sets loaded (the base from git objects), every lead read from JSONL and scored twice, the
// markdown report rendered. Baseline in the same run: reading and scoring the same 100k leads
// once with one rule set, so the ratio shows what the comparison costs on top of one scoring pass.
//
// The leads (seeded) and a throwaway git repository holding a copy of rules/ as the base, with a
// lowered MQL threshold and changed points in the working tree, are made in a temporary folder
// first; that setup is not timed.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { compileRules, evaluate } from '../../extension/engine/index';
import { main } from '../cli';
import { openLeadsFile, readLeads } from '../lib/impact';
import { generateLeads } from '../lib/lead-generator';
import { repoRoot } from '../lib/paths';
import { loadRules } from '../lib/rules-repo';
import { dirSource } from '../lib/rules-source';
import type { BenchResult } from './types';

const LEADS = 100_000;
const NOW = '2026-11-20T12:00:00Z';
const TARGET_S = 5;

export default async function run(leadCount = LEADS): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-bench-diff-'));
  try {
    const leadsFile = path.join(dir, 'leads.jsonl');
    await pipeline(Readable.from((function* () {
      for (const lead of generateLeads({ seed: 7, count: leadCount, now: NOW })) yield `${JSON.stringify(lead)}\n`;
    })()), createWriteStream(leadsFile));
    const repo = path.join(dir, 'repo');
    await cp(path.join(repoRoot, 'rules'), path.join(repo, 'rules'), { recursive: true, filter: (src) => !src.includes(`${path.sep}samples`) });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@leadpact.test', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    await edit(path.join(repo, 'rules/lifecycle.yaml'), 'score.total, gte: 75', 'score.total, gte: 70');
    await edit(path.join(repo, 'rules/scoring/fit.yaml'), 'points: 18', 'points: 22');

    // Baseline: the same leads read and scored once with one rule set (the working tree's).
    const { bundle } = await loadRules(dirSource(repo));
    if (!bundle) throw new Error('bench: the copied rules do not validate');
    const rules = compileRules(bundle);
    for await (const lead of readLeads(await openLeadsFile(leadsFile, repo), bundle)) evaluate(rules, lead, NOW); // warm up the JIT and the file cache
    let cpu = process.cpuUsage();
    let start = performance.now();
    let scored = 0;
    for await (const lead of readLeads(await openLeadsFile(leadsFile, repo), bundle)) {
      evaluate(rules, lead, NOW);
      scored++;
    }
    const baselineS = (performance.now() - start) / 1000;
    const baselineCpuS = cpuSeconds(process.cpuUsage(cpu));

    // leadpact diff, in this process, output discarded.
    const write = process.stdout.write;
    let bytes = 0;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      bytes += chunk.length;
      return true;
    }) as typeof process.stdout.write;
    let code: number;
    cpu = process.cpuUsage();
    start = performance.now();
    try {
      code = await main(['diff', '--repo', repo, '--base', 'HEAD', '--leads', leadsFile, '--now', NOW, '--format', 'markdown']);
    } finally {
      process.stdout.write = write;
    }
    const diffS = (performance.now() - start) / 1000;
    const diffCpuS = cpuSeconds(process.cpuUsage(cpu));
    if (code !== 0) throw new Error(`bench: leadpact diff exited ${code}`);

    return [{
      name: `leadpact diff on ${scored.toLocaleString('en')} leads`,
      value: diffS,
      unit: 's',
      baseline: { name: 'reading and scoring the same leads once with one rule set', value: baselineS },
      ratio: baselineS / diffS,
      target: `< ${TARGET_S} s`,
      ok: diffS < TARGET_S,
      note: `both rule sets loaded (base from git), leads read from JSONL and scored twice, markdown report ${Math.round(bytes / 1024)} KiB; ` +
        `diff costs ${(diffS / baselineS).toFixed(1)}x one scoring pass; lead generation excluded; ` +
        `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores during the run; ` +
        `CPU time (the figure a shared machine does not distort) ${diffCpuS.toFixed(1)} s for diff, ${baselineCpuS.toFixed(1)} s for the baseline`,
    }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`bench: "${from}" not found in ${file}; update scripts/bench/diff.ts`);
  await writeFile(file, text.replace(from, to));
}
