/**
 * The one contract every site module exports. The shared runner only knows this file:
 * it observes elements matching `watch`, calls `findPeople` on what was inserted, and puts a
 * badge right after each `anchor` (deduplicating by element).
 */

/** What the page tells us about a person. Every field is optional: pages show what they show. */
export interface PersonRef {
  email?: string;
  /** Public `/in/<slug>` slug, lowercased, without slashes. Never a member URN (`ACoAA...`). */
  linkedin?: string;
  name?: string;
  company?: string;
  title?: string;
}

export interface FoundPerson {
  /** The element that marks the person (e.g. `span[email]`, a profile link, the profile `h1`). */
  element: Element;
  /** The badge is inserted right after this element. */
  anchor: Element;
  person: PersonRef;
  /**
   * Stable identity: `email:<lowercased>` | `linkedin:<slug>` | `name:<normalised name>|<normalised company>`.
   * See `personKey` in `./person.ts`.
   */
  key: string;
}

/**
 * Called once per selector that matched but gave nothing usable (markup drift), or per element
 * whose handling threw. Carries only the catalogue id of the selector, never page text.
 */
export type MissReporter = (selectorId: string) => void;

/**
 * Scratch space the runner keeps for one page view (a new one after every navigation) and hands
 * to each `findPeople` call of that view, so page-wide facts such as who the signed-in account is
 * are read from the document once, not again on every insertion. Without it (tests, one-off
 * scans) `findPeople` reads them afresh.
 */
export type PageMemo = Map<string, unknown>;

export interface Site {
  id: 'gmail' | 'outlook' | 'linkedin';
  label: string;
  /** WXT/Chrome match patterns. */
  matches: string[];
  /** One CSS selector list matching elements whose insertion may carry a new person; the runner observes only these. */
  watch: string;
  /**
   * Elements the page recycles in place (virtualised lists): a change of one of `attributes` can
   * mean another person on the same element. The runner reads the nearest `selector` element
   * around the change again; keep it narrow (a row, a chip), never a whole view.
   */
  recycled?: { readonly attributes: readonly string[]; readonly selector: string };
  /**
   * Finds the people inside `root` (which may be the whole document or one inserted element,
   * itself included). Context such as the mailbox owner is read from the whole document.
   * Never throws; markup that no longer matches gives `[]`. With a `memo`, the whole document is
   * read at most once per page view; later calls read only inside `root`.
   */
  findPeople(root: ParentNode, url: URL, onMiss?: MissReporter, memo?: PageMemo): FoundPerson[];
  /**
   * Whether a page at `url` shows at least one person once it has drawn (an inbox, a profile, a
   * conversation). A page view that should but where `findPeople` found nobody for a while counts
   * the private miss `<site>.page.nobody`: when every hook is gone, no selector is left to report.
   */
  expectsPeople?(url: URL): boolean;
}
