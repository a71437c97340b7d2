/** Loads frozen fixture pages into the happy-dom document and derives changed-markup variants. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FoundPerson } from '../../extension/sites/types.ts';

// A string path: under happy-dom the global URL is the DOM's, which node:url does not accept.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pages');

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** Replaces the current document's head and body (and title) with the fixture's; scripts do not run. */
export function loadFixture(name: string): Document {
  const parsed = new DOMParser().parseFromString(readFixture(name), 'text/html');
  document.documentElement.innerHTML = parsed.documentElement.innerHTML;
  return document;
}

/** The URL shape a fixture says it is served at (from its leading comment). */
export function servedAt(name: string): URL {
  const match = /Served at: (https:\/\/\S+?)\.?\s/.exec(readFixture(name));
  if (!match?.[1]) throw new Error(`${name} does not say where it is served`);
  return new URL(match[1]);
}

/** Every class attribute replaced by a new meaningless token: what a redeploy of scrambled CSS does. */
export function scrambleClasses(root: ParentNode, seed = 'q'): void {
  let n = 0;
  for (const el of Array.from(root.querySelectorAll('[class]'))) el.setAttribute('class', `${seed}${(n++).toString(36)}z${seed}`);
}

/** Removes the named attributes everywhere. */
export function stripAttributes(root: ParentNode, names: string[]): void {
  for (const el of Array.from(root.querySelectorAll('*'))) for (const name of names) el.removeAttribute(name);
}

/** Replaces elements by a div with the same children (e.g. h1 -> div). */
export function retag(root: ParentNode, selector: string, tag = 'div'): void {
  for (const el of Array.from(root.querySelectorAll(selector))) {
    const replacement = el.ownerDocument.createElement(tag);
    replacement.append(...Array.from(el.childNodes));
    el.replaceWith(replacement);
  }
}

/** The comparable part of what was found. */
export function summary(found: FoundPerson[]): Array<{ key: string } & FoundPerson['person']> {
  return found.map((f) => ({ key: f.key, ...f.person }));
}
