/**
 * The release as shipped, end to end: from a clean clone of HEAD, `leadpact keygen` and
 * `leadpact release` make the artifacts; the released Chrome zip, unpacked, is loaded into
 * Chromium; its options page is pointed at a signed bundle (newer than the one in the zip, signed
 * with `leadpact sign` and the key keygen wrote) and the popup shows it active. Then, in the same
 * browser, a tampered bundle, an expired signature and an older bundle (the release's own
 * bundle.json and bundle.json.sig) are each refused with the reason shown, the accepted rules
 * still active.
 *
 * One release per run (~45 s on two cores: both WXT zips), made only when there is a browser.
 * The bundle is served at www.linkedin.com, an origin the extension already holds (see
 * remote-rules.test.ts: headless Chromium cannot answer the optional-permission prompt).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signBundle } from '../../extension/lib/signature';
import { launchWithExtension, REPO_ROOT, servePages, type LaunchedBrowser } from '../../scripts/demo/browser.ts';
import { readPrivateKey } from '../../scripts/lib/keys';
import { optionsPagePath, readPopupText, routeRemoteRules, saveAndCheckRemoteRules, type ServedRules } from './support/extension.ts';
import { FIXTURE_PAGES } from './support/pages.ts';
import { makeRelease, type MadeRelease } from './support/release.ts';

const chromium = inject('chromium');

const RULES_URL = 'https://www.linkedin.com/leadpact-e2e/release/bundle.json';
const DAY = 86_400_000;

const bumpMajor = (version: string, by: number) => `${Number(version.split('.')[0]) + by}.0.0`;

describe.skipIf(!chromium)('the released Chrome zip in Chromium', () => {
  let made: MadeRelease;
  let browser: LaunchedBrowser;
  let options: Page;
  let released: Record<string, unknown>;
  let releasedVersion = '';
  let newerVersion = '';
  let served: ServedRules | null = null;
  const fetched: string[] = [];

  /** The released bundle with another version, as the bytes an admin would publish. */
  const bundleAt = (version: string) => `${JSON.stringify({ ...released, version }, null, 2)}\n`;

  const saveAndCheck = () => saveAndCheckRemoteRules(options);
  const popupText = () => readPopupText(browser.context, browser.extensionId);

  beforeAll(async () => {
    made = await makeRelease();
    console.info(`e2e: leadpact keygen + release from a clean clone in ${made.seconds.toFixed(1)} s (${made.chromeZip})`);
    released = JSON.parse(readFileSync(join(made.releaseDir, 'bundle.json'), 'utf8')) as Record<string, unknown>;
    releasedVersion = made.version;
    newerVersion = bumpMajor(releasedVersion, 1);

    browser = await launchWithExtension({ executablePath: chromium!, extensionDir: made.extensionDir, headless: true });
    await servePages(browser.context, FIXTURE_PAGES);
    // Registered after servePages, so it is asked first (Playwright runs the newest matching route).
    await routeRemoteRules(browser.context, RULES_URL, () => served, fetched);
    options = await browser.context.newPage();
    options.setDefaultTimeout(10_000);
    await options.goto(`chrome-extension://${browser.extensionId}/${optionsPagePath(made.extensionDir)}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    made?.remove();
  });

  it('releases every artifact, with SHA256SUMS matching the files written', () => {
    const names = readdirSync(made.releaseDir).sort();
    expect(names).toEqual(expect.arrayContaining(['SHA256SUMS', 'bundle.json', 'bundle.json.sig', made.chromeZip, made.chromeZip.replace('-chrome.zip', '-firefox.zip'), made.chromeZip.replace('-chrome.zip', '-sources.zip')]));
    const sums = readFileSync(join(made.releaseDir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    const listed = new Map(sums.map((line) => [line.slice(66).replace(/^\*/, ''), line.slice(0, 64)]));
    for (const name of names.filter((n) => n !== 'SHA256SUMS')) {
      expect(listed.get(name), name).toBe(createHash('sha256').update(readFileSync(join(made.releaseDir, name))).digest('hex'));
    }
    expect(existsSync(join(made.extensionDir, 'manifest.json'))).toBe(true);
  });

  it('runs the rules of the release, built in, once the zip is loaded', async () => {
    expect(await popupText()).toContain(`Rules ${releasedVersion} (built in)`);
  });

  it('takes a newer bundle signed with the keygen key, and the popup shows it active', async () => {
    // Signed with `leadpact sign` and the key `leadpact keygen` wrote, as an admin would.
    const file = join(made.root, 'newer.json');
    writeFileSync(file, bundleAt(newerVersion));
    await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts', 'bin', 'leadpact.js'), 'sign', file, '--key', made.keyFile, '--expires', '7d'], { cwd: REPO_ROOT });
    served = { bundle: readFileSync(file, 'utf8'), signature: readFileSync(`${file}.sig`, 'utf8') };

    await options.getByLabel('Rules URL').fill(RULES_URL);
    await options.getByLabel('Public keys').fill(made.publicKey);
    expect(await saveAndCheck()).toContain('The new rules are active');
    expect(fetched).toContain(RULES_URL);
    expect(fetched).toContain(`${RULES_URL}.sig`);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain('Rules checked');
  });

  it('refuses a tampered bundle and keeps the accepted rules', async () => {
    const version = bumpMajor(releasedVersion, 2);
    const bytes = bundleAt(version);
    const { pkcs8 } = await readPrivateKey(made.keyFile);
    const { signature } = await signBundle(new TextEncoder().encode(bytes), version, new Date(Date.now() + 7 * DAY).toISOString(), pkcs8);
    served = { bundle: bytes.replace(`"name": "${String(released.name)}"`, `"name": "${String(released.name)} (tampered)"`), signature: JSON.stringify(signature) };
    expect(served.bundle).not.toBe(bytes);

    expect(await saveAndCheck()).toMatch(/refused: the signature does not match the bundle/);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain(`Last rules update refused (version ${version})`);
  });

  it('refuses a bundle whose signature has expired and keeps the accepted rules', async () => {
    // `leadpact sign` refuses an expiry in the past, so this one is signed directly.
    const version = bumpMajor(releasedVersion, 3);
    const bytes = bundleAt(version);
    const expires = new Date(Date.now() - DAY).toISOString();
    const { pkcs8 } = await readPrivateKey(made.keyFile);
    const { signature } = await signBundle(new TextEncoder().encode(bytes), version, expires, pkcs8);
    served = { bundle: bytes, signature: JSON.stringify(signature) };

    expect(await saveAndCheck()).toContain(`refused: the signature expired at ${signature.expires}`);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain(`Last rules update refused (version ${version})`);
  });

  it("refuses the release's own, properly signed bundle as older than the one in use", async () => {
    served = { bundle: readFileSync(join(made.releaseDir, 'bundle.json'), 'utf8'), signature: readFileSync(join(made.releaseDir, 'bundle.json.sig'), 'utf8') };

    expect(await saveAndCheck()).toContain(`version ${releasedVersion} is older than ${newerVersion} in use`);
    const text = await popupText();
    expect(text).toContain(`Rules ${newerVersion} (remote)`);
    expect(text).toContain(`Last rules update refused (version ${releasedVersion})`);
  });
});
