/**
 * The shared content-script runner: wires one Site to the page.
 *
 *   observe(site.watch) ──► roots inserted in one page task, read right after the page's script, before
 *        it renders them (early; topmost only; a parent whose element children are all roots of the
 *        batch is read once in their place): the lookup is on its way while the page paints
 *        └► site.findPeople(root, memo) ──► entry per person element (WeakMap element → entry)
 *             ├► cached result: badge right after the anchor, in a task after the page's
 *             └► else queued by key ──► one `lookup` for everything queued in this task (≤ 200 each, deduplicated)
 *                                          └► result cached by key ──► badges for every waiting entry
 *   observe(site.recycled) ──► an element recycled in place (attribute changed) is read again;
 *        people no longer found there lose their badge, the new person gets one
 *   observe(<leadpact-badge>, removed) ──► the page dropped a badge: put it back (a few times)
 *   every minute: redraw countdowns; refresh results older than REFRESH_AFTER_MS
 *   a page view the site expects people on, with nobody found after NOBODY_AFTER_MS: a private miss
 *   wxt:locationchange: a new page view (fresh memo); in the next frame the page is read once and
 *     reconciled: people still shown keep their badge, the others lose it; the result cache stays
 *   site switch off: tear everything down (badges, cache, observers); on: start
 *
 * Only inserted subtrees are read from observer callbacks; the whole document is read when a
 * session starts and once after each navigation, and site modules read page-wide facts (the
 * signed-in account) once per page view through the memo.
 *
 * Nothing here throws into the page: page work runs under `guard`, which turns an exception
 * into a private miss count (reported by id only, rate-limited). No state is written into the
 * page: which element was handled and which badge belongs to whom live in WeakMaps.
 */
import type { LookupResult, PersonQuery, Request } from '../lib/protocol';
import { afterPageTask, observe, topmostConnected } from '../lib/observe';
import type { FoundPerson, PageMemo, Site } from '../sites/types';
import { BADGE_TAG, prepareBadge, type BadgeHandle, type BadgeShell, type BadgeViewProps } from '../ui/badge-host';
import type { Decide } from '../ui/DecisionForm';
import { createMissCounter, type MissCounter } from './miss-counter';
import { toPersonQuery } from './person-query';

/** The background accepts at most this many people per `lookup` (protocol). */
export const MAX_LOOKUP_BATCH = 200;
/** Results older than this are asked for again while their badge is on screen (stage, SLA state). */
export const REFRESH_AFTER_MS = 5 * 60_000;
/** After a failed lookup, wait this long before asking again. */
export const LOOKUP_BACKOFF_MS = 30_000;
/** How often the page may remove the same badge before we stop putting it back. */
export const MAX_REINSERTS = 3;
/**
 * A page view the site expects people on (Site.expectsPeople) where nobody was found this long
 * after it began counts the miss `<site>.page.nobody` (a hidden tab waits until it is shown).
 */
export const NOBODY_AFTER_MS = 20_000;
const MINUTE_MS = 60_000;

export interface SiteSwitch {
  /** Whether the site is switched on. */
  get(): Promise<boolean>;
  /** Calls back on every change; returns the unsubscribe. */
  watch(onChange: (enabled: boolean) => void): () => void;
}

export interface RunnerDeps {
  lookup(people: PersonQuery[]): Promise<LookupResult[]>;
  decide: Decide;
  /** Epoch milliseconds. */
  now(): number;
  /** Sends one miss report; the runner rate-limits. Absent: misses are only counted. */
  miss?(report: Request<'miss'>): unknown;
  /** The per-site switch from settings. Absent: always on. */
  siteSwitch?: SiteSwitch;
}

/** The part of WXT's ContentScriptContext the runner uses (a plain object in tests). */
export interface RunnerContext {
  readonly signal: AbortSignal;
  addEventListener(target: Window, type: 'wxt:locationchange', handler: () => void): void;
}

export interface RunnerOptions {
  /** The page's window; defaults to the global one. */
  window?: Window;
}

export interface RunningSite {
  /** Private miss counts by selector id. */
  readonly misses: ReadonlyMap<string, number>;
  /** Whether the site is being watched and badged right now. */
  readonly active: boolean;
}

interface Cached {
  readonly result: LookupResult;
  readonly query: PersonQuery;
  readonly receivedAt: number;
}

/** One person element on the page and its badge. */
interface Entry {
  readonly element: Element;
  readonly anchor: Element;
  readonly key: string;
  readonly query: PersonQuery;
  badge: BadgeHandle | null;
  /** Its badge's host and shadow root, built while its lookup is in flight (see flushLookups). */
  shell: BadgeShell | null;
  /** What the badge currently shows (kept while a refresh is in flight). */
  shown: Cached | null;
  reinserts: number;
}

interface Session {
  /** The URL changed: a new page view. */
  navigated(): void;
  stop(): void;
}

export function runSite(ctx: RunnerContext, site: Site, deps: RunnerDeps, options: RunnerOptions = {}): RunningSite {
  const win = options.window ?? window;
  const misses = createMissCounter(site.id, deps.miss ? (report) => deps.miss?.(report) : undefined, () => safeNow());
  // Results outlive page views (a Gmail hash change must not ask for every row again); they go with the session switch.
  const cache = new Map<string, Cached>();
  let session: Session | null = null;

  function safeNow(): number {
    try {
      return deps.now();
    } catch {
      return Date.now();
    }
  }

  function guard(missId: string, work: () => void): void {
    try {
      work();
    } catch {
      misses.report(missId);
    }
  }

  function setEnabled(enabled: boolean): void {
    guard('runner:switch', () => {
      if (ctx.signal.aborted) return;
      if (enabled && !session) session = startSession(win, site, deps, cache, misses, guard, safeNow);
      else if (!enabled && session) {
        session.stop();
        session = null;
        cache.clear();
      }
    });
  }

  guard('runner:start', () => {
    ctx.signal.addEventListener(
      'abort',
      () => {
        session?.stop(); // null when the site was off
        session = null;
        cache.clear();
      },
      { once: true },
    );
    ctx.addEventListener(win, 'wxt:locationchange', () => {
      guard('runner:navigation', () => {
        if (!session || ctx.signal.aborted) return;
        session.navigated();
      });
    });

    const siteSwitch = deps.siteSwitch;
    if (!siteSwitch) {
      setEnabled(true);
      return;
    }
    let heardChange = false;
    guard('runner:switch', () => {
      const unwatch = siteSwitch.watch((enabled) => {
        heardChange = true;
        setEnabled(enabled === true);
      });
      ctx.signal.addEventListener('abort', () => guard('runner:switch', unwatch), { once: true });
    });
    Promise.resolve()
      .then(() => siteSwitch.get())
      .then(
        // A change heard meanwhile is newer than this read.
        (enabled) => heardChange || setEnabled(enabled !== false),
        // Settings unreadable: run with the defaults, where every site is on (DESIGN 7, embedded default).
        () => heardChange || setEnabled(true),
      );
  });

  return {
    misses: misses.counts,
    get active() {
      return session !== null;
    },
  };
}

function startSession(
  win: Window,
  site: Site,
  deps: RunnerDeps,
  cache: Map<string, Cached>,
  misses: MissCounter,
  guard: (missId: string, work: () => void) => void,
  now: () => number,
): Session {
  const doc = win.document;
  const controller = new AbortController();
  const { signal } = controller;

  const handled = new WeakMap<Element, Entry>();
  const owners = new WeakMap<Element, Entry>(); // badge host → entry
  const live = new Set<Entry>(); // entries whose badge is (or was last seen) in the page
  const waiting = new Map<string, Set<Entry>>();
  const queued = new Map<string, PersonQuery>();
  const inFlight = new Set<string>();
  let roots = new Set<Element>();
  /** Roots read again because an attribute changed in place: people no longer found there lose their badge. */
  let changedRoots = new Set<Element>();
  let rootsScheduled = false;
  /** Page-wide facts the site module read once for this page view. */
  let memo: PageMemo = new Map();
  let fullScanFrame: number | null = null;
  let lookupScheduled = false;
  let backoffUntil = 0;
  let backoffTimer: ReturnType<typeof setTimeout> | null = null;
  /** Whether findPeople found anybody in this page view, and the pending check of that. */
  let foundInView = false;
  let nobodyTimer: ReturnType<typeof setTimeout> | null = null;

  const propsFor = (entry: Entry, cached: Cached): BadgeViewProps => ({
    result: cached.result,
    query: cached.query,
    receivedAt: cached.receivedAt,
    now: now(),
    decide: decideFor(entry.key),
  });

  function decideFor(key: string): Decide {
    return async (request) => {
      const answer = await deps.decide(request);
      if (answer.ok && !signal.aborted) guard('runner:decided', () => refresh(key));
      return answer;
    };
  }

  /** Asks again for a key whose badges are on screen; they keep showing the old result meanwhile. */
  function refresh(key: string): void {
    cache.delete(key);
    for (const entry of live) if (entry.key === key) want(entry);
  }

  // ---- Badge placement ----------------------------------------------------------------------

  /** Our badges directly after the anchor, in order. */
  function badgesAfter(anchor: Element): Element[] {
    const out: Element[] = [];
    for (let sibling = anchor.nextElementSibling; sibling && sibling.localName === BADGE_TAG; sibling = sibling.nextElementSibling) out.push(sibling);
    return out;
  }

  function isPlaced(entry: Entry): boolean {
    const host = entry.badge?.host;
    return host !== undefined && host.isConnected && badgesAfter(entry.anchor).includes(host);
  }

  function forget(entry: Entry): void {
    entry.badge?.destroy(); // null when it never got one
    entry.badge = null;
    entry.shell = null;
    live.delete(entry);
  }

  /**
   * While processRoots reads a batch (early: inside the page's task, before it renders), badges
   * from cached results are not built or inserted there but collected here and placed in one task
   * after the page's: the read stays cheap and the page's first frame does not wait for our hosts.
   */
  let deferredPlacements: Map<Entry, Cached | null> | null = null;

  function place(entry: Entry, cached: Cached | null): void {
    if (deferredPlacements) {
      deferredPlacements.set(entry, cached);
      return;
    }
    if (!cached || !entry.anchor.isConnected || !entry.anchor.parentNode) return;
    let last: Element = entry.anchor;
    for (const sibling of badgesAfter(entry.anchor)) {
      const owner = owners.get(sibling);
      if (owner === entry) {
        entry.shown = cached;
        entry.badge?.update(propsFor(entry, cached));
        live.add(entry);
        return;
      }
      if (owner && owner.badge?.host === sibling && owner.key === entry.key) {
        // The page re-rendered the person element but kept our badge: adopt it, never add a second.
        const badge = owner.badge;
        owner.badge = null;
        live.delete(owner);
        if (entry.badge) forget(entry);
        entry.shell = null;
        entry.badge = badge;
        owners.set(badge.host, entry);
        entry.shown = cached;
        badge.update(propsFor(entry, cached));
        live.add(entry);
        return;
      }
      const orphan = !owner || owner.badge?.host !== sibling || !owner.anchor.isConnected;
      if (orphan) {
        if (owner && owner.badge?.host === sibling) forget(owner);
        else sibling.remove(); // from an earlier session or instance of this script
        continue;
      }
      last = sibling; // another person's badge on the same anchor
    }
    if (!entry.badge) {
      entry.badge = (entry.shell ?? prepareBadge(doc)).mount(propsFor(entry, cached));
      entry.shell = null;
      owners.set(entry.badge.host, entry);
    } else {
      entry.badge.update(propsFor(entry, cached));
    }
    last.after(entry.badge.host);
    entry.shown = cached;
    live.add(entry);
  }

  function onBadgeRemoved(host: Element): void {
    guard('runner:badge-removed', () => {
      const entry = owners.get(host);
      if (!entry || entry.badge?.host !== host || host.isConnected) return;
      if (handled.get(entry.element) !== entry || !entry.anchor.isConnected) {
        forget(entry); // its person left with it; a re-inserted person is found again
        return;
      }
      if (entry.reinserts >= MAX_REINSERTS) {
        forget(entry);
        misses.report('runner:badge-evicted');
        return;
      }
      entry.reinserts += 1;
      place(entry, cache.get(entry.key) ?? entry.shown);
    });
  }

  // ---- Finding people -----------------------------------------------------------------------

  function resolve(entry: Entry): void {
    const cached = cache.get(entry.key);
    if (cached) place(entry, cached);
    else want(entry);
  }

  function handleFound(found: FoundPerson): Entry | undefined {
    const query = toPersonQuery(found);
    if (!query || found.element?.nodeType !== 1 || found.anchor?.nodeType !== 1) {
      misses.report('runner:unusable-person');
      return undefined;
    }
    const existing = handled.get(found.element);
    if (existing && existing.key === query.key && existing.anchor === found.anchor) {
      if (existing.badge) {
        if (!isPlaced(existing)) place(existing, cache.get(existing.key) ?? existing.shown);
      } else if (!waiting.get(existing.key)?.has(existing)) {
        resolve(existing); // an earlier lookup failed: this re-insertion is the retry
      }
      return existing;
    }
    if (existing) {
      // The element now shows someone else: the old badge goes, unless the new person's entry adopts it.
      waiting.get(existing.key)?.delete(existing);
      forget(existing);
    }
    const entry: Entry = { element: found.element, anchor: found.anchor, key: query.key, query, badge: null, shell: null, shown: null, reinserts: 0 };
    handled.set(found.element, entry);
    resolve(entry);
    return entry;
  }

  /** Drops an entry for good: its badge, its place in the lookup queue, its element's record. */
  function drop(entry: Entry): void {
    waiting.get(entry.key)?.delete(entry);
    forget(entry);
    if (handled.get(entry.element) === entry) handled.delete(entry.element);
  }

  /** People found in `root`, each handled; returns the entries they map to. */
  function scan(root: ParentNode, url: URL): Set<Entry> {
    const seen = new Set<Entry>();
    let people: FoundPerson[];
    try {
      people = site.findPeople(root, url, misses.report, memo);
    } catch {
      misses.report('runner:find-people');
      return seen;
    }
    if (!Array.isArray(people)) return seen;
    if (people.length > 0) foundInView = true;
    for (const found of people) {
      guard('runner:badge', () => {
        const entry = handleFound(found);
        if (entry) seen.add(entry);
      });
    }
    return seen;
  }

  function pageUrl(): URL | null {
    try {
      return new URL(win.location.href);
    } catch {
      misses.report('runner:url');
      return null;
    }
  }

  /**
   * After a navigation: the whole page once. Entries found again keep their badge (no flicker on a
   * Gmail hash change); the rest lose theirs: a profile card left over from the last page view, a
   * person a view stopped showing. What the new view draws later arrives through the observer.
   */
  function reconcile(): void {
    fullScanFrame = null;
    if (signal.aborted) return;
    const url = pageUrl();
    if (!url) return;
    const current = scan(doc, url);
    dropWhere((entry) => !current.has(entry), 'runner:reconcile');
  }

  /** Drops every entry with a badge or a pending lookup that `isStale` picks. */
  function dropWhere(isStale: (entry: Entry) => boolean, missId: string): void {
    const stale: Entry[] = [];
    for (const entry of live) if (isStale(entry)) stale.push(entry);
    for (const set of waiting.values()) for (const entry of set) if (isStale(entry)) stale.push(entry);
    for (const entry of stale) guard(missId, () => drop(entry));
  }

  /**
   * What to read for a batch of roots: a parent whose element children are all roots of this batch
   * (200 rows inserted into an empty list, a list refilled) is read once instead of once per child;
   * a 200-row batch costs one findPeople instead of 200 (each with its own selector queries and
   * page-wide facts). The parent itself is read too (site modules include the root): one that is a
   * person element we handle is never merged into, so its entry is not resolved again by a read
   * of its children (that would bring back a badge evicted after MAX_REINSERTS).
   */
  function readUnits(batch: Element[]): ParentNode[] {
    const byParent = new Map<Element, Element[]>();
    const units: ParentNode[] = [];
    for (const root of batch) {
      const parent = root.parentElement;
      if (!parent) {
        units.push(root);
        continue;
      }
      const siblings = byParent.get(parent);
      if (siblings) siblings.push(root);
      else byParent.set(parent, [root]);
    }
    for (const [parent, children] of byParent) {
      if (children.length > 1 && parent.childElementCount === children.length && !handled.has(parent)) units.push(parent);
      else units.push(...children);
    }
    return units;
  }

  function processRoots(): void {
    rootsScheduled = false;
    if (signal.aborted) return;
    const batch = topmostConnected(doc, roots);
    const changed = Array.from(changedRoots).filter((root) => root.isConnected);
    roots = new Set();
    changedRoots = new Set();
    const url = pageUrl();
    if (!url) return;
    const found = new Set<Entry>();
    const placements = (deferredPlacements = new Map());
    try {
      for (const root of readUnits(batch)) for (const entry of scan(root, url)) found.add(entry);
    } finally {
      deferredPlacements = null;
    }
    if (placements.size > 0) {
      afterPageTask(doc, () => {
        if (signal.aborted) return;
        guard('runner:badge', () => {
          for (const [entry, cached] of placements) if (handled.get(entry.element) === entry) place(entry, cache.get(entry.key) ?? cached);
        });
      });
    }
    if (changed.length === 0) return;
    const inside = (entry: Entry) => changed.some((root) => root === entry.element || root.contains(entry.element));
    dropWhere((entry) => !found.has(entry) && inside(entry), 'runner:changed');
  }

  /** Starts this page view's check that somebody was found (see NOBODY_AFTER_MS). */
  function watchForNobody(): void {
    if (nobodyTimer !== null) clearTimeout(nobodyTimer);
    nobodyTimer = null;
    foundInView = false;
    if (!site.expectsPeople || signal.aborted) return;
    nobodyTimer = setTimeout(() => guard('runner:nobody-check', checkForNobody), NOBODY_AFTER_MS);
  }

  function checkForNobody(): void {
    nobodyTimer = null;
    if (signal.aborted || foundInView) return;
    if (doc.visibilityState === 'hidden') {
      // A hidden tab may not have drawn its view yet: look again once it is shown and has had time to.
      doc.addEventListener('visibilitychange', () => {
        if (!signal.aborted && nobodyTimer === null) nobodyTimer = setTimeout(() => guard('runner:nobody-check', checkForNobody), NOBODY_AFTER_MS);
      }, { once: true, signal });
      return;
    }
    const url = pageUrl();
    if (url && site.expectsPeople?.(url)) misses.report(`${site.id}.page.nobody`);
  }

  // ---- Lookups ------------------------------------------------------------------------------

  function want(entry: Entry): void {
    let set = waiting.get(entry.key);
    if (!set) waiting.set(entry.key, (set = new Set()));
    set.add(entry);
    if (!inFlight.has(entry.key) && !queued.has(entry.key)) {
      queued.set(entry.key, entry.query);
      requestFlush();
    }
  }

  /**
   * One flush per task: everything queued while this frame's insertions are read goes out
   * together, without waiting for another frame.
   */
  function requestFlush(): void {
    if (lookupScheduled || signal.aborted) return;
    lookupScheduled = true;
    queueMicrotask(() => guard('runner:lookup', flushLookups));
  }

  function flushLookups(): void {
    lookupScheduled = false;
    if (signal.aborted || queued.size === 0) return;
    const wait = backoffUntil - now();
    if (wait > 0) {
      backoffTimer ??= setTimeout(() => {
        backoffTimer = null;
        requestFlush();
      }, wait);
      return;
    }
    const batch: PersonQuery[] = [];
    for (const [key, query] of queued) {
      if (batch.length === MAX_LOOKUP_BATCH) break;
      batch.push(query);
      queued.delete(key);
      inFlight.add(key);
    }
    if (queued.size > 0) requestFlush(); // more than one batch: the rest goes in another message
    let answer: Promise<LookupResult[]>;
    try {
      answer = Promise.resolve(deps.lookup(batch));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (results) => guard('runner:results', () => receive(batch, results)),
      () => guard('runner:lookup', () => lookupFailed(batch)),
    );
    // The message is on its way: build the hosts of the badges it will bring meanwhile, so the
    // answer only draws faces. In a task after the page's: this runs early (before the page renders
    // what it inserted), and the page's first frame should not wait for our hosts. (Refreshes of
    // people already badged need none.)
    const needsShell = (entry: Entry) => !entry.badge && !entry.shell && handled.get(entry.element) === entry && entry.anchor.isConnected;
    if (!batch.some((query) => [...(waiting.get(query.key) ?? [])].some(needsShell))) return;
    afterPageTask(doc, () => {
      if (signal.aborted) return;
      guard('runner:badge', () => {
        for (const query of batch) for (const entry of waiting.get(query.key) ?? []) if (needsShell(entry)) entry.shell = prepareBadge(doc);
      });
    });
  }

  function receive(batch: PersonQuery[], results: LookupResult[]): void {
    if (signal.aborted) return;
    const receivedAt = now();
    const byKey = new Map<string, LookupResult>();
    if (Array.isArray(results)) for (const result of results) if (result && typeof result.key === 'string') byKey.set(result.key, result);
    for (const query of batch) {
      inFlight.delete(query.key);
      const entries = waiting.get(query.key);
      waiting.delete(query.key);
      const result = byKey.get(query.key);
      if (!result) {
        misses.report('runner:lookup-no-result');
        continue;
      }
      const cached: Cached = { result, query, receivedAt };
      cache.set(query.key, cached);
      for (const entry of entries ?? []) {
        if (handled.get(entry.element) === entry) guard('runner:badge', () => place(entry, cached));
      }
    }
  }

  function lookupFailed(batch: PersonQuery[]): void {
    misses.report('runner:lookup-failed');
    if (signal.aborted) return;
    backoffUntil = now() + LOOKUP_BACKOFF_MS;
    for (const query of batch) {
      inFlight.delete(query.key);
      waiting.delete(query.key); // entries keep their badge (if any) and retry when the page shows them again
    }
  }

  // ---- The minute clock ---------------------------------------------------------------------

  function onMinute(): void {
    if (signal.aborted) return;
    const at = now();
    for (const entry of Array.from(live)) {
      guard('runner:tick', () => {
        if (!entry.badge?.host.isConnected) {
          forget(entry);
          return;
        }
        const cached = cache.get(entry.key) ?? entry.shown;
        if (!cached) return;
        if (at - cached.receivedAt >= REFRESH_AFTER_MS && !inFlight.has(entry.key)) {
          cache.delete(entry.key);
          want(entry);
        }
        entry.badge.update(propsFor(entry, cached));
      });
    }
  }

  // ---- Start and stop -----------------------------------------------------------------------

  const addRoot = (element: Element) => {
    roots.add(element);
    if (rootsScheduled) return;
    rootsScheduled = true;
    // Every root observe() delivers in this batch is in `roots` by the time this runs.
    queueMicrotask(() => guard('runner:find-people', processRoots));
  };
  // Topmost only: processRoots reads each root's whole subtree, so the matches inside a matching root add nothing.
  // Early: the insertions are read and the lookup sent before the page renders them, so the service
  // worker answers while the page paints (the read is a few ms for 200 rows; see observe's `early`).
  observe(doc, site.watch, addRoot, { signal, topmost: true, early: true });
  if (site.recycled && site.recycled.attributes.length > 0) {
    observe(
      doc,
      site.recycled.selector,
      (element) => {
        changedRoots.add(element);
        addRoot(element);
      },
      { signal, on: 'changed', attributes: site.recycled.attributes },
    );
  }
  observe(doc, BADGE_TAG, onBadgeRemoved, { signal, on: 'removed' });
  const minuteClock = win.setInterval(() => guard('runner:tick', onMinute), MINUTE_MS);
  watchForNobody();

  return {
    navigated() {
      memo = new Map();
      watchForNobody();
      roots = new Set(); // the full read covers them
      if (fullScanFrame === null && !signal.aborted) fullScanFrame = win.requestAnimationFrame(() => guard('runner:reconcile', reconcile));
    },
    stop() {
      controller.abort(); // observers first, so our own removals below are not seen as the page's
      win.clearInterval(minuteClock);
      if (fullScanFrame !== null) win.cancelAnimationFrame(fullScanFrame);
      if (backoffTimer !== null) clearTimeout(backoffTimer);
      if (nobodyTimer !== null) clearTimeout(nobodyTimer);
      for (const entry of live) guard('runner:stop', () => forget(entry));
      live.clear();
      waiting.clear();
      queued.clear();
    },
  };
}
