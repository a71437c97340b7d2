import { describe, expect, test } from 'vitest';
import { PERSON_QUERY_LIMITS, toPersonQuery } from '../../../extension/content/person-query';
import { PersonQuery } from '../../../extension/lib/protocol';

// person-query.ts imports only types from the protocol (no zod in the content script), so its
// limits are a copy: these tests keep the copy in step with the schema the background enforces.
describe('toPersonQuery against the protocol', () => {
  test('the limits name exactly the fields of PersonQuery', () => {
    expect(Object.keys(PERSON_QUERY_LIMITS).sort()).toEqual(Object.keys(PersonQuery.shape).sort());
  });

  test.each(['name', 'company', 'title'] as const)('an over-long %s is cut to what the background accepts', (field) => {
    const max = PERSON_QUERY_LIMITS[field];
    const query = toPersonQuery({ key: 'k', person: { [field]: 'x'.repeat(max + 50) } });
    expect(query?.[field]).toHaveLength(max);
    expect(PersonQuery.safeParse(query).success).toBe(true);
    expect(PersonQuery.safeParse({ key: 'k', [field]: 'x'.repeat(max + 1) }).success).toBe(false);
  });

  test.each(['email', 'linkedin'] as const)('a %s at the limit is sent and one past it is dropped', (field) => {
    const max = PERSON_QUERY_LIMITS[field];
    const atLimit = toPersonQuery({ key: 'k', person: { [field]: 'a'.repeat(max) } });
    expect(atLimit?.[field]).toHaveLength(max);
    expect(PersonQuery.safeParse(atLimit).success).toBe(true);
    expect(toPersonQuery({ key: 'k', person: { [field]: 'a'.repeat(max + 1) } })).toEqual({ key: 'k' });
    expect(PersonQuery.safeParse({ key: 'k', [field]: 'a'.repeat(max + 1) }).success).toBe(false);
  });

  test('a key the background would refuse gives no query', () => {
    expect(PersonQuery.safeParse(toPersonQuery({ key: 'k'.repeat(PERSON_QUERY_LIMITS.key), person: {} })).success).toBe(true);
    expect(toPersonQuery({ key: 'k'.repeat(PERSON_QUERY_LIMITS.key + 1), person: {} })).toBeNull();
    expect(PersonQuery.safeParse({ key: 'k'.repeat(PERSON_QUERY_LIMITS.key + 1) }).success).toBe(false);
  });
});
