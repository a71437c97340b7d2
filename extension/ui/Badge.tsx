/**
 * The badge: a real <button> with the lead's score, grade, stage and SLA shape, and the card it
 * opens. Enter and Space open it through the button's own activation; Escape closes the card and
 * puts focus back on the button; a press anywhere outside the badge closes it.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { LookupResult, PersonQuery } from '../lib/protocol';
import type { Decide } from './DecisionForm';
import { EstimateCard } from './EstimateCard';
import { formatScore } from './format';
import { LeadCard } from './LeadCard';
import { estimateBadgeName, estimateBadgeText, leadBadgeName } from './names';
import { SlaShape } from './SlaShape';
import { mostUrgent, readSla, slaShortText } from './sla';

export interface BadgeProps {
  result: LookupResult;
  /** What the page showed about the person (the estimate card says what the estimate rests on). */
  query: PersonQuery;
  /** When the result arrived (epoch ms): SLA clocks count down from there. */
  receivedAt: number;
  /** The time to draw for (epoch ms); the runner re-renders every minute. */
  now: number;
  decide: Decide;
  /** The element that sits in the page (our `<leadpact-badge>`): presses inside it are not "outside". */
  host: Element;
}

export function Badge(props: BadgeProps) {
  const { result, receivedAt, now, host } = props;
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);

  const close = (restoreFocus: boolean) => {
    setOpen(false);
    if (restoreFocus) buttonRef.current?.focus(); // null only after unmount
  };

  // Keys and presses inside the badge never reach the page: badge-host.tsx stops them at the
  // shadow root (once per badge, outside the render).
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.preventDefault();
      close(true);
    }
  };
  // Tabbing on past the card (into the page) closes it; focus leaving the window (another tab) does not.
  const containerRef = useRef<HTMLDivElement>(null);
  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget as Node | null;
    if (open && next && !containerRef.current?.contains(next)) close(false); // the container is null only after unmount
  };

  let name: string;
  let face: ComponentChildren;
  let card: ComponentChildren = null;
  if (result.found) {
    const { lead } = result;
    name = leadBadgeName(lead, receivedAt, now);
    const urgent = mostUrgent(lead.sla.map((sla) => readSla(sla, receivedAt, now)));
    const short = urgent ? slaShortText(urgent) : null;
    face = (
      <>
        <span class="score">{formatScore(lead.total)}</span>
        {lead.grade && <span class="grade">{lead.grade}</span>}
        {lead.stage && <span class="pill">{lead.stage.label}</span>}
        {urgent && (
          <span class={`sla sla-${urgent.state}`}>
            <SlaShape state={urgent.state} />
            {short}
          </span>
        )}
      </>
    );
    if (open) card = <LeadCard lead={lead} receivedAt={receivedAt} now={now} decide={props.decide} onClose={close} />;
  } else {
    name = estimateBadgeName(result.estimate);
    face = <span>{estimateBadgeText(result.estimate)}</span>;
    if (open) card = <EstimateCard estimate={result.estimate} query={props.query} onClose={close} />;
  }

  return (
    <div
      ref={containerRef}
      class="lp"
      onFocusOut={onFocusOut}
      onKeyDown={onKeyDown}
    >
      <button
        ref={buttonRef}
        type="button"
        class={result.found ? 'badge' : 'badge estimate'}
        aria-label={name}
        title={name}
        aria-haspopup="dialog"
        aria-expanded={open ? 'true' : 'false'}
        onClick={() => setOpen(!open)}
      >
        {face}
      </button>
      {card && (
        <Popover host={host} label={result.found ? `Lead: ${result.lead.name ?? 'unnamed'}` : 'Not in your leads'} onClose={close}>
          {card}
        </Popover>
      )}
    </div>
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
