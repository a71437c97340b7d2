// The IndexedDB schema of the lead store. The service worker, the options page and the popup
// share it (one extension origin, one database); only the background answers content scripts.
//
// Leads live in two identical object stores, `leads-a` and `leads-b`; `meta.live` names the one
// in use. An import fills the other one in chunked transactions and then flips `meta.live` in a
// single transaction, so readers see either the old lead set or the new one, never half of each,
// and an import that fails or is interrupted leaves the live store untouched.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Outcome } from '../engine/index';
import type { Lead } from '../engine/generated/rules';
import type { LeadView } from '../lib/protocol';
import type { CrmSyncState } from './crm-sync';
import type { LeadKeys } from './keys';
import type { Outbox } from './webhook';

export const leadStoreNames = ['leads-a', 'leads-b'] as const;
export type LeadStoreName = (typeof leadStoreNames)[number];

/** One lead as stored: the record as imported plus its index keys and revision. */
export interface StoredLead extends LeadKeys {
  id: string;
  /** Changes whenever the stored lead changes (import, recorded stage): part of the outcome cache key. */
  rev: number;
  lead: Lead;
}

/** What the rep saw and said about an MQL. */
export interface FeedbackRecord {
  /** Assigned by the store, in recording order. */
  seq?: number;
  leadId: string;
  decision: 'accept' | 'reject';
  /** A lifecycle.rejectReasons id; required for a reject, null for an accept. */
  reason: string | null;
  who: string;
  at: string;
  rulesVersion: string;
  rulesHash: string;
  /** The outcome on the card when the rep decided. */
  shown: { score: number; grade: string | null; stage: string | null; stageEnteredAt: string | null; persona: string | null };
  /** The stage recorded on the lead by this decision (accept), or null. */
  stageRecorded: string | null;
}

/**
 * A cached outcome, persisted so a worker that MV3 stopped while idle answers its first lookups
 * without scoring again. It is stale when the lead changed (`rev`), the rules changed
 * (`rulesHash`) or the clock passed `validUntil` (the next minute: SLA clocks count minutes).
 */
export interface PersistedOutcome {
  id: string;
  rev: number;
  rulesHash: string;
  validUntil: number;
  outcome: Outcome;
  /** The view without the rep's decision, which is read fresh with every lookup. */
  view: Omit<LeadView, 'decision'>;
}

export interface ImportSummary {
  at: string;
  /** samples: the sample leads shipped with the extension; file: a file the rep chose. */
  source: 'samples' | 'file';
  name: string;
  /** Records written by this import (leads, or leads that received events). */
  count: number;
  mapping: string | null;
  mode: 'replace' | 'merge' | 'events';
  /** Leads a merge removed (a CRM sync drops contacts deleted in the CRM); absent when none could be. */
  removed?: number;
}

export interface ImportLease {
  generation: number;
  source: ImportSummary['source'];
  /** Epoch ms when the import started: a lease left by a page closed mid-import goes stale. */
  since: number;
}

export interface RulesState {
  version: string;
  hash: string;
  source: 'embedded' | 'remote';
  at: string;
}

/** The meta store's keys and the type of each value. */
export interface MetaValues {
  live: LeadStoreName;
  /** Last revision number handed out; only grows, even across "clear data". */
  revision: number;
  leadCount: number;
  lastImport: ImportSummary | null;
  /** The sample leads were imported once (or the rep imported their own first): never seed again. */
  seeded: boolean;
  rules: RulesState;
  /**
   * Bumped by every import, seeding and "clear data" when it starts (store.ts): an import whose
   * generation is no longer the current one lost to a later one and must not write again.
   */
  importGeneration: number;
  /** The import that holds the staging store now, if any (null once it committed or was discarded). */
  importLease: ImportLease | null;
  /** Selectors that stopped matching, by "site:selector" (diagnostics; no personal data). */
  misses: Record<string, { count: number; last: string }>;
  // What content scripts must not read lives here rather than in storage.local, which they can:
  /** The CRM's access token (lib/settings.ts crmTokenVault). */
  crmToken: string;
  /** The feedback webhook's outbox: copies of the rep's decisions (webhook.ts). */
  webhookOutbox: Outbox | null;
  /** The CRM sync's state: counts, cursor, the last error and a skipped record's example (crm-sync.ts). */
  crmSyncState: CrmSyncState | null;
}
export type MetaKey = keyof MetaValues;

export interface LeadpactDb extends DBSchema {
  'leads-a': { key: string; value: StoredLead; indexes: LeadIndexes };
  'leads-b': { key: string; value: StoredLead; indexes: LeadIndexes };
  feedback: { key: number; value: FeedbackRecord; indexes: { leadId: string } };
  meta: { key: MetaKey; value: MetaValues[MetaKey] };
  outcomes: { key: string; value: PersistedOutcome };
}

type LeadIndexes = {
  email: string;
  linkedin: string;
  domain: string;
  nameCompany: string;
  owner: string;
};

export type Database = IDBPDatabase<LeadpactDb>;

export const databaseName = 'leadpact';
const databaseVersion = 2;

/**
 * `onClose`: called when the connection closes without our asking — a newer schema opening in
 * another context (versionchange: we step aside) or the browser closing it. The holder drops the
 * handle and opens again on next use.
 */
export async function openDatabase(name = databaseName, onClose?: () => void): Promise<Database> {
  const db = await openDB<LeadpactDb>(name, databaseVersion, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        for (const storeName of leadStoreNames) {
          const leads = database.createObjectStore(storeName, { keyPath: 'id' });
          leads.createIndex('email', 'emails', { multiEntry: true });
          leads.createIndex('linkedin', 'linkedin');
          leads.createIndex('domain', 'domain');
          leads.createIndex('nameCompany', 'nameCompany');
          leads.createIndex('owner', 'owner');
        }
        const feedback = database.createObjectStore('feedback', { keyPath: 'seq', autoIncrement: true });
        feedback.createIndex('leadId', 'leadId');
        database.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        // Version 2: the outcome cache moved out of the worker's memory (workers stop when idle).
        database.createObjectStore('outcomes', { keyPath: 'id' });
      }
    },
    blocking() {
      // A newer schema is opening in another context (an updated extension page): step aside.
      db.close();
      onClose?.();
    },
    terminated() {
      onClose?.();
    },
  });
  return db;
}

export function otherLeadStore(name: LeadStoreName): LeadStoreName {
  return name === 'leads-a' ? 'leads-b' : 'leads-a';
}
