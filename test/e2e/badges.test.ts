/**
 * The extension as a rep meets it: leads imported through the options page, then badges on
 * Gmail, Outlook on the web and LinkedIn (our own pages served at the real URLs), the card, accept
 * and reject, the neutral estimate for strangers, and no lead data where the page can read it.
 * One browser for the whole file; the tests run in order and build on each other's state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchWithExtension, servePages, type LaunchedBrowser } from '../../scripts/demo/browser.ts';
import { importLeads } from './support/extension.ts';
import { PEOPLE, STORE_ONLY, writeLeadsFile } from './support/leads.ts';
import { badgesOf, FIXTURE_PAGES, pageVisibleStrings, readBadges, URLS, waitForBadges, type BadgeInfo, type PersonId } from './support/pages.ts';

const chromium = inject('chromium');
const extensionDir = inject('e2eExtensionDir');

const LEAD_NAME = /^Lead score (\d+), grade ([A-F])\b/;

function only(badges: readonly BadgeInfo[], person: PersonId): BadgeInfo {
  const found = badgesOf(badges, person);
  expect(found, `badges of ${person}`).toHaveLength(1);
  return found[0]!;
}

/** The button inside the badge right after the element that marks `person`. */
function badgeButton(page: Page, css: string) {
  return page.locator(`${css} + leadpact-badge`).locator('button').first();
}

describe.skipIf(!chromium)('badges in Chromium with imported leads', () => {
  let browser: LaunchedBrowser;
  let page: Page;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'leadpact-e2e-'));
    browser = await launchWithExtension({ executablePath: chromium!, extensionDir, headless: true });
    await servePages(browser.context, FIXTURE_PAGES);
    await importLeads(browser.context, browser.extensionId, extensionDir, writeLeadsFile(workDir, Date.now()), 3);
    page = await browser.context.newPage();
    // A failed step must not hang the next one for the whole test timeout.
    page.setDefaultTimeout(8_000);
  });

  // A card left open by a failed test would cover the next badge: a press outside closes it.
  afterEach(async () => {
    await page?.mouse.click(2, 2).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  describe('on the Gmail inbox', () => {
    let badges: BadgeInfo[];
    beforeAll(async () => {
      await page.goto(URLS.gmail);
      badges = await waitForBadges(page, 4);
    });

    it('puts one badge beside each sender and none beside the mailbox owner', () => {
      expect(badges.map((badge) => badge.person)).toEqual(['ada', 'dara', 'bram', 'cleo']);
    });

    it('draws inside an open shadow root in the e2e build and leaves the host without attributes', () => {
      expect(badges.every((badge) => badge.open)).toBe(true);
      expect(badges.flatMap((badge) => badge.hostAttributes)).toEqual([]);
    });

    it('shows an imported MQL with its score, grade and stage, and names the badge for screen readers', () => {
      const ada = only(badges, 'ada');
      const [, score, grade] = LEAD_NAME.exec(ada.name) ?? [];
      expect(ada.name, 'accessible name').toMatch(LEAD_NAME);
      expect(ada.name).toMatch(/Marketing qualified lead/);
      expect(ada.text.startsWith(`${score}`), `face "${ada.text}" starts with the score`).toBe(true);
      expect(ada.text).toContain(grade);
      // The face carries the short stage code (narrow columns); the full label is in the name.
      // (The face's text runs its parts together: "85CMQL−157h".)
      expect(ada.text).toContain('MQL');
      expect(ada.text).not.toMatch(/Marketing qualified lead/);
      expect(ada.estimate).toBe(false);
    });

    it('shows a known lead that is not an MQL as a lead too', () => {
      const bram = only(badges, 'bram');
      expect(bram.name).toMatch(LEAD_NAME);
      expect(bram.name).not.toMatch(/Marketing qualified lead/);
    });

    it('gives a person who is not in the store the neutral estimate badge', () => {
      const cleo = only(badges, 'cleo');
      expect(cleo.estimate).toBe(true);
      expect(cleo.name).toMatch(/^Not in your leads: /);
      expect(cleo.text).toMatch(/^Fit /);
    });

    it('opens the card on click and closes it with Escape', async () => {
      const button = badgeButton(page, `span[email="${PEOPLE.ada.email}"]`);
      await button.click();
      const card = page.getByRole('dialog', { name: `Lead: ${PEOPLE.ada.name}` });
      await card.waitFor({ state: 'visible', timeout: 5_000 });
      expect(await button.getAttribute('aria-expanded')).toBe('true');
      const text = await card.innerText();
      expect(text).toMatch(/\bWhy\b/i);
      expect(text).toMatch(/\bDecision\b/i);
      // The decision is in view without scrolling the card (the card is capped in height).
      const cardBox = await card.boundingBox();
      const acceptBox = await card.getByRole('button', { name: 'Accept' }).boundingBox();
      expect(cardBox && acceptBox && acceptBox.y + acceptBox.height <= cardBox.y + cardBox.height, 'Accept inside the visible card').toBe(true);
      expect(await card.evaluate((el) => el.scrollTop)).toBe(0);
      await page.keyboard.press('Escape');
      await card.waitFor({ state: 'detached', timeout: 5_000 });
      expect(await button.getAttribute('aria-expanded')).toBe('false');
    });

    it('opens the estimate card for a stranger, saying it is not in your leads', async () => {
      await badgeButton(page, `span[email="${PEOPLE.cleo.email}"]`).click();
      const card = page.getByRole('dialog', { name: 'Not in your leads' });
      await card.waitFor({ state: 'visible', timeout: 5_000 });
      await page.keyboard.press('Escape');
      await card.waitFor({ state: 'detached', timeout: 5_000 });
    });

    it('keeps lead data out of every page-visible attribute and out of the light DOM text, even with a card open', async () => {
      await badgeButton(page, `span[email="${PEOPLE.ada.email}"]`).click();
      await page.getByRole('dialog', { name: `Lead: ${PEOPLE.ada.name}` }).waitFor({ state: 'visible' });
      const { attributes, text } = await pageVisibleStrings(page);
      const secrets = [...STORE_ONLY, 'Lead score', 'Not in your leads', 'qualified lead', 'Talking points'];
      expect(attributes.filter((attribute) => secrets.some((secret) => attribute.includes(secret)))).toEqual([]);
      expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
      expect(attributes.filter((attribute) => attribute.startsWith('leadpact-badge['))).toEqual([]);
      await page.keyboard.press('Escape');
    });

    it('accepts an MQL from the card, and the badge shows the accepted stage after a reload', async () => {
      await badgeButton(page, `span[email="${PEOPLE.ada.email}"]`).click();
      const card = page.getByRole('dialog', { name: `Lead: ${PEOPLE.ada.name}` });
      await card.getByRole('button', { name: 'Accept' }).click();
      await card.getByRole('status').filter({ hasText: 'Accepted.' }).waitFor({ timeout: 5_000 });
      await page.reload();
      const ada = only(await waitForBadges(page, 4), 'ada');
      expect(ada.name).toMatch(LEAD_NAME);
      expect(ada.name).toMatch(/Sales accepted lead/);
    });

    it('asks for a reason before rejecting, then records the reject', async () => {
      const button = badgeButton(page, `span[email="${PEOPLE.dara.email}"]`);
      await button.click();
      const card = page.getByRole('dialog', { name: `Lead: ${PEOPLE.dara.name}` });
      await card.getByRole('button', { name: 'Reject' }).click();
      await card.getByRole('status').filter({ hasText: 'Choose a reason' }).waitFor({ timeout: 5_000 });
      await card.getByLabel('Reject reason').selectOption({ label: 'Bad timing' });
      await card.getByRole('button', { name: 'Reject' }).click();
      await card.getByRole('status').filter({ hasText: 'Rejected.' }).waitFor({ timeout: 5_000 });
      await page.reload();
      await waitForBadges(page, 4);
      await badgeButton(page, `span[email="${PEOPLE.dara.email}"]`).click();
      const reopened = page.getByRole('dialog', { name: `Lead: ${PEOPLE.dara.name}` });
      await reopened.waitFor({ state: 'visible', timeout: 5_000 });
      expect(await reopened.innerText()).toMatch(/Rejected \(Bad timing\)/);
      await page.keyboard.press('Escape');
    });
  });

  describe('on Outlook on the web', () => {
    it('badges the list senders, the reading-pane sender and the recipients, but not the owner', async () => {
      await page.goto(URLS.outlook);
      const badges = await waitForBadges(page, 4);
      expect(badges.map((badge) => badge.person).sort()).toEqual(['bram', 'cleo', 'dara', 'dara']);
      for (const dara of badgesOf(badges, 'dara')) expect(dara.name).toMatch(LEAD_NAME);
      expect(only(badges, 'cleo').estimate).toBe(true);
    });

    it('shows the same result for the same person in the list and the reading pane', async () => {
      const [list, pane] = badgesOf(await readBadges(page), 'dara');
      expect(list?.name).toBe(pane?.name);
    });
  });

  describe('on a LinkedIn profile', () => {
    let badges: BadgeInfo[];
    beforeAll(async () => {
      await page.goto(URLS.linkedin);
      badges = await waitForBadges(page, 3);
    });

    it('badges the profile owner by slug and the suggested profiles', () => {
      expect(badges.map((badge) => badge.person)).toEqual(['ada', 'cleo', 'bram']);
      expect(only(badges, 'ada').name).toMatch(/Sales accepted lead/);
      expect(only(badges, 'ada').text).toContain('SAL');
      expect(only(badges, 'ada').text).not.toMatch(/Sales accepted lead/);
      expect(only(badges, 'cleo').estimate).toBe(true);
      expect(only(badges, 'bram').name).toMatch(LEAD_NAME);
    });

    it('opens the card from a badge that sits inside a profile link without following the link', async () => {
      await page.locator('h1 + leadpact-badge').locator('button').first().click();
      await page.getByRole('dialog', { name: `Lead: ${PEOPLE.ada.name}` }).waitFor({ state: 'visible', timeout: 5_000 });
      expect(page.url()).toBe(URLS.linkedin);
      await page.keyboard.press('Escape');
    });

    it('opens that card from the keyboard too (Enter on the badge), still without following the link', async () => {
      const badge = page.locator('h1 + leadpact-badge').locator('button').first();
      await badge.focus();
      await page.keyboard.press('Enter');
      const card = page.getByRole('dialog', { name: `Lead: ${PEOPLE.ada.name}` });
      await card.waitFor({ state: 'visible', timeout: 5_000 });
      expect(page.url()).toBe(URLS.linkedin);
      await page.keyboard.press('Escape');
      await card.waitFor({ state: 'detached', timeout: 5_000 });
    });
  });
});
