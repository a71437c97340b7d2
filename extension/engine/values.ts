/**
 * Reading values out of leads and events: dotted paths, text normalisation and instants.
 */

// --- Paths ---------------------------------------------------------------------------------

/** Reads a dotted path from an object; undefined when any step is missing or not an object. */
export type PathReader = (source: object) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Keys inherited by plain objects or arrays (`constructor`, `toString`, `length`, `map`...) must
 * be read as own properties only, or `{ field: constructor, exists: true }` would hold for every
 * lead. Other keys can be read directly, which is what makes the common paths fast.
 */
export function isInheritedName(key: string): boolean {
  return key in Object.prototype || key in Array.prototype;
}

function readKey(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && hasOwn.call(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export function compilePath(path: string): PathReader {
  const keys = path.split('.');
  if (keys.some(isInheritedName)) {
    return (source) => {
      let value: unknown = source;
      for (const key of keys) value = readKey(value, key);
      return value;
    };
  }
  const [first, second] = keys as [string, string | undefined];
  if (keys.length === 1) return (source) => (source as Record<string, unknown>)[first];
  if (keys.length === 2) {
    const key = second!;
    return (source) => {
      const parent = (source as Record<string, unknown>)[first];
      return parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[key] : undefined;
    };
  }
  return (source) => {
    let value: unknown = source;
    for (const key of keys) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  };
}

// --- Text ----------------------------------------------------------------------------------

let lastText = '';
let lastNormal = '';

/**
 * String comparisons ignore case and surrounding white space. The last answer is remembered:
 * consecutive rules often test the same value (eight `endsWith` tests on one email).
 */
export function normalizeText(text: string): string {
  if (text === lastText) return lastNormal;
  const normal = text.trim().toLowerCase();
  lastText = text;
  lastNormal = normal;
  return normal;
}

// --- Instants ------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Epoch milliseconds of an ISO 8601 date or date-time, NaN for anything else.
 *
 * Only ISO shapes are read, so the result never depends on the machine's time zone: a
 * date-time without an offset is read as UTC (Date.parse would read it as local time) and
 * formats like "Nov 19 2026" are not accepted. The value is Date.parse's. The common
 * `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)` shape is read digit by digit, because Date.parse costs
 * about 0.4 µs and a lead carries dozens of events.
 */
export function parseInstant(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  if (parseCommonIso(value, parsed, 0)) return parsed[0]!;
  return parseUncommonIso(value);
}

/** Scratch for parseInstant's fast path (see parseCommonIso). */
const parsed = new Float64Array(1);

/**
 * parseInstant into `out[index]`, for hot loops: a double returned from a call that is not
 * inlined is boxed, and a lead's dozens of event times would each allocate one.
 */
export function parseInstantInto(value: unknown, out: Float64Array, index: number): void {
  if (typeof value !== 'string') out[index] = NaN;
  else if (!parseCommonIso(value, out, index)) out[index] = parseUncommonIso(value);
}

/**
 * Whether `text` is in the common shape parseInstant reads digit by digit, with real calendar
 * values: `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)`. A cheap first check for validators; false
 * says only that the text needs a closer look.
 */
export function isCommonIsoInstant(text: string): boolean {
  return parseCommonIso(text, parsed, 0);
}

/** parseInstant for the shapes parseCommonIso leaves out. */
function parseUncommonIso(value: string): number {
  const shape = ISO_SHAPE.exec(value);
  if (!shape) return NaN;
  const hasTime = value.length > 10;
  return Date.parse(hasTime && shape[1] === undefined ? `${value}Z` : value);
}

const FIRST_ISO_YEAR_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const LAST_ISO_YEAR_END_MS = 253_402_300_800_000; // 10000-01-01T00:00:00.000Z

/**
 * Date's toISOString, written out: it costs about 1 µs and every outcome carries a few. Whole
 * milliseconds in years 0000-9999 take the fast path; anything else goes to Date.
 */
export function isoString(ms: number): string {
  if (!(ms >= FIRST_ISO_YEAR_MS && ms < LAST_ISO_YEAR_END_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  // H. Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  // One flat string (a template literal would build a chain of partial strings first).
  return String.fromCharCode(
    ZERO + ((year / 1000) | 0), ZERO + (((year / 100) | 0) % 10), ZERO + (((year / 10) | 0) % 10), ZERO + (year % 10), DASH,
    ZERO + ((month / 10) | 0), ZERO + (month % 10), DASH, ZERO + ((day / 10) | 0), ZERO + (day % 10), LETTER_T,
    ZERO + ((hour / 10) | 0), ZERO + (hour % 10), COLON, ZERO + ((minute / 10) | 0), ZERO + (minute % 10), COLON,
    ZERO + ((second / 10) | 0), ZERO + (second % 10), DOT,
    ZERO + ((millis / 100) | 0), ZERO + (((millis / 10) | 0) % 10), ZERO + (millis % 10), LETTER_Z,
  );
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const LETTER_T = 84;
const LETTER_Z = 90;

/** Two decimal digits at `i`, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The fast path of parseInstant, into `out[index]`: false when the text is not in the common
 * shape or has a value Date.parse treats specially (a day past the end of its month, 24:00),
 * which then takes the slow path so both agree exactly.
 */
function parseCommonIso(text: string, out: Float64Array, index: number): boolean {
  const length = text.length;
  if (length < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 ||
      text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return false; // '-' '-' 'T' ':' ':'
  }
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  if (day > 28 && day > daysInMonth(century * 100 + yy, month)) return false;
  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === 46) { // '.', exactly three digits on the fast path
    const hundreds = text.charCodeAt(20) - 48;
    const rest = twoDigits(text, 21);
    if (hundreds < 0 || hundreds > 9 || rest < 0) return false;
    millis = hundreds * 100 + rest;
    i = 23;
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(i);
  if (zone === 90) { // 'Z'
    if (length !== i + 1) return false;
  } else if (zone === 43 || zone === 45) { // '+' or '-'
    if (length !== i + 6 || text.charCodeAt(i + 3) !== 58) return false;
    const offsetHours = twoDigits(text, i + 1);
    const offsetMins = twoDigits(text, i + 4);
    if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return false;
    offsetMinutes = (offsetHours * 60 + offsetMins) * (zone === 43 ? 1 : -1);
  } else {
    return false;
  }
  const days = daysFromCivil(century * 100 + yy, month, day);
  out[index] = days * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  return true;
}

/** 28 to 31, proleptic Gregorian. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
