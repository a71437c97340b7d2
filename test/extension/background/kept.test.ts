import { describe, expect, test } from 'vitest';
import { keptUntilChanged } from '../../../extension/lib/kept';

/** A source whose reads are counted and whose change events the test fires. */
function source() {
  const listeners = new Set<() => void>();
  let value = 1;
  let reads = 0;
  let failNext = false;
  return {
    read: async () => {
      reads++;
      if (failNext) {
        failNext = false;
        throw new Error('storage is busy');
      }
      return value;
    },
    watch: (onChange: () => void) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    change(next: number) {
      value = next;
      for (const listener of listeners) listener();
    },
    failOnce: () => (failNext = true),
    get reads() {
      return reads;
    },
    get listeners() {
      return listeners.size;
    },
  };
}

describe('keptUntilChanged', () => {
  test('reads once, then answers from what it kept until the source reports a change', async () => {
    const s = source();
    const kept = keptUntilChanged(s.read, s.watch);
    expect(await Promise.all([kept.get(), kept.get()])).toEqual([1, 1]);
    expect(await kept.get()).toBe(1);
    expect(s.reads).toBe(1);
    s.change(2);
    expect(await kept.get()).toBe(2);
    expect(await kept.get()).toBe(2);
    expect(s.reads).toBe(2);
  });

  test('forget drops the value; a failed read is not kept', async () => {
    const s = source();
    const kept = keptUntilChanged(s.read, s.watch);
    await kept.get();
    kept.forget();
    await kept.get();
    expect(s.reads).toBe(2);
    kept.forget();
    s.failOnce();
    await expect(kept.get()).rejects.toThrow('storage is busy');
    expect(await kept.get()).toBe(1);
  });

  test('without change events every call reads; after close too, and the watch is removed', async () => {
    const s = source();
    const unwatched = keptUntilChanged(s.read, () => {
      throw new Error('no onChanged here');
    });
    await unwatched.get();
    await unwatched.get();
    expect(s.reads).toBe(2);

    const kept = keptUntilChanged(s.read, s.watch);
    await kept.get();
    expect(s.listeners).toBe(1);
    kept.close();
    expect(s.listeners).toBe(0);
    await kept.get();
    await kept.get();
    expect(s.reads).toBe(5);
  });
});
