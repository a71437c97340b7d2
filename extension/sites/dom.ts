/**
 * DOM helpers shared by the site modules. Everything here tolerates odd input (invalid
 * selectors, detached nodes, fragments) because the pages we read change without notice.
 */
import type { FoundPerson, MissReporter, PageMemo } from './types.ts';

/** One entry of a site's selector catalogue: an id for miss counts (no page text) and the CSS. */
export interface CatalogueSelector {
  readonly id: string;
  readonly css: string;
}

/** Elements inside which a match is never a person on screen: script strings, inert templates, editors. */
const INERT = 'script, template, noscript, style, textarea, [contenteditable=""], [contenteditable="true"]';

export function isInert(element: Element): boolean {
  try {
    return element.closest(INERT) !== null;
  } catch {
    return true;
  }
}

/**
 * The text that names one of `element`'s ancestors and holds `element`: `label` is an element the
 * ancestor (`labelled`) lists in aria-labelledby. Gmail's thread rows repeat the sender chip in
 * such a label (`div.afn`, visually hidden) beside the visible chip.
 */
export function ancestorLabel(element: Element): { labelled: Element; label: Element } | null {
  try {
    for (let labelled = element.parentElement?.closest('[aria-labelledby]'); labelled; labelled = labelled.parentElement?.closest('[aria-labelledby]')) {
      const ids = (labelled.getAttribute('aria-labelledby') ?? '').split(/\s+/);
      for (let node = element.parentElement; node && node !== labelled; node = node.parentElement) {
        if (node.id && ids.includes(node.id)) return { labelled, label: node };
      }
    }
  } catch {
    // a detached or odd node: in no label
  }
  return null;
}

/** The document a root belongs to (the root itself when it is one). */
export function documentOf(root: ParentNode): Document | null {
  const node = root as Node;
  if (node.nodeType === 9) return node as Document;
  return node.ownerDocument ?? null;
}

function safeMatches(element: Element, css: string): boolean {
  try {
    return element.matches(css);
  } catch {
    return false;
  }
}

/** All matches of `css` inside `root`, the root itself included when it is an element. */
export function queryAllWithin(root: ParentNode, css: string): Element[] {
  const out: Element[] = [];
  const node = root as Node;
  if (node.nodeType === 1 && safeMatches(node as Element, css)) out.push(node as Element);
  try {
    out.push(...Array.from(root.querySelectorAll(css)));
  } catch {
    // An invalid selector in a catalogue must not take the page down; it simply finds nothing.
  }
  return out;
}

/** Matches of a catalogue, each element once, tagged with the first catalogue entry that found it. */
export function matchCatalogue(root: ParentNode, selectors: readonly CatalogueSelector[]): Array<{ element: Element; selector: CatalogueSelector }> {
  const seen = new Set<Element>();
  const out: Array<{ element: Element; selector: CatalogueSelector }> = [];
  for (const selector of selectors) {
    for (const element of queryAllWithin(root, selector.css)) {
      if (seen.has(element)) continue;
      seen.add(element);
      out.push({ element, selector });
    }
  }
  return out;
}

/** The first element matched by the catalogue, trying entries in order (semantic first). */
export function firstOfCatalogue(root: ParentNode | null | undefined, selectors: readonly CatalogueSelector[]): { element: Element; selector: CatalogueSelector } | undefined {
  if (!root) return undefined;
  for (const selector of selectors) {
    const element = queryAllWithin(root, selector.css)[0];
    if (element) return { element, selector };
  }
  return undefined;
}

/** The nearest ancestor-or-self matching any catalogue entry. */
export function closestOfCatalogue(element: Element, selectors: readonly CatalogueSelector[]): Element | null {
  let best: Element | null = null;
  for (const selector of selectors) {
    let found: Element | null = null;
    try {
      found = element.closest(selector.css);
    } catch {
      found = null;
    }
    if (found && (!best || best.contains(found))) best = found;
  }
  return best;
}

/** Text content with whitespace collapsed. */
export function textOf(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The first non-empty text node under `element`, collapsed; skips text inside elements `skip` rejects. */
export function firstText(element: Element, skip?: (el: Element) => boolean): string | undefined {
  const doc = element.ownerDocument;
  if (!doc) return undefined;
  const walker = doc.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.nodeValue ?? '').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const parent = node.parentElement;
    if (parent && skip?.(parent)) continue;
    return text;
  }
  return undefined;
}

/** Calls the miss reporter without letting a faulty reporter break the search. */
export function reportMiss(onMiss: MissReporter | undefined, selectorId: string): void {
  if (!onMiss) return;
  try {
    onMiss(selectorId);
  } catch {
    // The reporter is diagnostics only.
  }
}

/** Runs per-element work; a throw becomes a miss for that selector and the search goes on. */
export function attempt<T>(onMiss: MissReporter | undefined, selectorId: string, work: () => T): T | undefined {
  try {
    return work();
  } catch {
    reportMiss(onMiss, `${selectorId}:error`);
    return undefined;
  }
}

/** Sorts found people into document order, so results do not depend on which strategy found whom. */
export function inDocumentOrder(people: FoundPerson[]): FoundPerson[] {
  return people.sort((a, b) => {
    if (a.element === b.element) return 0;
    const position = a.element.compareDocumentPosition(b.element);
    if (position & 4 /* FOLLOWING */) return -1;
    if (position & 2 /* PRECEDING */) return 1;
    return 0;
  });
}

/** A comma-separated selector list from catalogue entries and extra CSS. */
export function selectorList(...parts: Array<readonly CatalogueSelector[] | string>): string {
  const all = parts.flatMap((part) => (typeof part === 'string' ? [part] : part.map((s) => s.css)));
  return Array.from(new Set(all)).join(', ');
}

/** The value kept under `key` for this page view, computed on first use; computed every time without a memo. */
export function remember<T>(memo: PageMemo | undefined, key: string, compute: () => T): T {
  if (!memo) return compute();
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}

/** True when `root` is a whole document (a full scan) rather than one inserted subtree. */
export function isDocumentRoot(root: ParentNode): boolean {
  return (root as Node).nodeType === 9;
}
