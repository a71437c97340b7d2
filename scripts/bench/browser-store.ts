// The lead store benchmark (support/store-core.ts) on Chromium's own IndexedDB instead of
// fake-indexeddb: the store code is bundled for a plain page served from a local HTTP server
// (localhost is a secure context; the 185 MB file is too big for request routing, which passes
// bodies through the DevTools protocol), the page fetches the 100k-lead JSON Lines file, and the
// same import, one-transaction-per-record baseline, chunked write and email lookups run there. Targets as in store.ts: import < 15 s,
// lookup p95 < 5 ms.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../lib/paths';
import { benchLeads } from './store';
import { bundleForPage } from './support/bundle';
import type { StoreMeasurements } from './support/store-core';
import { storeResults } from './support/store-core';
import type { BenchResult } from './types';

const LEADS = 100_000;
const CHROMIUM = process.env.LEADPACT_CHROMIUM ?? '/usr/bin/chromium';

export default async function run(leadCount = LEADS): Promise<BenchResult[]> {
  const work = await mkdtemp(path.join(tmpdir(), 'leadpact-bench-store-'));
  try {
    const harness = await bundleForPage(work, 'store-entry.js',
      `import { measureStore } from ${JSON.stringify(path.join(repoRoot, 'scripts/bench/support/store-core.ts'))};\n` +
      'window.leadpactStoreBench = measureStore;\n');
    const { text, emails } = benchLeads(leadCount);
    const file = path.join(work, 'leads.jsonl');
    await writeFile(file, text);
    const textLength = text.length;

    const server = createServer((request, response) => {
      if (request.url === '/leads.jsonl') {
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        createReadStream(file).pipe(response);
      } else if (request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>store bench</title>');
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      page.on('console', (message) => process.stderr.write(`${message.text()}\n`));
      await page.goto(`${origin}/`);
      await page.addScriptTag({ content: harness });
      const m = await page.evaluate(async ({ count, list }) => {
        const body = await (await fetch('/leads.jsonl')).text();
        const bench = (window as unknown as { leadpactStoreBench: (t: string, n: number, e: string[], log: (line: string) => void) => Promise<StoreMeasurements> }).leadpactStoreBench;
        return bench(body, count, list, (line) => console.log(line));
      }, { count: leadCount, list: emails });
      if (Math.round(m.textMB * 1e6) !== textLength) throw new Error(`the page read ${m.textMB} MB, not the ${textLength / 1e6} MB written`);
      return storeResults(m, 'Chromium IndexedDB', `; headless Chromium on this machine, load average ${loadavg()[0]!.toFixed(1)}`);
    } finally {
      await browser.close();
      server.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
