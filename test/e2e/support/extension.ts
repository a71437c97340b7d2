/** Driving the extension's own pages in the e2e browser. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** The options page file named in the built manifest (WXT: options.html). */
export function optionsPagePath(extensionDir: string): string {
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as { options_ui?: { page?: string }; options_page?: string };
  const page = manifest.options_ui?.page ?? manifest.options_page;
  if (!page) throw new Error('the built manifest has no options page (options_ui.page or options_page)');
  return page;
}

async function pollText(page: Page, test: (text: string) => boolean, timeoutMs: number, reload: boolean): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await page.locator('body').innerText();
    if (test(text)) return text;
    await page.waitForTimeout(150);
    if (reload) await page.reload();
  }
  return text;
}

/**
 * Imports a leads file through the options page's file input labelled "Import leads" (DESIGN 7).
 * A fresh install seeds the sample leads first; the import waits for that (an import racing the
 * seeding can lose the rep's leads: see the e2e report), then for the page to report the import
 * and for the store to hold exactly `count` leads.
 */
export async function importLeads(context: BrowserContext, extensionId: string, extensionDir: string, file: string, count: number): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/${optionsPagePath(extensionDir)}`);
    const seeded = await pollText(page, (text) => /·\s*[1-9][\d,]*\s+leads/.test(text), 30_000, true);
    if (!/·\s*[1-9][\d,]*\s+leads/.test(seeded)) throw new Error(`the sample leads were not seeded within 30 s; the options page shows:\n${seeded.slice(0, 600)}`);
    // The section is labelled "Import leads" too: take the file input that carries the label.
    await page.locator('input[type="file"]').and(page.getByLabel('Import leads')).setInputFiles(file);
    const reported = new RegExp(`Imported ${count} leads?\\b`);
    const text = await pollText(page, (t) => reported.test(t) || /nothing was imported/i.test(t), 15_000, false);
    if (!reported.test(text)) throw new Error(`the options page did not report importing ${count} leads; it shows:\n${text.slice(0, 1500)}`);
    const stored = new RegExp(`·\\s*${count}\\s+leads?\\b`);
    const after = await pollText(page, (t) => stored.test(t), 5_000, true);
    if (!stored.test(after)) throw new Error(`after the import the store does not hold ${count} leads; the options page shows:\n${after.slice(0, 600)}`);
  } finally {
    await page.close();
  }
}

/**
 * Clicks "Save and check" in the options page's remote rules section and returns the new result
 * message (not the one left from before); fails after 15 s without one.
 */
export async function saveAndCheckRemoteRules(options: Page): Promise<string> {
  const result = options.locator('section[aria-labelledby="remote-title"] .notice');
  const before = (await result.count()) > 0 ? await result.innerText() : null;
  await options.getByRole('button', { name: 'Save and check' }).click();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await result.count()) > 0) {
      const text = (await result.innerText()).trim();
      if (text !== before?.trim()) return text;
    }
    await options.waitForTimeout(100);
  }
  throw new Error(`no new result after "Save and check"; the section says: ${await options.locator('section[aria-labelledby="remote-title"]').innerText()}`);
}

/** The popup's text (whitespace collapsed), read in a new page once its facts are shown. */
export async function readPopupText(context: BrowserContext, extensionId: string): Promise<string> {
  const popup = await context.newPage();
  try {
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await popup.locator('.facts').waitFor({ timeout: 10_000 });
    return (await popup.locator('body').innerText()).replace(/\s+/g, ' ');
  } finally {
    await popup.close();
  }
}

/** A rules bundle and its signature file, as an admin publishes them. */
export interface ServedRules {
  bundle: string;
  signature: string;
}

/**
 * Serves `rulesUrl` and `${rulesUrl}.sig` (under https://www.linkedin.com/leadpact-e2e/) with what
 * `served()` returns at the time of the request: 404 when it returns null, and for any other URL
 * there. Every URL asked is pushed to `fetched`. Register after servePages, so it is asked first.
 */
export async function routeRemoteRules(context: BrowserContext, rulesUrl: string, served: () => ServedRules | null, fetched: string[]): Promise<void> {
  await context.route(/^https:\/\/www\.linkedin\.com\/leadpact-e2e\//, async (route) => {
    const url = route.request().url();
    fetched.push(url);
    const current = served();
    if (!current) return route.fulfill({ status: 404, body: '' });
    if (url === rulesUrl) return route.fulfill({ status: 200, contentType: 'application/json', body: current.bundle });
    if (url === `${rulesUrl}.sig`) return route.fulfill({ status: 200, contentType: 'application/json', body: current.signature });
    return route.fulfill({ status: 404, body: '' });
  });
}
