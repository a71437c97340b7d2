/**
 * LinkedIn: the person a profile page is about, people linked by public slug (search results,
 * side panels, "People also viewed", feed), the other person in a messaging conversation
 * (member URNs only: matched by name plus company), and Sales Navigator leads (data-anonymize).
 */
import {
  type CatalogueSelector,
  attempt,
  closestOfCatalogue,
  documentOf,
  firstOfCatalogue,
  firstText,
  inDocumentOrder,
  isDocumentRoot,
  isInert,
  queryAllWithin,
  remember,
  reportMiss,
  selectorList,
  textOf,
} from '../dom.ts';
import { isMemberUrnHref, normaliseName, personKey, slugFromHref } from '../person.ts';
import type { FoundPerson, MissReporter, PageMemo, PersonRef, Site } from '../types.ts';
import { companyFromHeadline } from './headline.ts';
import {
  CARD_HEADLINE,
  CONVERSATION,
  CONVERSATION_DIALOG,
  CURRENT_COMPANY_LABEL_PREFIXES,
  HEADER_HEADING,
  LINK_HEADLINE_INSIDE,
  LINK_NAME,
  MESSAGE_EVENT,
  MESSAGING_HEADLINE,
  MESSAGING_PAGE_SCOPE,
  MESSAGING_PATH,
  OWNER_NAME,
  PERSON_CARD,
  PROFILE_COMPANY,
  PROFILE_HEADLINE,
  PROFILE_LINK,
  PROFILE_NAME,
  PROFILE_PATH,
  PROFILE_SLUG_SOURCES,
  PROFILE_TOP_CARD,
  SALES_COMPANY,
  SALES_HEADLINE,
  SALES_NAME,
  SALES_PATH,
  SALES_TITLE,
  VISUALLY_HIDDEN,
  WATCH_EXTRA,
} from './selectors.ts';

interface Context {
  root: ParentNode;
  doc: Document | null;
  url: URL;
  onMiss: MissReporter | undefined;
  memo: PageMemo | undefined;
  owners: Set<string>;
  /** The profile links inside `root`, read once for the messaging and profile-link steps. */
  links: Element[];
  seen: Set<Element>;
  found: FoundPerson[];
}

const LINK_CSS = PROFILE_LINK[0]!.css;

/** Collapsed text, or undefined when blank. */
function clean(text: string | null | undefined): string | undefined {
  const s = (text ?? '').replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}

/** Plausible as a person's name: letters, not a URL, not an address, not a sentence. */
function plausibleName(text: string | undefined): text is string {
  return text !== undefined && text.length >= 2 && text.length <= 100 && /\p{L}/u.test(text) && !/[@/]|https?:|www\./i.test(text);
}

function isVisuallyHidden(el: Element): boolean {
  try {
    return el.closest(VISUALLY_HIDDEN) !== null;
  } catch {
    return false;
  }
}

function add(ctx: Context, element: Element, person: PersonRef, anchor: Element = element): void {
  if (ctx.seen.has(element)) return;
  if (person.name && ctx.owners.has(normaliseName(person.name))) return;
  const key = personKey(person);
  if (!key) return;
  ctx.seen.add(element);
  ctx.found.push({ element, anchor, person, key });
}

function withOptional(person: PersonRef, field: 'name' | 'company' | 'title' | 'linkedin', value: string | undefined): PersonRef {
  if (value) person[field] = value;
  return person;
}

function addOwnerNames(scope: ParentNode, names: Set<string>): void {
  for (const selector of OWNER_NAME) {
    for (const img of queryAllWithin(scope, selector.css)) {
      const name = normaliseName(img.getAttribute('alt'));
      if (name) names.add(name);
    }
  }
}

/** The signed-in member: the whole page read once per page view (with a memo), then only inside `root`. */
function ownerNames(ctx: Context): Set<string> {
  const names = remember(ctx.memo, 'linkedin.owners', () => {
    const set = new Set<string>();
    if (ctx.doc) addOwnerNames(ctx.doc, set);
    return set;
  });
  if (!isDocumentRoot(ctx.root)) addOwnerNames(ctx.root, names);
  return names;
}

// ------------------------------------------------------------------ profile page (/in/<slug>/)

function companyFromLabel(label: string | null): string | undefined {
  if (!label) return undefined;
  const prefix = CURRENT_COMPANY_LABEL_PREFIXES.find((p) => label.startsWith(p));
  if (!prefix) return undefined;
  let rest = label.slice(prefix.length);
  const hint = rest.search(/\.\s+Click\b/);
  if (hint >= 0) rest = rest.slice(0, hint);
  return clean(rest.replace(/\.$/, ''));
}

/** The first h2 after the name heading, climbing until the top card (guest layout 2024). */
function headingAfter(name: Element, card: Element | null): Element | undefined {
  for (let el: Element | null = name; el && el !== card; el = el.parentElement) {
    for (let sib = el.nextElementSibling; sib; sib = sib.nextElementSibling) {
      if (sib.matches('h2')) return sib;
    }
  }
  return undefined;
}

function profilePage(ctx: Context): void {
  const { url, doc, onMiss } = ctx;
  if (!PROFILE_PATH.test(url.pathname)) return;
  // The name heading is the page's first; an inserted subtree only yields it when it holds it, so
  // the document is consulted only for subtrees that hold a heading candidate at all.
  if (!isDocumentRoot(ctx.root) && !firstOfCatalogue(ctx.root, PROFILE_NAME)) return;
  const heading = firstOfCatalogue(doc ?? ctx.root, PROFILE_NAME);
  if (!heading) {
    if (isDocumentRoot(ctx.root)) reportMiss(onMiss, 'linkedin.profile.name');
    return;
  }
  const root = ctx.root as Node;
  if (root !== heading.element && !root.contains(heading.element)) return;
  attempt(onMiss, heading.selector.id, () => {
    const name = clean(textOf(heading.element));
    if (!plausibleName(name) || isInert(heading.element)) {
      reportMiss(onMiss, heading.selector.id);
      return;
    }
    const card = closestOfCatalogue(heading.element, PROFILE_TOP_CARD);
    const scope: ParentNode | null = card ?? doc;

    // The top card's own contact-info link names whose card it is. Right after a single-page
    // navigation the URL already shows the next profile while the card still shows the last one:
    // a card that disagrees with the URL is stale and gets no badge (its replacement will).
    const cardSlug = card ? slugFromHref(firstOfCatalogue(card, PROFILE_SLUG_SOURCES.slice(0, 1))?.element.getAttribute('href')) : undefined;
    let slug = slugFromHref(url.href);
    if (slug && cardSlug && slug !== cardSlug) return;
    if (!slug) {
      const source = firstOfCatalogue(doc, PROFILE_SLUG_SOURCES);
      slug = slugFromHref(source?.element.getAttribute('href'));
    }

    const headlineEl = firstOfCatalogue(scope, PROFILE_HEADLINE)?.element ?? headingAfter(heading.element, card);
    const title = clean(textOf(headlineEl));

    let company: string | undefined;
    const companyEl = firstOfCatalogue(scope, PROFILE_COMPANY) ?? firstOfCatalogue(doc, PROFILE_COMPANY);
    if (companyEl) {
      company = companyEl.selector.id === 'linkedin.profile.company.aria-label'
        ? companyFromLabel(companyEl.element.getAttribute('aria-label'))
        : clean(textOf(companyEl.element));
    }
    company ??= companyFromHeadline(title);

    const person: PersonRef = { name };
    withOptional(person, 'linkedin', slug);
    withOptional(person, 'company', company);
    withOptional(person, 'title', title);
    add(ctx, heading.element, person);
  });
}

// ------------------------------------------------------------------ people linked by public slug

/** A link to a profile itself (query allowed), not to one of its sub-pages. */
function isProfileRootLink(href: string | null): boolean {
  if (!href) return false;
  try {
    return PROFILE_PATH.test(new URL(href, 'https://www.linkedin.com/').pathname);
  } catch {
    return false;
  }
}

function nameOfLink(link: Element): { name?: string; preferred: boolean } {
  for (const selector of LINK_NAME) {
    for (const el of queryAllWithin(link, selector.css)) {
      if (el === link || isVisuallyHidden(el)) continue;
      const text = clean(textOf(el));
      if (plausibleName(text)) return { name: text, preferred: true };
    }
  }
  const text = firstText(link, isVisuallyHidden);
  return text ? { name: text, preferred: false } : { preferred: false };
}

function plausibleHeadline(text: string | undefined, name: string): text is string {
  // Connection degree badges ("· 2nd", "• 3rd+") sit where a headline would and are not one.
  return text !== undefined && text !== name && !/^[·•]/.test(text) && (text.match(/\p{L}/gu)?.length ?? 0) >= 3;
}

function headlineOfLink(link: Element, name: string, card: Element | null, ownsCard: boolean): string | undefined {
  // Inside the link: the aria-hidden copy after the name (2024 side panels), a paragraph (guest cards).
  const hidden = queryAllWithin(link, LINK_NAME[0]!.css).filter((el) => el !== link).map((el) => clean(textOf(el)));
  const nameAt = hidden.indexOf(name);
  for (const text of nameAt >= 0 ? hidden.slice(nameAt + 1) : []) {
    if (plausibleHeadline(text, name)) return text;
  }
  for (const selector of LINK_HEADLINE_INSIDE) {
    const text = clean(textOf(queryAllWithin(link, selector.css).find((el) => el !== link)));
    if (plausibleHeadline(text, name)) return text;
  }
  // The card's headline belongs to the card's own person, not to a shared connection named in it.
  if (card && ownsCard) {
    const text = clean(textOf(firstOfCatalogue(card, CARD_HEADLINE)?.element));
    if (plausibleHeadline(text, name)) return text;
  }
  // Structural fallback when class names changed: a paragraph right after the link (people search 2019).
  const next = link.nextElementSibling;
  if (next && next.matches('p') && !next.querySelector(LINK_CSS)) {
    const text = clean(textOf(next));
    if (plausibleHeadline(text, name) && text.length <= 300) return text;
  }
  return undefined;
}

interface LinkCandidate {
  link: Element;
  slug: string;
  name: string;
  card: Element | null;
  /** 2: name from a visible-name element; 1: plain text link; 0: photo link read through screen-reader text. */
  rank: number;
}

/**
 * A card can hold another card that links the same person: the 2024 side panels put a "View
 * profile" button in a list inside the entry's list item. Such a link belongs to the outermost card
 * that links the person, so it competes with the name link there instead of being badged on its
 * own (with "View profile" as the name).
 */
function mergeNestedCards(candidates: LinkCandidate[]): void {
  const bySlug = new Map<string, LinkCandidate[]>();
  for (const c of candidates) {
    const same = bySlug.get(c.slug);
    if (same) same.push(c);
    else bySlug.set(c.slug, [c]);
  }
  for (const same of bySlug.values()) {
    if (same.length < 2) continue;
    for (const c of same) {
      for (const other of same) {
        if (other.card && c.card && other.card !== c.card && other.card.contains(c.card)) c.card = other.card;
      }
    }
  }
}

function profileLinks(ctx: Context): void {
  const { onMiss } = ctx;
  if (SALES_PATH.test(ctx.url.pathname)) return; // Sales Navigator links read "View LinkedIn profile": handled by salesNavigator
  const mainSlug = PROFILE_PATH.test(ctx.url.pathname) ? slugFromHref(ctx.url.href) : undefined;
  const candidates: LinkCandidate[] = [];
  for (const link of ctx.links) {
    attempt(onMiss, 'linkedin.link.profile', () => {
      if (ctx.seen.has(link) || isInert(link)) return;
      const href = link.getAttribute('href');
      if (!isProfileRootLink(href)) return;
      const slug = slugFromHref(href);
      if (!slug) return; // member URN links are messaging's business
      if (closestOfCatalogue(link, CONVERSATION)) return;
      // On a profile page its own person is badged once, at the name heading; links back to it
      // (top card, "Highlights", activity) are the same person again.
      if (slug === mainSlug) return;
      const { name, preferred } = nameOfLink(link);
      if (!plausibleName(name)) return;
      const rank = preferred ? 2 : link.querySelector('img, figure, svg') ? 0 : 1;
      candidates.push({ link, slug, name, card: closestOfCatalogue(link, PERSON_CARD) ?? link.parentElement, rank });
    });
  }
  mergeNestedCards(candidates);
  // A card links one person several times (photo, name, sometimes a hidden-text ghost photo): badge the best-named link(s).
  const groupOf = (c: LinkCandidate) => c.card;
  const groupKeys = new Map<Element | null, Map<string, number>>();
  for (const c of candidates) {
    const byslug = groupKeys.get(groupOf(c)) ?? new Map<string, number>();
    byslug.set(c.slug, Math.max(byslug.get(c.slug) ?? 0, c.rank));
    groupKeys.set(groupOf(c), byslug);
  }
  // The card's own person is the first profile it links to (photo or name link come before insights);
  // read once per card, not once per link in it.
  const cardSlugs = new Map<Element, string | undefined>();
  const cardSlugOf = (card: Element): string | undefined => {
    if (!cardSlugs.has(card)) cardSlugs.set(card, slugFromHref(queryAllWithin(card, LINK_CSS).find((a) => isProfileRootLink(a.getAttribute('href')))?.getAttribute('href')));
    return cardSlugs.get(card);
  };
  // One badge per person per card: the first of its best-named links (a photo link and a name
  // link can both be plain text; a nested "View profile" can read like a name).
  const badged = new Map<Element | null, Set<string>>();
  for (const c of candidates) {
    attempt(onMiss, 'linkedin.link.profile', () => {
      const top = groupKeys.get(groupOf(c))?.get(c.slug) ?? 0;
      if (c.rank === 0 || c.rank < top) return;
      const slugs = badged.get(groupOf(c)) ?? new Set<string>();
      if (slugs.has(c.slug)) return;
      slugs.add(c.slug);
      badged.set(groupOf(c), slugs);
      const cardSlug = c.card ? cardSlugOf(c.card) : undefined;
      const title = headlineOfLink(c.link, c.name, c.card, cardSlug === c.slug);
      const person: PersonRef = { linkedin: c.slug, name: c.name };
      withOptional(person, 'company', companyFromHeadline(title));
      withOptional(person, 'title', title);
      add(ctx, c.link, person);
    });
  }
}

// ------------------------------------------------------------------ messaging (member URNs)

interface Counterpart {
  name: string;
  headline?: string | undefined;
}

/** The conversation a link sits in, or null when it is not in one. */
function conversationOf(link: Element, url: URL): Element | null {
  const byClass = closestOfCatalogue(link, CONVERSATION);
  if (byClass) return byClass;
  const dialog = link.closest(CONVERSATION_DIALOG);
  if (dialog && dialog.querySelector(MESSAGE_EVENT)) return dialog;
  if (MESSAGING_PATH.test(url.pathname)) return link.closest(MESSAGING_PAGE_SCOPE) ?? link.ownerDocument.body;
  return null;
}

/** Member id of a link: its URN or slug segment. */
function memberOf(href: string | null): string | undefined {
  return href ? /\/in\/([^/?#]+)/.exec(href)?.[1] : undefined;
}

function linkName(link: Element): string | undefined {
  const { name } = nameOfLink(link);
  return plausibleName(name) ? name : undefined;
}

/** The other people in a conversation: named in its header heading or shown on its profile card. */
function counterparts(conversation: Element): Map<string, Counterpart> {
  const people = new Map<string, Counterpart>();
  const links = queryAllWithin(conversation, LINK_CSS);
  for (const link of links) {
    const member = memberOf(link.getAttribute('href'));
    const name = linkName(link);
    if (!member || !name) continue;
    const inHeading = link.closest(HEADER_HEADING) !== null || link.querySelector(HEADER_HEADING) !== null;
    let headline: string | undefined;
    let ancestor: Element | null = link.parentElement;
    for (let depth = 0; ancestor && depth < 3 && conversation.contains(ancestor); depth++, ancestor = ancestor.parentElement) {
      const near = firstOfCatalogue(ancestor, MESSAGING_HEADLINE);
      if (near) {
        const text = clean(near.element.getAttribute('title')) ?? clean(textOf(near.element));
        if (text && text !== name) headline = text;
        break;
      }
    }
    if (!inHeading && !headline) continue;
    const entry: Counterpart = people.get(member) ?? { name };
    entry.headline ??= headline;
    people.set(member, entry);
  }
  return people;
}

function messaging(ctx: Context): void {
  // Conversations keep their counterpart for the page view (a new thread is a new URL): with a
  // memo, a message arriving in an open conversation does not re-read the conversation.
  // An empty reading (the header not drawn yet) is kept for this call only, so each conversation
  // is read at most once here and again on a later insertion.
  const cache = remember(ctx.memo, 'linkedin.counterparts', () => new WeakMap<Element, Map<string, Counterpart>>());
  const readNow = new Map<Element, Map<string, Counterpart>>();
  for (const link of ctx.links) {
    attempt(ctx.onMiss, 'linkedin.messaging.link', () => {
      if (ctx.seen.has(link) || isInert(link)) return;
      const href = link.getAttribute('href');
      if (!isMemberUrnHref(href) && !closestOfCatalogue(link, CONVERSATION)) return;
      const conversation = conversationOf(link, ctx.url);
      if (!conversation) return;
      let people = readNow.get(conversation) ?? cache.get(conversation);
      if (!people) {
        people = counterparts(conversation);
        readNow.set(conversation, people);
        if (people.size > 0) cache.set(conversation, people);
      }
      const member = memberOf(href);
      const counterpart = member ? people.get(member) : undefined;
      if (!counterpart) return;
      // Photo links carry "View Oksana's profile" screen-reader text: only links showing the name are badged.
      if (normaliseName(linkName(link)) !== normaliseName(counterpart.name)) return;
      const person: PersonRef = { name: counterpart.name };
      withOptional(person, 'linkedin', slugFromHref(href));
      withOptional(person, 'company', companyFromHeadline(counterpart.headline));
      withOptional(person, 'title', counterpart.headline);
      add(ctx, link, person);
    });
  }
}

// ------------------------------------------------------------------ Sales Navigator

/** The largest ancestor (up to 6 levels) that still holds only this one person name. */
function leadContainer(nameEl: Element, nameCss: string): Element {
  let container = nameEl;
  let el = nameEl.parentElement;
  for (let depth = 0; el && depth < 6; depth++, el = el.parentElement) {
    if (el.querySelectorAll(nameCss).length > 1 || el.tagName === 'BODY') break;
    container = el;
  }
  return container;
}

function salesNavigator(ctx: Context): void {
  const seenNames = new Set<Element>();
  for (const selector of SALES_NAME) {
    for (const nameEl of queryAllWithin(ctx.root, selector.css)) {
      attempt(ctx.onMiss, selector.id, () => {
        if (seenNames.has(nameEl) || isInert(nameEl)) return;
        seenNames.add(nameEl);
        const name = clean(textOf(nameEl));
        if (!plausibleName(name)) {
          reportMiss(ctx.onMiss, selector.id);
          return;
        }
        const container = leadContainer(nameEl, selector.css);
        const pick = (css: string) => clean(textOf(queryAllWithin(container, css).find((el) => el !== nameEl)));
        const headline = pick(SALES_HEADLINE);
        const title = pick(SALES_TITLE) ?? headline;
        const company = pick(SALES_COMPANY) ?? companyFromHeadline(headline);
        const slug = queryAllWithin(container, LINK_CSS)
          .map((a) => (isProfileRootLink(a.getAttribute('href')) ? slugFromHref(a.getAttribute('href')) : undefined))
          .find(Boolean);
        const person: PersonRef = { name };
        withOptional(person, 'linkedin', slug);
        withOptional(person, 'company', company);
        withOptional(person, 'title', title);
        add(ctx, nameEl, person);
      });
    }
  }
}

// ------------------------------------------------------------------ the site

function findPeople(root: ParentNode, url: URL, onMiss?: MissReporter, memo?: PageMemo): FoundPerson[] {
  const doc = documentOf(root);
  const ctx: Context = { root, doc, url, onMiss, memo, owners: new Set(), links: queryAllWithin(root, LINK_CSS), seen: new Set(), found: [] };
  const steps: Array<[string, (c: Context) => void]> = [
    ['linkedin.owner', (c) => { c.owners = ownerNames(c); }],
    ['linkedin.profile', profilePage],
    ['linkedin.sales', salesNavigator],
    ['linkedin.messaging', messaging],
    ['linkedin.link', profileLinks],
  ];
  for (const [id, step] of steps) {
    try {
      step(ctx);
    } catch {
      reportMiss(onMiss, `${id}:error`);
    }
  }
  return inDocumentOrder(ctx.found);
}

const ALL_PERSON_MARKERS: ReadonlyArray<readonly CatalogueSelector[]> = [PROFILE_NAME.slice(0, 2), PROFILE_LINK, SALES_NAME, CONVERSATION];

export const site: Site = {
  id: 'linkedin',
  label: 'LinkedIn',
  matches: ['https://www.linkedin.com/*'],
  watch: selectorList(...ALL_PERSON_MARKERS, CONVERSATION_DIALOG, WATCH_EXTRA),
  // A link whose href changes is re-read on its own (it may no longer point at a person).
  recycled: { attributes: ['href'], selector: 'a' },
  findPeople,
  // A profile, a conversation, people search results, a Sales Navigator lead page; not the feed.
  expectsPeople: (url) => PROFILE_PATH.test(url.pathname) || /^\/messaging\/thread\//.test(url.pathname) ||
    /^\/search\/results\/people\/?$/.test(url.pathname) || /^\/sales\/lead\//.test(url.pathname),
};
