/**
 * Report periods as local calendar dates in the rules' time zone: ISO weeks (2026-W47, Monday to
 * Sunday; week 1 holds the year's first Thursday), months (2026-11) and quarters (2026-Q4).
 *
 * An instant belongs to a period when its local date (Intl, through extension/engine/calendar.ts)
 * falls in it, so a week or month starts at local midnight whatever the offset that day, daylight
 * saving included, with no hand-made offsets. Years (2026) are accepted too, for goals set per year. Dates themselves are civil dates: arithmetic on
 * them (days since 1970-01-01) needs no zone.
 */
import { compileCalendar, localDate, type BusinessCalendar } from '../../extension/engine/calendar';
import { daysFromCivil } from '../../extension/engine/values';

export type PeriodKind = 'week' | 'month' | 'quarter' | 'year';

export interface Period {
  kind: PeriodKind;
  /** 2026-W47, 2026-11 or 2026-Q4. */
  label: string;
  /** First and last local dates, inclusive, YYYY-MM-DD. */
  start: string;
  end: string;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a civil date. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return daysFromCivil(y, m, d); // not Date.UTC, which reads years 0-99 as 19xx
}

/** The civil date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ISO weekday, 1 = Monday ... 7 = Sunday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (4)
}

/** The Monday of ISO week 1 of a year. */
function week1Monday(year: number): number {
  const jan4 = dayNumber(`${year}-01-04`);
  return jan4 - (isoWeekday(jan4) - 1);
}

/** 52 or 53. */
export function isoWeeksInYear(year: number): number {
  return (week1Monday(year + 1) - week1Monday(year)) / 7;
}

/** The ISO week holding a civil date. */
export function weekOf(date: string): Period {
  const day = dayNumber(date);
  const thursday = day - isoWeekday(day) + 4;
  const year = Number(dateOfDay(thursday).slice(0, 4));
  const week = Math.floor((thursday - week1Monday(year)) / 7) + 1;
  return isoWeek(year, week);
}

function isoWeek(year: number, week: number): Period {
  const monday = week1Monday(year) + (week - 1) * 7;
  return { kind: 'week', label: `${year}-W${pad(week)}`, start: dateOfDay(monday), end: dateOfDay(monday + 6) };
}

function month(year: number, m: number): Period {
  const next = m === 12 ? `${year + 1}-01-01` : `${year}-${pad(m + 1)}-01`;
  return { kind: 'month', label: `${year}-${pad(m)}`, start: `${year}-${pad(m)}-01`, end: dateOfDay(dayNumber(next) - 1) };
}

function quarter(year: number, q: number): Period {
  const first = month(year, q * 3 - 2);
  const last = month(year, q * 3);
  return { kind: 'quarter', label: `${year}-Q${q}`, start: first.start, end: last.end };
}

/** The month or quarter (or week) holding a civil date. */
export function periodOf(kind: PeriodKind, date: string): Period {
  const year = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  if (kind === 'week') return weekOf(date);
  if (kind === 'month') return month(year, m);
  if (kind === 'year') return { kind: 'year', label: String(year), start: `${year}-01-01`, end: `${year}-12-31` };
  return quarter(year, Math.ceil(m / 3));
}

/** `2026-W47`, `2026-11` or `2026-Q4` (case-insensitive); a PeriodError saying what is expected otherwise. */
export function parsePeriod(text: string): Period {
  const trimmed = text.trim().toUpperCase();
  let match = /^(\d{4})-W(\d{1,2})$/.exec(trimmed);
  if (match) {
    const year = Number(match[1]);
    const week = Number(match[2]);
    const weeks = isoWeeksInYear(year);
    if (week < 1 || week > weeks) throw new PeriodError(`"${text}": ${year} has ISO weeks 1 to ${weeks}`);
    return isoWeek(year, week);
  }
  match = /^(\d{4})-(\d{2})$/.exec(trimmed);
  if (match) {
    const m = Number(match[2]);
    if (m < 1 || m > 12) throw new PeriodError(`"${text}": the month must be 01 to 12`);
    return month(Number(match[1]), m);
  }
  match = /^(\d{4})-Q(\d)$/.exec(trimmed);
  if (match) {
    const q = Number(match[2]);
    if (q < 1 || q > 4) throw new PeriodError(`"${text}": the quarter must be Q1 to Q4`);
    return quarter(Number(match[1]), q);
  }
  if (/^\d{4}$/.test(trimmed)) return periodOf('year', `${trimmed}-01-01`);
  throw new PeriodError(`"${text}" is not a period: use an ISO week (2026-W47), a month (2026-11) a quarter (2026-Q4) or a year (2026)`);
}

/** Inclusive length in days. */
export function periodDays(period: Period): number {
  return dayNumber(period.end) - dayNumber(period.start) + 1;
}

export function contains(period: Period, date: string): boolean {
  return date >= period.start && date <= period.end;
}

/** Local dates of instants in one time zone. */
export interface Zone {
  timezone: string;
  dateOf(ms: number): string;
}

export function zone(timezone: string): Zone {
  // A calendar open all week is only used for its zone's local dates.
  const calendar: BusinessCalendar = compileCalendar({ timezone, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: { from: '00:00', to: '24:00' } });
  return { timezone, dateOf: (ms) => localDate(calendar, ms) };
}

/** The last whole ISO week before the one holding `date`: what a Monday meeting looks back on. */
export function previousWeek(date: string): Period {
  return weekOf(dateOfDay(dayNumber(weekOf(date).start) - 1));
}

/** Human dates for a period: "Mon 16 Nov – Sun 22 Nov 2026". */
export function describePeriod(period: Period): string {
  const part = (date: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(new Date(dayNumber(date) * DAY_MS));
  const show = (date: string, withYear: boolean) =>
    [period.kind === 'week' ? part(date, { weekday: 'short' }) : '', String(Number(date.slice(8, 10))), part(date, { month: 'short' }), withYear ? date.slice(0, 4) : '']
      .filter(Boolean)
      .join(' ');
  return `${show(period.start, period.start.slice(0, 4) !== period.end.slice(0, 4))} – ${show(period.end, true)}`;
}
