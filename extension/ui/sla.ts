/**
 * SLA clocks as the badge reads them between lookups. The background computes each commitment at
 * lookup time; the runner refreshes results every few minutes, and in between the countdown moves
 * on its own: wall-clock commitments from their exact `dueAt`, business-hours ones from
 * `remainingMinutes` minus the wall time since the lookup (business time can only pass as fast as
 * wall time, so this errs towards urgency and is corrected by the next refresh), never crossing
 * the due instant in either direction.
 */
import type { SlaView } from '../lib/protocol';
import { formatClockTime, lowerFirst } from './format';

const MINUTE = 60_000;

export interface SlaReading {
  readonly sla: SlaView;
  readonly state: SlaView['state'];
  /** Minutes left on an open clock (negative once overdue); undefined for met/late or unknown. */
  readonly minutes: number | undefined;
}

export function isOpen(state: SlaView['state']): boolean {
  return state === 'ok' || state === 'warning' || state === 'breached';
}

export function readSla(sla: SlaView, receivedAt: number, now: number): SlaReading {
  if (!isOpen(sla.state)) return { sla, state: sla.state, minutes: undefined };
  const due = Date.parse(sla.dueAt);
  const hasDue = Number.isFinite(due);
  let minutes: number | undefined;
  if (!sla.business && hasDue) {
    minutes = Math.floor((due - now) / MINUTE);
  } else if (sla.remainingMinutes !== undefined) {
    minutes = sla.remainingMinutes - Math.max(0, Math.floor((now - receivedAt) / MINUTE));
    if (hasDue) minutes = now < due ? Math.max(minutes, 0) : Math.min(minutes, -1);
  } else if (hasDue) {
    minutes = Math.floor((due - now) / MINUTE);
  }
  const state = minutes !== undefined && minutes < 0 ? 'breached' : sla.state;
  return { sla, state, minutes };
}

const URGENCY: Record<SlaView['state'], number> = { breached: 0, warning: 1, ok: 2, late: 3, met: 4 };

/** The open commitment to show on the badge: breached before warning before ok, then least time left. */
export function mostUrgent(readings: readonly SlaReading[]): SlaReading | undefined {
  const open = readings.filter((r) => isOpen(r.state));
  open.sort((a, b) => URGENCY[a.state] - URGENCY[b.state] || (a.minutes ?? Infinity) - (b.minutes ?? Infinity));
  return open[0];
}

/** The open commitment to show on the badge of a lead with these clocks, read at `now`. */
export function urgentSla(slas: readonly SlaView[], receivedAt: number, now: number): SlaReading | undefined {
  return mostUrgent(slas.map((sla) => readSla(sla, receivedAt, now)));
}

/** "due in 1h 35m", "overdue by 25m", "due in 29h" (business hours: never days), "met", "met late". */
export function slaStatusText(reading: SlaReading): string {
  const { state, minutes, sla } = reading;
  if (state === 'met') return 'met';
  if (state === 'late') return 'met late';
  if (state === 'breached') return minutes !== undefined && minutes < 0 ? `overdue by ${formatClockTime(-minutes, sla.business)}` : 'overdue';
  if (minutes === undefined) return 'open';
  return minutes > 0 ? `due in ${formatClockTime(minutes, sla.business)}` : 'due now';
}

/** The clause of the badge's accessible name: "first touch due in 1h 35m". */
export function slaPhrase(reading: SlaReading): string {
  return `${lowerFirst(reading.sla.label)} ${slaStatusText(reading)}`;
}

/** Compact text beside the SLA shape on the badge, for clocks that need attention ("25m", "−1h", "−3h 5m" on a business-hours clock). */
export function slaShortText(reading: SlaReading): string | null {
  const { state, minutes, sla } = reading;
  if (minutes === undefined) return null;
  if (state === 'breached') return `\u2212${formatClockTime(Math.max(1, -minutes), sla.business)}`;
  if (state === 'warning') return formatClockTime(Math.max(0, minutes), sla.business);
  return null;
}
