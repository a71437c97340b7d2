/**
 * Remote rules in Chromium: a signed bundle served at an https URL (request routing reaches the
 * service worker's fetch), its URL and key set in the options page, and the popup showing the new
 * version; then a tampered and an older bundle refused with the accepted rules still active.
 *
 * The bundle is served from an origin the extension already holds (www.linkedin.com): for any
 * other origin the options page asks for an optional host permission, and headless Chromium shows
 * that prompt where no test can answer it. permissions.request for a held origin resolves at once,
 * so the rest of the path (request, save, fetch, verify, switch) is the one a rep takes.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bundle } from '../../extension/engine/generated/rules';
import { signBundle } from '../../extension/lib/signature';
import { launchWithExtension, REPO_ROOT, servePages, type LaunchedBrowser } from '../../scripts/demo/browser.ts';
import { loadRules } from '../../scripts/lib/rules-repo.ts';
import { dirSource } from '../../scripts/lib/rules-source.ts';
import { optionsPagePath, readPopupText, routeRemoteRules, saveAndCheckRemoteRules, type ServedRules } from './support/extension.ts';
import { FIXTURE_PAGES } from './support/pages.ts';

const chromium = inject('chromium');
const extensionDir = inject('e2eExtensionDir');

const RULES_URL = 'https://www.linkedin.com/leadpact-e2e/rules/bundle.json';

describe.skipIf(!chromium)('remote rules in Chromium', () => {
  let browser: LaunchedBrowser;
  let options: Page;
  let served: ServedRules | null = null;
  let pkcs8: Uint8Array<ArrayBuffer>;
  let publicKey = '';
  let base: Bundle;
  let embeddedVersion = '';
  let newerVersion = '';
  const fetched: string[] = [];

  async function publish(version: string, tamper = false): Promise<ServedRules> {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...base, version }));
    const { signature } = await signBundle(bytes, version, new Date(Date.now() + 7 * 86_400_000).toISOString(), pkcs8);
    const bundle = tamper ? JSON.stringify({ ...base, version, name: `${base.name} (tampered)` }) : new TextDecoder().decode(bytes);
    return { bundle, signature: JSON.stringify(signature) };
  }

  const saveAndCheck = () => saveAndCheckRemoteRules(options);
  const popupText = () => readPopupText(browser.context, browser.extensionId);

  beforeAll(async () => {
    const loaded = await loadRules(dirSource(REPO_ROOT));
    if (!loaded.bundle) throw new Error('the rules in rules/ do not build');
    base = loaded.bundle;
    embeddedVersion = base.version;
    const [major] = embeddedVersion.split('.');
    newerVersion = `${Number(major) + 1}.0.0`;

    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    publicKey = (await signBundle(new Uint8Array(), '0.0.0', new Date(Date.now() + 86_400_000).toISOString(), pkcs8)).publicKey;

    browser = await launchWithExtension({ executablePath: chromium!, extensionDir, headless: true });
    await servePages(browser.context, FIXTURE_PAGES);
    // Registered after servePages, so it is asked first (Playwright runs the newest matching route).
    await routeRemoteRules(browser.context, RULES_URL, () => served, fetched);
    options = await browser.context.newPage();
    options.setDefaultTimeout(10_000);
    await options.goto(`chrome-extension://${browser.extensionId}/${optionsPagePath(extensionDir)}`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('starts with the rules built into the extension', async () => {
    expect(await popupText()).toContain(`Rules ${embeddedVersion} (built in)`);
  });

  it('takes a newer signed bundle once its URL and key are set in the options page, and the popup shows it', async () => {
    served = await publish(newerVersion);
    await options.getByLabel('Rules URL').fill(RULES_URL);
    await options.getByLabel('Public keys').fill(publicKey);
    expect(await saveAndCheck()).toContain('The new rules are active');
    expect(fetched).toContain(RULES_URL);
    expect(fetched).toContain(`${RULES_URL}.sig`);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain('Rules checked');
  });

  it('refuses a tampered bundle and keeps the accepted rules', async () => {
    served = await publish(`${Number(newerVersion.split('.')[0]) + 1}.0.0`, true);
    expect(await saveAndCheck()).toMatch(/refused: the signature does not match the bundle/);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain('Last rules update refused');
  });

  it('refuses an older, properly signed bundle and keeps the accepted rules', async () => {
    served = await publish(embeddedVersion);
    expect(await saveAndCheck()).toContain(`version ${embeddedVersion} is older than ${newerVersion} in use`);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain(`Last rules update refused (version ${embeddedVersion})`);
  });
});
