// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { site } from '../../extension/sites/outlook/index.ts';
import type { PageMemo } from '../../extension/sites/types.ts';
import { loadFixture, readFixture, scrambleClasses, servedAt, stripAttributes, summary } from './fixture.ts';

const PANE = 'outlook-reading-pane-2025.html';
const PANE_DE = 'outlook-reading-pane-2025-de.html';

const ada = { key: 'email:ada.quinto@northwind-analytics.example', email: 'ada.quinto@northwind-analytics.example', name: 'Ada Quinto' };
const bram = { key: 'email:bram.okafor@lumenfreight.example', email: 'bram.okafor@lumenfreight.example', name: 'Bram Okafor' };
const cleo = { key: 'email:cleo.marsh@harbor-robotics.example', email: 'cleo.marsh@harbor-robotics.example', name: 'Cleo Marsh' };
const OWNER = 'jonas.weber@quillon.example';

function find(fixture: string, root?: ParentNode, onMiss?: (id: string) => void, memo?: PageMemo) {
  return site.findPeople(root ?? document, servedAt(fixture), onMiss, memo);
}

describe('Outlook message list and reading pane (2025, English UI)', () => {
  it('finds the list senders, the reading-pane sender and the recipients, in document order', () => {
    loadFixture(PANE);
    // List: Ada, Bram (Jonas is the owner). Pane: from Ada; to Cleo (and Jonas, the owner); cc Bram.
    expect(summary(find(PANE))).toEqual([ada, bram, ada, cleo, bram]);
  });

  it('never badges the signed-in mailbox, named by the folder pane', () => {
    loadFixture(PANE);
    expect(document.querySelectorAll(`[title="${OWNER}"]`).length).toBeGreaterThan(1);
    expect(find(PANE).map((f) => f.person.email)).not.toContain(OWNER);
  });

  it('ignores addresses in message bodies and string copies in scripts', () => {
    expect(readFixture(PANE)).toContain('dmitri.vale@shadow-copy.example');
    loadFixture(PANE);
    const emails = find(PANE).map((f) => f.person.email);
    expect(emails).not.toContain('support@northwind-analytics.example');
    expect(emails).not.toContain('dmitri.vale@shadow-copy.example');
  });

  it('puts the list badge on the sender name and the pane badge on the From element', () => {
    loadFixture(PANE);
    const found = find(PANE);
    expect(found[0]!.anchor.getAttribute('title')).toBe(ada.email);
    expect(found[2]!.anchor.getAttribute('aria-label')).toMatch(/^From: /);
    for (const f of found) expect(f.anchor).toBe(f.element);
  });

  it('finds the sender of one list item inserted by the virtualised list, with the owner known from the page view', () => {
    loadFixture(PANE);
    const memo: PageMemo = new Map();
    find(PANE, document, undefined, memo);
    const item = document.querySelector('[data-convid]')!.cloneNode(true) as Element;
    item.querySelector('[title]')!.setAttribute('title', 'dana.ruiz@quillon-partners.example');
    item.querySelector('[title]')!.textContent = 'Dana Ruiz';
    document.querySelector('[role="listbox"]')!.append(item);
    const all = vi.spyOn(document, 'querySelectorAll');
    expect(summary(find(PANE, item, undefined, memo))).toEqual([{ key: 'email:dana.ruiz@quillon-partners.example', email: 'dana.ruiz@quillon-partners.example', name: 'Dana Ruiz' }]);
    expect(all).not.toHaveBeenCalled();
    all.mockRestore();
    const own = document.querySelectorAll('[data-convid]')[2]!;
    expect(find(PANE, own, undefined, memo)).toEqual([]);
  });

  it('finds the same people when every class name is scrambled', () => {
    loadFixture(PANE);
    const before = summary(find(PANE));
    scrambleClasses(document);
    expect(summary(find(PANE))).toEqual(before);
  });

  it('returns [] without throwing when the semantic attributes are gone, with nothing left to count as a miss', () => {
    loadFixture(PANE);
    stripAttributes(document, ['title', 'aria-label', 'data-testid', 'data-convid']);
    scrambleClasses(document);
    const misses: string[] = [];
    expect(find(PANE, document, (id) => misses.push(id))).toEqual([]);
    // Without its hooks no element is recognisably a sender, list row or recipient well.
    expect(misses).toEqual([]);
  });
});

describe('Outlook in other UI languages', () => {
  it('reads the German "Von: " sender label and plain-text recipients (2025)', () => {
    loadFixture(PANE_DE);
    expect(summary(find(PANE_DE))).toEqual([ada, { key: ada.key, email: ada.email }, cleo]);
  });

  it.each([
    ['French', 'De : '],
    ['Spanish', 'De: '],
    ['Dutch', 'Van: '],
    ['Japanese', '差出人：'],
  ])('reads the %s sender label', (_language, prefix) => {
    loadFixture(PANE);
    const from = document.querySelector('[aria-label^="From: "]')!;
    from.setAttribute('aria-label', `${prefix}Ada Quinto <${ada.email}>`);
    const pane = document.querySelector('[data-app-section="MailReadCompose"]')!;
    const found = find(PANE, pane);
    expect(found[0]?.element).toBe(from);
    expect(summary(found)[0]).toEqual(ada);
  });
});
