/**
 * What a found person becomes on the wire. The background rejects a whole `lookup` batch when one
 * person breaks the protocol's limits, so every field is fitted here first: an over-long hint is
 * cut, an over-long identifier (email, LinkedIn slug, key) is dropped rather than made wrong.
 * The limits mirror `PersonQuery` in lib/protocol.ts; a test keeps the two in step (the content
 * script imports only types from the protocol, to keep zod out of its bundle).
 */
import type { PersonQuery } from '../lib/protocol';
import type { FoundPerson } from '../sites/types';

export const PERSON_QUERY_LIMITS = { key: 300, email: 254, linkedin: 100, name: 200, company: 200, title: 300 } as const;

type Hint = 'name' | 'company' | 'title';
type Identifier = 'email' | 'linkedin';

/** At most `max` UTF-16 units (what zod's `max` counts), never ending in half a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The lookup query for a found person, or null when its key cannot be sent. */
export function toPersonQuery(found: Pick<FoundPerson, 'key' | 'person'>): PersonQuery | null {
  const { key, person } = found;
  if (typeof key !== 'string' || key.length === 0 || key.length > PERSON_QUERY_LIMITS.key) return null;
  const query: PersonQuery = { key };
  for (const field of ['email', 'linkedin'] as const satisfies readonly Identifier[]) {
    const value = person[field];
    if (typeof value === 'string' && value.length > 0 && value.length <= PERSON_QUERY_LIMITS[field]) query[field] = value;
  }
  for (const field of ['name', 'company', 'title'] as const satisfies readonly Hint[]) {
    const value = person[field]?.trim(); // undefined when the page did not show it
    if (value) query[field] = clip(value, PERSON_QUERY_LIMITS[field]);
  }
  return query;
}
