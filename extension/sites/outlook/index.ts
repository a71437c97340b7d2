/**
 * Outlook on the web: senders in the message list, the sender and recipients of the message in
 * the reading pane. Addresses come from title/aria attributes or "Name <address>" text; the
 * signed-in mailbox is never badged.
 */
import {
  type CatalogueSelector,
  attempt,
  documentOf,
  inDocumentOrder,
  isDocumentRoot,
  isInert,
  matchCatalogue,
  queryAllWithin,
  remember,
  reportMiss,
  selectorList,
  textOf,
} from '../dom.ts';
import { type Mailbox, normaliseEmail, parseMailboxes, personKey } from '../person.ts';
import type { FoundPerson, MissReporter, PageMemo, PersonRef, Site } from '../types.ts';
import { FROM, FROM_PREFIXES, LIST_ITEM, LIST_SENDER, OWNER, RECIPIENT_ADDRESS, RECIPIENTS, WATCH_EXTRA } from './selectors.ts';

function addOwners(scope: ParentNode, owners: Set<string>, onMiss: MissReporter | undefined): void {
  for (const { element, selector } of matchCatalogue(scope, OWNER)) {
    attempt(onMiss, selector.id, () => {
      for (const attr of ['title', 'data-folder-name']) {
        const email = normaliseEmail(element.getAttribute(attr));
        if (email) owners.add(email);
      }
    });
  }
}

/**
 * The signed-in mailbox: the folder pane is read once per page view (with a memo); later calls
 * look only inside `root`, which catches a folder pane drawn after the list.
 */
function ownerEmails(root: ParentNode, doc: Document | null, onMiss: MissReporter | undefined, memo: PageMemo | undefined): Set<string> {
  const owners = remember(memo, 'outlook.owners', () => {
    const set = new Set<string>();
    if (doc) addOwners(doc, set, onMiss);
    return set;
  });
  if (!isDocumentRoot(root)) addOwners(root, owners, onMiss);
  return owners;
}

const FROM_PREFIX = new RegExp(`^\\s*(?:${FROM_PREFIXES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s*[:：]\\s*`, 'u');

/** A display name only when it is one (not an address, not empty). */
function displayName(raw: string | null | undefined): string | undefined {
  const name = (raw ?? '').replace(/\s+/g, ' ').replace(/^["']|["']$/g, '').trim();
  return name && !name.includes('@') && name.length <= 120 ? name : undefined;
}

/** The first mailbox found in the element's labels and text, enriched with a name from any of them. */
function mailboxOf(element: Element, extraSources: Array<string | null | undefined> = []): Mailbox | undefined {
  const sources = [
    element.getAttribute('aria-label')?.replace(FROM_PREFIX, ''),
    element.getAttribute('title'),
    ...extraSources,
    textOf(element),
  ];
  let found: Mailbox | undefined;
  for (const source of sources) {
    const first = parseMailboxes(source)[0];
    if (!first) continue;
    if (!found) found = { ...first };
    if (!found.name && first.email === found.email && first.name) found.name = first.name;
  }
  if (found && !found.name) {
    // The list shows "Ada Quinto" as text with the address only in the title.
    const text = displayName(textOf(element));
    if (text) found.name = text;
  }
  return found;
}

function toFound(element: Element, mailbox: Mailbox): FoundPerson | undefined {
  const person: PersonRef = { email: mailbox.email };
  const name = displayName(mailbox.name);
  if (name) person.name = name;
  const key = personKey(person);
  return key ? { element, anchor: element, person, key } : undefined;
}

/**
 * The elements that show a mailbox, each read once; of nested elements carrying the same address
 * only the outermost is kept (one badge per chip).
 */
function outermostMailboxes(elements: Element[]): Array<[Element, Mailbox]> {
  const withMailbox: Array<[Element, Mailbox]> = [];
  for (const el of elements) {
    const mailbox = mailboxOf(el);
    if (mailbox) withMailbox.push([el, mailbox]);
  }
  return withMailbox.filter(([el, { email }]) => !withMailbox.some(([other, mailbox]) => other !== el && other.contains(el) && mailbox.email === email));
}

function listSenders(item: Element, onMiss: MissReporter | undefined): Array<[Element, Mailbox]> {
  for (const selector of LIST_SENDER) {
    const senders = outermostMailboxes(queryAllWithin(item, selector.css).filter((el) => el !== item && !isInert(el)));
    if (senders.length > 0) return senders;
  }
  reportMiss(onMiss, 'outlook.list.sender');
  return [];
}

function recipients(well: Element, selector: CatalogueSelector, onMiss: MissReporter | undefined): Array<[Element, Mailbox]> {
  const tagged = queryAllWithin(well, RECIPIENT_ADDRESS).filter((el) => el !== well && !isInert(el));
  if (tagged.length > 0) return outermostMailboxes(tagged);
  // Plain text "To: Ada Quinto <ada@...>; bram@..." : each address is marked by the element holding its text.
  const out: Array<[Element, Mailbox]> = [];
  const doc = well.ownerDocument;
  const walker = doc.createTreeWalker(well, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const holder = node.parentElement;
    if (!holder || isInert(holder)) continue;
    for (const mailbox of parseMailboxes(node.nodeValue)) out.push([holder, mailbox]);
  }
  if (out.length === 0) reportMiss(onMiss, selector.id);
  return out;
}

function findPeople(root: ParentNode, _url: URL, onMiss?: MissReporter, memo?: PageMemo): FoundPerson[] {
  const found: FoundPerson[] = [];
  try {
    const owners = ownerEmails(root, documentOf(root), onMiss, memo);
    const seen = new Set<Element>();
    const add = (element: Element, mailbox: Mailbox) => {
      if (owners.has(mailbox.email) || seen.has(element)) return;
      const person = toFound(element, mailbox);
      if (person) {
        seen.add(element);
        found.push(person);
      }
    };

    for (const { element: item, selector } of matchCatalogue(root, LIST_ITEM)) {
      attempt(onMiss, selector.id, () => {
        if (isInert(item)) return;
        for (const [el, mailbox] of listSenders(item, onMiss)) add(el, mailbox);
      });
    }

    const froms = matchCatalogue(root, FROM);
    for (const { element, selector } of froms) {
      attempt(onMiss, selector.id, () => {
        if (isInert(element)) return;
        // The class fallback only counts where no localised aria-label marks the same sender.
        if (selector.id !== 'outlook.pane.from-label' && froms.some((f) => f.selector.id === 'outlook.pane.from-label' && (f.element.contains(element) || element.contains(f.element)))) return;
        const titled = queryAllWithin(element, '[title]').map((el) => el.getAttribute('title'));
        const mailbox = mailboxOf(element, titled);
        if (!mailbox) {
          reportMiss(onMiss, selector.id);
          return;
        }
        add(element, mailbox);
      });
    }

    for (const { element: well, selector } of matchCatalogue(root, RECIPIENTS)) {
      attempt(onMiss, selector.id, () => {
        if (isInert(well)) return;
        if (selector.id !== 'outlook.pane.recipients' && well.closest(RECIPIENTS[0]!.css)) return;
        for (const [el, mailbox] of recipients(well, selector, onMiss)) add(el, mailbox);
      });
    }
  } catch {
    reportMiss(onMiss, 'outlook.find:error');
  }
  return inDocumentOrder(found);
}

export const site: Site = {
  id: 'outlook',
  label: 'Outlook on the web',
  matches: ['https://outlook.office.com/*', 'https://outlook.office365.com/*', 'https://outlook.live.com/*'],
  watch: selectorList(LIST_ITEM, FROM, RECIPIENTS, WATCH_EXTRA),
  // A recycled list item, sender or recipient well is re-read; other aria-label changes are ignored.
  recycled: { attributes: ['title', 'aria-label'], selector: selectorList(LIST_ITEM, FROM, RECIPIENTS) },
  findPeople,
  // The mail views (message list, reading pane); not the calendar or people pages.
  expectsPeople: (url) => /^\/mail(\/|$)/.test(url.pathname),
};
