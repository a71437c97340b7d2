/** How numbers, durations and dates read on the badge and the card. */
import { formatDuration } from './duration';

/**
 * Time on an SLA clock as the badge, the card and the popup show it: the shared formatDuration
 * (`1h 35m`, `2d 3h`), business time in hours however many (`3h 20m`, `29h`, never `1d 5h`: a
 * business day is not 24 hours), by default written with `h` as DESIGN 7 shows it (the card says
 * "business hours" beside it); `less than 1m` rather than `0m` while the last minute runs.
 */
export function formatClockTime(minutes: number, business = false, businessUnit = 'h'): string {
  if (minutes < 1) return 'less than 1m';
  return formatDuration(minutes, business, businessUnit);
}

/** Scores are kept to one decimal by the engine; the badge shows whole points. */
export function formatScore(score: number): string {
  return String(Math.round(score));
}

/** A rule's contribution with its sign: "+20", "−7.5" (a true minus sign, read as "minus"). */
export function formatPoints(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  const magnitude = Number.isInteger(rounded) ? String(Math.abs(rounded)) : Math.abs(rounded).toFixed(1);
  if (rounded > 0) return `+${magnitude}`;
  if (rounded < 0) return `\u2212${magnitude}`;
  return '0';
}

/** "First touch" → "first touch" inside a sentence; acronyms ("SQL handover") stay as written. */
export function lowerFirst(text: string): string {
  const [first, second] = [text.charAt(0), text.charAt(1)];
  if (second && second === second.toUpperCase() && second !== second.toLowerCase()) return text;
  return first.toLowerCase() + text.slice(1);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp in the reader's locale and zone; the raw text when it is not a date. */
export function formatDateTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? dateTime.format(ms) : iso;
}
