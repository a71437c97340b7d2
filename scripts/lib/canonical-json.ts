/**
 * Canonical JSON: object keys sorted (by code unit, recursively), numbers as JSON.stringify prints
 * them. The compact form is what the bundle hash is taken over; the pretty form is what
 * `leadpact build` writes. Both are the same bytes for the same data on every machine.
 */

/** Compact canonical JSON: sorted keys, no white space. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Pretty canonical JSON: sorted keys, two-space indentation, a trailing newline. */
export function prettyCanonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/**
 * A copy with every object's keys in sorted order (JSON.stringify keeps insertion order). Values
 * JSON cannot hold faithfully are refused rather than silently changed, so a hash never covers
 * something other than what was meant.
 */
function sortKeys(value: unknown, depth = 0): unknown {
  if (depth > 1000) throw new Error('canonical JSON: nesting too deep');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON: ${value} is not a JSON number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item, depth + 1)));
  if (typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareCodeUnits)) {
      const item = (value as Record<string, unknown>)[key];
      // defineProperty: a key named __proto__ (a field may be called that) stays a plain key.
      if (item !== undefined) Object.defineProperty(sorted, key, { value: sortKeys(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return sorted;
  }
  throw new Error(`canonical JSON: cannot encode a ${typeof value}`);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
