// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { site } from '../../extension/sites/linkedin/index.ts';
import type { PageMemo } from '../../extension/sites/types.ts';
import { loadFixture, readFixture, retag, scrambleClasses, servedAt, stripAttributes, summary } from './fixture.ts';

const PROFILE = 'linkedin-profile-2024.html';
const GUEST = 'linkedin-guest-profile-2024.html';
const SEARCH_2019 = 'linkedin-search-2019-de.html';
const SEARCH_2024 = 'linkedin-search-2024.html';
const OVERLAY = 'linkedin-messaging-overlay-2023-es.html';
const MESSAGING = 'linkedin-messaging-page-2024.html';
const SALES = 'linkedin-sales-navigator-lead-2024.html';

const adaProfile = {
  key: 'linkedin:ada-quinto-4b7c21',
  name: 'Ada Quinto',
  linkedin: 'ada-quinto-4b7c21',
  company: 'Northwind Analytics',
  title: 'VP Marketing at Northwind Analytics | Demand generation for B2B data products',
};
const bramLink = { key: 'linkedin:bram-okafor', linkedin: 'bram-okafor', name: 'Bram Okafor', company: 'Lumen Freight', title: 'Head of Growth at Lumen Freight' };

function find(fixture: string, root?: ParentNode, onMiss?: (id: string) => void, memo?: PageMemo, url?: URL) {
  return site.findPeople(root ?? document, url ?? servedAt(fixture), onMiss, memo);
}

describe('LinkedIn profile page (2024, logged in)', () => {
  it('finds the profile person at the name heading, with slug, company and headline, and the side-panel people by slug', () => {
    loadFixture(PROFILE);
    const found = find(PROFILE);
    expect(summary(found)).toEqual([
      adaProfile,
      bramLink,
      { key: 'linkedin:cléo-marsh-5e2a91', linkedin: 'cléo-marsh-5e2a91', name: '🤖 Cléo Marsh', company: 'Harbor Robotics', title: 'Founder – Harbor Robotics' },
    ]);
    expect(found[0]!.element.tagName).toBe('H1');
  });

  it('badges a side-panel person once, at the name link, when the entry also holds a "View profile" button', () => {
    loadFixture(PROFILE);
    const button = document.getElementById('navigation-index-browsemap-view-profile')!;
    expect(button.closest('li')!.parentElement!.closest('li')).not.toBeNull(); // a list inside the entry's list item
    const brams = find(PROFILE).filter((f) => f.person.linkedin === 'bram-okafor');
    expect(brams).toHaveLength(1);
    expect(brams[0]!.element).not.toBe(button);
    expect(brams[0]!.person.name).toBe('Bram Okafor');
  });

  it('badges a person once per card when two of its links are named alike', () => {
    loadFixture(PROFILE);
    // The name link as plain text, like the button: the same rank, so the first of them is badged.
    const nameLink = document.querySelectorAll('a[href="https://www.linkedin.com/in/bram-okafor"]')[1]!;
    nameLink.textContent = 'Bram Okafor';
    const brams = find(PROFILE).filter((f) => f.person.linkedin === 'bram-okafor');
    expect(brams).toHaveLength(1);
    expect(brams[0]!.element).toBe(nameLink);
  });

  it('never badges the signed-in member, the JSON copy in a script, or links back to the profile itself', () => {
    expect(readFixture(PROFILE)).toContain('/in/shadow-copy/');
    loadFixture(PROFILE);
    const keys = find(PROFILE).map((f) => f.key);
    expect(keys.filter((k) => k === adaProfile.key)).toHaveLength(1);
    expect(keys.some((k) => k.includes('shadow-copy') || k.includes('jonas'))).toBe(false);
  });

  it('gives no badge to a top card left over from the previous profile after a single-page navigation', () => {
    loadFixture(PROFILE);
    const next = new URL('https://www.linkedin.com/in/bram-okafor/');
    expect(find(PROFILE, document, undefined, undefined, next).some((f) => f.element.tagName === 'H1')).toBe(false);
  });

  it('reads an inserted side panel without touching the rest of the document', () => {
    loadFixture(PROFILE);
    const memo: PageMemo = new Map();
    find(PROFILE, document, undefined, memo);
    const panel = document.querySelector('[data-view-name="profile-component-entity"]')!.closest('li') ?? document.querySelector('[data-view-name="profile-component-entity"]')!;
    const all = vi.spyOn(document, 'querySelectorAll');
    const one = vi.spyOn(document, 'querySelector');
    expect(find(PROFILE, panel, undefined, memo).map((f) => f.key)).toEqual(['linkedin:bram-okafor']);
    expect(all).not.toHaveBeenCalled();
    expect(one).not.toHaveBeenCalled();
    all.mockRestore();
    one.mockRestore();
  });

  it('finds the same people when every class name is scrambled', () => {
    loadFixture(PROFILE);
    const before = summary(find(PROFILE));
    scrambleClasses(document);
    expect(summary(find(PROFILE))).toEqual(before);
  });
});

describe('LinkedIn guest profile (2024, logged out)', () => {
  it('finds the profile person and the "People also viewed" cards', () => {
    loadFixture(GUEST);
    expect(summary(find(GUEST))).toEqual([adaProfile, bramLink, { key: 'linkedin:hanne-lund-7a31c2', linkedin: 'hanne-lund-7a31c2', name: 'Hanne Lund' }]);
  });
});

describe('LinkedIn people search', () => {
  it('finds each result by slug with the headline and the company in it (2019, German UI)', () => {
    loadFixture(SEARCH_2019);
    expect(summary(find(SEARCH_2019))).toEqual([
      { key: 'linkedin:ada-quinto-4b7c21', linkedin: 'ada-quinto-4b7c21', name: 'Ada Quinto', company: 'Northwind Analytics', title: 'VP Marketing bei Northwind Analytics' },
      { key: 'linkedin:bram-okafor', linkedin: 'bram-okafor', name: 'Bram Okafor' },
      { key: 'linkedin:dr-hanne-lund-7a31c2', linkedin: 'dr-hanne-lund-7a31c2', name: 'Dr. Hanne Lund', company: 'Northwind Analytics', title: 'Data Scientist at Northwind Analytics' },
      { key: 'linkedin:pietvos', linkedin: 'pietvos', name: 'Piet V.', company: 'Northwind Analytics GmbH', title: 'Berater bei Northwind Analytics GmbH' },
    ]);
  });

  it('finds each result once, at its name link, and not the out-of-network "LinkedIn Member" (2024)', () => {
    loadFixture(SEARCH_2024);
    const found = find(SEARCH_2024);
    expect(summary(found)).toEqual([
      { key: 'linkedin:ada-quinto-4b7c21', linkedin: 'ada-quinto-4b7c21', name: 'Ada Quinto', company: 'Northwind Analytics', title: 'VP Marketing at Northwind Analytics' },
      { key: 'linkedin:bram-okafor', linkedin: 'bram-okafor', name: 'Bram Okafor' },
      { key: 'linkedin:hanne-lund-7a31c2', linkedin: 'hanne-lund-7a31c2', name: 'Hanne Lund', company: 'Northwind Analytics', title: 'Data Scientist @ Northwind Analytics | Forecasting' },
    ]);
    for (const f of found) expect(f.element.querySelector('img')).toBeNull();
  });

  it('still finds the results by their /in/ links when classes are scrambled (2024)', () => {
    loadFixture(SEARCH_2024);
    scrambleClasses(document);
    expect(find(SEARCH_2024).map((f) => f.key)).toEqual(['linkedin:ada-quinto-4b7c21', 'linkedin:bram-okafor', 'linkedin:hanne-lund-7a31c2']);
  });
});

describe('LinkedIn messaging', () => {
  it('matches the other person of an overlay conversation by name and company, links carrying member URNs (2023, Spanish UI)', () => {
    loadFixture(OVERLAY);
    const found = find(OVERLAY);
    expect(found.length).toBeGreaterThan(0);
    const ada = { key: 'name:ada quinto|northwind analytics', name: 'Ada Quinto', company: 'Northwind Analytics', title: 'Directora de marketing en Northwind Analytics' };
    for (const person of summary(found)) expect(person).toEqual(ada);
    for (const f of found) expect(f.element.getAttribute('href')).toMatch(/\/in\/ACoAA/);
  });

  it('never badges the signed-in member in a conversation', () => {
    loadFixture(OVERLAY);
    expect(find(OVERLAY).some((f) => /jonas/.test(f.key))).toBe(false);
    loadFixture(MESSAGING);
    expect(find(MESSAGING).some((f) => /jonas/.test(f.key))).toBe(false);
  });

  it('finds the other person on the full messaging page (2024)', () => {
    loadFixture(MESSAGING);
    const keys = new Set(find(MESSAGING).map((f) => f.key));
    expect([...keys]).toEqual(['name:bram okafor|lumen freight']);
  });

  it('finds the sender of a message inserted into an open conversation', () => {
    loadFixture(MESSAGING);
    const memo: PageMemo = new Map();
    find(MESSAGING, document, undefined, memo);
    const events = document.querySelectorAll('[data-event-urn*="msg_message"]');
    const fromBram = Array.from(events).find((e) => e.textContent?.includes('Bram Okafor'));
    expect(fromBram).toBeDefined();
    const copy = fromBram!.cloneNode(true) as Element;
    fromBram!.after(copy);
    expect(find(MESSAGING, copy, undefined, memo).map((f) => f.key)).toEqual(['name:bram okafor|lumen freight']);
  });
});

describe('LinkedIn Sales Navigator lead page (2024)', () => {
  it('finds the lead at the header name with the public slug, and the related leads by name and company', () => {
    loadFixture(SALES);
    expect(summary(find(SALES))).toEqual([
      { key: 'linkedin:ada-quinto-4b7c21', name: 'Ada Quinto', linkedin: 'ada-quinto-4b7c21', company: 'Northwind Analytics', title: 'VP Marketing' },
      { key: 'name:piet vos|northwind analytics', name: 'Piet Vos', company: 'Northwind Analytics GmbH', title: 'Berater' },
      { key: 'name:hanne lund|northwind analytics', name: 'Hanne Lund', company: 'Northwind Analytics', title: 'Data Scientist @ Northwind Analytics | Forecasting' },
    ]);
  });
});

describe('LinkedIn markup that no longer matches', () => {
  // A profile page still says it is a profile (its URL), so a top card it cannot read is a miss;
  // on the other pages nothing recognisable is left, so there is nothing to count.
  it.each([
    [PROFILE, true],
    [SEARCH_2024, false],
    [OVERLAY, false],
    [SALES, false],
  ])('%s: returns [] without throwing when the meaningful hooks are gone (misses reported: %s)', (fixture, reportsMiss) => {
    loadFixture(fixture);
    stripAttributes(document, ['href', 'data-anonymize', 'data-member-id', 'aria-hidden', 'title']);
    retag(document, 'h1, h2, h3');
    scrambleClasses(document);
    const misses: string[] = [];
    expect(() => find(fixture, document, (id) => misses.push(id))).not.toThrow();
    expect(find(fixture)).toEqual([]);
    expect(misses.length > 0).toBe(reportsMiss);
    for (const id of misses) expect(id).toMatch(/^linkedin\.[a-z.-]+(:error)?$/);
  });
});
