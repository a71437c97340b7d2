/**
 * The production build as shipped: the badge's shadow root is closed, so the page (which can read
 * every attribute and every open shadow root) sees an empty <leadpact-badge> and nothing else.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchWithExtension, servePages, type LaunchedBrowser } from '../../scripts/demo/browser.ts';
import { PEOPLE } from './support/leads.ts';
import { FIXTURE_PAGES, pageVisibleStrings, URLS } from './support/pages.ts';

const chromium = inject('chromium');
const extensionDir = inject('productionExtensionDir');

describe.skipIf(!chromium)('the production build in Chromium', () => {
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchWithExtension({ executablePath: chromium!, extensionDir, headless: true });
    await servePages(browser.context, FIXTURE_PAGES);
    page = await browser.context.newPage();
    page.setDefaultTimeout(8_000);
    await page.goto(URLS.gmail);
    // Closed roots: all we can see is that each host got a box (the badge was drawn inside).
    await page.waitForFunction(() => {
      const hosts = [...document.querySelectorAll('leadpact-badge')];
      return hosts.length === 4 && hosts.every((host) => host.getBoundingClientRect().width > 0);
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every badge in a closed shadow root the page cannot open', async () => {
    const roots = await page.evaluate(() => [...document.querySelectorAll('leadpact-badge')].map((host) => host.shadowRoot === null));
    expect(roots).toEqual([true, true, true, true]);
  });

  it('leaves nothing about the lead where the page can read it, even with the card open', async () => {
    await page.locator(`span[email="${PEOPLE.ada.email}"] + leadpact-badge`).click();
    // No leads were imported here, so Ada is a stranger: her estimate card is open, as the
    // browser's own accessibility tree (not a page API) shows.
    const cdp = await browser.context.newCDPSession(page);
    await expect
      .poll(async () => {
        const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value?: string }; name?: { value?: string } }[] };
        return nodes.some((node) => node.role?.value === 'dialog' && node.name?.value === 'Not in your leads');
      })
      .toBe(true);
    const { attributes, text } = await pageVisibleStrings(page);
    const secrets = ['Lead score', 'Not in your leads', 'qualified lead', 'Subscriber', 'Fit ~'];
    expect(attributes.filter((attribute) => secrets.some((secret) => attribute.includes(secret)))).toEqual([]);
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
    expect(attributes.filter((attribute) => attribute.startsWith('leadpact-badge['))).toEqual([]);
    // ...yet no page API reaches it.
    const reachable = await page.evaluate(() => document.querySelectorAll('[role="dialog"], .card, button.badge').length);
    expect(reachable).toBe(0);
  });
});
