/**
 * What `npm start` and the end-to-end tests share: building the extension, finding Chromium,
 * launching it with the extension loaded, and serving pages at the real site URLs through
 * request routing (nothing leaves the machine; every other request gets an empty 404).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Route } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Flags for a quiet, offline, reproducible Chromium (headless needs no sandbox in containers). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/snap/bin/chromium'];

/** `LEADPACT_CHROMIUM` if set, else Debian's Chromium; null when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.LEADPACT_CHROMIUM;
  if (chosen) return existsSync(chosen) ? chosen : null;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export interface BuildOptions {
  browser: 'chrome' | 'firefox';
  /** `e2e` opens the badge shadow roots; `production` is what ships. */
  mode: 'production' | 'e2e';
  /** A private output folder (relative to the repo), so parallel builds elsewhere do not race with ours. */
  outDir: string;
}

/**
 * Builds with WXT's API in a child process (WXT keeps global state, and its Vite run should not
 * share the test runner's module graph). Returns the absolute folder of the built extension.
 */
export async function buildExtension({ browser, mode, outDir }: BuildOptions): Promise<string> {
  const absOut = join(REPO_ROOT, outDir);
  rmSync(absOut, { recursive: true, force: true });
  const script = `import { build } from 'wxt';
await build({ browser: ${JSON.stringify(browser)}, mode: ${JSON.stringify(mode)}, outDir: ${JSON.stringify(outDir)},
  outDirTemplate: '{{browser}}-mv{{manifestVersion}}' });`;
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const dir = existsSync(absOut) ? readdirSync(absOut).find((name) => name.startsWith(`${browser}-mv`)) : undefined;
  if (code !== 0 || !dir) {
    const tail = output.join('').split('\n').filter((line) => !/annotation|comment will be removed|^\s*$/.test(line)).slice(-30).join('\n');
    throw new Error(`wxt build (${browser}, ${mode}) failed with exit code ${code}:\n${tail}`);
  }
  return join(absOut, dir);
}

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  readonly extensionId: string;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  executablePath: string;
  extensionDir: string;
  headless: boolean;
  viewport?: { width: number; height: number };
}

/** A fresh profile with only our extension; resolves once its service worker runs. */
export async function launchWithExtension({ executablePath, extensionDir, headless, viewport }: LaunchOptions): Promise<LaunchedBrowser> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'leadpact-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless,
      viewport: viewport ?? { width: 1280, height: 800 },
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    let [worker] = context.serviceWorkers();
    worker ??= await context.waitForEvent('serviceworker', { timeout: 15_000 });
    const extensionId = new URL(worker.url()).host;
    return { context, extensionId, close };
  } catch (error) {
    await close();
    const missing = missingManifestFiles(extensionDir);
    if (missing.length > 0) throw new Error(`Chromium did not start the extension's service worker: the manifest names files the build lacks (${missing.join(', ')})`);
    throw error;
  }
}

/** Files the built manifest names that are not in the build (Chrome then refuses the whole extension). */
export function missingManifestFiles(extensionDir: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as {
      background?: { service_worker?: string };
      action?: { default_popup?: string };
      options_ui?: { page?: string };
      storage?: { managed_schema?: string };
      content_scripts?: { js?: string[] }[];
    };
    const named = [
      manifest.background?.service_worker,
      manifest.action?.default_popup,
      manifest.options_ui?.page,
      manifest.storage?.managed_schema,
      ...(manifest.content_scripts ?? []).flatMap((script) => script.js ?? []),
    ].filter((file): file is string => typeof file === 'string');
    return named.filter((file) => !existsSync(join(extensionDir, file)));
  } catch {
    return ['manifest.json'];
  }
}

/** One page served at a real URL: `match` is tested against the URL without its fragment. */
export interface ServedPage {
  match: (url: URL) => boolean;
  html: () => string;
}

/**
 * Routes every http(s) request of the context: a matching served page is fulfilled from our own
 * HTML; anything else (images, analytics, the real sites) gets an empty 404, so nothing goes out.
 */
export async function servePages(context: BrowserContext, pages: readonly ServedPage[]): Promise<void> {
  await context.route(/^https?:/, async (route: Route) => {
    const url = new URL(route.request().url());
    const page = pages.find((candidate) => candidate.match(url));
    if (page && route.request().resourceType() === 'document') {
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page.html() });
    } else {
      await route.fulfill({ status: 404, contentType: 'text/plain', body: '' });
    }
  });
}

export const SITE_URLS = {
  gmail: 'https://mail.google.com/mail/u/0/#inbox',
  outlook: 'https://outlook.office.com/mail/inbox/id/AAQkADemoConversation1',
  linkedin: (slug: string) => `https://www.linkedin.com/in/${slug}/`,
} as const;
