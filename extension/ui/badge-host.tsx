/**
 * The `<leadpact-badge>` element in the page. Not a registered custom element: in Chrome's
 * isolated world `customElements` is null, and an unknown element with a valid custom-element
 * name may still carry a shadow root. The host has no attributes at all, so the page can read
 * nothing about the lead from it; everything is drawn inside the shadow root, which is closed
 * except in the `e2e` build mode (so end-to-end tests can look inside).
 */
import { render } from 'preact';
import { Badge, type BadgeProps } from './Badge';
import { BADGE_CSS } from './styles';

export const BADGE_TAG = 'leadpact-badge';

export type BadgeViewProps = Omit<BadgeProps, 'host'>;

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
// badge with a <style> each). null: constructable sheets unavailable here.
const sharedSheets = new WeakMap<Document, CSSStyleSheet | null>();

/** Gives the root the shared sheet; false where that is impossible (e.g. Firefox content scripts, across the Xray boundary). */
function adoptSharedSheet(doc: Document, root: ShadowRoot): boolean {
  let sheet = sharedSheets.get(doc);
  if (sheet === undefined) {
    sheet = null;
    try {
      const Sheet = doc.defaultView?.CSSStyleSheet;
      if (Sheet && 'adoptedStyleSheets' in root) {
        sheet = new Sheet();
        sheet.replaceSync(BADGE_CSS);
      }
    } catch {
      sheet = null;
    }
    sharedSheets.set(doc, sheet);
  }
  if (!sheet) return false;
  try {
    root.adoptedStyleSheets = [sheet];
    return root.adoptedStyleSheets.length === 1;
  } catch {
    sharedSheets.set(doc, null); // do not try again on this page
    return false;
  }
}

const CONTAINED_EVENTS = ['keydown', 'keyup', 'keypress', 'click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'contextmenu'] as const;
const stopPropagation = (event: Event) => event.stopPropagation();

export function mountBadge(doc: Document, props: BadgeViewProps): BadgeHandle {
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
  for (const type of CONTAINED_EVENTS) root.addEventListener(type, stopPropagation);
  // Preact owns this container only: rendering into the root itself would remove a <style>.
  const container = doc.createElement('span');
  root.append(container);
  const draw = (next: BadgeViewProps) => render(<Badge {...next} host={host} />, container);
  draw(props);
  return {
    host,
    update: draw,
    destroy() {
      render(null, container);
      host.remove();
    },
  };
}
