import { RulesError } from './errors';

/** A parsed duration: `business` is true for `<n>bh`, which only SLAs may use. */
export interface Duration {
  minutes: number;
  business: boolean;
}

const DURATION = /^([1-9][0-9]{0,5})(bh|m|h|d|w)$/;
const MINUTES_PER_UNIT: Readonly<Record<string, number>> = { m: 1, h: 60, bh: 60, d: 24 * 60, w: 7 * 24 * 60 };

/** '30m', '8h', '30d' (24h days), '2w', '8bh' (business hours). Throws RulesError otherwise. */
export function parseDuration(text: string): Duration {
  const match = typeof text === 'string' ? DURATION.exec(text) : null;
  if (!match) {
    throw new RulesError(`bad duration ${JSON.stringify(text)}: use <n>m, <n>h, <n>d, <n>w or (for SLAs) <n>bh`);
  }
  const unit = match[2]!;
  return { minutes: Number(match[1]) * MINUTES_PER_UNIT[unit]!, business: unit === 'bh' };
}

/**
 * Whether a duration is in business hours (`<n>bh`): an SLA clock then counts business minutes.
 * False for any other duration, and for text that is not one.
 */
export function isBusinessDuration(text: string): boolean {
  return DURATION.exec(text.trim())?.[2] === 'bh';
}

/** A wall-clock duration in milliseconds, for windows and half-lives (no business hours there). */
export function wallDurationMs(text: string, where: string): number {
  let duration: Duration;
  try {
    duration = parseDuration(text);
  } catch (error) {
    throw new RulesError(`${where}: ${(error as Error).message}`);
  }
  if (duration.business) throw new RulesError(`${where}: business hours (${text}) are only for SLA commitments; use m, h, d or w`);
  return duration.minutes * 60_000;
}
