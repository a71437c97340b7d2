/**
 * Business-hours calendar for the SLA clock (DESIGN.md 3.7).
 *
 * Business time is local wall-clock time, in the calendar's zone, on the listed weekdays that
 * are not holidays. Time-zone rules come from the platform (`Intl.DateTimeFormat`), never from
 * hand-made offsets, so the code runs unchanged in the service worker and in Node.
 *
 * Daylight saving: each local day's opening and closing are the real instants of those wall
 * times on that date, so a 09:00-18:00 day stays 9 hours while a 00:00-24:00 day is 23 or 25
 * hours long on the days the clocks change. A wall time that does not exist (the spring gap)
 * becomes the first instant after the gap, i.e. the moment of the change (02:30 in a 02:00-03:00
 * gap opens at 03:00 new time); an ambiguous one (the autumn overlap) is its earlier instant.
 *
 * Speed: the engine asks this for every lead in an SLA stage, so each compiled calendar keeps a
 * map from local day number to that day's [open, close] instants (or null when closed). After
 * the first lead, a query is a few map look-ups: `formatToParts` is only called to fill a day.
 *
 * Instants are epoch milliseconds. Results can be fractional (fractional minutes are honoured
 * exactly, so `businessMinutesBetween` undoes `addBusinessMinutes`).
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface BusinessCalendarSpec {
  timezone: string;
  days: Weekday[];
  /** "HH:MM", 24h, from < to; "24:00" is allowed for `to` (the end of the day). */
  hours: { from: string; to: string };
  /** Local dates YYYY-MM-DD on which the business is closed. */
  holidays?: string[];
}

/** The compiled form: obtain it from `compileCalendar`, treat it as opaque. */
export interface BusinessCalendar {
  readonly spec: BusinessCalendarSpec;
}

/** A calendar that cannot be compiled, or that never opens. */
export class CalendarError extends Error {
  override name = 'CalendarError';
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far `nextOpening` looks before giving up on a calendar that never opens. */
const MAX_CLOSED_DAYS = 3 * 366;
/** Sunday first, matching `(dayNumber + 4) mod 7` (1970-01-01 was a Thursday). */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

type OpenHours = readonly [openMs: number, closeMs: number];

class CompiledCalendar implements BusinessCalendar {
  /** Local day number (days since 1970-01-01 of the local date) to that day's open hours. */
  private readonly days = new Map<number, OpenHours | null>();

  constructor(
    readonly spec: BusinessCalendarSpec,
    private readonly zone: Intl.DateTimeFormat,
    private readonly openWeekdays: ReadonlySet<number>,
    private readonly holidays: ReadonlySet<number>,
    private readonly fromMinute: number,
    private readonly toMinute: number,
  ) {}

  hoursOn(day: number): OpenHours | null {
    let hours = this.days.get(day);
    if (hours === undefined) {
      hours = this.computeHours(day);
      this.days.set(day, hours);
    }
    return hours;
  }

  private computeHours(day: number): OpenHours | null {
    if (this.holidays.has(day) || !this.openWeekdays.has(mod(day + 4, 7))) return null;
    const open = zonedInstant(this.zone, day * DAY + this.fromMinute * MINUTE);
    const close = zonedInstant(this.zone, day * DAY + this.toMinute * MINUTE);
    // Hours that fall entirely inside a spring gap never happen on that day.
    return close > open ? [open, close] : null;
  }

  localDate(atMs: number): string {
    const p = wallParts(this.zone, atMs);
    return `${String(p.year).padStart(4, '0')}-${pad2(p.month)}-${pad2(p.day)}`;
  }
}

export function compileCalendar(spec: BusinessCalendarSpec): BusinessCalendar {
  const zone = zoneFormatter(spec.timezone);
  if (!Array.isArray(spec.days) || spec.days.length === 0) {
    throw new CalendarError('calendar days must list at least one weekday (mon..sun)');
  }
  const openWeekdays = new Set<number>();
  for (const name of spec.days) {
    const index = WEEKDAYS.indexOf(name);
    if (index < 0) throw new CalendarError(`unknown weekday "${String(name)}" (use mon, tue, wed, thu, fri, sat, sun)`);
    openWeekdays.add(index);
  }
  const fromMinute = parseClock(spec.hours?.from, 'hours.from', false);
  const toMinute = parseClock(spec.hours?.to, 'hours.to', true);
  if (fromMinute >= toMinute) {
    throw new CalendarError(`hours.from "${spec.hours.from}" must be before hours.to "${spec.hours.to}"`);
  }
  const holidays = new Set((spec.holidays ?? []).map(parseHoliday));
  // A private copy: the caches would go stale if the caller later mutated its spec.
  const copy: BusinessCalendarSpec = {
    timezone: spec.timezone,
    days: [...spec.days],
    hours: { from: spec.hours.from, to: spec.hours.to },
    ...(spec.holidays ? { holidays: [...spec.holidays] } : {}),
  };
  return new CompiledCalendar(Object.freeze(copy), zone, openWeekdays, holidays, fromMinute, toMinute);
}

export function isBusinessTime(cal: BusinessCalendar, atMs: number): boolean {
  const c = compiled(cal);
  checkInstant(atMs, 'atMs');
  // UTC offsets lie within -12h..+14h, so the local day is the UTC day or one either side.
  const utcDay = Math.floor(atMs / DAY);
  for (let day = utcDay - 1; day <= utcDay + 1; day++) {
    const hours = c.hoursOn(day);
    if (hours && hours[0] <= atMs && atMs < hours[1]) return true;
  }
  return false;
}

export function nextOpening(cal: BusinessCalendar, atMs: number): number {
  const c = compiled(cal);
  checkInstant(atMs, 'atMs');
  const { hours } = firstHoursEndingAfter(c, atMs, Math.floor(atMs / DAY) - 1);
  return Math.max(hours[0], atMs);
}

export function addBusinessMinutes(cal: BusinessCalendar, startMs: number, minutes: number): number {
  const c = compiled(cal);
  checkInstant(startMs, 'startMs');
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
  }
  let remaining = minutes * MINUTE;
  let { day, hours } = firstHoursEndingAfter(c, startMs, Math.floor(startMs / DAY) - 1);
  let at = Math.max(hours[0], startMs); // a clock starting outside hours starts at the opening
  for (;;) {
    const available = hours[1] - at;
    // `<=`: a clock that runs out exactly at closing is due at closing, not at the next opening.
    if (remaining <= available) return at + remaining;
    remaining -= available;
    ({ day, hours } = firstHoursEndingAfter(c, hours[1], day + 1));
    at = hours[0];
  }
}

export function businessMinutesBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  const c = compiled(cal);
  checkInstant(fromMs, 'fromMs');
  checkInstant(toMs, 'toMs');
  if (toMs < fromMs) {
    const minutes = businessMinutesBetween(cal, toMs, fromMs);
    return minutes === 0 ? 0 : -minutes; // no -0: it is not `toBe(0)` and prints oddly
  }
  let total = 0;
  for (let day = Math.floor(fromMs / DAY) - 1; day <= Math.floor(toMs / DAY) + 1; day++) {
    const hours = c.hoursOn(day);
    if (!hours) continue;
    const overlap = Math.min(hours[1], toMs) - Math.max(hours[0], fromMs);
    if (overlap > 0) total += overlap;
  }
  return total / MINUTE;
}

export function localDate(cal: BusinessCalendar, atMs: number): string {
  const c = compiled(cal);
  checkInstant(atMs, 'atMs');
  return c.localDate(atMs);
}

// ---------------------------------------------------------------------------------------------

/** The first open day from `fromDay` on whose closing is after `afterMs`. */
function firstHoursEndingAfter(
  c: CompiledCalendar,
  afterMs: number,
  fromDay: number,
): { day: number; hours: OpenHours } {
  // +3: the first days scanned may be open but already over (they precede `afterMs`).
  for (let day = fromDay; day <= fromDay + MAX_CLOSED_DAYS + 3; day++) {
    const hours = c.hoursOn(day);
    if (hours && hours[1] > afterMs) return { day, hours };
  }
  throw new CalendarError(
    `calendar ${c.spec.timezone} ${c.spec.days.join(',')} ${c.spec.hours.from}-${c.spec.hours.to} ` +
      `has no business hours in the 3 years after ${new Date(afterMs).toISOString()}`,
  );
}

function compiled(cal: BusinessCalendar): CompiledCalendar {
  if (cal instanceof CompiledCalendar) return cal;
  throw new TypeError('not a compiled calendar: pass the result of compileCalendar(spec)');
}

function checkInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-milliseconds number, got ${ms}`);
}

// --- Time-zone arithmetic on top of Intl ------------------------------------------------------

/** Formatters are costly to build and calendars share zones: one per zone for the process. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timezone: string): Intl.DateTimeFormat {
  if (typeof timezone !== 'string' || timezone === '') {
    throw new CalendarError('calendar timezone is missing (use an IANA name such as "Europe/Madrid")');
  }
  let formatter = formatters.get(timezone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23', // never "24:00" for midnight
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new CalendarError(`unknown time zone "${timezone}" (use an IANA name such as "Europe/Madrid")`);
    }
    formatters.set(timezone, formatter);
  }
  return formatter;
}

interface WallParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

function wallParts(zone: Intl.DateTimeFormat, atMs: number): WallParts {
  const p: WallParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const { type, value } of zone.formatToParts(atMs)) {
    if (type in p) p[type as keyof WallParts] = Number(value);
  }
  return p;
}

/** The local wall time at an instant, expressed as if that wall time were UTC (to the second). */
function wallMs(zone: Intl.DateTimeFormat, atMs: number): number {
  const p = wallParts(zone, atMs);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The zone's UTC offset at a whole-second instant. */
function offsetAt(zone: Intl.DateTimeFormat, atMs: number): number {
  return wallMs(zone, atMs) - atMs;
}

/**
 * The instant at which the zone's clocks show `wall` (a wall time written as if UTC).
 * Assumes at most one offset change within a day either side, which holds for real zones.
 */
function zonedInstant(zone: Intl.DateTimeFormat, wall: number): number {
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  const withBefore = wall - before;
  if (before === after) return withBefore;
  const withAfter = wall - after;
  const beforeOk = wallMs(zone, withBefore) === wall;
  const afterOk = wallMs(zone, withAfter) === wall;
  if (beforeOk && afterOk) return Math.min(withBefore, withAfter); // autumn overlap: earlier
  if (beforeOk) return withBefore;
  if (afterOk) return withAfter;
  // Spring gap: the change happens in (withAfter, withBefore]; find it to the second, since
  // offsets change on whole seconds. About a dozen formats, once per gap day per calendar.
  let lo = Math.floor(withAfter / 1000);
  let hi = Math.ceil(withBefore / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid * 1000) === after) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

// --- Parsing the spec -------------------------------------------------------------------------

function parseClock(text: string | undefined, field: string, allowEndOfDay: boolean): number {
  const match = typeof text === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text) : null;
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  if (allowEndOfDay && text === '24:00') return 24 * 60;
  throw new CalendarError(
    `${field} "${String(text)}" is not a time of day: use 24-hour HH:MM such as "09:00"` +
      (allowEndOfDay ? ' ("24:00" for the end of the day)' : ''),
  );
}

/** A holiday's local day number. */
function parseHoliday(text: string): number {
  const match = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC rolls 2026-02-30 over to March; a round trip catches dates that do not exist.
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      return date.getTime() / DAY;
    }
  }
  throw new CalendarError(`holiday "${String(text)}" is not a date: use YYYY-MM-DD such as "2026-12-25"`);
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
