// Content-script benchmark.
//
// 1. Size: each content script, gzipped, after a production `wxt build` (written to a temporary
//    directory so it never touches .output/ that others use). Target < 30 KB each. Baselines in the
//    same run: preact itself (what a Preact UI costs at least) and the background bundle.
// 2. Badge latency in Chromium (playwright-core, /usr/bin/chromium): a Gmail-shaped inbox of 200
//    rows inserted as an infinite list would (20 batches of 10, 50 ms apart) and all at once. The
//    page-side code is the real runner, Gmail site module and badge, bundled for the page with a
//    fake background (a Web Worker that answers after ~2 ms, as the service worker answers from
//    another thread; half the people leads, half estimates).
//    Figures: time from a row's insertion to the first animation frame that can paint its badge
//    (p95, target < 100 ms), the longest task on the renderer main thread (from a Chromium trace),
//    and the most time the harness's own script ran within one task (target < 50 ms: the page's
//    rendering of 200 rows is a long task of its own, with or without us).
//    Baseline: the same inbox and schedule without the extension, where a row can be painted in
//    the first frame after its insertion.
// 3. The same time to badge with the built extension itself loaded into Chromium (its service
//    worker answering from IndexedDB over runtime messaging), on a routed https://mail.google.com.
// For both, the part the extension adds: per row, its badge's frame minus the first frame after
// the row's insertion in the same page (the page's own rendering of 200 rows takes 75-140 ms on
// the 2-core benchmark machine, and no badge can be painted before its row is), from the frames'
// own timestamps. Times to badge are taken when the frame's callbacks run (performance.now()):
// a frame's timestamp can be earlier than that, even earlier than the insertion.
import { gzipSync } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../lib/paths';
import { bundleForPage } from './support/bundle';
import type { BenchResult } from './types';

const CONTENT_TARGET_BYTES = 30 * 1024;
const LATENCY_TARGET_MS = 100;
const ROWS = 200;
const RUNS = 3;
const CHROMIUM = process.env.LEADPACT_CHROMIUM ?? '/usr/bin/chromium';

export default async function run(): Promise<BenchResult[]> {
  const work = await mkdtemp(path.join(tmpdir(), 'leadpact-bench-content-'));
  try {
    const size = await sizeBenchmark(work);
    return [...size.results, ...(await latencyBenchmark(work, size.dist))];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// --- Size ------------------------------------------------------------------------------------

const gzipped = (bytes: Buffer | string) => gzipSync(bytes, { level: 9 }).length;
const kb = (bytes: number) => bytes / 1024;

/** Sizes of the built content scripts; `dist` is the built extension (reused for the real-extension latency). */
async function sizeBenchmark(work: string): Promise<{ results: BenchResult[]; dist: string | null }> {
  const outDir = path.join(work, 'wxt');
  try {
    const { build } = await import('wxt');
    await build({ root: repoRoot, outDir, mode: 'production', logger: quietLogger(), vite: () => ({ logLevel: 'silent' }) });
  } catch (error) {
    return { results: [{ name: 'content script size (build failed)', value: Number.NaN, unit: 'KB', note: String(error).split('\n')[0] }], dist: null };
  }
  const dist = path.join(outDir, 'chrome-mv3');
  const preactBytes = gzipped(
    Buffer.concat(await Promise.all(['preact/dist/preact.module.js', 'preact/hooks/dist/hooks.module.js'].map((p) => readFile(path.join(repoRoot, 'node_modules', p))))),
  );
  let backgroundBytes = Number.NaN;
  try {
    backgroundBytes = gzipped(await readFile(path.join(dist, 'background.js')));
  } catch {
    // no background in this build: the ratio is left out
  }
  const results: BenchResult[] = [];
  const scripts = (await readdir(path.join(dist, 'content-scripts'))).filter((f) => f.endsWith('.js')).sort();
  for (const file of scripts) {
    const raw = await readFile(path.join(dist, 'content-scripts', file));
    const bytes = gzipped(raw);
    results.push({
      name: `${file.replace(/\.js$/, '')} content script, gzipped`,
      value: kb(bytes),
      unit: 'KB',
      baseline: { name: 'preact + preact/hooks, gzipped', value: kb(preactBytes) },
      ratio: bytes / preactBytes,
      target: '< 30 KB',
      ok: bytes < CONTENT_TARGET_BYTES,
      note: `${kb((await stat(path.join(dist, 'content-scripts', file))).size).toFixed(1)} KB minified` +
        (Number.isFinite(backgroundBytes) ? `; background bundle ${kb(backgroundBytes).toFixed(1)} KB gzipped (${(bytes / backgroundBytes).toFixed(2)}x)` : ''),
    });
  }
  return { results, dist };
}

function quietLogger() {
  const nothing = () => undefined;
  return { debug: nothing, log: nothing, info: nothing, warn: nothing, error: nothing, fatal: nothing, success: nothing, level: 0 } as never;
}

// --- Latency ---------------------------------------------------------------------------------

/** The page-side code under test, with a fake background, exposed as `window.leadpactBench.start()`. */
function harnessSource(): string {
  const abs = (p: string) => JSON.stringify(path.join(repoRoot, p));
  return `
import { runSite } from ${abs('extension/content/runner.ts')};
import { site } from ${abs('extension/sites/gmail/index.ts')};

const lead = (key, i) => ({
  leadId: 'lead-' + i, name: 'Person ' + i, title: 'VP Marketing', company: 'Company ' + (i % 17), total: 40 + (i % 55),
  grade: 'ABCD'[i % 4], stage: { id: 'mql', label: 'MQL' }, stageEnteredAt: '2026-11-23T08:00:00Z',
  stageHistory: [{ stage: 'lead', label: 'Lead', at: '2026-11-20T09:00:00Z' }, { stage: 'mql', label: 'MQL', at: '2026-11-23T08:00:00Z' }],
  models: [{ id: 'fit', label: 'Fit', score: 30 }, { id: 'engagement', label: 'Engagement', score: 20 }],
  fired: [{ model: 'fit', rule: 'vp', label: 'Title is VP or above', points: 20 }],
  persona: { id: 'ml', label: 'Marketing leader', talkingPoints: ['Attribution'] },
  sla: [{ id: 'first-touch', label: 'First touch', state: i % 5 === 0 ? 'warning' : 'ok', startedAt: '2026-11-23T08:00:00Z',
    dueAt: new Date(Date.now() + (30 + i) * 60000).toISOString(), remainingMinutes: 30 + i, business: false }],
  canDecide: true, rejectReasons: [{ id: 'no-budget', label: 'No budget' }], decision: null, rulesVersion: '2026.11.3',
});
const estimate = { fit: 45, grade: 'C', persona: null, fired: [], rulesVersion: '2026.11.3' };

// The fake background answers from another thread, as the extension's service worker does: a
// worker that replies ~2 ms after it is asked, its reply a message task on the page's thread (a
// timer on the page's own thread would be queued behind the page's rendering differently).
const background = new Worker(URL.createObjectURL(new Blob(['onmessage = (e) => setTimeout(() => postMessage(e.data), 2);'], { type: 'text/javascript' })));
const replies = new Map();
let asked = 0;
background.onmessage = (event) => { replies.get(event.data)?.(); replies.delete(event.data); };
const backgroundRoundTrip = () => new Promise((resolve) => { const id = ++asked; replies.set(id, resolve); background.postMessage(id); });

window.leadpactBench = {
  lookups: 0,
  start() {
    const controller = new AbortController();
    const ctx = { signal: controller.signal, addEventListener: (t, type, h) => t.addEventListener(type, h, { signal: controller.signal }) };
    runSite(ctx, site, {
      lookup: async (people) => {
        window.leadpactBench.lookups++;
        await backgroundRoundTrip();
        return people.map((p, i) => {
          const n = Number(/\\d+/.exec(p.key)?.[0] ?? i);
          return n % 2 === 0 ? { key: p.key, found: true, lead: lead(p.key, n) } : { key: p.key, found: false, estimate };
        });
      },
      decide: async () => ({ ok: true }),
      now: () => Date.now(),
    });
    return () => controller.abort();
  },
};
`;
}

/** The harness script's name in traces (FunctionCall events carry it), to tell its work from the page's. */
const HARNESS_URL = 'leadpact-bench-harness.js';

async function bundleHarness(work: string): Promise<string> {
  return `${await bundleForPage(work, 'harness-entry.js', harnessSource())}\n//# sourceURL=${HARNESS_URL}\n`;
}

/** The inbox page: Google bar, a thread list table, and the row factory. */
const INBOX_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Inbox - lena.ortmann@quillon.example - Gmail</title>
<style>body{font:14px Arial,sans-serif;margin:0}table{border-collapse:collapse;width:100%}td{padding:4px 8px;border-bottom:1px solid #eee;white-space:nowrap;overflow:hidden;max-width:420px;text-overflow:ellipsis}</style>
</head><body>
<header><a href="https://accounts.google.com/SignOutOptions?hl=en" aria-label="Google Account: Lena Ortmann (lena.ortmann@quillon.example)">L</a></header>
<div role="main"><table role="grid"><tbody id="rows"></tbody></table></div>
<script>
window.makeRow = (i) => {
  const tr = document.createElement('tr');
  tr.className = 'zA zE';
  tr.setAttribute('role', 'row');
  const n = i % 140; // some people write more than once
  tr.innerHTML = '<td class="oZ-x3"><div role="checkbox" aria-checked="false"></div></td><td class="apU"><span aria-label="Not starred">☆</span></td>' +
    '<td class="yX"><div class="yW"><span class="bA4"><span class="yP" email="person' + n + '@company' + (n % 17) + '.example" name="Person ' + n + '">Person ' + n + '</span></span></div></td>' +
    '<td class="xY"><div class="xS"><span class="bog">Subject line ' + i + '</span> <span class="y2">– a preview of the message text ' + i + ' that runs on</span></div></td>' +
    '<td class="xW"><span title="Mon, 23 Nov 2026">10:' + String(i % 60).padStart(2, '0') + '</span></td>';
  return tr;
};
</script></body></html>`;

interface Measurement {
  p95: number;
  max: number;
  longestTask: number;
  /** The most time the harness's own script took within one main-thread task (trace), ms. */
  ourLongestWork: number;
  badges: number;
  /**
   * p95 over rows of (badge frame - the first frame after the row's insertion, in the same page):
   * what the extension adds to the page's own rendering, whatever that costs on this machine.
   */
  addedP95: number;
}

/** Runs in the page: inserts the rows on the schedule, returns per-row latencies and the longest task. */
async function measureInPage(options: { mode: 'baseline' | 'harness' | 'extension'; batches: number; perBatch: number; gapMs: number }): Promise<{ latencies: number[]; added: number[]; badges: number }> {
  const w = window as unknown as { makeRow(i: number): HTMLElement; leadpactBench?: { start(): () => void } };
  const frame = () => new Promise<number>((resolve) => requestAnimationFrame((t) => resolve(t)));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const rows = document.getElementById('rows')!;
  // 'extension': the installed extension's own content script is already running in its isolated world.
  const stop = options.mode === 'harness' ? w.leadpactBench!.start() : () => undefined;
  await frame();
  await frame();

  const insertedAt = new Map<string, number>();
  const shownAt = new Map<string, number>();
  /** Frame timestamps: of the frame each badge was first in, and of the first frame after each row's insertion (where the page alone could paint it). */
  const shownFrameAt = new Map<string, number>();
  const pageFrameAt = new Map<string, number>();
  const rowKey = (el: Element | null) => el?.closest('tr')?.getAttribute('data-bench-row') ?? '';
  const pending: string[] = [];
  const watcher = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of Array.from(record.addedNodes)) {
        if (node.nodeType === 1 && (node as Element).localName === 'leadpact-badge') pending.push(rowKey(node as Element));
      }
    }
    if (pending.length > 0) {
      const keys = pending.splice(0);
      // When the frame's callbacks run (the time to badge), and the frame's own timestamp (the same
      // for every callback of one frame: a badge in the row's first frame adds exactly 0 below).
      requestAnimationFrame((frame) => {
        const t = performance.now();
        for (const key of keys) {
          if (shownAt.has(key)) continue;
          shownAt.set(key, t);
          shownFrameAt.set(key, frame);
        }
      });
    }
  });
  watcher.observe(rows, { childList: true, subtree: true });

  let i = 0;
  for (let batch = 0; batch < options.batches; batch++) {
    const fragment = document.createDocumentFragment();
    const keys: string[] = [];
    for (let r = 0; r < options.perBatch; r++, i++) {
      const tr = w.makeRow(i);
      tr.setAttribute('data-bench-row', String(i)); // the harness's own marker, not the extension's
      fragment.append(tr);
      keys.push(String(i));
    }
    const t0 = performance.now();
    rows.append(fragment);
    for (const key of keys) insertedAt.set(key, t0);
    requestAnimationFrame((frame) => {
      const t = performance.now();
      for (const key of keys) {
        pageFrameAt.set(key, frame);
        if (options.mode === 'baseline') {
          shownAt.set(key, t);
          shownFrameAt.set(key, frame);
        }
      }
    });
    await sleep(options.gapMs);
  }
  const deadline = performance.now() + 5000;
  while (shownAt.size < insertedAt.size && performance.now() < deadline) await frame();
  await frame();
  watcher.disconnect();
  const latencies = Array.from(insertedAt, ([key, t0]) => (shownAt.get(key) ?? Number.POSITIVE_INFINITY) - t0);
  const added = Array.from(insertedAt.keys(), (key) => (shownFrameAt.get(key) ?? Number.POSITIVE_INFINITY) - (pageFrameAt.get(key) ?? Number.NaN));
  const badges = document.querySelectorAll('leadpact-badge').length;
  stop();
  rows.replaceChildren();
  return { latencies, added, badges };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  /** Microseconds. */
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { url?: string } };
}

const threadOf = (e: TraceEvent) => `${e.pid}:${e.tid}`;

/** The events on renderer main threads of a Chromium trace, and its tasks ('toplevel' RunTask events). */
function mainThreadEvents(trace: Buffer): { events: TraceEvent[]; tasks: TraceEvent[] } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const all = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mainThreads = new Set(all.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(threadOf));
  const events = all.filter((e) => e.ph === 'X' && mainThreads.has(threadOf(e)));
  return { events, tasks: events.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') };
}

/** The longest task (ms) on a renderer main thread: the page's own work and rendering included. */
function longestMainThreadTask(trace: Buffer): number {
  return Math.max(0, ...mainThreadEvents(trace).tasks.map((task) => (task.dur ?? 0) / 1000));
}

/**
 * The most time (ms) the harness's own script (the runner, site module and badges) ran within one
 * main-thread task: its FunctionCall events (callbacks, observers, timers, listeners) on the
 * task's thread, overlaps counted once. What "the extension adds no task over 50 ms" is about,
 * apart from the page's work. NaN when the trace holds none of its calls (then it measured nothing).
 */
function longestHarnessWork(trace: Buffer): number {
  const { events, tasks } = mainThreadEvents(trace);
  const calls = events
    .filter((e) => e.name === 'FunctionCall' && e.args?.data?.url === HARNESS_URL)
    .map((e) => [e.ts, e.ts + (e.dur ?? 0), threadOf(e)] as const)
    .sort((a, b) => a[0] - b[0]);
  if (calls.length === 0) return Number.NaN;
  let longest = 0;
  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    const thread = threadOf(task);
    let covered = 0;
    let reached = -Infinity;
    for (const [from, to, callThread] of calls) {
      if (callThread !== thread || from < task.ts || from > end) continue;
      const start = Math.max(from, reached);
      if (to > start) covered += to - start;
      reached = Math.max(reached, to);
    }
    longest = Math.max(longest, covered / 1000);
  }
  return longest;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const median = (values: number[]) => percentile(values, 50);

/**
 * What the extension adds to the page's own rendering: a badge cannot be painted before the
 * frame that paints its row, and that frame's time is the page's (its layout of the rows on this
 * machine), so the time to badge is reported beside the part the extension controls.
 */
function addedResult(label: string, runs: Measurement[], p95: number): BenchResult {
  const added = median(runs.map((m) => m.addedP95));
  return {
    name: `added to the page's first frame p95, ${label}`,
    value: added,
    unit: 'ms',
    note: `per row, badge frame minus the first frame after the row's insertion in the same page (0: the badge is in the first frame the page can paint after its own); ` +
      `median of ${runs.length} runs, beside a time to badge of ${p95.toFixed(1)} ms`,
  };
}

interface Scenario {
  label: string;
  batches: number;
  perBatch: number;
  gapMs: number;
}

const SCENARIOS: Scenario[] = [
  { label: `${ROWS} rows as an infinite list (20 batches of 10, 50 ms apart)`, batches: 20, perBatch: 10, gapMs: 50 },
  { label: `${ROWS} rows inserted at once`, batches: 1, perBatch: ROWS, gapMs: 0 },
];

async function latencyBenchmark(work: string, extensionDir: string | null): Promise<BenchResult[]> {
  let harness: string;
  try {
    harness = await bundleHarness(work);
  } catch (error) {
    return [{ name: 'badge latency (harness did not bundle)', value: Number.NaN, unit: 'ms', note: String(error).split('\n')[0] }];
  }
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  } catch (error) {
    return [{ name: 'badge latency (Chromium did not start)', value: Number.NaN, unit: 'ms', note: String(error).split('\n')[0] }];
  }
  try {
    const results: BenchResult[] = [];
    const baselines = new Map<Scenario, number>();
    for (const scenario of SCENARIOS) {
      const runs: Record<'with' | 'without', Measurement[]> = { with: [], without: [] };
      for (let run = 0; run < RUNS; run++) {
        for (const withExtension of [false, true]) {
          const page = await browser.newPage();
          await page.setContent(INBOX_HTML);
          await page.addScriptTag({ content: harness });
          await page.evaluate('globalThis.__name = (fn) => fn'); // tsx keeps function names with a helper the page lacks
          await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline'] });
          const measured = await page.evaluate(measureInPage, { mode: withExtension ? 'harness' : 'baseline', batches: scenario.batches, perBatch: scenario.perBatch, gapMs: scenario.gapMs } as const);
          const trace = await browser.stopTracing();
          await page.close();
          runs[withExtension ? 'with' : 'without'].push({
            p95: percentile(measured.latencies, 95),
            max: Math.max(...measured.latencies),
            longestTask: longestMainThreadTask(trace),
            ourLongestWork: longestHarnessWork(trace),
            badges: measured.badges,
            addedP95: percentile(measured.added, 95),
          });
        }
      }
      const p95 = median(runs.with.map((m) => m.p95));
      const baseP95 = median(runs.without.map((m) => m.p95));
      const task = median(runs.with.map((m) => m.longestTask));
      const baseTask = median(runs.without.map((m) => m.longestTask));
      const badges = Math.min(...runs.with.map((m) => m.badges));
      baselines.set(scenario, baseP95);
      results.push({
        name: `time to badge p95, ${scenario.label}`,
        value: p95,
        unit: 'ms',
        baseline: { name: 'same inbox without the extension: insertion to first paintable frame', value: baseP95 },
        ratio: baseP95 / p95,
        target: '< 100 ms',
        ok: p95 < LATENCY_TARGET_MS && badges === ROWS,
        note: `Chromium, page-side code with a fake background (a worker, ~2 ms answers), median of ${RUNS} runs, load average ${loadavg()[0]!.toFixed(1)}; worst row ${median(runs.with.map((m) => m.max)).toFixed(1)} ms; ${badges}/${ROWS} rows badged`,
      });
      results.push(addedResult(`harness, ${scenario.label}`, runs.with, p95));
      const ours = median(runs.with.map((m) => m.ourLongestWork));
      results.push({
        name: `longest extension work in one task, ${scenario.label}`,
        value: ours,
        unit: 'ms',
        target: '< 50 ms',
        ok: ours < 50, // NaN (no calls seen) is not met
        note: `Chromium trace: the harness's own script (runner, site module, badges) within one renderer main-thread task, median of ${RUNS} runs`,
      });
      results.push({
        name: `longest main-thread task, ${scenario.label}`,
        value: task,
        unit: 'ms',
        baseline: { name: 'same inbox without the extension', value: baseTask },
        ratio: baseTask / task,
        note: `Chromium trace (RunTask on the renderer main thread, the page's own work and rendering included), median of ${RUNS} runs`,
      });
    }
    await browser.close();
    browser = null;
    if (extensionDir) results.push(...(await realExtensionLatency(extensionDir, baselines)));
    return results;
  } finally {
    await browser?.close();
  }
}

/**
 * The built extension itself, loaded into Chromium: its content script on a routed
 * https://mail.google.com page, lookups answered by its service worker from IndexedDB (the sample
 * leads it seeds on install). Persistent contexts cannot be traced from playwright, so only the
 * time to badge is reported here.
 */
async function realExtensionLatency(extensionDir: string, baselines: Map<Scenario, number>): Promise<BenchResult[]> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(path.join(tmpdir(), 'leadpact-bench-profile-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: false,
      args: ['--headless=new', '--no-sandbox', `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    return [{ name: 'time to badge, real extension (Chromium did not start)', value: Number.NaN, unit: 'ms', note: String(error).split('\n')[0] }];
  }
  try {
    await context.route('https://mail.google.com/**', (route) => route.fulfill({ contentType: 'text/html', body: INBOX_HTML }));
    if (context.serviceWorkers().length === 0) await context.waitForEvent('serviceworker', { timeout: 20_000 });
    const open = async () => {
      const page = await context.newPage();
      await page.goto('https://mail.google.com/mail/u/0/#inbox');
      await page.evaluate('globalThis.__name = (fn) => fn');
      await page.waitForTimeout(300); // the content script starts at document_idle
      return page;
    };
    // Warm-up, not measured: the worker seeds the sample leads on install and answers the first
    // lookup once that is done.
    const warm = await open();
    const warmed = await warm
      .evaluate(async () => {
        const rows = document.getElementById('rows')!;
        rows.append((window as unknown as { makeRow(i: number): HTMLElement }).makeRow(0));
        const until = performance.now() + 60_000;
        while (!rows.querySelector('leadpact-badge') && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
        return rows.querySelector('leadpact-badge') !== null;
      })
      .catch(() => false);
    await warm.close();
    if (!warmed) return [{ name: 'time to badge, real extension (no badge within 60 s)', value: Number.NaN, unit: 'ms' }];

    const results: BenchResult[] = [];
    for (const scenario of SCENARIOS) {
      const measured: Measurement[] = [];
      for (let run = 0; run < RUNS; run++) {
        const page = await open();
        const m = await page.evaluate(measureInPage, { mode: 'extension', batches: scenario.batches, perBatch: scenario.perBatch, gapMs: scenario.gapMs } as const);
        await page.close();
        measured.push({ p95: percentile(m.latencies, 95), max: Math.max(...m.latencies), longestTask: Number.NaN, ourLongestWork: Number.NaN, badges: m.badges, addedP95: percentile(m.added, 95) });
      }
      const p95 = median(measured.map((m) => m.p95));
      const baseP95 = baselines.get(scenario) ?? Number.NaN;
      const badges = Math.min(...measured.map((m) => m.badges));
      results.push({
        name: `time to badge p95, real extension, ${scenario.label}`,
        value: p95,
        unit: 'ms',
        baseline: { name: 'same inbox without the extension: insertion to first paintable frame', value: baseP95 },
        ratio: baseP95 / p95,
        target: '< 100 ms',
        ok: p95 < LATENCY_TARGET_MS && badges === ROWS,
        note: `Chromium with the built extension (service worker lookups over runtime messaging and IndexedDB), median of ${RUNS} runs, load average ${loadavg()[0]!.toFixed(1)}; worst row ${median(measured.map((m) => m.max)).toFixed(1)} ms; ${badges}/${ROWS} rows badged`,
      });
      results.push(addedResult(`real extension, ${scenario.label}`, measured, p95));
    }
    return results;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
