/**
 * Builds the extension once for the whole e2e run (the `e2e` mode for the browser tests, the
 * production build for the shipped-file checks) and finds Chromium. Without a browser the browser
 * tests skip with a message, unless LEADPACT_REQUIRE_BROWSER=1 (CI), where that is a failure.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildExtension, findChromium, REPO_ROOT } from '../../scripts/demo/browser.ts';

/** Each run builds into its own folder: two e2e runs at once (several people, one tree) must not delete each other's builds. */
const RUNS_DIR = '.output/e2e-runs';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the folders of runs whose process is gone (killed runs never reach their teardown). */
function pruneStaleRuns(): void {
  const root = join(REPO_ROOT, RUNS_DIR);
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute folder of the `e2e`-mode Chrome build (badge shadow roots open). */
    e2eExtensionDir: string;
    /** Absolute folder of the production Chrome build (what ships). */
    productionExtensionDir: string;
    /** The Chromium executable, or null when none was found (browser tests skip). */
    chromium: string | null;
    /** This run's private output folder (relative to the repo) for further builds, e.g. Firefox. */
    runOutDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const chromium = findChromium();
  if (!chromium) {
    const where = process.env.LEADPACT_CHROMIUM ?? '/usr/bin/chromium';
    if (process.env.LEADPACT_REQUIRE_BROWSER === '1') {
      throw new Error(`e2e: no Chromium at ${where}, and LEADPACT_REQUIRE_BROWSER=1 requires one (install chromium or set LEADPACT_CHROMIUM)`);
    }
    console.warn(`e2e: no Chromium at ${where}; the browser tests are skipped (install chromium or set LEADPACT_CHROMIUM; CI sets LEADPACT_REQUIRE_BROWSER=1 to make this a failure)`);
  }
  pruneStaleRuns();
  const runOutDir = `${RUNS_DIR}/${process.pid}`;
  const teardown = () => rmSync(join(REPO_ROOT, runOutDir), { recursive: true, force: true });
  const started = Date.now();
  // One after the other: two cores, and WXT writes its .wxt/ folder on every build.
  const productionExtensionDir = await buildExtension({ browser: 'chrome', mode: 'production', outDir: `${runOutDir}/production` });
  const e2eExtensionDir = await buildExtension({ browser: 'chrome', mode: 'e2e', outDir: `${runOutDir}/e2e` });
  console.info(`e2e: built the extension (production and e2e) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('e2eExtensionDir', e2eExtensionDir);
  project.provide('productionExtensionDir', productionExtensionDir);
  project.provide('chromium', chromium);
  project.provide('runOutDir', runOutDir);
  return teardown;
}
