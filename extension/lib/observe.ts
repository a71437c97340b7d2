/**
 * The one DOM observer helper (STYLE: Refined GitHub). `observe(root, selector, callback, { signal })`
 * calls back once for every element matching `selector` that is in `root` when observing starts,
 * and for every matching element inserted later. Teardown is the AbortSignal.
 *
 * How: one MutationObserver per root, shared by every subscription on that root. Its callback only
 * queues the added (or removed) nodes; in a task of its own right after the page's (see
 * `afterPageTask`), or with `early` in a microtask before the page renders (see `afterPageScript`),
 * the queue is inspected: each topmost added subtree is tested with `matches` and
 * `querySelectorAll` inside it. The document is never rescanned from a mutation callback, so the
 * cost follows what the page inserted, not its size. Everything the page inserts in one task
 * arrives in one batch, and badges usually land in the same frame as the rows
 * (scripts/bench/content.ts measures it). In a hidden tab the batch waits for an animation frame,
 * which does not come until the tab is shown, so a background Gmail tab costs nothing.
 *
 * Why not the CSS-animation trick (a global `@keyframes` rule plus `animationstart` listeners): it
 * needs a stylesheet in the page (visible to the page, a fingerprint of the extension); pages that
 * set `animation: none` (reduced-motion resets, Gmail's print and offline styles) silence it; it
 * never fires for elements under `display: none` (Gmail keeps whole views hidden and reuses them);
 * and it dispatches one event per element where one mutation record covers a 200-row insert.
 *
 * `on: 'changed'` observes attributes changed in place (`attributes` names them): the callback gets,
 * once per batch, the nearest element matching `selector` around each changed element. Pages that
 * recycle elements (virtualised lists) show another person by changing an attribute, not by
 * inserting anything.
 *
 * `on: 'removed'` observes removals instead: the callback gets each removed node that itself
 * matches `selector` and is still out of `root` when the batch runs. Descendants of a removed
 * subtree are not walked (that would cost as much as the page's own removal); the runner only
 * needs it for its badges, which leave either alone or together with the element they follow.
 */

export interface ObserveOptions {
  signal: AbortSignal;
  /** Insertions (default), attribute changes in place, or removals. */
  on?: 'added' | 'changed' | 'removed';
  /** With `on: 'changed'`: the attributes to watch. */
  attributes?: readonly string[];
  /**
   * With `on: 'added'`: an inserted element that matches is delivered without the matches inside
   * it, for callers that read each delivered element's whole subtree anyway (the runner).
   */
  topmost?: boolean;
  /**
   * Deliver in a microtask right after the page's script (see `afterPageScript`) rather than in a
   * task after the page's: before the page renders what it inserted. For callers whose delivery
   * starts slow work elsewhere: the runner's lookup then goes to the service worker, which answers
   * while the page renders, instead of after. It makes the page's task longer by the callbacks'
   * cost, so keep them cheap. A batch any subscription on the root wants early comes early for all.
   */
  early?: boolean;
}

type ObservedRoot = ParentNode & Node;

interface Subscription {
  readonly selector: string;
  readonly callback: (element: Element) => void;
  readonly on: 'added' | 'changed' | 'removed';
  readonly attributes: readonly string[];
  readonly topmost: boolean;
  /** Existing matches are delivered in the first batch after subscribing. */
  needsInitialScan: boolean;
  readonly early: boolean;
}

interface RootWatch {
  readonly observer: MutationObserver;
  readonly subscriptions: Set<Subscription>;
  added: Element[];
  changed: Element[];
  removed: Element[];
  /** The attribute filter the observer currently uses (union over 'changed' subscriptions). */
  attributeFilter: string[];
  cancelFrame: (() => void) | null;
}

const watches = new WeakMap<ObservedRoot, RootWatch>();

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function windowOf(root: ObservedRoot): (Window & typeof globalThis) | null {
  const doc = root.nodeType === 9 ? (root as unknown as Document) : root.ownerDocument;
  return (doc?.defaultView as (Window & typeof globalThis) | null | undefined) ?? null;
}

/**
 * Runs `work` in a task of its own right after the page's (a message on a fresh channel): the
 * page's task is not made longer, and what we add usually lands before the next paint, in the same
 * frame as the rows the page drew. In a hidden tab it waits for an animation frame instead, which
 * does not come until the tab is shown. Returns a canceller.
 */
export function afterPageTask(root: ObservedRoot, work: () => void): () => void {
  const win = windowOf(root);
  if (win && win.document.visibilityState !== 'hidden' && typeof win.MessageChannel === 'function') {
    const channel = new win.MessageChannel();
    let cancelled = false;
    channel.port1.onmessage = () => {
      channel.port1.close();
      if (!cancelled) work();
    };
    channel.port2.postMessage(null);
    return () => {
      cancelled = true;
      channel.port1.close();
    };
  }
  if (win && typeof win.requestAnimationFrame === 'function') {
    const id = win.requestAnimationFrame(() => work());
    return () => win.cancelAnimationFrame(id);
  }
  const id = setTimeout(work, 16);
  return () => clearTimeout(id);
}

/**
 * Runs `work` in a microtask: after the page's script and its own microtasks so far, before the
 * page's next rendering (a visible tab's insertions are read before they are painted). In a hidden
 * tab it waits as afterPageTask does. Returns a canceller.
 */
function afterPageScript(root: ObservedRoot, work: () => void): () => void {
  const win = windowOf(root);
  if (win && win.document.visibilityState === 'hidden') return afterPageTask(root, work);
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) work();
  });
  return () => {
    cancelled = true;
  };
}

function safeMatches(element: Element, selector: string): boolean {
  try {
    return element.matches(selector);
  } catch {
    return false;
  }
}

function safeQueryAll(root: ParentNode, selector: string): Element[] {
  try {
    return Array.from(root.querySelectorAll(selector));
  } catch {
    return [];
  }
}

/** Elements that are still in `root` and not inside another element of the same batch. */
export function topmostConnected(root: ObservedRoot, added: Iterable<Element>): Element[] {
  const batch = new Set(added);
  const out: Element[] = [];
  for (const element of batch) {
    if (!root.contains(element)) continue;
    let covered = false;
    for (let parent = element.parentNode; parent && parent !== root; parent = parent.parentNode) {
      if (batch.has(parent as Element)) {
        covered = true;
        break;
      }
    }
    if (!covered) out.push(element);
  }
  return out;
}

function deliver(watch: RootWatch, subscription: Subscription, element: Element): void {
  if (!watch.subscriptions.has(subscription)) return; // aborted by an earlier callback of this batch
  try {
    subscription.callback(element);
  } catch {
    // One failing callback must not starve the others; callers count their own failures.
  }
}

function flush(root: ObservedRoot, watch: RootWatch): void {
  watch.cancelFrame = null;
  const added = topmostConnected(root, watch.added);
  const removed = watch.removed;
  const changed = Array.from(new Set(watch.changed));
  watch.added = [];
  watch.changed = [];
  watch.removed = [];
  for (const subscription of Array.from(watch.subscriptions)) {
    if (subscription.on === 'changed') {
      const seen = new Set<Element>();
      for (const element of changed) {
        if (!root.contains(element)) continue;
        let target: Element | null = null;
        try {
          target = element.closest(subscription.selector);
        } catch {
          target = null;
        }
        if (target && !seen.has(target) && (target === root || root.contains(target))) {
          seen.add(target);
          deliver(watch, subscription, target);
        }
      }
      continue;
    }
    if (subscription.on === 'removed') {
      for (const node of removed) {
        if (!root.contains(node) && safeMatches(node, subscription.selector)) deliver(watch, subscription, node);
      }
      continue;
    }
    const seen = new Set<Element>();
    const offer = (element: Element): void => {
      if (seen.has(element)) return;
      seen.add(element);
      deliver(watch, subscription, element);
    };
    if (subscription.needsInitialScan) {
      subscription.needsInitialScan = false;
      if (isElement(root) && safeMatches(root, subscription.selector)) offer(root);
      for (const element of safeQueryAll(root, subscription.selector)) offer(element);
    }
    for (const element of added) {
      if (safeMatches(element, subscription.selector)) {
        offer(element);
        if (subscription.topmost) continue;
      }
      for (const inner of safeQueryAll(element, subscription.selector)) offer(inner);
    }
  }
}

function schedule(root: ObservedRoot, watch: RootWatch): void {
  if (watch.cancelFrame) return;
  let early = false;
  for (const subscription of watch.subscriptions) early ||= subscription.early;
  watch.cancelFrame = (early ? afterPageScript : afterPageTask)(root, () => flush(root, watch));
}

function watchFor(root: ObservedRoot): RootWatch {
  const existing = watches.get(root);
  if (existing) return existing;
  const win = windowOf(root);
  const Observer = win?.MutationObserver ?? globalThis.MutationObserver;
  const watch: RootWatch = {
    observer: new Observer((records) => onRecords(root, watch, records)),
    subscriptions: new Set(),
    added: [],
    changed: [],
    removed: [],
    attributeFilter: [],
    cancelFrame: null,
  };
  watch.observer.observe(root, { childList: true, subtree: true });
  watches.set(root, watch);
  return watch;
}

/** Only queues what changed (no DOM reads here); the batch after the page's task does the work. */
function onRecords(root: ObservedRoot, watch: RootWatch, records: MutationRecord[]): void {
  let wantsAdded = false;
  let wantsRemoved = false;
  for (const subscription of watch.subscriptions) {
    if (subscription.on === 'added') wantsAdded = true;
    else if (subscription.on === 'removed') wantsRemoved = true;
  }
  for (const record of records) {
    if (record.type === 'attributes') {
      if (isElement(record.target)) watch.changed.push(record.target);
      continue;
    }
    if (wantsAdded) for (const node of Array.from(record.addedNodes)) if (isElement(node)) watch.added.push(node);
    if (wantsRemoved) for (const node of Array.from(record.removedNodes)) if (isElement(node)) watch.removed.push(node);
  }
  if (watch.added.length > 0 || watch.changed.length > 0 || watch.removed.length > 0) schedule(root, watch);
}

/** Observes the union of the attributes the 'changed' subscriptions name (none: child lists only). */
function updateAttributeFilter(root: ObservedRoot, watch: RootWatch): void {
  const wanted = new Set<string>();
  for (const subscription of watch.subscriptions) if (subscription.on === 'changed') for (const name of subscription.attributes) wanted.add(name);
  const filter = Array.from(wanted).sort();
  if (filter.join('\n') === watch.attributeFilter.join('\n')) return;
  watch.attributeFilter = filter;
  // New options: take what is queued first (not every DOM implementation updates options in place).
  const pending = watch.observer.takeRecords();
  watch.observer.disconnect();
  watch.observer.observe(root, filter.length > 0 ? { childList: true, subtree: true, attributes: true, attributeFilter: filter } : { childList: true, subtree: true });
  if (pending.length > 0) onRecords(root, watch, pending);
}

/**
 * Calls `callback` for every element in `root` matching `selector`, now (in the next batch) and
 * whenever one is inserted, until `signal` aborts. Throws a SyntaxError for an invalid selector.
 */
export function observe(root: ObservedRoot, selector: string, callback: (element: Element) => void, options: ObserveOptions): void {
  const { signal } = options;
  if (signal.aborted) return;
  root.querySelector(selector); // fail here, loudly, on a malformed selector rather than silently in every batch
  const watch = watchFor(root);
  const on = options.on ?? 'added';
  const subscription: Subscription = { selector, callback, on, attributes: on === 'changed' ? (options.attributes ?? []) : [], topmost: on === 'added' && options.topmost === true, needsInitialScan: on === 'added', early: options.early === true };
  watch.subscriptions.add(subscription);
  if (on === 'changed') updateAttributeFilter(root, watch);
  if (subscription.needsInitialScan) schedule(root, watch);
  signal.addEventListener(
    'abort',
    () => {
      watch.subscriptions.delete(subscription);
      if (watch.subscriptions.size > 0) {
        if (subscription.on === 'changed') updateAttributeFilter(root, watch);
        return;
      }
      watch.observer.disconnect();
      watch.cancelFrame?.(); // null when no batch is pending
      watch.cancelFrame = null;
      watch.added = [];
      watch.changed = [];
      watch.removed = [];
      if (watches.get(root) === watch) watches.delete(root);
    },
    { once: true },
  );
}
