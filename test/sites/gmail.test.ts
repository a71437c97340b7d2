// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { site } from '../../extension/sites/gmail/index.ts';
import { loadFixture, readFixture, scrambleClasses, servedAt, stripAttributes, summary } from './fixture.ts';

const THREADLIST = 'gmail-threadlist-2014.html';
const MESSAGE = 'gmail-message-2024.html';

const ada = { key: 'email:ada.quinto@northwind-analytics.example', email: 'ada.quinto@northwind-analytics.example', name: 'Ada Quinto' };
const bram = { key: 'email:bram.okafor@lumenfreight.example', email: 'bram.okafor@lumenfreight.example', name: 'Bram Okafor' };
const billing = { key: 'email:billing@northwind-analytics.example', email: 'billing@northwind-analytics.example', name: 'Northwind Billing' };
const cleo = { key: 'email:cleo.marsh@harbor-robotics.example', email: 'cleo.marsh@harbor-robotics.example', name: 'Cleo Marsh' };

function find(fixture: string, root?: ParentNode, onMiss?: (id: string) => void) {
  return site.findPeople(root ?? document, servedAt(fixture), onMiss);
}

describe('Gmail thread list (2014 markup)', () => {
  it('finds every visible person chip in the rows, one FoundPerson per chip, in document order', () => {
    loadFixture(THREADLIST);
    expect(summary(find(THREADLIST))).toEqual([ada, bram, billing, cleo]);
  });

  it("leaves out the chip copies in a row's accessible label, and badges the visible chip beside each", () => {
    loadFixture(THREADLIST);
    // Ada's and Cleo's rows repeat their chip inside the hidden label the row is aria-labelledby.
    const copies = Array.from(document.querySelectorAll('.afn [email]'));
    expect(copies.map((el) => el.getAttribute('email'))).toEqual([ada.email, cleo.email]);
    const found = find(THREADLIST);
    for (const copy of copies) expect(found.map((f) => f.element)).not.toContain(copy);
    for (const f of found) {
      expect(f.anchor).toBe(f.element);
      expect(f.element.closest('.yW')).not.toBeNull(); // the sender list, not the label
    }
  });

  it('badges a chip in the row label when the row shows that person nowhere else', () => {
    loadFixture(THREADLIST);
    const row = document.getElementById(':3g')!;
    row.querySelector('.yW [email]')!.remove(); // Ada's visible chip gone: the label copy is all there is
    const adas = find(THREADLIST, row).filter((f) => f.person.email === ada.email);
    expect(adas).toHaveLength(1);
    expect(adas[0]!.element.closest('.afn')).not.toBeNull();
  });

  it('gives each chip of the same person its own element when the label names another element', () => {
    loadFixture(THREADLIST);
    // The same label id on an unrelated element: the chips are no longer the row's label text.
    for (const row of Array.from(document.querySelectorAll('tr[aria-labelledby]'))) row.setAttribute('aria-labelledby', 'elsewhere');
    const cleos = find(THREADLIST).filter((f) => f.person.email === cleo.email);
    expect(cleos).toHaveLength(2);
    expect(cleos[0]!.element).not.toBe(cleos[1]!.element);
  });

  it('leaves out the mailbox owner, whose chips are named "me"', () => {
    loadFixture(THREADLIST);
    expect(document.querySelectorAll('[email="lena.ortmann@quillon.example"]').length).toBeGreaterThan(0);
    expect(find(THREADLIST).map((f) => f.person.email)).not.toContain('lena.ortmann@quillon.example');
  });

  it('ignores the chip markup escaped inside the VIEW_DATA script', () => {
    expect(readFixture(THREADLIST)).toContain('dmitri.vale@shadow-copy.example');
    loadFixture(THREADLIST);
    expect(find(THREADLIST).map((f) => f.key)).not.toContain('email:dmitri.vale@shadow-copy.example');
  });

  it('ignores person elements placed inside script and template elements, but not the same element in the page', () => {
    loadFixture(THREADLIST);
    const chip = () => {
      const span = document.createElement('span');
      span.setAttribute('email', 'hidden.copy@shadow-copy.example');
      span.setAttribute('name', 'Hidden Copy');
      return span;
    };
    const script = document.createElement('script');
    script.type = 'text/plain';
    script.appendChild(chip());
    const template = document.createElement('template');
    template.appendChild(chip());
    document.body.append(script, template);
    expect(find(THREADLIST).filter((f) => f.person.email === 'hidden.copy@shadow-copy.example')).toHaveLength(0);
    document.body.appendChild(chip());
    expect(find(THREADLIST).filter((f) => f.person.email === 'hidden.copy@shadow-copy.example')).toHaveLength(1);
  });

  it('skips chips whose email attribute is not an address and reports the miss without page text', () => {
    loadFixture(THREADLIST);
    const broken = document.createElement('span');
    broken.setAttribute('email', 'Draft');
    broken.setAttribute('name', 'Draft');
    document.querySelector('tr')!.appendChild(broken);
    const misses: string[] = [];
    const found = find(THREADLIST, document, (id) => misses.push(id));
    expect(found.some((f) => f.element === broken)).toBe(false);
    expect(found).toHaveLength(4);
    expect(misses).toEqual(['gmail.person.email-attr']);
  });

  it('finds only the people inside the subtree it is given, reading the owner from the whole page', () => {
    loadFixture(THREADLIST);
    const row = document.getElementById(':3g')!; // Ada and "me"
    expect(summary(find(THREADLIST, row))).toEqual([ada]);
    const chip = row.querySelector('.yW [email]')!;
    expect(summary(find(THREADLIST, chip))).toEqual([ada]);
    // The copy in the row's label is not a person on screen, even read on its own.
    expect(find(THREADLIST, row.querySelector('.afn [email]')!)).toEqual([]);
  });

  it('finds the same people when every class name is scrambled', () => {
    loadFixture(THREADLIST);
    const before = summary(find(THREADLIST));
    scrambleClasses(document);
    expect(document.querySelector('.yP, .zF')).toBeNull();
    expect(summary(find(THREADLIST))).toEqual(before);
  });

  it('returns [] without throwing when the email attributes are gone, reporting misses without personal data', () => {
    loadFixture(THREADLIST);
    stripAttributes(document, ['email', 'data-hovercard-id']);
    const misses: string[] = [];
    expect(find(THREADLIST, document, (id) => misses.push(id))).toEqual([]);
    // The dated class fallback notices chips that lost their address.
    expect(misses.length).toBeGreaterThan(0);
    for (const id of misses) expect(id).toMatch(/^gmail\.[a-z.-]+(:error)?$/);
  });

  it('keeps going when one element throws, reporting a miss for that selector', () => {
    loadFixture(THREADLIST);
    const bad = document.querySelector('[email="bram.okafor@lumenfreight.example"]')!;
    Object.defineProperty(bad, 'getAttribute', {
      configurable: true,
      value: () => {
        throw new Error('detached');
      },
    });
    try {
      const misses: string[] = [];
      const found = find(THREADLIST, document, (id) => misses.push(id));
      expect(summary(found)).toEqual([ada, billing, cleo]);
      expect(misses).toContain('gmail.person.email-attr:error');
    } finally {
      // happy-dom itself reads attributes when the next fixture replaces this element.
      delete (bad as { getAttribute?: unknown }).getAttribute;
    }
  });

  it('survives a miss reporter that throws', () => {
    loadFixture(THREADLIST);
    stripAttributes(document, ['email']);
    let reported = 0;
    expect(
      find(THREADLIST, document, () => {
        reported++;
        throw new Error('telemetry down');
      }),
    ).toEqual([]);
    expect(reported).toBeGreaterThan(0); // the reporter really was called, and its throw swallowed
  });
});

describe('Gmail opened message (2024 markup)', () => {
  it('finds the sender and the recipients and leaves out the owner named by the account button', () => {
    loadFixture(MESSAGE);
    expect(summary(find(MESSAGE))).toEqual([ada, bram, cleo]);
  });

  it('marks the sender chip, not the avatar image that carries the same hovercard address', () => {
    loadFixture(MESSAGE);
    const [sender] = find(MESSAGE);
    expect(sender!.element.tagName).toBe('SPAN');
    expect(sender!.element.getAttribute('name')).toBe('Ada Quinto');
    expect(find(MESSAGE).some((f) => f.element.tagName === 'IMG')).toBe(false);
  });

  it('uses data-hovercard-id when a chip has no email attribute', () => {
    loadFixture(MESSAGE);
    const found = find(MESSAGE).find((f) => f.person.email === cleo.email)!;
    expect(found.element.hasAttribute('email')).toBe(false);
    expect(found.person.name).toBe('Cleo Marsh');
  });

  it('recognises the owner from the page title when the account button is missing', () => {
    loadFixture(MESSAGE);
    document.querySelector('a[aria-label^="Google Account"]')!.remove();
    expect(find(MESSAGE).map((f) => f.person.email)).not.toContain('lena.ortmann@quillon.example');
    // Without any owner signal the owner's chips are ordinary people: the exclusion above is real.
    document.title = 'Pilot scope';
    expect(find(MESSAGE).map((f) => f.person.email)).toContain('lena.ortmann@quillon.example');
  });

  it('finds the same people when every class name is scrambled', () => {
    loadFixture(MESSAGE);
    const before = summary(find(MESSAGE));
    scrambleClasses(document);
    expect(summary(find(MESSAGE))).toEqual(before);
  });

  it('returns [] without throwing when the email and hovercard attributes are removed', () => {
    loadFixture(MESSAGE);
    stripAttributes(document, ['email', 'data-hovercard-id', 'name']);
    expect(find(MESSAGE)).toEqual([]);
  });
});

describe('Gmail site contract', () => {
  it('runs on mail.google.com only', () => {
    expect(site.id).toBe('gmail');
    expect(site.matches).toEqual(['https://mail.google.com/*']);
  });

  it('watches a valid selector list that covers every element a person was found on', () => {
    for (const fixture of [THREADLIST, MESSAGE]) {
      loadFixture(fixture);
      expect(() => document.querySelectorAll(site.watch)).not.toThrow();
      const found = find(fixture);
      expect(found.length, fixture).toBeGreaterThan(0);
      for (const f of found) expect(f.element.matches(site.watch)).toBe(true);
    }
  });
});
