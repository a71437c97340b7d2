/**
 * The `<leadpact-badge>` element in the page. Not a registered custom element: in Chrome's
 * isolated world `customElements` is null, and an unknown element with a valid custom-element
 * name may still carry a shadow root. The host has no attributes at all, so the page can read
 * nothing about the lead from it; everything is drawn inside the shadow root, which is closed
 * except in the `e2e` build mode (so end-to-end tests can look inside).
 */
import { render } from 'preact';
import { BadgeCard, badgeFace, drawFace, type BadgeProps, type Face } from './Badge';
import { BADGE_CSS } from './styles';

export const BADGE_TAG = 'leadpact-badge';

export type BadgeViewProps = BadgeProps;

export interface BadgeHandle {
  readonly host: HTMLElement;
  /** Re-renders in place; the card stays open if it was. */
  update(props: BadgeViewProps): void;
  /** Unmounts (removing the card's listeners) and takes the host out of the page. */
  destroy(): void;
}

/** Closed in production; open only in the `e2e` build mode. */
export function shadowModeFor(buildMode: string): ShadowRootMode {
  return buildMode === 'e2e' ? 'open' : 'closed';
}

// Content-script memory, out of the page's reach: lets unit tests look inside closed roots.
const shadowRoots = new WeakMap<Element, ShadowRoot>();

/** The shadow root of a badge host this script created (tests and diagnostics only). */
export function badgeShadowRoot(host: Element): ShadowRoot | undefined {
  return shadowRoots.get(host);
}

// One constructed stylesheet per document, shared by every badge: the browser parses it and builds
// its rule set once instead of once per badge (200 rows of an inbox were ~0.5 ms of style work per
// badge with a <style> each). `verified`: the first root that adopted it read it back (across the
// Xray boundary an assignment can be dropped silently); later roots only assign. null: constructable
// sheets unusable here.
const sharedSheets = new WeakMap<Document, { sheet: CSSStyleSheet; verified: boolean } | null>();

/** Gives the root the shared sheet; false where that is impossible (e.g. Firefox content scripts, across the Xray boundary). */
function adoptSharedSheet(doc: Document, root: ShadowRoot): boolean {
  let shared = sharedSheets.get(doc);
  if (shared === undefined) {
    shared = null;
    try {
      const Sheet = doc.defaultView?.CSSStyleSheet;
      if (Sheet && 'adoptedStyleSheets' in root) {
        const sheet = new Sheet();
        sheet.replaceSync(BADGE_CSS);
        shared = { sheet, verified: false };
      }
    } catch {
      shared = null;
    }
    sharedSheets.set(doc, shared);
  }
  if (!shared) return false;
  try {
    root.adoptedStyleSheets = [shared.sheet];
    if (shared.verified) return true;
    if (root.adoptedStyleSheets.length !== 1) {
      sharedSheets.set(doc, null); // do not try again on this page
      return false;
    }
    shared.verified = true;
    return true;
  } catch {
    sharedSheets.set(doc, null); // do not try again on this page
    return false;
  }
}

const CONTAINED_EVENTS = ['keydown', 'keyup', 'keypress', 'click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'contextmenu'] as const;

/**
 * Clicks inside the badge or card never do the page's default action. The badge may sit inside a
 * page link (LinkedIn's profile name is wrapped in one) or a clickable row: stopping propagation
 * keeps the page's listeners out, but the browser still follows an enclosing link on a click that
 * reaches it unless the default is cancelled. Our own controls need no default: the button's
 * listeners have run by the time the click reaches the root (Enter and Space still open the card
 * through the button's own click), and a label's one default, focusing its control, is done here.
 */
const PAGE_DEFAULT_EVENTS = ['click', 'auxclick', 'dblclick', 'dragstart'] as const;

type ContainedType = (typeof CONTAINED_EVENTS)[number];
type PageDefaultType = (typeof PAGE_DEFAULT_EVENTS)[number];
const contained = new Set<string>(CONTAINED_EVENTS);
const pageDefault = new Set<string>(PAGE_DEFAULT_EVENTS);
/** Every type the root listens to, each once (a click is both stopped and has its default cancelled). */
const ROOT_EVENTS: ReadonlyArray<ContainedType | PageDefaultType> = Array.from(new Set([...CONTAINED_EVENTS, ...PAGE_DEFAULT_EVENTS]));

function cancelPageDefault(event: Event): void {
  if (!event.defaultPrevented) {
    event.preventDefault();
    if (event.type === 'click') {
      const label = event.composedPath().find((node): node is HTMLLabelElement => (node as Element).localName === 'label');
      const control = label?.control as HTMLElement | null | undefined;
      if (control && !event.composedPath().includes(control)) control.focus();
    }
  }
}

/** The one listener on every badge's root: stops the contained types, cancels the page defaults. */
function onRootEvent(event: Event): void {
  if (contained.has(event.type)) event.stopPropagation();
  if (pageDefault.has(event.type)) cancelPageDefault(event);
}

// The badge's initial DOM, built once per document and cloned for every badge.
const shellTemplates = new WeakMap<Document, HTMLElement>();

function shellTemplate(doc: Document): HTMLElement {
  let template = shellTemplates.get(doc);
  if (!template) {
    template = doc.createElement('div');
    template.className = 'lp';
    const button = doc.createElement('button');
    button.type = 'button';
    button.setAttribute('aria-haspopup', 'dialog');
    button.setAttribute('aria-expanded', 'false');
    // Preact owns this slot only, and only while the card is open.
    template.append(button, doc.createElement('span'));
    shellTemplates.set(doc, template);
  }
  return template;
}

/** Two faces draw the same button (the minute tick often changes nothing). */
function sameFace(a: Face, b: Face): boolean {
  if (a.name !== b.name || a.estimate !== b.estimate || a.parts.length !== b.parts.length) return false;
  return a.parts.every((part, i) => {
    const other = b.parts[i]!;
    return part.cls === other.cls && part.text === other.text && part.shape === other.shape;
  });
}

/** A badge's host and shadow root, built but not yet drawn or placed (see `prepareBadge`). */
export interface BadgeShell {
  readonly host: HTMLElement;
  /** Draws `props` and wires the button: the badge, ready to be placed. Call once. */
  mount(props: BadgeViewProps): BadgeHandle;
}

/**
 * Builds the parts of a badge that do not depend on the lookup result: the host, its shadow root
 * with the shared sheet and the containment listeners, and the empty button. The runner prepares
 * these while a lookup is in flight, so only the face is drawn once the answer is in.
 */
export function prepareBadge(doc: Document): BadgeShell {
  const host = doc.createElement(BADGE_TAG);
  const root = host.attachShadow({ mode: shadowModeFor(import.meta.env.MODE) });
  shadowRoots.set(host, root);
  if (!adoptSharedSheet(doc, root)) {
    const style = doc.createElement('style');
    style.textContent = BADGE_CSS;
    root.append(style);
  }
  // Keys pressed in the badge or card are ours: stopped here, the page's keyboard shortcuts (Gmail's
  // "e" archives, "#" deletes) never see what the rep types in the card. Presses too: a Gmail row or
  // an Outlook list item opens the message on a click anywhere inside it. (The card's outside-press
  // check listens on the document in the capture phase, before this.)
  for (const type of ROOT_EVENTS) root.addEventListener(type, onRootEvent);

  const container = shellTemplate(doc).cloneNode(true) as HTMLElement;
  root.append(container);
  return { host, mount: (props) => wire(host, container, props) };
}

function wire(host: HTMLElement, container: HTMLElement, props: BadgeViewProps): BadgeHandle {
  const button = container.firstChild as HTMLButtonElement;
  const cardSlot = container.lastChild as HTMLElement;
  let current = props;
  let open = false;
  let drawnFace: Face | null = null;

  const drawButton = () => {
    const face = badgeFace(current.result, current.receivedAt, current.now, current.query);
    if (drawnFace && sameFace(face, drawnFace)) return; // the minute tick often changes nothing
    drawnFace = face;
    drawFace(button, face);
  };
  const drawCard = () => render(open ? <BadgeCard {...current} host={host} onClose={close} /> : null, cardSlot);
  const setOpen = (next: boolean) => {
    open = next;
    button.setAttribute('aria-expanded', next ? 'true' : 'false');
    drawCard();
  };
  function close(restoreFocus: boolean): void {
    if (!open) return;
    setOpen(false);
    if (restoreFocus) button.focus();
  }

  button.addEventListener('click', () => setOpen(!open));
  container.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && open) {
      event.preventDefault();
      close(true);
    }
  });
  // Tabbing on past the card into the page closes it; focus leaving the window (another tab) does not.
  container.addEventListener('focusout', (event) => {
    const next = event.relatedTarget as Node | null;
    if (open && next && !container.contains(next)) close(false);
  });

  drawButton();
  return {
    host,
    update(next) {
      current = next;
      drawButton();
      if (open) drawCard();
    },
    destroy() {
      open = false;
      render(null, cardSlot);
      host.remove();
    },
  };
}
