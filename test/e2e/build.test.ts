/**
 * Checks on what ships: the production manifest asks for nothing beyond DESIGN 7 (storage,
 * alarms, the three sites), no shipped file can evaluate strings as code, and the Firefox build
 * passes `web-ext lint`. No browser needed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildExtension, REPO_ROOT } from '../../scripts/demo/browser.ts';
import { sites } from '../../extension/sites/index.ts';

function readManifest(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every match pattern of every site module: the only hosts the extension may ask for. */
const SITE_PATTERNS = [...new Set(sites.flatMap((site) => site.matches))].sort();

describe('the production Chrome manifest', () => {
  const dir = inject('productionExtensionDir');
  const manifest = readManifest(dir);

  it('asks for exactly the storage and alarms permissions', () => {
    expect([...((manifest.permissions as string[] | undefined) ?? [])].sort()).toEqual(['alarms', 'storage']);
  });

  it('asks for host access to the three sites only', () => {
    expect([...((manifest.host_permissions as string[] | undefined) ?? [])].sort()).toEqual(SITE_PATTERNS);
    const hosts = SITE_PATTERNS.map((pattern) => new URL(pattern.replace('*', '')).hostname);
    expect(hosts.every((host) => ['mail.google.com', 'www.linkedin.com'].includes(host) || /^outlook\.(office|office365|live)\.com$/.test(host))).toBe(true);
  });

  it('runs content scripts only on the site patterns', () => {
    const scripts = (manifest.content_scripts as { matches: string[] }[] | undefined) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script.matches.every((pattern) => SITE_PATTERNS.includes(pattern))).toBe(true);
  });

  it('declares nothing else that widens access (snapshot of the keys and their risky values)', () => {
    const { permissions, host_permissions, content_scripts, ...rest } = manifest;
    void permissions;
    void host_permissions;
    void content_scripts;
    // Anything new here is a review point: optional permissions, web-accessible resources,
    // externally_connectable, a relaxed CSP, key, update_url, ...
    const allowed = new Set(['manifest_version', 'name', 'description', 'version', 'version_name', 'background', 'action', 'options_ui', 'options_page', 'icons', 'default_locale', 'optional_host_permissions', 'storage']);
    expect(Object.keys(rest).filter((key) => !allowed.has(key))).toEqual([]);
    expect(manifest.manifest_version).toBe(3);
    expect(manifest).not.toHaveProperty('optional_permissions');
    expect(manifest).not.toHaveProperty('web_accessible_resources');
    expect(manifest).not.toHaveProperty('externally_connectable');
    expect(manifest).not.toHaveProperty('content_security_policy');
    // The CRM origin is asked for at run time (DESIGN 7): only https origins may be optional.
    const optionalHosts = (manifest.optional_host_permissions as string[] | undefined) ?? [];
    expect(optionalHosts.filter((pattern) => !pattern.startsWith('https://'))).toEqual([]);
    // Managed storage (enterprise policy) needs a schema file inside the build, nothing more.
    if (manifest.storage !== undefined) expect(Object.keys(manifest.storage as object)).toEqual(['managed_schema']);
  });
});

/** Every file a manifest names: Chrome refuses to load an extension when one is missing. */
function filesNamedBy(manifest: Record<string, unknown>): string[] {
  const named: string[] = [];
  const background = manifest.background as { service_worker?: string; scripts?: string[]; page?: string } | undefined;
  if (background?.service_worker) named.push(background.service_worker);
  named.push(...(background?.scripts ?? []));
  if (background?.page) named.push(background.page);
  const action = (manifest.action ?? manifest.browser_action) as { default_popup?: string } | undefined;
  if (action?.default_popup) named.push(action.default_popup);
  const options = manifest.options_ui as { page?: string } | undefined;
  if (options?.page) named.push(options.page);
  if (typeof manifest.options_page === 'string') named.push(manifest.options_page);
  const storage = manifest.storage as { managed_schema?: string } | undefined;
  if (storage?.managed_schema) named.push(storage.managed_schema);
  for (const script of (manifest.content_scripts as { js?: string[]; css?: string[] }[] | undefined) ?? []) named.push(...(script.js ?? []), ...(script.css ?? []));
  named.push(...Object.values((manifest.icons as Record<string, string> | undefined) ?? {}));
  return named;
}

describe('the shipped files', () => {
  it.each([
    ['production', () => inject('productionExtensionDir')],
    ['e2e', () => inject('e2eExtensionDir')],
  ])('of the %s build include every file the manifest names', (_mode, dirOf) => {
    const dir = dirOf();
    const named = filesNamedBy(readManifest(dir));
    expect(named.length).toBeGreaterThan(2);
    expect(named.filter((file) => !existsSync(join(dir, file)))).toEqual([]);
  });

  it.each([
    ['production', () => inject('productionExtensionDir')],
    ['e2e', () => inject('e2eExtensionDir')],
  ])('of the %s build contain no eval( and no new Function', (_mode, dirOf) => {
    const dir = dirOf();
    const offenders: string[] = [];
    const files = filesUnder(dir).filter((file) => /\.(m?js|html)$/.test(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of [/\beval\s*\(/, /\bnew\s+Function\b/, /\bFunction\s*\(\s*["'`]/]) {
        const match = pattern.exec(text);
        if (match) offenders.push(`${relative(dir, file)}: ${text.slice(Math.max(0, match.index - 60), match.index + 40).replace(/\s+/g, ' ')}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

interface LintReport {
  count: number;
  errors: { code: string; message: string; file?: string }[];
  warnings: { code: string; message: string; file?: string }[];
}

function webExtLint(sourceDir: string): Promise<LintReport> {
  const cli = join(REPO_ROOT, 'node_modules/web-ext/bin/web-ext.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'lint', '--source-dir', sourceDir, '--output', 'json', '--no-config-discovery'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const start = out.indexOf('{');
      try {
        resolve(JSON.parse(out.slice(start)) as LintReport);
      } catch {
        reject(new Error(`web-ext lint gave no JSON report:\n${out}\n${err}`));
      }
    });
  });
}

describe('the Firefox build', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await buildExtension({ browser: 'firefox', mode: 'production', outDir: `${inject('runOutDir')}/firefox` });
  }, 90_000);

  it('passes web-ext lint without errors and without manifest warnings', async () => {
    const report = await webExtLint(dir);
    expect(report.errors.map((e) => `${e.code}: ${e.message} (${e.file ?? ''})`)).toEqual([]);
    // Preact's renderer assigns innerHTML for dangerouslySetInnerHTML (never used by us): the
    // linter flags the library code, so those are the only warnings accepted.
    const unexpected = report.warnings.filter((w) => w.code !== 'UNSAFE_VAR_ASSIGNMENT');
    expect(unexpected.map((w) => `${w.code}: ${w.message} (${w.file ?? ''})`)).toEqual([]);
  }, 60_000);

  it('carries a stable add-on id and the same permissions as Chrome', () => {
    const manifest = readManifest(dir) as { browser_specific_settings?: { gecko?: { id?: string } }; permissions?: string[] };
    expect(manifest.browser_specific_settings?.gecko?.id).toBe('leadpact@leadpact.example');
    // MV2 folds host access into `permissions`.
    expect([...(manifest.permissions ?? [])].sort()).toEqual(['alarms', 'storage', ...SITE_PATTERNS].sort());
  });
});
