/**
 * Test-side helpers: the fixture pages at their real URLs, and reading the badges through their
 * shadow roots (open in the `e2e` build mode only).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { ServedPage } from '../../../scripts/demo/browser.ts';
import { PEOPLE } from './leads.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/pages/${name}`, import.meta.url), 'utf8');

export const URLS = {
  gmail: 'https://mail.google.com/mail/u/0/#inbox',
  outlook: 'https://outlook.office.com/mail/inbox/id/AAQkADemoConversation1',
  linkedin: `https://www.linkedin.com/in/${PEOPLE.ada.linkedin}/`,
} as const;

export const FIXTURE_PAGES: readonly ServedPage[] = [
  { match: (url) => url.hostname === 'mail.google.com' && url.pathname.startsWith('/mail/'), html: () => fixture('gmail-inbox-2024.html') },
  { match: (url) => url.hostname === 'outlook.office.com' && url.pathname.startsWith('/mail/'), html: () => fixture('outlook-reading-pane-2025.html') },
  { match: (url) => url.hostname === 'www.linkedin.com' && url.pathname.startsWith('/in/'), html: () => fixture('linkedin-profile-2024.html') },
];

export type PersonId = keyof typeof PEOPLE;

export interface BadgeInfo {
  /** Whom the element before the badge marks (by email, profile slug or name); null if nobody we know. */
  person: PersonId | null;
  /** The badge face, e.g. "82 A MQL". */
  text: string;
  /** The button's accessible name. */
  name: string;
  estimate: boolean;
  /** Attributes on the page-visible <leadpact-badge> host (must be none). */
  hostAttributes: string[];
  /** Whether the shadow root was readable (open in e2e builds). */
  open: boolean;
}

function whoIs(marker: string): PersonId | null {
  const lower = marker.toLowerCase();
  for (const [id, person] of Object.entries(PEOPLE) as [PersonId, (typeof PEOPLE)[PersonId]][]) {
    if (lower.includes(person.email)) return id;
    if ('linkedin' in person && lower.includes(`/in/${person.linkedin}`)) return id;
    if (lower.includes(person.name.toLowerCase())) return id;
  }
  return null;
}

/** Every badge on the page, in document order. */
export async function readBadges(page: Page): Promise<BadgeInfo[]> {
  const raw = await page.evaluate(() =>
    [...document.querySelectorAll('leadpact-badge')].map((host) => {
      const root = host.shadowRoot;
      const button = root?.querySelector('button');
      const before = host.previousElementSibling;
      const marker = before
        ? [before.getAttribute('email'), before.getAttribute('title'), before.getAttribute('aria-label'), before.getAttribute('href'), before.textContent].filter(Boolean).join(' ')
        : (host.parentElement?.textContent ?? '');
      return {
        marker,
        text: (button?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        name: button?.getAttribute('aria-label') ?? '',
        estimate: button?.classList.contains('estimate') ?? false,
        hostAttributes: host.getAttributeNames(),
        open: root !== null,
      };
    }),
  );
  return raw.map(({ marker, ...badge }) => ({ ...badge, person: whoIs(marker) }));
}

/** Waits until `count` badges are drawn (each with a label), then returns them. */
export async function waitForBadges(page: Page, count: number, timeoutMs = 10_000): Promise<BadgeInfo[]> {
  const deadline = Date.now() + timeoutMs;
  let last: BadgeInfo[] = [];
  while (Date.now() < deadline) {
    last = await readBadges(page);
    if (last.length === count && last.every((badge) => badge.name !== '')) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected ${count} labelled badges within ${timeoutMs} ms, found ${last.length}: ${JSON.stringify(last.map((b) => [b.person, b.name]))}`);
}

/** The badges of one person, by id. */
export function badgesOf(badges: readonly BadgeInfo[], person: PersonId): BadgeInfo[] {
  return badges.filter((badge) => badge.person === person);
}

/**
 * Every attribute value of every element in the page's own DOM (shadow roots excluded: that is
 * where the badge draws, out of the page's reach in production), plus the light DOM's text.
 */
export async function pageVisibleStrings(page: Page): Promise<{ attributes: string[]; text: string }> {
  return page.evaluate(() => {
    const attributes: string[] = [];
    for (const element of document.querySelectorAll('*')) {
      for (const name of element.getAttributeNames()) attributes.push(`${element.localName}[${name}=${element.getAttribute(name) ?? ''}]`);
    }
    return { attributes, text: document.documentElement.textContent ?? '' };
  });
}
