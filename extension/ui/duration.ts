/**
 * How an SLA clock's time left or overdue reads wherever Leadpact shows one: on the badge, the
 * card and the popup, in `leadpact score` and in the weekly report (ages such as "3 h ago" are
 * another matter). Dependency-free, so the content scripts (size-budgeted) and the command line
 * import the same function.
 */

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;

/**
 * A duration in whole minutes, rounded first (Math.round): 59.6 reads `1h`.
 *
 * - Under an hour: `45m`, and `0m` for nothing.
 * - Wall-clock time: `3h 20m`, `3h`, `2d 4h`, `2d`: days of 24 hours, at most two units, no zero
 *   second unit.
 * - Business time (`business`, the minutes an SLA calendar counts as working time): hours with a
 *   `bh` unit, never days, since a business day is not 24 hours: `3bh 20m`, `9bh 59m`, then whole
 *   hours from 10 up (`29bh`, `163bh`), as wall time drops its minutes from a day up: two figures
 *   are enough to read a clock by, and the badge has little room.
 *
 * `hourUnit` writes business hours another way where the words around them already say they
 * are business hours: the badge and card write `3h 20m`, `29h` (DESIGN 7's "first touch due in
 * 1h 35m"), since a screen reader spells `bh` out letter by letter.
 *
 * The sign is the caller's to say ("overdue by", "ago", a minus sign): pass the magnitude. A
 * negative amount reads `0m`.
 */
export function formatDuration(minutes: number, business = false, hourUnit = business ? 'bh' : 'h'): string {
  const total = Math.max(0, Math.round(minutes));
  if (total < MINUTES_PER_HOUR) return `${total}m`;
  if (business) return businessHours(total, hourUnit);
  return wallClock(total);
}

/** `3bh 20m`, `50bh`: hours however many, with their minutes (unless none) below 10 hours. */
function businessHours(total: number, unit: string): string {
  const hours = Math.floor(total / MINUTES_PER_HOUR);
  const rest = total % MINUTES_PER_HOUR;
  return rest > 0 && hours < 10 ? `${hours}${unit} ${rest}m` : `${hours}${unit}`;
}

/** `3h 20m`, `3h` under a day; `2d 4h`, `2d` from a day up (the minutes go). */
function wallClock(total: number): string {
  const days = Math.floor(total / MINUTES_PER_DAY);
  const hours = Math.floor((total % MINUTES_PER_DAY) / MINUTES_PER_HOUR);
  const rest = total % MINUTES_PER_HOUR;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
}
