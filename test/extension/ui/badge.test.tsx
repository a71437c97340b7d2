// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { LeadView, LookupResult, PersonQuery } from '../../../extension/lib/protocol';
import { badgeShadowRoot, prepareBadge, shadowModeFor, type BadgeHandle, type BadgeViewProps } from '../../../extension/ui/badge-host';
import type { Decide } from '../../../extension/ui/DecisionForm';
import { estimateBadgeName, estimateBadgeText, leadBadgeName, stageCode } from '../../../extension/ui/names';
import { estimateView, leadView, NOW } from './extension-fakes';

const MINUTE = 60_000;
const query: PersonQuery = { key: 'email:ada@northwind.example', email: 'ada@northwind.example', name: 'Ada Quinto', title: 'VP Marketing' };
let handles: BadgeHandle[] = [];

function found(lead: LeadView = leadView()): LookupResult {
  return { key: query.key, found: true, lead };
}

function mount(result: LookupResult, decide: Decide = async () => ({ ok: true }), now = NOW): { handle: BadgeHandle; root: ShadowRoot; props: BadgeViewProps } {
  const props: BadgeViewProps = { result, query, receivedAt: NOW, now, decide };
  const handle = prepareBadge(document).mount(props);
  const anchor = document.createElement('span');
  anchor.textContent = 'Ada Quinto';
  document.body.append(anchor);
  anchor.after(handle.host);
  handles.push(handle);
  return { handle, root: badgeShadowRoot(handle.host)!, props };
}

const button = (root: ShadowRoot) => root.querySelector('button.badge') as HTMLButtonElement;
const card = (root: ShadowRoot) => root.querySelector('[role="dialog"]') as HTMLElement | null;
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
/** Preact renders state changes asynchronously; this lets a render (and its effects) happen. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function buttonNamed(root: ShadowRoot, name: string): HTMLButtonElement {
  const found = Array.from(root.querySelectorAll('button')).find((b) => text(b) === name);
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

function press(target: Element, key: string): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

afterEach(() => {
  for (const handle of handles) handle.destroy();
  handles = [];
  document.body.replaceChildren();
});

describe('accessible names', () => {
  test('a lead reads as score, grade, stage and the most urgent clock', () => {
    expect(leadBadgeName(leadView(), NOW, NOW)).toBe('Lead score 72, grade B, MQL, first touch due in 1h 35m');
  });

  test('the clock in the name counts down between lookups and turns into "overdue"', () => {
    expect(leadBadgeName(leadView(), NOW, NOW + 70 * MINUTE)).toBe('Lead score 72, grade B, MQL, first touch due in 25m');
    expect(leadBadgeName(leadView(), NOW, NOW + 105 * MINUTE)).toBe('Lead score 72, grade B, MQL, first touch overdue by 10m');
  });

  test('a business-hours clock reads in hours with their minutes, never in days', () => {
    const businessClock = (remainingMinutes: number, dueAt: string, state: 'ok' | 'breached') =>
      leadView({ sla: [{ ...leadView().sla[0]!, business: true, state, dueAt, remainingMinutes }] });
    // 29 business hours 37 minutes: days away on the wall clock, but not "1d 5h".
    const open = businessClock(29 * 60 + 37, '2026-11-27T12:37:00Z', 'ok');
    expect(leadBadgeName(open, NOW, NOW)).toBe('Lead score 72, grade B, MQL, first touch due in 29h');
    const overdue = businessClock(-65, '2026-11-20T16:00:00Z', 'breached');
    expect(leadBadgeName(overdue, NOW, NOW)).toBe('Lead score 72, grade B, MQL, first touch overdue by 1h 5m');
  });

  test('leaves out what the lead does not have', () => {
    expect(leadBadgeName(leadView({ grade: null, stage: null, sla: [] }), NOW, NOW)).toBe('Lead score 72');
  });

  test('an unknown person reads as an estimate, never as a lead score', () => {
    expect(estimateBadgeName(estimateView())).toBe('Not in your leads: estimated fit 45, grade C');
    expect(estimateBadgeName(estimateView({ fit: null }))).toBe('Not in your leads: no fit estimate');
  });

  test('an estimate with nothing to rest on reads as unknown, not as a bad fit', () => {
    const nothing = estimateView({ fit: 0, grade: 'F', persona: null, fired: [] });
    expect(estimateBadgeText(nothing, { title: undefined, company: undefined })).toBe('Fit ?');
    expect(estimateBadgeName(nothing, {})).toBe('Not in your leads: not enough information to estimate fit');
    // A title the rules weighed and found wanting is a finding: the low fit shows.
    expect(estimateBadgeText(nothing, { title: 'Student' })).toBe('Fit ~0 (F)');
    expect(estimateBadgeName(nothing, { company: 'Acme' })).toBe('Not in your leads: estimated fit 0, grade F');
    // A fired rule is evidence on its own (e.g. company data from a colleague's record).
    expect(estimateBadgeText(estimateView({ fit: 8, grade: 'F' }), {})).toBe('Fit ~8 (F)');
  });
});

describe('stage codes on the badge face', () => {
  test('short ids are acronyms, short labels stay, long labels shorten', () => {
    expect(stageCode({ id: 'mql', label: 'Marketing qualified lead' })).toBe('MQL');
    expect(stageCode({ id: 'sal', label: 'Sales accepted lead' })).toBe('SAL');
    expect(stageCode({ id: 'lead', label: 'Lead' })).toBe('Lead');
    expect(stageCode({ id: 'opportunity', label: 'Opportunity' })).toBe('Opp');
    expect(stageCode({ id: 'customer', label: 'Customer' })).toBe('Cust');
    expect(stageCode({ id: 'closed-lost', label: 'Closed and lost' })).toBe('CAL');
    expect(stageCode({ id: 'subscriber', label: 'Subscriber' })).toBe('Subs');
  });
});

describe('the badge', () => {
  test('is a button named for screen readers, showing score, grade, stage pill and an SLA shape', () => {
    const { root } = mount(found());
    const b = button(root);
    expect(b.tagName).toBe('BUTTON');
    expect(b.getAttribute('type')).toBe('button');
    expect(b.getAttribute('aria-label')).toBe('Lead score 72, grade B, MQL, first touch due in 1h 35m');
    expect(b.getAttribute('aria-expanded')).toBe('false');
    expect(text(b.querySelector('.score'))).toBe('72');
    expect(text(b.querySelector('.grade'))).toBe('B');
    expect(text(b.querySelector('.pill'))).toBe('MQL');
    expect(b.querySelector('.shape')?.getAttribute('class')).toBe('shape shape-ok');
    expect(b.tabIndex).toBe(0);
  });

  test('a long stage label gives a short code on the face; the full label is in the name and the card', async () => {
    const lead = leadView({ stage: { id: 'mql', label: 'Marketing qualified lead' } });
    const { root } = mount(found(lead));
    const b = button(root);
    expect(text(b.querySelector('.pill'))).toBe('MQL');
    expect(text(b)).not.toContain('Marketing');
    expect(b.getAttribute('aria-label')).toBe('Lead score 72, grade B, Marketing qualified lead, first touch due in 1h 35m');
    expect(b.querySelector('.sla .shape')).not.toBeNull();
    b.click();
    await flush();
    expect(text(card(root)!.querySelector('.summary .pill'))).toBe('Marketing qualified lead');
  });

  test('an SLA state is told by shape and text as well as colour', () => {
    const states = [
      { minutes: 20, state: 'warning', shape: 'shape-warning', short: '20m' },
      { minutes: -10, state: 'breached', shape: 'shape-breached', short: '\u221210m' },
      { minutes: -125, state: 'breached', shape: 'shape-breached', short: '\u22122h 5m' },
      { minutes: -1745, state: 'breached', shape: 'shape-breached', short: '\u221229h', business: true },
    ] as const;
    for (const { minutes, state, shape, short, ...rest } of states) {
      const due = new Date(NOW + minutes * MINUTE).toISOString();
      const business = 'business' in rest && rest.business;
      const lead = leadView({ sla: [{ ...leadView().sla[0]!, state, dueAt: due, remainingMinutes: minutes, business }] });
      const { root } = mount(found(lead));
      const sla = button(root).querySelector('.sla')!;
      expect(sla.querySelector('.shape')?.classList.contains(shape)).toBe(true);
      expect(sla.querySelector('.shape')?.getAttribute('aria-hidden')).toBe('true');
      expect(text(sla)).toBe(short);
    }
  });

  test('the host in the page carries no attribute, no child and a closed root; e2e builds open it', () => {
    const { handle } = mount(found());
    expect(handle.host.localName).toBe('leadpact-badge');
    expect(handle.host.attributes).toHaveLength(0);
    expect(handle.host.childNodes).toHaveLength(0);
    expect(handle.host.shadowRoot).toBeNull();
    expect(shadowModeFor('production')).toBe('closed');
    expect(shadowModeFor('e2e')).toBe('open');
  });

  test('a badge prepared before its result is known carries nothing about anyone until it is mounted', () => {
    const shell = prepareBadge(document);
    const root = badgeShadowRoot(shell.host)!;
    expect(shell.host.attributes).toHaveLength(0);
    expect(shell.host.isConnected).toBe(false);
    expect(root.querySelector('button')!.getAttribute('aria-label')).toBeNull();
    const handle = shell.mount({ result: found(), query, receivedAt: NOW, now: NOW, decide: async () => ({ ok: true }) });
    handles.push(handle);
    expect(handle.host).toBe(shell.host);
    expect(button(root).getAttribute('aria-label')).toBe('Lead score 72, grade B, MQL, first touch due in 1h 35m');
    expect(shell.host.attributes).toHaveLength(0);
  });

  test('re-rendering with a later time moves the countdown on, in place', () => {
    const { handle, root, props } = mount(found());
    const b = button(root);
    handle.update({ ...props, now: NOW + 70 * MINUTE });
    expect(button(root)).toBe(b);
    expect(b.getAttribute('aria-label')).toBe('Lead score 72, grade B, MQL, first touch due in 25m');
  });

  test('an unknown person gets a neutral badge with the fit estimate', () => {
    const { root } = mount({ key: query.key, found: false, estimate: estimateView() });
    const b = button(root);
    expect(b.classList.contains('estimate')).toBe(true);
    expect(text(b)).toBe('Fit ~45 (C)');
    expect(b.getAttribute('aria-label')).toBe('Not in your leads: estimated fit 45, grade C');
  });

  test('an unknown person the page says nothing useful about gets "Fit ?", not a bad fit', async () => {
    const bare: PersonQuery = { key: 'email:x@example.com', email: 'x@example.com' };
    const handle = prepareBadge(document).mount({ result: { key: bare.key, found: false, estimate: estimateView({ fit: 0, grade: 'F', persona: null, fired: [] }) }, query: bare, receivedAt: NOW, now: NOW, decide: async () => ({ ok: true }) });
    handles.push(handle);
    document.body.append(handle.host);
    const b = button(badgeShadowRoot(handle.host)!);
    expect(text(b)).toBe('Fit ?');
    expect(b.getAttribute('aria-label')).toBe('Not in your leads: not enough information to estimate fit');
    b.click();
    await flush();
    const summary = card(badgeShadowRoot(handle.host)!)!.querySelector('.summary')!;
    expect(text(summary)).toBe('?fit: not enough information'); // the parts are separate spans
    expect(summary.querySelector('.grade')).toBeNull();
  });

  test('a click in the badge or its card never follows a page link around it', async () => {
    const link = document.createElement('a');
    link.href = '/in/ada/overlay/about-this-profile/';
    document.body.append(link);
    const handle = prepareBadge(document).mount({ result: found(), query, receivedAt: NOW, now: NOW, decide: async () => ({ ok: true }) });
    handles.push(handle);
    link.append(handle.host);
    const root = badgeShadowRoot(handle.host)!;
    const click = (target: Element) => target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    expect(click(button(root))).toBe(false); // default cancelled
    await flush();
    expect(card(root)).not.toBeNull(); // and the card opened all the same
    expect(click(card(root)!.querySelector('h2')!)).toBe(false);
    const label = card(root)!.querySelector('label')!;
    expect(click(label)).toBe(false);
    expect(root.activeElement).toBe(root.querySelector('select')); // the label still focuses its control
    expect(button(root).dispatchEvent(new MouseEvent('auxclick', { bubbles: true, composed: true, cancelable: true, button: 1 }))).toBe(false);
  });

  test('presses and keys on the badge do not reach the page (a Gmail row would open the thread)', () => {
    const { handle, root } = mount(found());
    const pageHeard: string[] = [];
    for (const type of ['click', 'mousedown', 'pointerdown', 'keydown']) document.body.addEventListener(type, () => pageHeard.push(type));
    button(root).click();
    for (const type of ['mousedown', 'pointerdown']) button(root).dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true }));
    press(button(root), 'e');
    expect(pageHeard).toEqual([]);
    expect(handle.host.isConnected).toBe(true);
  });
});

describe('the card', async () => {
  test('opens from the badge and shows models, rules with points, persona, SLA, stage history and rules version', async () => {
    const { root } = mount(found());
    expect(card(root)).toBeNull();
    button(root).click();
    await flush();
    const dialog = card(root)!;
    expect(dialog).not.toBeNull();
    expect(button(root).getAttribute('aria-expanded')).toBe('true');
    expect(dialog.getAttribute('aria-label')).toBe('Lead: Ada Quinto');
    expect(text(dialog.querySelector('h2'))).toBe('Ada Quinto');
    expect(Array.from(dialog.querySelectorAll('.models li')).map(text)).toEqual(['Fit 40', 'Engagement 32']);
    expect(Array.from(dialog.querySelectorAll('.rules li')).map(text)).toEqual([
      '+20Title is VP or above (Fit)',
      '+20Target industry (Fit)',
      '+37Visited the pricing page (Engagement)',
      '\u22125Unsubscribed from the newsletter (Engagement)',
    ]);
    expect(text(dialog)).toContain('Marketing leader');
    expect(Array.from(dialog.querySelectorAll('[aria-label="Talking points"] li')).map(text)).toEqual(['Pipeline attribution', 'Board-ready reporting']);
    expect(text(dialog.querySelector('.slas li'))).toMatch(/^First touch: due in 1h 35m \(due .+\)$/);
    expect(Array.from(dialog.querySelectorAll('[aria-label="Stage history"] li')).map((li) => li.firstChild?.textContent)).toEqual(['Lead', 'MQL']);
    expect(text(dialog.querySelector('footer'))).toBe('Rules version 2026.11.3');
  });

  test('puts the decision right after score, stage and SLA, before the reasons (visible without scrolling)', async () => {
    const { root } = mount(found());
    button(root).click();
    await flush();
    const headings = Array.from(card(root)!.querySelectorAll('h3')).map(text);
    expect(headings).toEqual(['SLA', 'Decision', 'Why', 'Persona', 'Stage']);
  });

  test('Escape closes it and gives focus back to the badge; the close button does the same', async () => {
    const { root } = mount(found());
    button(root).click();
    await flush();
    const escape = press(card(root)!, 'Escape');
    await flush();
    expect(escape.defaultPrevented).toBe(true);
    expect(card(root)).toBeNull();
    expect(root.activeElement).toBe(button(root));
    button(root).click();
    await flush();
    buttonNamed(root, '×').click();
    await flush();
    expect(card(root)).toBeNull();
    expect(root.activeElement).toBe(button(root));
  });

  test('takes focus when it opens, and a press outside the badge closes it', async () => {
    const { root } = mount(found());
    button(root).click();
    await flush();
    expect(root.activeElement).toBe(card(root));
    document.body.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    await flush();
    expect(card(root)).toBeNull();
  });

  test('tabbing on from the card into the page closes it, without pulling focus back', async () => {
    const { root } = mount(found());
    const pageLink = document.createElement('a');
    pageLink.href = '#next';
    document.body.append(pageLink);
    button(root).click();
    await flush();
    const select = root.querySelector('select')!;
    select.dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: buttonNamed(root, 'Accept') }));
    await flush();
    expect(card(root)).not.toBeNull(); // moving inside the card keeps it open
    select.dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: pageLink }));
    await flush();
    expect(card(root)).toBeNull();
    expect(root.activeElement).not.toBe(button(root));
  });

  test('typing in the card does not trigger the page shortcuts', async () => {
    const { root } = mount(found());
    const heard = vi.fn();
    document.addEventListener('keydown', heard);
    button(root).click();
    await flush();
    press(root.querySelector('select')!, '#');
    expect(heard).not.toHaveBeenCalled();
    document.removeEventListener('keydown', heard);
  });

  test('accept sends the decision for this lead and says it is saved', async () => {
    const decide = vi.fn<Decide>(async () => ({ ok: true }));
    const { root } = mount(found(), decide);
    button(root).click();
    await flush();
    buttonNamed(root, 'Accept').click();
    await flush();
    expect(decide).toHaveBeenCalledWith({ leadId: 'lead-7f3a', decision: 'accept', reason: null });
    expect(text(root.querySelector('[role="status"]'))).toBe('Accepted.');
  });

  test('reject asks for a reason from the lifecycle first, then sends it', async () => {
    const decide = vi.fn<Decide>(async () => ({ ok: true }));
    const { root } = mount(found(), decide);
    button(root).click();
    await flush();
    const select = root.querySelector('select')!;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(['Choose…', 'No budget', 'Wrong person']);
    buttonNamed(root, 'Reject').click();
    await flush();
    expect(decide).not.toHaveBeenCalled();
    expect(text(root.querySelector('[role="status"]'))).toBe('Choose a reason to reject this lead.');
    expect(root.activeElement).toBe(select);
    select.value = 'wrong-person';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await flush();
    buttonNamed(root, 'Reject').click();
    await flush();
    expect(decide).toHaveBeenCalledWith({ leadId: 'lead-7f3a', decision: 'reject', reason: 'wrong-person' });
    expect(text(root.querySelector('[role="status"]'))).toBe('Rejected.');
  });

  test('a refused or unanswered decision says it was not saved', async () => {
    const refused = mount(found(), async () => ({ ok: false, error: 'the lead is no longer an MQL' })).root;
    button(refused).click();
    await flush();
    buttonNamed(refused, 'Accept').click();
    await flush();
    expect(text(refused.querySelector('[role="status"]'))).toBe('Not saved: the lead is no longer an MQL.');

    const silent = mount(found(), async () => Promise.reject(new Error('Extension context invalidated.'))).root;
    button(silent).click();
    await flush();
    buttonNamed(silent, 'Accept').click();
    await flush();
    expect(text(silent.querySelector('[role="status"]'))).toBe('Not saved: the extension did not answer.');
  });

  test('a lead that is not an MQL shows its past decision and offers no buttons', async () => {
    const lead = leadView({ canDecide: false, decision: { decision: 'reject', reason: 'no-budget', at: '2026-11-22T15:00:00Z' } });
    const { root } = mount(found(lead));
    button(root).click();
    await flush();
    expect(root.querySelector('fieldset')).toBeNull();
    expect(text(card(root))).toContain('Rejected (No budget)');
  });

  test('the estimate card says what the estimate rests on and that the person is not a lead', async () => {
    const { root } = mount({ key: query.key, found: false, estimate: estimateView() });
    button(root).click();
    await flush();
    const dialog = card(root)!;
    expect(dialog.getAttribute('aria-label')).toBe('Not in your leads');
    expect(text(dialog)).toContain('~45');
    expect(text(dialog)).toContain('Based only on what this page shows: email address, name, job title.');
    expect(text(dialog)).toContain('Operations buyer');
    expect(Array.from(dialog.querySelectorAll('.rules li')).map(text)).toEqual(['+15Operations title']);
    expect(dialog.querySelector('fieldset')).toBeNull();
    expect(text(dialog.querySelector('footer'))).toBe('Rules version 2026.11.3');
  });
});
