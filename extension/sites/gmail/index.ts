/**
 * Gmail: people in thread-list rows and opened messages, found by their [email] chips.
 * Each chip is its own FoundPerson (a row lists several senders; a thread shows the same person
 * in several messages). The copy of a chip inside the row's accessible label (`div.afn`, named by
 * the row's aria-labelledby, visually hidden) is not one: the visible chip beside it is badged.
 */
import { ancestorLabel, attempt, documentOf, inDocumentOrder, isDocumentRoot, isInert, matchCatalogue, queryAllWithin, remember, reportMiss, selectorList, textOf } from '../dom.ts';
import { normaliseEmail, parseMailboxes, personKey } from '../person.ts';
import type { FoundPerson, MissReporter, PageMemo, PersonRef, Site } from '../types.ts';
import { OWNER, OWNER_ME_NAMES, OWNER_TITLE, PERSON, WATCH_EXTRA } from './selectors.ts';

const ME_NAMES = new Set(OWNER_ME_NAMES);
const EMAIL_ATTR = PERSON[0]!.css;

function isMeName(name: string | null): boolean {
  return name !== null && ME_NAMES.has(name.trim().toLowerCase());
}

/** Adds the addresses of the owner's own chips ("me") among `chips`. */
function addMeChips(chips: Iterable<Element>, owners: Set<string>, onMiss: MissReporter | undefined): void {
  for (const chip of chips) {
    attempt(onMiss, 'gmail.owner.me-chip', () => {
      if (!chip.hasAttribute('email') || !isMeName(chip.getAttribute('name')) || isInert(chip)) return;
      const email = normaliseEmail(chip.getAttribute('email'));
      if (email) owners.add(email);
    });
  }
}

/** The owner's addresses named anywhere on the page: account button and "me" chips. */
function pageOwners(doc: Document | null, onMiss: MissReporter | undefined): Set<string> {
  const owners = new Set<string>();
  if (!doc) return owners;
  for (const { element, selector } of matchCatalogue(doc, OWNER)) {
    attempt(onMiss, selector.id, () => {
      for (const { email } of parseMailboxes(element.getAttribute('aria-label'))) owners.add(email);
    });
  }
  addMeChips(queryAllWithin(doc, EMAIL_ATTR), owners, onMiss);
  return owners;
}

/**
 * The owner's addresses. The page is read once per page view (with a memo); every call then adds
 * only what costs nothing or lies inside `root`: the title's address and the "me" chips among the
 * chips `root` holds (already matched, so no second query).
 */
function ownerEmails(root: ParentNode, chips: Element[], doc: Document | null, onMiss: MissReporter | undefined, memo: PageMemo | undefined): Set<string> {
  const owners = remember(memo, 'gmail.owners', () => pageOwners(doc, onMiss));
  const fromTitle = normaliseEmail(OWNER_TITLE.exec(doc?.title ?? '')?.[1]);
  if (fromTitle) owners.add(fromTitle);
  if (!isDocumentRoot(root)) addMeChips(chips, owners, onMiss);
  return owners;
}

/**
 * A chip copied into the accessible label of its row, with the visible chip for the same address
 * beside it in the row: a badge on the copy would be a tab stop nobody sees, and the row's name
 * would read the score twice. The visible chip is badged. (A label chip with no visible copy is
 * the only place the person shows, and keeps its badge.)
 */
function isLabelCopy(chip: Element): boolean {
  const found = ancestorLabel(chip);
  if (!found) return false;
  const email = chip.getAttribute('email');
  if (email === null) return false;
  return queryAllWithin(found.labelled, EMAIL_ATTR).some((other) => other !== chip && !found.label.contains(other) && other.getAttribute('email') === email);
}

function emailOf(element: Element, selectorId: string): string | undefined {
  if (selectorId === 'gmail.person.email-attr') return normaliseEmail(element.getAttribute('email'));
  if (selectorId === 'gmail.person.hovercard-id') return normaliseEmail(element.getAttribute('data-hovercard-id'));
  // Class fallback: the address may survive in a title or in "Name <address>" text.
  return normaliseEmail(element.getAttribute('title')) ?? parseMailboxes(element.textContent)[0]?.email;
}

function nameOf(element: Element): string | undefined {
  const attr = element.getAttribute('name')?.trim();
  if (attr && !attr.includes('@')) return attr;
  const text = textOf(element).replace(/<[^>]*>/g, '').trim();
  if (text && !text.includes('@') && !isMeName(text)) return text;
  // Only an address is shown (or "me"): no display name to report beside `email`.
  return undefined;
}

function findPeople(root: ParentNode, _url: URL, onMiss?: MissReporter, memo?: PageMemo): FoundPerson[] {
  const found: FoundPerson[] = [];
  try {
    const matches = matchCatalogue(root, PERSON);
    const owners = ownerEmails(root, matches.map((m) => m.element), documentOf(root), onMiss, memo);
    for (const { element, selector } of matches) {
      attempt(onMiss, selector.id, () => {
        if (isInert(element) || isLabelCopy(element)) return;
        // Fallbacks only where no [email] chip sits on, around or inside the element (no double badges).
        if (selector.id !== 'gmail.person.email-attr' && (element.closest(EMAIL_ATTR) || element.querySelector(EMAIL_ATTR))) return;
        const email = emailOf(element, selector.id);
        if (!email) {
          reportMiss(onMiss, selector.id);
          return;
        }
        if (owners.has(email) || isMeName(element.getAttribute('name'))) return;
        const person: PersonRef = { email };
        const name = nameOf(element);
        if (name) person.name = name;
        const key = personKey(person);
        if (key) found.push({ element, anchor: element, person, key });
      });
    }
  } catch {
    reportMiss(onMiss, 'gmail.find:error');
  }
  return inDocumentOrder(found);
}

export const site: Site = {
  id: 'gmail',
  label: 'Gmail',
  matches: ['https://mail.google.com/*'],
  watch: selectorList(PERSON, WATCH_EXTRA),
  // Thread rows and message list items are re-read when a chip changes its address in place.
  recycled: { attributes: ['email', 'name', 'data-hovercard-id'], selector: selectorList(PERSON, 'tr, [role="row"], [role="listitem"]') },
  findPeople,
  // Mail views (inbox, labels, a thread); not the settings.
  expectsPeople: (url) => url.pathname.startsWith('/mail/') && !/^#settings\b/.test(url.hash),
};
