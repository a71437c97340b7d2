/**
 * Single-page navigation: Gmail and LinkedIn change the URL with the History API and redraw parts
 * of the page in place. After every such step each person element has exactly one badge after it,
 * and no badge is left without its person. No leads are imported: strangers get estimate badges,
 * which is enough to count.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchWithExtension, servePages, type LaunchedBrowser } from '../../scripts/demo/browser.ts';
import { PEOPLE } from './support/leads.ts';
import { FIXTURE_PAGES, readBadges, URLS } from './support/pages.ts';

const chromium = inject('chromium');
const extensionDir = inject('e2eExtensionDir');

interface BadgeCount {
  /** Person elements on the page. */
  people: number;
  /** Badges on the page. */
  badges: number;
  /** For each person element, how many badges follow it directly. */
  perPerson: number[];
}

function countBadges(page: Page, personCss: string): Promise<BadgeCount> {
  return page.evaluate((css) => {
    const people = [...document.querySelectorAll(css)];
    const perPerson = people.map((element) => {
      let n = 0;
      for (let next = element.nextElementSibling; next?.localName === 'leadpact-badge'; next = next.nextElementSibling) n++;
      return n;
    });
    return { people: people.length, badges: document.querySelectorAll('leadpact-badge').length, perPerson };
  }, personCss);
}

/**
 * Waits until every person has exactly one badge and there are no others, and it stays so for
 * `settleMs` (Chromium has the Navigation API, so WXT reports location changes at once; the
 * wait covers the runner's next frame and its lookup round trip), so a late duplicate would be seen.
 */
async function expectOneBadgePerPerson(page: Page, personCss: string, people: number, settleMs = 600): Promise<void> {
  const good = (count: BadgeCount) => count.people === people && count.badges === people && count.perPerson.every((n) => n === 1);
  const deadline = Date.now() + 10_000;
  let count = await countBadges(page, personCss);
  while (!good(count) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    count = await countBadges(page, personCss);
  }
  expect(count, 'badges after navigation').toEqual({ people, badges: people, perPerson: Array(people).fill(1) });
  await page.waitForTimeout(settleMs);
  expect(await countBadges(page, personCss), 'badges a moment later').toEqual({ people, badges: people, perPerson: Array(people).fill(1) });
}

/** Gmail's senders, the owner's "me" chip excluded. */
const GMAIL_PEOPLE = 'span[email]:not([name="me"])';

function gmailRow(name: string, email: string, subject: string): string {
  return `<tr class="zA yO"><td class="yX xY"><div class="yW"><span class="yP" email="${email}" name="${name}">${name}</span></div></td><td class="xY a4W"><div class="y6"><span>${subject}</span></div></td></tr>`;
}

describe.skipIf(!chromium)('single-page navigation in Chromium', () => {
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchWithExtension({ executablePath: chromium!, extensionDir, headless: true });
    await servePages(browser.context, FIXTURE_PAGES);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('in Gmail', () => {
    beforeAll(async () => {
      await page.goto(URLS.gmail);
    });

    it('badges each sender once on the first load', async () => {
      await expectOneBadgePerPerson(page, GMAIL_PEOPLE, 4);
    });

    it('keeps one badge per sender when only the URL changes', async () => {
      await page.evaluate(() => history.pushState(null, '', '#label/clients'));
      await expectOneBadgePerPerson(page, GMAIL_PEOPLE, 4);
    });

    it('badges a redrawn list once, new people included, and drops the badges of rows that left', async () => {
      const rows = [
        gmailRow(PEOPLE.ada.name, PEOPLE.ada.email, 'Pilot scope'),
        gmailRow('Ines Duarte', 'ines.duarte@tidewater-labs.example', 'Contract questions'),
        gmailRow(PEOPLE.cleo.name, PEOPLE.cleo.email, 'Intro: Harbor Robotics'),
      ].join('');
      await page.evaluate((html) => {
        history.pushState(null, '', '#label/partners');
        document.querySelector('#threads')!.innerHTML = html;
      }, rows);
      await expectOneBadgePerPerson(page, GMAIL_PEOPLE, 3);
    });

    it('stays at one badge per sender through back, forward and a burst of navigations', async () => {
      await page.goBack();
      await page.goForward();
      await page.evaluate(() => {
        for (let i = 0; i < 6; i++) history.pushState(null, '', `#inbox/p${i}`);
      });
      await expectOneBadgePerPerson(page, GMAIL_PEOPLE, 3);
    });

    it('badges a row that the page moves elsewhere exactly once', async () => {
      await page.evaluate(() => {
        const tbody = document.querySelector('#threads')!;
        tbody.append(tbody.firstElementChild!);
      });
      await expectOneBadgePerPerson(page, GMAIL_PEOPLE, 3);
    });
  });

  describe('on LinkedIn', () => {
    it('moves the top-card badge to the next profile and keeps the suggested profiles badged once', async () => {
      await page.goto(URLS.linkedin);
      const people = 'main h1, aside a[href*="/in/"]';
      await expectOneBadgePerPerson(page, people, 3);
      await page.evaluate(
        ({ slug, name }) => {
          history.pushState(null, '', `/in/${slug}/`);
          const h1 = document.querySelector('main h1')!;
          // LinkedIn swaps the whole top card; the old h1 (and its badge) leave with it.
          const fresh = h1.cloneNode() as Element;
          fresh.textContent = name;
          h1.replaceWith(fresh);
          document.title = `${name} | LinkedIn`;
          for (const link of document.querySelectorAll('main a[href*="/in/ada-quinto"]')) link.setAttribute('href', link.getAttribute('href')!.replace('ada-quinto-4b7c21', slug));
          document.querySelector('main .text-body-medium')!.textContent = 'Head of Analytics at Fjord Metrics';
          document.querySelector('main button[aria-label^="Current company: "]')!.setAttribute('aria-label', 'Current company: Fjord Metrics. Click to skip to experience card');
        },
        { slug: PEOPLE.dara.linkedin, name: PEOPLE.dara.name },
      );
      await expectOneBadgePerPerson(page, people, 3);
      expect((await readBadges(page)).map((badge) => badge.person)).toEqual(['dara', 'cleo', 'bram']);
    });
  });
});
