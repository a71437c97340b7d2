/**
 * The badge: a real <button> with the lead's score, grade, stage and SLA shape, and the card it
 * opens. Enter and Space open it through the button's own activation; Escape closes the card and
 * puts focus back on the button; a press anywhere outside the badge, or Tab past the card into the
 * page, closes it. badge-host.tsx wires these together.
 *
 * The button is plain DOM drawn from `badgeFace` (an inbox shows hundreds of badges and few are
 * ever opened; a Preact render per badge cost about a quarter of a millisecond each in the content
 * bench). The card is Preact, rendered only while it is open.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { LookupResult, PersonQuery, SlaView } from '../lib/protocol';
import type { Decide } from './DecisionForm';
import { EstimateCard } from './EstimateCard';
import { formatScore } from './format';
import { LeadCard } from './LeadCard';
import { estimateBadgeName, estimateBadgeText, leadBadgeName, stageCode } from './names';
import { slaShortText, urgentSla } from './sla';

export interface BadgeProps {
  result: LookupResult;
  /** What the page showed about the person (the estimate card says what the estimate rests on). */
  query: PersonQuery;
  /** When the result arrived (epoch ms): SLA clocks count down from there. */
  receivedAt: number;
  /** The time to draw for (epoch ms); the runner re-renders every minute. */
  now: number;
  decide: Decide;
}

/** One piece of the badge face: a class and its text, or the SLA shape with its short text. */
export interface FacePart {
  readonly cls: string;
  readonly text: string;
  readonly shape?: SlaView['state'];
}

export interface Face {
  /** The accessible name (also the tooltip). */
  readonly name: string;
  readonly estimate: boolean;
  readonly parts: readonly FacePart[];
}

/** What the badge button shows for a result at a time. */
export function badgeFace(result: LookupResult, receivedAt: number, now: number, query?: PersonQuery): Face {
  if (!result.found) {
    return { name: estimateBadgeName(result.estimate, query), estimate: true, parts: [{ cls: '', text: estimateBadgeText(result.estimate, query) }] };
  }
  const { lead } = result;
  const parts: FacePart[] = [{ cls: 'score', text: formatScore(lead.total) }];
  if (lead.grade) parts.push({ cls: 'grade', text: lead.grade });
  // The face carries the short code; the full label is in the accessible name (and the tooltip) and the card.
  if (lead.stage) parts.push({ cls: 'pill', text: stageCode(lead.stage) });
  const urgent = urgentSla(lead.sla, receivedAt, now);
  if (urgent) parts.push({ cls: `sla sla-${urgent.state}`, text: slaShortText(urgent) ?? '', shape: urgent.state });
  return { name: leadBadgeName(lead, receivedAt, now, urgent), estimate: false, parts };
}

/** Replaces the button's content and names with the face (the button element itself stays). */
export function drawFace(button: HTMLButtonElement, face: Face): void {
  const doc = button.ownerDocument;
  button.className = face.estimate ? 'badge estimate' : 'badge';
  button.setAttribute('aria-label', face.name);
  button.title = face.name;
  button.replaceChildren(
    ...face.parts.map((part) => {
      const span = doc.createElement('span');
      if (part.cls) span.className = part.cls;
      if (part.shape) {
        // The SLA state is a shape (circle, triangle, diamond, check) as well as a colour.
        const shape = doc.createElement('span');
        shape.className = `shape shape-${part.shape}`;
        shape.setAttribute('aria-hidden', 'true');
        span.append(shape);
      }
      if (part.text) span.append(part.text);
      return span;
    }),
  );
}

export interface BadgeCardProps extends BadgeProps {
  /** The element that sits in the page (our `<leadpact-badge>`): presses inside it are not "outside". */
  host: Element;
  onClose(restoreFocus: boolean): void;
}

/** The open card: the lead card or the estimate card, in a popover beside the badge. */
export function BadgeCard(props: BadgeCardProps) {
  const { result, receivedAt, now, host, onClose } = props;
  const card = result.found ? (
    <LeadCard lead={result.lead} receivedAt={receivedAt} now={now} decide={props.decide} onClose={onClose} />
  ) : (
    <EstimateCard estimate={result.estimate} query={props.query} onClose={onClose} />
  );
  return (
    <Popover host={host} label={result.found ? `Lead: ${result.lead.name ?? 'unnamed'}` : 'Not in your leads'} onClose={onClose}>
      {card}
    </Popover>
  );
}

/** Puts the card below the badge (above when there is no room), inside the viewport. */
function placeCard(card: HTMLElement, host: Element): void {
  const win = host.ownerDocument.defaultView;
  if (!win) return;
  const margin = 8;
  const gap = 4;
  const anchor = host.getBoundingClientRect();
  const box = card.getBoundingClientRect();
  const below = anchor.bottom + gap;
  const above = anchor.top - gap - box.height;
  const fitsBelow = below + box.height <= win.innerHeight - margin;
  const top = fitsBelow || above < margin ? Math.max(margin, Math.min(below, win.innerHeight - margin - box.height)) : above;
  const left = Math.max(margin, Math.min(anchor.left, win.innerWidth - margin - box.width));
  card.style.top = `${Math.round(top)}px`;
  card.style.left = `${Math.round(left)}px`;
}

interface PopoverProps {
  host: Element;
  label: string;
  onClose(restoreFocus: boolean): void;
  children: ComponentChildren;
}

/**
 * The card lives in the same shadow root as the button. Shown as a manual popover it sits in the
 * top layer, so the page's `overflow: hidden` rows and z-indexes cannot clip or cover it; where the
 * Popover API is missing it is a fixed-position box with the highest z-index.
 */
function Popover({ host, label, onClose, children }: PopoverProps) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const card = ref.current;
    if (!card) return;
    const doc = host.ownerDocument;
    const win = doc.defaultView;
    if (typeof card.showPopover === 'function') {
      try {
        card.showPopover();
      } catch {
        // Already shown or not in a document: the fixed-position fallback still applies.
      }
    }
    const place = () => placeCard(card, host);
    place();
    card.focus({ preventScroll: true });
    const onPointerDown = (event: Event) => {
      if (!event.composedPath().includes(host)) onCloseRef.current(false);
    };
    doc.addEventListener('pointerdown', onPointerDown, true);
    win?.addEventListener('resize', place, { passive: true });
    win?.addEventListener('scroll', place, { capture: true, passive: true });
    return () => {
      doc.removeEventListener('pointerdown', onPointerDown, true);
      win?.removeEventListener('resize', place);
      win?.removeEventListener('scroll', place, { capture: true });
    };
  }, [host]);

  return (
    <div ref={ref} class="card" role="dialog" aria-label={label} tabIndex={-1} popover="manual">
      {children}
    </div>
  );
}
