// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { MAX_LOOKUP_BATCH, MAX_REINSERTS, NOBODY_AFTER_MS, REFRESH_AFTER_MS, runSite, type SiteSwitch } from '../../../extension/content/runner';
import { site as gmail } from '../../../extension/sites/gmail/index';
import { site as linkedin } from '../../../extension/sites/linkedin/index';
import { site as outlook } from '../../../extension/sites/outlook/index';
import { sites } from '../../../extension/sites/index';
import { loadFixture, servedAt } from '../../sites/fixture';
import type { Site } from '../../../extension/sites/types';
import { badgeShadowRoot } from '../../../extension/ui/badge-host';
import { fakeContext, fakeLookup, leadView, type FakeLookup } from './fake-lookup';
import { settle } from './frames';

const INBOX = 'https://mail.google.com/mail/u/0/#inbox';
let ctx: ReturnType<typeof fakeContext>;
let fake: FakeLookup;
let pageErrors: unknown[];
const onPageError = (event: Event) => pageErrors.push(event);

function setUrl(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

function row(email: string, name: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.setAttribute('role', 'row');
  tr.innerHTML = `<td><span class="yP" email="${email}" name="${name}">${name}</span></td><td>Quarterly numbers</td>`;
  return tr;
}

function inbox(rows: HTMLTableRowElement[]): HTMLTableSectionElement {
  const table = document.createElement('table');
  const body = document.createElement('tbody');
  body.append(...rows);
  table.append(body);
  document.body.append(table);
  return body;
}

function badges(root: ParentNode = document): Element[] {
  return Array.from(root.querySelectorAll('leadpact-badge'));
}

function nameOf(host: Element): string | null {
  return badgeShadowRoot(host)?.querySelector('button')?.getAttribute('aria-label') ?? null;
}

function chip(email: string): Element {
  const el = document.querySelector(`[email="${email}"]`);
  if (!el) throw new Error(`no chip for ${email}`);
  return el;
}

beforeEach(() => {
  setUrl(INBOX);
  document.body.replaceChildren();
  ctx = fakeContext();
  fake = fakeLookup();
  pageErrors = [];
  window.addEventListener('error', onPageError);
  window.addEventListener('unhandledrejection', onPageError);
});

afterEach(() => {
  ctx.abort();
  window.removeEventListener('error', onPageError);
  window.removeEventListener('unhandledrejection', onPageError);
  document.body.replaceChildren();
});

describe('runner: finding and badging', () => {
  test('badges every person on the page right after their chip, with one lookup for all of them', async () => {
    fake.leads.set('email:ada@northwind.example', leadView());
    inbox([row('ada@northwind.example', 'Ada Quinto'), row('bram@lumen.example', 'Bram Okafor')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    expect(fake.batches).toHaveLength(1);
    expect(fake.asked.sort()).toEqual(['email:ada@northwind.example', 'email:bram@lumen.example']);
    expect(chip('ada@northwind.example').nextElementSibling?.localName).toBe('leadpact-badge');
    expect(nameOf(chip('ada@northwind.example').nextElementSibling!)).toBe('Lead score 72, grade B, MQL, first touch due in 1h 35m');
    expect(nameOf(chip('bram@lumen.example').nextElementSibling!)).toBe('Not in your leads: estimated fit 45, grade C');
    expect(badges()).toHaveLength(2);
  });

  test('sends what the page shows about each person, and each key once even when shown twice', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto'), row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    expect(fake.batches).toEqual([[{ key: 'email:ada@northwind.example', email: 'ada@northwind.example', name: 'Ada Quinto' }]]);
    expect(badges()).toHaveLength(2);
  });

  test('splits more people than one message may carry into several lookups of at most 200', async () => {
    const rows = Array.from({ length: MAX_LOOKUP_BATCH + 30 }, (_, i) => row(`p${i}@many.example`, `Person ${i}`));
    inbox(rows);
    runSite(ctx, gmail, fake.deps);
    await settle(6);
    expect(fake.batches.map((b) => b.length)).toEqual([MAX_LOOKUP_BATCH, 30]);
    expect(new Set(fake.asked).size).toBe(MAX_LOOKUP_BATCH + 30);
    expect(badges()).toHaveLength(MAX_LOOKUP_BATCH + 30);
  });

  test('rows appended by an infinite list are badged, asking only about people not seen before', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    for (let page = 0; page < 3; page++) {
      body.append(row(`new${page}@lumen.example`, `New ${page}`), row('ada@northwind.example', 'Ada Quinto'));
      await settle();
    }
    expect(fake.asked).toEqual(['email:ada@northwind.example', 'email:new0@lumen.example', 'email:new1@lumen.example', 'email:new2@lumen.example']);
    expect(badges()).toHaveLength(7);
    for (const span of Array.from(document.querySelectorAll('[email]'))) expect(span.nextElementSibling?.localName).toBe('leadpact-badge');
  });

  test('a person already asked about but not yet answered is not asked about again', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    fake.hold = true;
    runSite(ctx, gmail, fake.deps);
    await settle();
    body.append(row('ada@northwind.example', 'Ada Quinto'));
    await settle();
    fake.release();
    await settle();
    expect(fake.asked).toEqual(['email:ada@northwind.example']);
    expect(badges()).toHaveLength(2);
  });
});

describe('runner: re-renders', () => {
  test('a chip the page re-renders keeps one badge, not two', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    const first = badges()[0];
    const old = chip('ada@northwind.example');
    const replacement = old.cloneNode(true) as Element;
    old.replaceWith(replacement); // the page redraws the chip; our badge stays behind it
    await settle();
    expect(badges()).toHaveLength(1);
    expect(replacement.nextElementSibling).toBe(first);
    expect(fake.batches).toHaveLength(1);
  });

  test('a row the page redraws from scratch gets exactly one badge again, from the cache', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    body.innerHTML = row('ada@northwind.example', 'Ada Quinto').outerHTML; // badge and chip both gone, new markup
    await settle();
    expect(badges()).toHaveLength(1);
    expect(chip('ada@northwind.example').nextElementSibling?.localName).toBe('leadpact-badge');
    expect(fake.batches).toHaveLength(1);
  });

  test('a row moved to another place in the list keeps its one badge', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto'), row('bram@lumen.example', 'Bram Okafor')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    body.append(body.firstElementChild!); // Ada's row to the bottom
    await settle();
    expect(badges()).toHaveLength(2);
    expect(chip('ada@northwind.example').nextElementSibling?.localName).toBe('leadpact-badge');
  });

  test('a chip recycled in place for another person swaps its badge; one left without a person loses it', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto'), row('bram@lumen.example', 'Bram Okafor')]);
    fake.leads.set('email:cleo@harbor.example', leadView({ total: 55, grade: 'C', stage: null, sla: [] }));
    runSite(ctx, gmail, fake.deps);
    await settle();
    const recycled = chip('ada@northwind.example');
    recycled.setAttribute('email', 'cleo@harbor.example'); // a virtualised list reusing the row
    recycled.setAttribute('name', 'Cleo Marsh');
    const emptied = chip('bram@lumen.example');
    emptied.removeAttribute('email');
    await settle();
    expect(badges()).toHaveLength(1);
    expect(nameOf(recycled.nextElementSibling!)).toBe('Lead score 55, grade C');
    expect(emptied.nextElementSibling).toBeNull();
  });

  test('Outlook: a list item recycled for another sender is re-read; an unrelated label change reads nothing', async () => {
    const fixture = 'outlook-reading-pane-2025.html';
    setUrl(servedAt(fixture).href);
    loadFixture(fixture);
    const findPeople = vi.fn(outlook.findPeople);
    runSite(ctx, { ...outlook, findPeople }, fake.deps);
    await settle();
    findPeople.mockClear();
    document.querySelector('[role="main"] [tabindex="-1"]')!.setAttribute('aria-label', 'Email message, expanded');
    await settle();
    expect(findPeople).not.toHaveBeenCalled();
    const sender = document.querySelector('[data-convid] [title]')!;
    sender.setAttribute('title', 'dana.ruiz@quillon-partners.example');
    sender.textContent = 'Dana Ruiz';
    await settle();
    expect(findPeople.mock.calls.map(([root]) => (root as Element).getAttribute('data-convid'))).toEqual(['AAQkAGE1ZjQ2LWMxMDItNDc1MS1iZDNlLTAx']);
    expect(sender.nextElementSibling?.localName).toBe('leadpact-badge');
    expect(fake.asked).toContain('email:dana.ruiz@quillon-partners.example');
    expect(document.querySelectorAll('[data-convid] leadpact-badge')).toHaveLength(2);
  });

  test('a badge the page removes is put back, a few times, then left out and counted privately', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const running = runSite(ctx, gmail, fake.deps);
    await settle();
    for (let i = 0; i < MAX_REINSERTS; i++) {
      badges()[0]!.remove();
      await settle();
      expect(badges()).toHaveLength(1);
      expect(chip('ada@northwind.example').nextElementSibling?.localName).toBe('leadpact-badge');
    }
    badges()[0]!.remove();
    await settle();
    expect(badges()).toHaveLength(0);
    expect(running.misses.get('runner:badge-evicted')).toBe(1);
    expect(fake.batches).toHaveLength(1);
  });

  test('a badge left behind by an earlier instance of the script is replaced, not doubled', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    chip('ada@northwind.example').after(document.createElement('leadpact-badge'));
    runSite(ctx, gmail, fake.deps);
    await settle();
    expect(badges()).toHaveLength(1);
    expect(badgeShadowRoot(badges()[0]!)).toBeDefined();
  });
});

describe('runner: navigation and teardown', () => {
  test('a navigation keeps the badges of people still shown, drops the others, and asks nothing again', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto'), row('bram@lumen.example', 'Bram Okafor'), row('dan@old.example', 'Dan Old')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    const adaBadge = chip('ada@northwind.example').nextElementSibling;
    // The single-page app changes the URL and reuses its elements in place: the second row's chip now
    // shows someone else, the third row's element no longer shows a person at all.
    setUrl(`${INBOX}/FMfcgzQXJWDsKmBb`);
    chip('bram@lumen.example').setAttribute('email', 'cleo@harbor.example');
    const dan = chip('dan@old.example');
    dan.replaceWith(Object.assign(document.createElement('i'), { textContent: 'Dan Old' }));
    window.dispatchEvent(new Event('wxt:locationchange'));
    await settle();
    expect(chip('ada@northwind.example').nextElementSibling).toBe(adaBadge);
    expect(chip('cleo@harbor.example').nextElementSibling?.localName).toBe('leadpact-badge');
    expect(badges()).toHaveLength(2);
    expect(fake.asked).toEqual(['email:ada@northwind.example', 'email:bram@lumen.example', 'email:dan@old.example', 'email:cleo@harbor.example']);
    expect(body.querySelectorAll('leadpact-badge')).toHaveLength(2);
  });

  test('a profile top card left over from the previous profile loses its badge when the URL moves on', async () => {
    setUrl('https://www.linkedin.com/in/ada-quinto-4b7c21/');
    document.body.innerHTML = `<main><section data-member-id="1"><h1>Ada Quinto</h1>
      <div data-generated-suggestion-target="x">VP Marketing at Northwind Analytics</div>
      <a href="/in/ada-quinto-4b7c21/overlay/contact-info/">Contact info</a></section></main>`;
    runSite(ctx, linkedin, fake.deps);
    await settle();
    expect(fake.asked).toEqual(['linkedin:ada-quinto-4b7c21']);
    expect(document.querySelector('h1')!.nextElementSibling?.localName).toBe('leadpact-badge');
    setUrl('https://www.linkedin.com/in/bram-okafor/'); // the app has not drawn Bram's card yet
    window.dispatchEvent(new Event('wxt:locationchange'));
    await settle();
    expect(badges()).toHaveLength(0);
    expect(fake.asked).toEqual(['linkedin:ada-quinto-4b7c21']);
  });

  test('people the new view inserts after a navigation are badged through the observer', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    setUrl(`${INBOX}/FMfcgzQXJWDsKmBb`);
    window.dispatchEvent(new Event('wxt:locationchange'));
    document.body.replaceChildren(); // the old view goes
    await settle();
    expect(badges()).toHaveLength(0);
    const message = document.createElement('div');
    message.setAttribute('role', 'main');
    message.innerHTML = '<h2>Quarterly numbers</h2><span class="gD" email="cleo@harbor.example" name="Cleo Marsh">Cleo Marsh</span>';
    document.body.append(message);
    await settle();
    expect(badges()).toHaveLength(1);
    expect(chip('cleo@harbor.example').nextElementSibling?.localName).toBe('leadpact-badge');
  });

  test('the context ending removes every badge and stops watching', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const running = runSite(ctx, gmail, fake.deps);
    await settle();
    ctx.abort();
    expect(badges()).toHaveLength(0);
    expect(running.active).toBe(false);
    body.append(row('bram@lumen.example', 'Bram Okafor'));
    await settle();
    expect(badges()).toHaveLength(0);
    expect(fake.batches).toHaveLength(1);
  });

  test('switching the site off removes the badges; switching it on draws them again', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    let listener: (enabled: boolean) => void = () => undefined;
    const siteSwitch: SiteSwitch = { get: async () => true, watch: (cb) => ((listener = cb), () => undefined) };
    const running = runSite(ctx, gmail, { ...fake.deps, siteSwitch });
    await settle();
    expect(badges()).toHaveLength(1);
    listener(false);
    expect(badges()).toHaveLength(0);
    expect(running.active).toBe(false);
    listener(true);
    await settle();
    expect(badges()).toHaveLength(1);
  });

  test('a site switched off in settings draws nothing', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const siteSwitch: SiteSwitch = { get: async () => false, watch: () => () => undefined };
    runSite(ctx, gmail, { ...fake.deps, siteSwitch });
    await settle();
    expect(badges()).toHaveLength(0);
    expect(fake.batches).toHaveLength(0);
  });
});

describe('runner: the page is read only where it changed', () => {
  test('after the first scan, insertions are read inside the inserted subtree only, never the whole document', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const findPeople = vi.fn(gmail.findPeople);
    runSite(ctx, { ...gmail, findPeople }, fake.deps);
    await settle();
    const all = vi.spyOn(document, 'querySelectorAll');
    const one = vi.spyOn(document, 'querySelector');
    findPeople.mockClear();
    const added = row('bram@lumen.example', 'Bram Okafor');
    body.append(added);
    await settle();
    expect(findPeople.mock.calls.map(([root]) => root)).toEqual([added]);
    expect(all).not.toHaveBeenCalled();
    expect(one).not.toHaveBeenCalled();
    all.mockRestore();
    one.mockRestore();
  });

  test('a list filled in one go is read once, through the parent that holds only the inserted rows', async () => {
    const body = inbox([]);
    const findPeople = vi.fn(gmail.findPeople);
    runSite(ctx, { ...gmail, findPeople }, fake.deps);
    await settle();
    findPeople.mockClear();
    const rows = Array.from({ length: 5 }, (_, i) => row(`p${i}@many.example`, `Person ${i}`));
    body.append(...rows);
    await settle();
    expect(findPeople.mock.calls.map(([root]) => root)).toEqual([body]);
    expect(fake.batches).toHaveLength(1);
    expect(badges()).toHaveLength(5);
    for (const span of Array.from(document.querySelectorAll('[email]'))) expect(span.nextElementSibling?.localName).toBe('leadpact-badge');
  });

  test('rows added beside rows already shown are read one by one, not through their parent', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const findPeople = vi.fn(gmail.findPeople);
    runSite(ctx, { ...gmail, findPeople }, fake.deps);
    await settle();
    findPeople.mockClear();
    const added = [row('bram@lumen.example', 'Bram Okafor'), row('cleo@lumen.example', 'Cleo Marsh')];
    body.append(...added);
    await settle();
    expect(findPeople.mock.calls.map(([root]) => root)).toEqual(added);
    expect(badges()).toHaveLength(3);
  });
});

describe('runner: early reads', () => {
  test('badge hosts are built while the lookup is out, and the answer places those same hosts', async () => {
    const body = inbox([]);
    fake.hold = true;
    runSite(ctx, gmail, fake.deps);
    await settle();
    const attach = vi.spyOn(Element.prototype, 'attachShadow');
    body.append(row('ada@northwind.example', 'Ada Quinto'), row('bram@lumen.example', 'Bram Okafor'), row('cleo@lumen.example', 'Cleo Marsh'));
    await settle();
    expect(badges()).toHaveLength(0); // nothing shown before the answer...
    expect(attach).toHaveBeenCalledTimes(3); // ...but one host per waiting person is ready
    const prepared = attach.mock.instances as unknown as Element[];
    fake.release();
    await settle();
    expect(badges()).toEqual(prepared);
    expect(attach).toHaveBeenCalledTimes(3);
    attach.mockRestore();
  });

  test('a person whose result is cached is badged in a task after the page\'s, not inside the page\'s own task', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    const attach = vi.spyOn(Element.prototype, 'attachShadow');
    body.append(row('ada@northwind.example', 'Ada Quinto'));
    for (let i = 0; i < 10; i++) await Promise.resolve(); // the page's task and its microtasks: read, but nothing built
    expect(attach).not.toHaveBeenCalled();
    expect(badges()).toHaveLength(1);
    await settle();
    expect(badges()).toHaveLength(2);
    expect(fake.asked).toEqual(['email:ada@northwind.example']); // from the cache
    attach.mockRestore();
  });

  test('a row the page finishes in a microtask after inserting it is read finished', async () => {
    const body = inbox([]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    const tr = document.createElement('tr');
    tr.setAttribute('role', 'row');
    body.append(tr);
    queueMicrotask(() => {
      tr.innerHTML = '<td><span class="yP" email="ada@northwind.example" name="Ada Quinto">Ada Quinto</span></td>';
    });
    await settle();
    expect(fake.asked).toEqual(['email:ada@northwind.example']);
    expect(badges()).toHaveLength(1);
  });

  test('children replaced all at once inside a person element are read themselves, not through that person', async () => {
    const body = inbox([]);
    const chipRow = document.createElement('tr');
    chipRow.innerHTML = '<td><span class="yP" email="ada@northwind.example" name="Ada Quinto"><span role="listitem">Ada</span><span role="listitem">Quinto</span></span></td>';
    body.append(chipRow);
    const findPeople = vi.fn(gmail.findPeople);
    runSite(ctx, { ...gmail, findPeople }, fake.deps);
    await settle();
    findPeople.mockClear();
    const person = chip('ada@northwind.example');
    const parts = [document.createElement('span'), document.createElement('span')];
    for (const part of parts) part.setAttribute('role', 'listitem');
    person.replaceChildren(...parts);
    await settle();
    expect(findPeople.mock.calls.map(([root]) => root)).toEqual(parts);
  });
});

describe('runner: quiet failure', () => {
  test('a site module that throws leaves the page alone and counts a private miss', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const broken: Site = {
      ...gmail,
      findPeople: () => {
        throw new TypeError("Cannot read properties of null (reading 'getAttribute')");
      },
    };
    const running = runSite(ctx, broken, fake.deps);
    await settle();
    expect(badges()).toHaveLength(0);
    expect(pageErrors).toEqual([]);
    expect(running.misses.get('runner:find-people')).toBeGreaterThan(0);
    expect(fake.missReports).toEqual([{ site: 'gmail', selector: 'runner:find-people' }]);
  });

  test('markup that no longer matches gives no badge, no lookup and no error', async () => {
    const tr = document.createElement('tr');
    tr.innerHTML = '<td><span class="yP">Ada Quinto</span></td>'; // a chip class without any address
    inbox([tr]);
    const running = runSite(ctx, gmail, fake.deps);
    await settle();
    expect(badges()).toHaveLength(0);
    expect(fake.batches).toHaveLength(0);
    expect(pageErrors).toEqual([]);
    expect(running.misses.get('gmail.person.chip-class')).toBe(1);
  });

  test('a failed lookup draws nothing, throws nothing, and waits before asking again', async () => {
    const body = inbox([row('ada@northwind.example', 'Ada Quinto')]);
    fake.fail = true;
    const running = runSite(ctx, gmail, fake.deps);
    await settle();
    expect(badges()).toHaveLength(0);
    expect(pageErrors).toEqual([]);
    expect(running.misses.get('runner:lookup-failed')).toBe(1);
    fake.fail = false;
    body.append(row('bram@lumen.example', 'Bram Okafor'));
    await settle();
    expect(fake.batches).toHaveLength(1); // backing off
    fake.now += 31_000;
    body.append(row('cleo@harbor.example', 'Cleo Marsh'));
    await settle();
    expect(fake.batches).toHaveLength(2);
    expect(badges()).toHaveLength(2);
  });

  test('a result missing from the answer leaves that person without a badge and is counted', async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const running = runSite(ctx, gmail, { ...fake.deps, lookup: async () => [] });
    await settle();
    expect(badges()).toHaveLength(0);
    expect(running.misses.get('runner:lookup-no-result')).toBe(1);
  });
});

describe('runner: a page view that should show people but shows nobody', () => {
  /** Runs `work` with setTimeout faked (observe's frames and the lookups use other timers). */
  async function withFakeTimeouts(work: () => Promise<void>): Promise<void> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await work();
    } finally {
      vi.useRealTimers();
    }
  }

  test('counts <site>.page.nobody once the markup gave nobody for a while, and not before', () => withFakeTimeouts(async () => {
    const tr = document.createElement('tr');
    tr.innerHTML = '<td><span class="q8r-x">Ada Quinto</span></td>'; // every hook gone: no selector left to miss
    inbox([tr]);
    const running = runSite(ctx, gmail, fake.deps);
    await settle();
    expect([...running.misses.keys()]).toEqual([]);
    vi.advanceTimersByTime(NOBODY_AFTER_MS - 1);
    expect(running.misses.get('gmail.page.nobody')).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(running.misses.get('gmail.page.nobody')).toBe(1);
    expect(fake.missReports).toContainEqual({ site: 'gmail', selector: 'gmail.page.nobody' });
    expect(pageErrors).toEqual([]);
  }));

  test('counts nothing where people were found, nor on pages without people, and starts again on navigation', () => withFakeTimeouts(async () => {
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    const running = runSite(ctx, gmail, fake.deps);
    await settle();
    vi.advanceTimersByTime(NOBODY_AFTER_MS);
    expect(running.misses.get('gmail.page.nobody')).toBeUndefined();

    // Settings: nobody expected there.
    document.body.replaceChildren();
    setUrl('https://mail.google.com/mail/u/0/#settings/general');
    window.dispatchEvent(new Event('wxt:locationchange'));
    await settle();
    vi.advanceTimersByTime(NOBODY_AFTER_MS);
    expect(running.misses.get('gmail.page.nobody')).toBeUndefined();

    // Back to a mail view that stays empty of anything readable: counted.
    setUrl(INBOX);
    window.dispatchEvent(new Event('wxt:locationchange'));
    await settle();
    vi.advanceTimersByTime(NOBODY_AFTER_MS);
    expect(running.misses.get('gmail.page.nobody')).toBe(1);
  }));

  test('waits while the tab is hidden (a background tab may not have drawn its view)', () => withFakeTimeouts(async () => {
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      const running = runSite(ctx, gmail, fake.deps);
      await settle();
      vi.advanceTimersByTime(NOBODY_AFTER_MS);
      expect(running.misses.get('gmail.page.nobody')).toBeUndefined();
      expect(vi.getTimerCount()).toBe(0); // no timer keeps waking a hidden tab
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      vi.advanceTimersByTime(NOBODY_AFTER_MS - 1);
      expect(running.misses.get('gmail.page.nobody')).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(running.misses.get('gmail.page.nobody')).toBe(1);
    } finally {
      visibility.mockRestore();
    }
  }));

  test('each site says where it expects people', () => {
    const at = (url: string) => new URL(url);
    expect(gmail.expectsPeople!(at('https://mail.google.com/mail/u/0/#inbox'))).toBe(true);
    expect(gmail.expectsPeople!(at('https://mail.google.com/mail/u/0/#settings/general'))).toBe(false);
    expect(outlook.expectsPeople!(at('https://outlook.office.com/mail/inbox/id/AAQk'))).toBe(true);
    expect(outlook.expectsPeople!(at('https://outlook.office.com/calendar/view/week'))).toBe(false);
    for (const url of ['https://www.linkedin.com/in/ada-quinto/', 'https://www.linkedin.com/messaging/thread/2-abc/', 'https://www.linkedin.com/search/results/people/?keywords=data', 'https://www.linkedin.com/sales/lead/ACwAA,NAME_SEARCH']) {
      expect([url, linkedin.expectsPeople!(at(url))]).toEqual([url, true]);
    }
    expect(linkedin.expectsPeople!(at('https://www.linkedin.com/feed/'))).toBe(false);
  });
});

describe('runner: what the page can see', () => {
  test('the page sees a bare <leadpact-badge> with no attributes, a closed shadow root, and no lead data', async () => {
    fake.leads.set('email:ada@northwind.example', leadView());
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    const host = badges()[0]!;
    expect(host.attributes).toHaveLength(0);
    expect(host.shadowRoot).toBeNull();
    expect(host.childNodes).toHaveLength(0);
    const html = document.documentElement.outerHTML;
    for (const secret of ['lead-7f3a', '72', 'MQL', 'Marketing leader', '2026.11.3', 'first touch']) expect(html).not.toContain(secret);
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) expect(attr.name.startsWith('data-leadpact')).toBe(false);
    }
  });
});

describe('runner: decisions', () => {
  test('an accepted lead is asked about again and its badge shows the new stage', async () => {
    fake.leads.set('email:ada@northwind.example', leadView());
    inbox([row('ada@northwind.example', 'Ada Quinto')]);
    runSite(ctx, gmail, fake.deps);
    await settle();
    fake.leads.set('email:ada@northwind.example', leadView({ stage: { id: 'sal', label: 'SAL' }, canDecide: false, sla: [] }));
    const root = badgeShadowRoot(badges()[0]!)!;
    root.querySelector<HTMLButtonElement>('button.badge')!.click();
    await settle();
    const accept = Array.from(root.querySelectorAll('button')).find((b) => b.textContent === 'Accept')!;
    accept.click();
    await settle();
    expect(fake.decisions).toEqual([{ leadId: 'lead-7f3a', decision: 'accept', reason: null }]);
    expect(fake.asked).toEqual(['email:ada@northwind.example', 'email:ada@northwind.example']);
    expect(badges()).toHaveLength(1);
    expect(nameOf(badges()[0]!)).toBe('Lead score 72, grade B, SAL');
  });
});

describe('runner: every fixture page', () => {
  const fixtures = [
    'gmail-threadlist-2014.html',
    'gmail-message-2024.html',
    'outlook-reading-pane-2025.html',
    'outlook-reading-pane-2025-de.html',
    'linkedin-profile-2024.html',
    'linkedin-guest-profile-2024.html',
    'linkedin-search-2019-de.html',
    'linkedin-search-2024.html',
    'linkedin-messaging-overlay-2023-es.html',
    'linkedin-messaging-page-2024.html',
    'linkedin-sales-navigator-lead-2024.html',
  ];
  test.each(fixtures)('%s: one badge right after each person the site module finds, one lookup per person', async (fixture) => {
    const url = servedAt(fixture);
    setUrl(url.href);
    loadFixture(fixture);
    const site = sites.find((s) => fixture.startsWith(s.id))!;
    const expected = site.findPeople(document, url);
    expect(expected.length).toBeGreaterThan(0);
    const running = runSite(ctx, site, fake.deps);
    await settle();
    expect(pageErrors).toEqual([]);
    expect(badges()).toHaveLength(expected.length);
    for (const person of expected) expect(person.anchor.nextElementSibling?.localName).toBe('leadpact-badge');
    expect(fake.asked.sort()).toEqual([...new Set(expected.map((p) => p.key))].sort());
    expect(fake.batches).toHaveLength(1);
    expect([...running.misses.keys()]).toEqual([]);
  });
});

describe('runner: the clock', () => {
  test('asks again for a result older than the refresh age while its badge is on screen', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      fake.leads.set('email:ada@northwind.example', leadView());
      inbox([row('ada@northwind.example', 'Ada Quinto')]);
      runSite(ctx, gmail, fake.deps);
      await settle();
      fake.leads.set('email:ada@northwind.example', leadView({ total: 81, stage: { id: 'sal', label: 'SAL' }, sla: [] }));
      fake.now += REFRESH_AFTER_MS;
      vi.advanceTimersByTime(60_000);
      await settle();
      expect(fake.batches).toHaveLength(2);
      expect(badges()).toHaveLength(1);
      expect(nameOf(badges()[0]!)).toBe('Lead score 81, grade B, SAL');
    } finally {
      vi.useRealTimers();
    }
  });
});
