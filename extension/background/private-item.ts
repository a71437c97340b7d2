// Values content scripts must not read, kept in the lead database's meta store: storage.local is
// open to content scripts (they run in the page's renderer process), the extension's own
// IndexedDB is not. An older version kept them in storage.local: the first read moves the value
// over (written to the meta store before it leaves storage.local).
import { storage } from 'wxt/utils/storage';
import type { MetaValues } from './db';
import type { LeadStore } from './store';

type PrivateKey = 'webhookOutbox' | 'crmSyncState';

export interface PrivateItem<T> {
  get(): Promise<T | null>;
  set(value: T | null): Promise<void>;
}

export function privateItem<K extends PrivateKey>(
  key: K,
  legacyKey: `local:${string}`,
  store: LeadStore | (() => Promise<LeadStore>),
): PrivateItem<NonNullable<MetaValues[K]>> {
  type T = NonNullable<MetaValues[K]>;
  const legacy = storage.defineItem<T | null>(legacyKey, { fallback: null });
  const open = async () => (typeof store === 'function' ? await store() : store);
  return {
    async get() {
      const db = await open();
      const value = await db.meta(key);
      if (value !== undefined) return value as T | null;
      const old = await legacy.getValue();
      await db.setMeta(key, old as MetaValues[K]); // null when there was none: the next read skips this
      if (old !== null) await legacy.removeValue();
      return old;
    },
    async set(value) {
      await (await open()).setMeta(key, value as MetaValues[K]);
    },
  };
}
