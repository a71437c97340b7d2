// `leadpact score` benchmark: a 100k-row HubSpot contacts CSV (generated, seeded, in a temp dir)
// scored end to end by the real command in a child process, output to /dev/null. Figures:
// throughput (rows/s) and peak memory (maxRSS reported by the child itself). Baselines in the
// same run, on the same file: a child that only parses the CSV with csv-parse (the floor for any
// CSV scorer) and a child that only reads the bytes and counts lines (the disk/pipe floor).
// Streaming shows in peak memory: a 10x smaller file peaks at nearly the same RSS, and the 100k-row
// run completes with V8's heap capped at 48 MB, far below what holding the rows would take.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { csvTable } from '../commands/generate-leads';
import { generateLeads } from '../lib/lead-generator';
import { repoRoot } from '../lib/paths';
import { loadRules } from '../lib/rules-repo';
import { dirSource } from '../lib/rules-source';
import type { BenchResult } from './types';

const ROWS = 100_000;
const SMALL_ROWS = 10_000;
/** V8's old-generation limit for the capped run: far below what holding the rows would need. */
const HEAP_CAP_MB = 48;
const NOW = '2026-11-20T12:00:00Z';
const MAPPING = 'hubspot-contacts';

interface ChildRun {
  ms: number;
  /** User + system CPU time of the child: steadier than wall time on a shared machine. */
  cpuMs: number;
  maxRssMb: number;
  rows: number;
}

export default async function run(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-bench-score-'));
  try {
    const csv = path.join(dir, 'contacts.csv');
    const smallCsv = path.join(dir, 'contacts-10k.csv');
    await writeCsv(csv, ROWS);
    await writeCsv(smallCsv, SMALL_ROWS);
    const sizeMb = (await stat(csv)).size / 1024 / 1024;
    const scripts = await writeChildScripts(dir);

    // Each child once to warm the file cache, then the measured runs (median of 3).
    const score = await measure(() => runChild(scripts.score, [csv]));
    const parse = await measure(() => runChild(scripts.parse, [csv]));
    const read = await measure(() => runChild(scripts.read, [csv]));
    const small = await measure(() => runChild(scripts.score, [smallCsv]));
    // The proof that nothing grows with the input: the whole file scored within a small heap.
    const capped = await runChild(scripts.score, [csv], [`--max-old-space-size=${HEAP_CAP_MB}`]).catch((error: Error) => error);
    if (score.rows !== ROWS || parse.rows !== ROWS || small.rows !== SMALL_ROWS) {
      throw new Error(`expected ${ROWS} rows, scored ${score.rows} and parsed ${parse.rows}; ${SMALL_ROWS} rows, scored ${small.rows}`);
    }

    const rate = (r: ChildRun) => (r.rows / r.ms) * 1000;
    const cpuRate = (r: ChildRun) => (r.rows / r.cpuMs) * 1000;
    return [
      {
        name: `score ${ROWS.toLocaleString('en')}-row ${MAPPING} CSV (throughput)`,
        value: rate(score),
        unit: 'rows/s',
        baseline: { name: 'csv-parse only, same file', value: rate(parse) },
        ratio: rate(score) / rate(parse),
        note: `whole command in a child: ${(score.ms / 1000).toFixed(2)} s incl. start-up and rules loading; ` +
          `reading the bytes alone: ${Math.round(rate(read)).toLocaleString('en')} rows/s; file ${sizeMb.toFixed(1)} MB`,
      },
      {
        name: `score ${ROWS.toLocaleString('en')}-row ${MAPPING} CSV (per CPU second)`,
        value: cpuRate(score),
        unit: 'rows/CPU-s',
        baseline: { name: 'csv-parse only, same file', value: cpuRate(parse) },
        ratio: cpuRate(score) / cpuRate(parse),
        note: `the child's user + system CPU time (${(score.cpuMs / 1000).toFixed(2)} s, start-up included), ` +
          'independent of how busy the machine is',
      },
      {
        name: `score ${ROWS.toLocaleString('en')}-row ${MAPPING} CSV (peak RSS)`,
        value: score.maxRssMb,
        unit: 'MB',
        baseline: { name: `score on the first ${SMALL_ROWS.toLocaleString('en')} rows`, value: small.maxRssMb },
        ratio: score.maxRssMb / small.maxRssMb,
        target: `the same run completes with V8's heap capped at ${HEAP_CAP_MB} MB`,
        ok: !(capped instanceof Error) && capped.rows === ROWS,
        note: (capped instanceof Error ? `the capped run failed: ${capped.message.slice(0, 200)}; ` : `capped run: ${capped.maxRssMb.toFixed(0)} MB peak RSS; `) +
          'without a cap V8 lets the heap grow before collecting, hence the gap to the 10k-row run; ' +
          `file ${sizeMb.toFixed(1)} MB; same file, csv-parse only: ${parse.maxRssMb.toFixed(0)} MB ` +
          `(score ${(score.maxRssMb / parse.maxRssMb).toFixed(2)}x); reading the bytes only: ${read.maxRssMb.toFixed(0)} MB`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const loaded = await loadRules(dirSource(repoRoot));
  const mapping = loaded.bundle?.mappings.find((m) => m.id === MAPPING);
  if (!mapping) throw new Error(`the rules do not load or have no ${MAPPING} mapping`);
  const table = csvTable(mapping);
  await pipeline(
    Readable.from(table.rows(generateLeads({ seed: 7, count: rows, now: NOW })), { objectMode: true }),
    stringify({ header: true, columns: table.header }),
    createWriteStream(file),
  );
}

/** Children report `{"rows":n,"maxRss":kB}` as the last line on stderr. */
async function writeChildScripts(dir: string): Promise<{ score: string; parse: string; read: string }> {
  const report = `process.on('exit', () => process.stderr.write('\\n' + JSON.stringify({ rows: globalThis.rows ?? 0, maxRss: process.resourceUsage().maxRSS, cpuUs: process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime }) + '\\n'));`;
  const score = path.join(dir, 'score-child.mjs');
  await writeFile(score, `${report}
import { register } from ${JSON.stringify(path.join(repoRoot, 'node_modules/tsx/dist/esm/api/index.mjs'))};
register();
const { main } = await import(${JSON.stringify(path.join(repoRoot, 'scripts/cli.ts'))});
const code = await main(['score', process.argv[2], '--map', ${JSON.stringify(MAPPING)}, '--now', ${JSON.stringify(NOW)}]);
process.exitCode = code;
`);
  const parse = path.join(dir, 'parse-child.mjs');
  await writeFile(parse, `${report}
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
const { parse } = createRequire(${JSON.stringify(path.join(repoRoot, 'package.json'))})('csv-parse');
let rows = 0;
for await (const record of createReadStream(process.argv[2], { highWaterMark: 256 * 1024 }).pipe(parse({ columns: true, bom: true, info: true }))) rows++;
globalThis.rows = rows;
`);
  const read = path.join(dir, 'read-child.mjs');
  await writeFile(read, `${report}
import { createReadStream } from 'node:fs';
let lines = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 256 * 1024 })) {
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
}
globalThis.rows = lines - 1; // the header
`);
  return { score, parse, read };
}

/** The median of three runs after one warm-up run (file cache, tsx's compile cache). */
async function measure(once: () => Promise<ChildRun>): Promise<ChildRun> {
  await once();
  const runs = [await once(), await once(), await once()].sort((a, b) => a.ms - b.ms);
  return runs[1]!;
}

function runChild(script: string, args: string[], nodeFlags: string[] = []): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, script, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4096);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const last = stderr.trimEnd().split('\n').at(-1) ?? '';
      let report: { rows: number; maxRss: number; cpuUs: number };
      try {
        report = JSON.parse(last) as { rows: number; maxRss: number; cpuUs: number };
      } catch {
        reject(new Error(`${path.basename(script)} exited ${code} without a report: ${stderr.slice(-500)}`));
        return;
      }
      if (code !== 0) {
        reject(new Error(`${path.basename(script)} exited ${code}: ${stderr.slice(-500)}`));
        return;
      }
      // The score child's count is in its summary line: `... 100,000 scored ...`.
      const scored = /([\d,]+) scored/.exec(stderr);
      resolve({ ms, cpuMs: report.cpuUs / 1000, maxRssMb: report.maxRss / 1024, rows: scored ? Number(scored[1]!.replace(/,/g, '')) : report.rows });
    });
  });
}
