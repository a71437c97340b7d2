// The lead store: lookups by the keys a page shows, single-lead reads and writes, the rep's
// decisions, and the transactional bulk import (see db.ts for the two-store swap).
//
// Imports never overlap. There is one staging store, so two imports running at once (the service
// worker seeding the samples on install while the rep imports a file in the options page) would
// write into the same one, and the one finishing second would keep writing into what had become
// the live store. Two guards:
// - every import, seeding and "clear data" runs under one exclusive lock shared by all the
//   extension's contexts (lock.ts: Web Locks), so the second one waits for the first;
// - each import claims a generation number (meta.importGeneration) when it starts, and every one
//   of its transactions (each chunk, the swap, the discard) first checks that the generation and
//   meta.live are still the ones it started with; if not, a later import (or "clear data") took
//   over, and this one aborts with ImportConflictError without writing anything. This holds
//   without the lock too (contexts that do not share one), and it is what makes a stale import
//   unable to touch the live store.
// The seeding checks, in the transaction that claims its generation, that the store was never
// seeded, holds no lead and that no import of a file is under way; otherwise it does nothing.
import { unwrap, type IDBPTransaction } from 'idb';
import type { Event, Lead } from '../engine/generated/rules';
import {
  leadStoreNames,
  openDatabase,
  otherLeadStore,
  type Database,
  type FeedbackRecord,
  type ImportLease,
  type ImportSummary,
  type LeadStoreName,
  type LeadpactDb,
  type MetaKey,
  type MetaValues,
  type PersistedOutcome,
  type StoredLead,
} from './db';
import { holdLock, leadsLock, type LeadsLock } from './lock';
import { emailDomain, leadKeys, nameCompanyLookupKeys, normaliseEmail, normaliseLinkedinSlug, normaliseOwner } from './keys';

/** What a page tells us about one person (the keys of protocol's PersonQuery). */
export interface PersonKeys {
  key: string;
  email?: string;
  linkedin?: string;
  name?: string;
  company?: string;
}

export interface Match {
  /** The lead found by email, LinkedIn slug or name plus company (in that order), if any. */
  stored?: StoredLead;
  /** The rep's latest decision on that lead. */
  decision?: FeedbackRecord;
  /** For someone not found: a known lead at the company of their email domain (for the estimate). */
  colleague?: StoredLead;
  /** The persisted outcome of the lead found, read in the same transaction (may be stale). */
  persisted?: PersistedOutcome;
}

export interface WriteProgress {
  done: number;
  total: number;
}

export interface ImportOptions {
  source: ImportSummary['source'];
  name: string;
  mapping?: string | null;
  /** Lifecycle stage ids, lowest first: a rep's accept is kept when the import brings a lower stage. */
  stageOrder?: readonly string[];
  /** Records per transaction. */
  chunkSize?: number;
  onProgress?: (progress: WriteProgress) => void;
  /** Called before waiting when another import (or the seeding, or "clear data") holds the lock. */
  onWait?: () => void;
  now?: () => Date;
}

/** Why the seeding did not import the sample leads. */
export type SeedRefusal = 'already-seeded' | 'not-empty' | 'importing';

/** A file import's lease older than this is taken to be from a page closed mid-import. */
const leaseTimeoutMs = 10 * 60_000;

/** What an import claimed when it started (see the file comment). */
interface Claim {
  generation: number;
  live: LeadStoreName;
  staging: LeadStoreName;
}

/** An import being written to the staging store (LeadStore.beginImport). */
export interface StagedImport {
  /** Writes leads to the staging store in one transaction; later ones win on the same id. */
  add(leads: readonly Lead[]): Promise<void>;
  /** Makes the staged set live in one transaction (ImportConflictError if another import won). */
  commit(): Promise<ImportSummary>;
  /** Drops the staged set; the live leads never changed. */
  discard(): Promise<void>;
}

export class ImportConflictError extends Error {
  constructor() {
    super('another import or "clear data" started while this one was running; nothing was changed, import the file again');
    this.name = 'ImportConflictError';
  }
}

const allStores = [...leadStoreNames, 'feedback', 'meta', 'outcomes'] as const;
type StoreName = (typeof allStores)[number];
type AnyTx = IDBPTransaction<LeadpactDb, StoreName[], 'readonly' | 'readwrite'>;

/** The live lead store's name, read inside the caller's transaction so it cannot change under it. */
async function liveIn(tx: AnyTx): Promise<LeadStoreName> {
  return ((await tx.objectStore('meta').get('live')) as LeadStoreName | undefined) ?? 'leads-a';
}

/**
 * What an import stages (LeadStore.stage): the live leads kept (with events added, or some
 * removed) or not, then `expected` new ones.
 */
interface StagePlan {
  keepLive: boolean;
  events?: ReadonlyMap<string, readonly Event[]>;
  remove?: ReadonlySet<string>;
  mode: ImportSummary['mode'];
  options: ImportOptions;
  expected: number;
}

export class LeadStore {
  /**
   * False once the connection closed: by close(), or because another context upgrades the schema
   * (versionchange) or the browser closed it. Holders then open a new LeadStore (worker.ts, the
   * options page's openStore).
   */
  get isOpen(): boolean {
    return this.open_;
  }
  private open_ = true;

  /** `lock`: by default the one shared by every context of the extension for this database. */
  constructor(
    readonly db: Database,
    private readonly lock: LeadsLock = leadsLock(db.name),
  ) {}

  static async open(name?: string, options: { lock?: LeadsLock } = {}): Promise<LeadStore> {
    let store: LeadStore | undefined;
    let closedEarly = false;
    const db = await openDatabase(name, () => {
      if (store) store.open_ = false;
      else closedEarly = true;
    });
    store = new LeadStore(db, options.lock ?? leadsLock(db.name));
    if (closedEarly) store.open_ = false;
    return store;
  }

  close(): void {
    this.open_ = false;
    this.db.close();
  }

  async meta<K extends MetaKey>(key: K): Promise<MetaValues[K] | undefined> {
    return (await this.db.get('meta', key)) as MetaValues[K] | undefined;
  }

  async setMeta<K extends MetaKey>(key: K, value: MetaValues[K]): Promise<void> {
    await this.db.put('meta', value, key);
  }

  async liveStore(): Promise<LeadStoreName> {
    return (await this.meta('live')) ?? 'leads-a';
  }

  async leadCount(): Promise<number> {
    return (await this.meta('leadCount')) ?? 0;
  }

  /**
   * Finds every person of one lookup message in one read transaction: each by email, then
   * LinkedIn slug, then name plus company; with the rep's latest decision on each lead found,
   * and for people not found a lead at their email's company (to estimate with).
   */
  async findPeople(people: readonly PersonKeys[]): Promise<Map<string, Match>> {
    const tx = this.db.transaction([...allStores], 'readonly');
    const live = await liveIn(tx);
    const leads = tx.objectStore(live);
    const lookups = people.map(async (person) => {
      const email = normaliseEmail(person.email);
      const slug = normaliseLinkedinSlug(person.linkedin);
      const [byEmail, bySlug, ...byName] = await Promise.all([
        email ? leads.index('email').get(email) : undefined,
        slug ? leads.index('linkedin').get(slug) : undefined,
        ...nameCompanyLookupKeys(person.name, person.company).map((key) => leads.index('nameCompany').get(key)),
      ]);
      return byEmail ?? bySlug ?? byName.find((stored) => stored !== undefined);
    });
    const found = await Promise.all(lookups);
    const feedback = tx.objectStore('feedback').index('leadId');
    const outcomes = tx.objectStore('outcomes');
    const extras = people.map(async (person, i): Promise<Match> => {
      const stored = found[i];
      if (stored) {
        const [cursor, persisted] = await Promise.all([feedback.openCursor(stored.id, 'prev'), outcomes.get(stored.id)]);
        const match: Match = { stored };
        if (cursor) match.decision = cursor.value;
        if (persisted) match.persisted = persisted;
        return match;
      }
      const domain = emailDomain(normaliseEmail(person.email));
      const colleague = domain ? await leads.index('domain').get(domain) : undefined;
      return colleague ? { colleague } : {};
    });
    const matches = await Promise.all(extras);
    await tx.done;
    return new Map(people.map((person, i) => [person.key, matches[i] ?? {}]));
  }

  async getLead(id: string): Promise<StoredLead | undefined> {
    const tx = this.db.transaction([...allStores], 'readonly');
    const live = await liveIn(tx);
    return tx.objectStore(live).get(id);
  }

  async latestDecision(leadId: string): Promise<FeedbackRecord | undefined> {
    const cursor = await this.db.transaction('feedback').store.index('leadId').openCursor(leadId, 'prev');
    return cursor?.value;
  }

  /** Pages through the live leads (`owner`: only that rep's) in read transactions of `pageSize`. */
  async *leads(options: { owner?: string; pageSize?: number } = {}): AsyncGenerator<StoredLead[]> {
    const pageSize = options.pageSize ?? 2_000;
    const owner = normaliseOwner(options.owner);
    let after: string | undefined;
    for (;;) {
      const tx = this.db.transaction([...allStores], 'readonly');
      const live = await liveIn(tx);
      let page: StoredLead[];
      if (owner) {
        page = await tx.objectStore(live).index('owner').getAll(owner);
      } else {
        const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
        page = await tx.objectStore(live).getAll(range, pageSize);
      }
      if (page.length > 0) yield page;
      if (owner || page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  async feedback(): Promise<FeedbackRecord[]> {
    return this.db.getAll('feedback');
  }

  /** The decisions recorded after `seq` (the store is keyed by seq), oldest first. */
  async feedbackAfter(seq: number): Promise<FeedbackRecord[]> {
    return this.db.getAll('feedback', IDBKeyRange.lowerBound(seq, true));
  }

  /**
   * Records a decision; with `stage`, also records that stage on the lead (stage and
   * stageEnteredAt) under a new revision. One transaction: both or neither.
   */
  async recordDecision(record: FeedbackRecord, stage?: { id: string; at: string }): Promise<void> {
    const tx = this.db.transaction([...allStores], 'readwrite');
    const meta = tx.objectStore('meta');
    if (stage) {
      const live = await liveIn(tx);
      const stored = await tx.objectStore(live).get(record.leadId);
      if (!stored) {
        tx.abort();
        await tx.done.catch(() => undefined);
        throw new Error(`no lead with id ${record.leadId}`);
      }
      const revision = (((await meta.get('revision')) as number | undefined) ?? 0) + 1;
      await meta.put(revision, 'revision');
      await tx.objectStore(live).put({ ...stored, rev: revision, lead: { ...stored.lead, stage: stage.id, stageEnteredAt: stage.at } });
    }
    await tx.objectStore('feedback').add(record);
    await tx.done;
  }

  /**
   * Writes freshly computed outcomes to the persisted cache in one transaction, created in this
   * call's first turn (callers rely on it: see the lookup handler).
   */
  async persistOutcomes(entries: readonly PersistedOutcome[]): Promise<void> {
    if (entries.length === 0) return;
    const tx = this.db.transaction('outcomes', 'readwrite', { durability: 'relaxed' });
    for (const entry of entries) void tx.store.put(entry);
    await tx.done;
  }

  /** Drops every persisted outcome (the rules changed: none of them can be used again). */
  async clearOutcomes(): Promise<void> {
    await this.db.clear('outcomes');
  }

  async recordMiss(site: string, selector: string, at: string): Promise<void> {
    const tx = this.db.transaction('meta', 'readwrite');
    const misses = ((await tx.store.get('misses')) as MetaValues['misses'] | undefined) ?? {};
    const key = `${site}:${selector}`;
    misses[key] = { count: (misses[key]?.count ?? 0) + 1, last: at };
    await tx.store.put(misses, 'misses');
    await tx.done;
  }

  /** Replaces every lead with `leads` (all or nothing). */
  async replaceLeads(leads: readonly Lead[], options: ImportOptions): Promise<ImportSummary> {
    return this.rebuild({ keepLive: false, add: leads, mode: 'replace', options });
  }

  /**
   * Adds `leads` and updates those with the same id; the other leads stay, except those whose id is
   * in `remove` (all or nothing).
   */
  async mergeLeads(leads: readonly Lead[], options: ImportOptions, remove?: ReadonlySet<string>): Promise<ImportSummary> {
    return this.rebuild({ keepLive: true, add: leads, mode: 'merge', options, remove });
  }

  /**
   * Finds the lead ids for activity rows by lead id or email; returns the keys that match no lead
   * so the caller can report them before anything is written.
   */
  async resolveLeadKeys(keys: readonly string[], by: 'id' | 'email'): Promise<Map<string, string | undefined>> {
    const tx = this.db.transaction([...allStores], 'readonly');
    const live = await liveIn(tx);
    const leads = tx.objectStore(live);
    const ids = await Promise.all(
      keys.map(async (key) => {
        if (by === 'id') return (await leads.getKey(key)) as string | undefined;
        const email = normaliseEmail(key);
        return email ? ((await leads.index('email').getKey(email)) as string | undefined) : undefined;
      }),
    );
    await tx.done;
    return new Map(keys.map((key, i) => [key, ids[i]]));
  }

  /** Appends events to leads by id (events already on a lead are not added twice); all or nothing. */
  async addEvents(eventsByLeadId: ReadonlyMap<string, readonly Event[]>, options: ImportOptions): Promise<ImportSummary> {
    return this.rebuild({ keepLive: true, add: [], events: eventsByLeadId, mode: 'events', options });
  }

  /**
   * Deletes every lead and decision; the store is not seeded with the samples again. Waits for an
   * import under way; one that started without the lock is superseded (it aborts at its next write).
   */
  async clearAll(onWait?: () => void): Promise<void> {
    await this.lock.run(() => this.clearAllNow(), onWait);
  }

  private async clearAllNow(): Promise<void> {
    const tx = this.db.transaction([...allStores], 'readwrite');
    const meta = tx.objectStore('meta');
    const generation = (((await meta.get('importGeneration')) as number | undefined) ?? 0) + 1;
    await Promise.all([
      meta.put(generation, 'importGeneration'),
      meta.put(null, 'importLease'),
      ...leadStoreNames.map((name) => tx.objectStore(name).clear()),
      tx.objectStore('feedback').clear(),
      tx.objectStore('outcomes').clear(),
      tx.objectStore('meta').put(0, 'leadCount'),
      tx.objectStore('meta').put(null, 'lastImport'),
      tx.objectStore('meta').put(true, 'seeded'),
      // The webhook's copies of the deleted decisions go with them; the CRM's next sync is a full
      // one (its cursor would skip every contact the store no longer holds).
      tx.objectStore('meta').put(null, 'webhookOutbox'),
      tx.objectStore('meta').put(null, 'crmSyncState'),
    ]);
    await tx.done;
  }

  /**
   * Builds the next lead set in the store that is not live, chunk by chunk, then makes it live
   * in one transaction. Until that last transaction nothing a reader sees has changed.
   */
  private async rebuild(plan: Omit<StagePlan, 'expected'> & { add: readonly Lead[] }): Promise<ImportSummary> {
    return this.lock.run(async () => {
      const staged = await this.stage({ ...plan, expected: plan.add.length });
      if (!staged) throw new Error('unreachable: only the seeding is refused');
      return this.fill(staged, plan.add, plan.options.chunkSize);
    }, plan.options.onWait);
  }

  private async fill(staged: StagedImport, leads: readonly Lead[], chunkSize = 2_000): Promise<ImportSummary> {
    try {
      for (let start = 0; start < leads.length; start += chunkSize) await staged.add(leads.slice(start, start + chunkSize));
    } catch (error) {
      await staged.discard();
      throw error;
    }
    return staged.commit();
  }

  /**
   * The first-run seeding: replaces the leads with `leads` only if, checked under the lock in the
   * transaction that starts the import, the store was never seeded (no import, no "clear data"),
   * holds no lead and no file import is under way. Returns why not otherwise.
   */
  async seedLeads(leads: readonly Lead[], options: ImportOptions): Promise<{ summary: ImportSummary } | { refused: SeedRefusal }> {
    return this.lock.run(async () => {
      const staged = await this.stage({ keepLive: false, mode: 'replace', options, expected: leads.length, seed: true });
      if ('refused' in staged) return staged;
      return { summary: await this.fill(staged, leads, options.chunkSize) };
    }, options.onWait);
  }

  /**
   * Starts an import that the caller feeds chunk by chunk (the options page checks and writes a
   * large file a slice at a time, so it never holds every parsed lead at once). Nothing a reader
   * sees changes until `commit`; `discard` (a bad row found on the way) leaves the live set as it was.
   */
  async beginImport(mode: 'replace' | 'merge', options: ImportOptions, expected = 0): Promise<StagedImport> {
    // The lock is held from here to commit or discard (or until this page goes away).
    const release = await holdLock(this.lock, options.onWait);
    let staged: StagedImport;
    try {
      staged = await this.stage({ keepLive: mode === 'merge', mode, options, expected });
    } catch (error) {
      release();
      throw error;
    }
    return {
      add: (leads) => staged.add(leads),
      commit: () => staged.commit().finally(release),
      discard: () => staged.discard().finally(release),
    };
  }

  /**
   * Claims the next import generation and empties the staging store, in one transaction; for the
   * seeding, only if the store still needs it.
   */
  private async claim(source: ImportSummary['source'], seed: boolean): Promise<Claim | { refused: SeedRefusal }> {
    const tx = this.db.transaction([...leadStoreNames, 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    const live = ((await meta.get('live')) as LeadStoreName | undefined) ?? 'leads-a';
    if (seed) {
      const lease = (await meta.get('importLease')) as ImportLease | null | undefined;
      let refused: SeedRefusal | undefined;
      if (await meta.get('seeded')) refused = 'already-seeded';
      else if (((await meta.get('leadCount')) as number | undefined) || (await tx.objectStore(live).count()) > 0) refused = 'not-empty';
      else if (lease && lease.source === 'file' && Math.abs(Date.now() - lease.since) < leaseTimeoutMs) refused = 'importing';
      if (refused) {
        await tx.done;
        return { refused };
      }
    }
    const generation = (((await meta.get('importGeneration')) as number | undefined) ?? 0) + 1;
    const staging = otherLeadStore(live);
    const lease: ImportLease = { generation, source, since: Date.now() };
    await Promise.all([meta.put(generation, 'importGeneration'), meta.put(lease, 'importLease'), tx.objectStore(staging).clear()]);
    await tx.done;
    return { generation, live, staging };
  }

  /**
   * Runs `write` on the staging store in one transaction that first checks the claim still holds;
   * otherwise aborts it (nothing written) and throws ImportConflictError.
   */
  private async writeStaged(claim: Claim, write: (store: { put(value: StoredLead): unknown }) => void): Promise<void> {
    const tx = this.db.transaction([claim.staging, 'meta'], 'readwrite', { durability: 'relaxed' });
    await this.checkClaim(tx as unknown as AnyTx, claim);
    // The plain object store: its puts go out without a promise and two listeners each (the
    // wrapper's), which an import of 100k leads would pay 100k times. A put that fails later aborts
    // the transaction (tx.done rejects); one that throws at once (a value that cannot be stored)
    // aborts it here, so none of the puts before it are kept.
    try {
      write(unwrap(tx.objectStore(claim.staging)));
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    await tx.done;
  }

  private async checkClaim(tx: AnyTx, claim: Claim): Promise<void> {
    const meta = tx.objectStore('meta');
    const [generation, live] = await Promise.all([meta.get('importGeneration'), meta.get('live')]);
    if (generation !== claim.generation || ((live as LeadStoreName | undefined) ?? 'leads-a') !== claim.live) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new ImportConflictError();
    }
  }

  private async stage(plan: StagePlan & { seed?: false }): Promise<StagedImport>;
  private async stage(plan: StagePlan & { seed: true }): Promise<StagedImport | { refused: SeedRefusal }>;
  private async stage(plan: StagePlan & { seed?: boolean }): Promise<StagedImport | { refused: SeedRefusal }> {
    const { options } = plan;
    const chunkSize = options.chunkSize ?? 2_000;
    const now = options.now ?? (() => new Date());
    const claimed = await this.claim(options.source, plan.seed ?? false);
    if ('refused' in claimed) return claimed;
    const claim = claimed;
    const { live, staging } = claim;
    const startSeq = await this.lastFeedbackSeq();
    const accepted = acceptedStages(await this.feedback(), options.stageOrder);
    const revision = await this.nextRevision();

    const liveCount = plan.keepLive ? await this.db.count(live) : 0;
    let total = liveCount + plan.expected;
    let done = 0;
    const report = () => options.onProgress?.({ done, total: Math.max(total, done) });
    report();

    let touched = 0;
    let removed = 0;
    if (plan.keepLive) {
      let after: string | undefined;
      for (;;) {
        const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
        const page = await this.db.getAll(live, range, chunkSize);
        if (page.length === 0) break;
        await this.writeStaged(claim, (store) => {
          for (const stored of page) {
            if (plan.remove?.has(stored.id)) {
              removed++;
              continue;
            }
            const events = plan.events?.get(stored.id);
            if (events) {
              touched++;
              store.put(toStored({ ...stored.lead, events: mergeEvents(stored.lead.events, events) }, revision));
            } else {
              store.put(stored);
            }
          }
        });
        done += page.length;
        report();
        if (page.length < chunkSize) break;
        after = page[page.length - 1]!.id;
      }
    }

    let state: 'open' | 'closed' = 'open';
    const ensureOpen = () => {
      if (state !== 'open') throw new Error('this import was already committed or discarded');
    };
    return {
      add: async (leads) => {
        ensureOpen();
        await this.writeStaged(claim, (store) => {
          for (const lead of leads) store.put(toStored(keepAcceptedStage(lead, accepted, options.stageOrder), revision));
        });
        done += leads.length;
        touched += leads.length;
        report();
      },
      commit: async () => {
        ensureOpen();
        state = 'closed';
        total = done;
        const summary: ImportSummary = {
          at: now().toISOString(),
          source: options.source,
          name: options.name,
          count: touched,
          mapping: options.mapping ?? null,
          mode: plan.mode,
          ...(plan.remove ? { removed } : {}),
        };
        // On a conflict the staging store is left alone: it may be another import's by now.
        await this.swap(claim, startSeq, options.stageOrder, summary, !plan.keepLive);
        return summary;
      },
      discard: async () => {
        if (state !== 'open') return;
        state = 'closed';
        // Empties the staging store only while it is still ours (not live, not another import's).
        const tx = this.db.transaction([staging, 'meta'], 'readwrite');
        try {
          await this.checkClaim(tx as unknown as AnyTx, claim);
        } catch (error) {
          if (error instanceof ImportConflictError) return;
          throw error;
        }
        await Promise.all([tx.objectStore(staging).clear(), tx.objectStore('meta').put(null, 'importLease')]);
        await tx.done;
      },
    };
  }

  /**
   * Makes `staging` live if the claim still holds (else ImportConflictError, nothing changed),
   * re-applying accepts recorded while the import ran; empties the old live store (no reader can
   * see it any more) and, after a replace, the persisted outcomes (every lead has a new revision).
   */
  private async swap(
    claim: Claim,
    startSeq: number,
    stageOrder: readonly string[] | undefined,
    summary: ImportSummary,
    dropOutcomes: boolean,
  ): Promise<void> {
    const { live, staging } = claim;
    const tx = this.db.transaction([...allStores], 'readwrite');
    const meta = tx.objectStore('meta');
    await this.checkClaim(tx as unknown as AnyTx, claim);
    const recent = await tx.objectStore('feedback').getAll(IDBKeyRange.lowerBound(startSeq, true));
    const store = tx.objectStore(staging);
    if (recent.length > 0) {
      const revision = (((await meta.get('revision')) as number | undefined) ?? 0) + 1;
      await meta.put(revision, 'revision');
      for (const [leadId, stage] of acceptedStages(recent, stageOrder)) {
        const stored = await store.get(leadId);
        if (stored) await store.put(toStored(keepAcceptedStage(stored.lead, new Map([[leadId, stage]]), stageOrder), revision));
      }
    }
    const count = await store.count();
    await Promise.all([
      meta.put(staging, 'live'),
      meta.put(count, 'leadCount'),
      meta.put(summary, 'lastImport'),
      meta.put(true, 'seeded'),
      meta.put(null, 'importLease'),
      tx.objectStore(live).clear(),
      ...(dropOutcomes ? [tx.objectStore('outcomes').clear()] : []),
    ]);
    await tx.done;
  }

  private async lastFeedbackSeq(): Promise<number> {
    const cursor = await this.db.transaction('feedback').store.openKeyCursor(null, 'prev');
    return cursor?.key ?? 0;
  }

  private async nextRevision(): Promise<number> {
    const tx = this.db.transaction('meta', 'readwrite');
    const revision = (((await tx.store.get('revision')) as number | undefined) ?? 0) + 1;
    await tx.store.put(revision, 'revision');
    await tx.done;
    return revision;
  }
}

export function toStored(lead: Lead, rev: number): StoredLead {
  return { id: lead.id, rev, lead, ...leadKeys(lead) };
}

/** For each lead whose latest decision is an accept: the stage that accept recorded. */
function acceptedStages(feedback: readonly FeedbackRecord[], stageOrder: readonly string[] | undefined): Map<string, { id: string; at: string }> {
  const latest = new Map<string, FeedbackRecord>();
  for (const record of feedback) latest.set(record.leadId, record); // in seq order: the last one wins
  const accepted = new Map<string, { id: string; at: string }>();
  if (!stageOrder) return accepted;
  for (const [leadId, record] of latest) {
    if (record.decision === 'accept' && record.stageRecorded) accepted.set(leadId, { id: record.stageRecorded, at: record.at });
  }
  return accepted;
}

/** A CRM export often lags behind the rep: keep the rep's accepted stage unless the import brings a later one. */
function keepAcceptedStage(lead: Lead, accepted: ReadonlyMap<string, { id: string; at: string }>, stageOrder: readonly string[] | undefined): Lead {
  const stage = accepted.get(lead.id);
  if (!stage || !stageOrder) return lead;
  const imported = lead.stage ? stageOrder.indexOf(lead.stage) : -1;
  const kept = stageOrder.indexOf(stage.id);
  if (kept < 0 || imported >= kept) return lead;
  return { ...lead, stage: stage.id, stageEnteredAt: stage.at };
}

function mergeEvents(existing: readonly Event[] | undefined, added: readonly Event[]): Event[] {
  const seen = new Set((existing ?? []).map(eventIdentity));
  const merged = [...(existing ?? [])];
  for (const event of added) {
    const identity = eventIdentity(event);
    if (seen.has(identity)) continue;
    seen.add(identity);
    merged.push(event);
  }
  return merged;
}

function eventIdentity(event: Event): string {
  const keys = Object.keys(event).sort();
  return JSON.stringify(keys.map((key) => [key, event[key]]));
}

