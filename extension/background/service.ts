// The service worker's work, without the browser wiring (worker.ts does that): one handler per
// message kind, the embedded-default seeding, and the bookkeeping that makes cached outcomes
// stale when the rules change. Everything it needs to survive a stopped worker is in IndexedDB
// or storage.local; what it keeps in memory (compiled rules, the outcome cache) is a cache.
import type { CrmSyncView, PersonQuery, RemoteRulesView, Response } from '../lib/protocol';
import { defaultSettings, repNameOrMe, type Settings } from '../lib/settings';
import type { PersistedOutcome } from './db';
import { neverSynced } from './crm-sync';
import { offState } from './remote-rules';
import { decide } from './decide';
import { estimatePerson } from './estimate';
import type { Handlers } from './handlers';
import { normaliseOwner } from './keys';
import { leadView, OutcomeCache } from './outcomes';
import { slaQueue } from './queue';
import type { ActiveRules, RulesProvider } from './rules';
import { seedSampleLeads, type SeedResult } from './samples';
import type { LeadStore } from './store';

export interface BackgroundDeps {
  store: LeadStore;
  rules: RulesProvider;
  now?: () => number;
  settings?: () => Promise<Settings>;
  /** The text of the shipped sample leads (JSON Lines). */
  loadSamples?: () => Promise<string>;
  log?: (message: string) => void;
  /** How many queue items the popup gets. */
  queueLimit?: number;
  /** The remote rules (remote-rules.ts): their last check for the status, and a check on request. */
  remoteRules?: { state(): Promise<RemoteRulesView>; check(): Promise<RemoteRulesView> };
  /** The CRM sync (crm-sync.ts): its state for the status, and "Sync now". */
  crmSync?: { state(): Promise<CrmSyncView>; sync(): Promise<CrmSyncView> };
  /** Called after a decision was recorded (the feedback webhook sends it). */
  onDecision?: () => void;
}

export interface Background {
  handlers: Handlers;
  /** Imports the sample leads into an empty, never-seeded store (install, or a worker start after an interrupted install). */
  seed(): Promise<SeedResult | undefined>;
  /** The rules in use now, after noting a change of rules (which drops every cached outcome). */
  activeRules(): Promise<ActiveRules>;
  readonly cache: OutcomeCache;
}

export function createBackground(deps: BackgroundDeps): Background {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const settings = deps.settings ?? (async () => defaultSettings);
  const log = deps.log ?? ((message: string) => console.info(`[leadpact] ${message}`));
  const cache = new OutcomeCache();
  let noted: string | undefined;
  let seeding: Promise<SeedResult | undefined> | undefined;
  let seedSettled = false;

  async function activeRules(): Promise<ActiveRules> {
    const rules = await deps.rules.active();
    const key = `${rules.source}:${rules.hash}`;
    if (noted !== key) {
      // The last rules this store scored with are persisted: a worker that starts with other rules
      // (an update, a remote bundle) drops the outcomes the old ones produced.
      const previous = await store.meta('rules');
      if (previous?.hash !== rules.hash || previous.source !== rules.source) {
        await store.clearOutcomes();
        cache.clear();
        await store.setMeta('rules', { version: rules.version, hash: rules.hash, source: rules.source, at: new Date(now()).toISOString() });
      }
      noted = key;
    }
    return rules;
  }

  function seed(): Promise<SeedResult | undefined> {
    // Once the store has been seeded (or found not to need it) no message pays for the check again.
    if (!deps.loadSamples || seedSettled) return Promise.resolve(undefined);
    const loadSamples = deps.loadSamples;
    seeding ??= (async () => {
      try {
        const rules = deps.rules.embedded();
        const result = await seedSampleLeads(store, loadSamples, rules.labels.stageOrder, () => new Date(now()));
        // A file import under way (seen without a shared lock): the next event checks again.
        seedSettled = result.seeded || result.reason !== 'importing';
        if (result.seeded) {
          cache.clear();
          log(`imported ${result.count} sample leads${result.problems.length ? ` (${result.problems.length} lines skipped: ${result.problems[0]})` : ''}`);
        }
        return result;
      } catch (error) {
        log(`could not import the sample leads: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      } finally {
        seeding = undefined;
      }
    })();
    return seeding;
  }

  const handlers: Handlers = {
    async lookup({ people }) {
      const rules = await activeRules();
      const at = now();
      const matches = await store.findPeople(people);
      const computed = new Map<string, PersistedOutcome>();
      const results: Response<'lookup'>['results'] = people.map((person: PersonQuery) => {
        const match = matches.get(person.key) ?? {};
        if (match.stored) {
          const { entry, computed: fresh } = cache.resolve(match.stored, match.persisted, rules, at);
          if (fresh) computed.set(fresh.id, fresh);
          return { key: person.key, found: true as const, lead: leadView(entry, match.decision, rules) };
        }
        return { key: person.key, found: false as const, estimate: estimatePerson(person, rules, at, match.colleague) };
      });
      // The write's transaction is created here, before the answer goes out, so every later read
      // (this worker's, or a restarted one's) waits for it; the answer does not wait for its commit
      // (for a page of new people that is a readwrite transaction of dozens of outcomes). A worker
      // stopped before the commit loses only cache entries.
      void store.persistOutcomes([...computed.values()]).catch((error: unknown) => log(`could not persist outcomes: ${String(error)}`));
      return { results };
    },

    async decide(request) {
      const rules = await activeRules();
      const who = repNameOrMe(await settings());
      const result = await decide(request, { store, rules, who, now: now() });
      if (result.ok) deps.onDecision?.();
      return result;
    },

    async miss({ site, selector }, context) {
      // Counted under the site the sender is really on, whatever the message claims.
      await store.recordMiss(context.site ?? site, selector, new Date(now()).toISOString());
      return { ok: true };
    },

    async status() {
      const rules = await activeRules();
      const { repName } = await settings();
      const owners = ownerSpellings(repName);
      const [leadCount, lastImport, queue, remoteRules, crmSync] = await Promise.all([
        store.leadCount(),
        store.meta('lastImport'),
        slaQueue({ store, rules, cache, now: now(), owners, limit: deps.queueLimit ?? 50 }),
        deps.remoteRules?.state(),
        deps.crmSync?.state().then(crmSyncView),
      ]);
      return {
        rulesVersion: rules.version,
        rulesSource: rules.source,
        rulesNote: rules.note,
        leadCount,
        lastImport: lastImport?.at ?? null,
        lastSync: crmSync?.lastSync ?? null,
        queue: queue.items,
        rejectReasons: rules.labels.rejectReasons.map((reason) => ({ ...reason })),
        queueTotal: queue.total,
        queueOwner: owners.length > 0 ? repName.trim() : null,
        lastImportInfo: lastImport ? { source: lastImport.source, name: lastImport.name, count: lastImport.count, mode: lastImport.mode } : null,
        ...(remoteRules ? { remoteRules } : {}),
        ...(crmSync ? { crmSync } : {}),
      };
    },

    async syncCrm() {
      if (!deps.crmSync) return crmSyncView(neverSynced);
      const state = crmSyncView(await deps.crmSync.sync());
      cache.clear(); // merged leads have new revisions; the memory level is dropped as after an import
      return state;
    },

    async checkRules() {
      if (!deps.remoteRules) return offState;
      const state = await deps.remoteRules.check();
      await activeRules(); // a newly active bundle drops the outcomes of the old one now
      return state;
    },

    async leadsChanged() {
      // Persisted outcomes are keyed by lead revision, so they go stale by themselves; the memory
      // level is dropped to free it (an import usually replaces most leads).
      cache.clear();
      return { ok: true };
    },
  };

  return { handlers, seed, activeRules, cache };
}

/** The fields of the CRM sync state the protocol carries (the stored state has more). */
function crmSyncView(state: CrmSyncView): CrmSyncView {
  const { endpoint, lastSync, lastCount, skipped, lastRemoved, lastError, failures, nextAttemptAt } = state;
  return { endpoint, lastSync, lastCount, skipped, lastRemoved, lastError: lastError && { message: lastError.message, at: lastError.at, status: lastError.status }, failures, nextAttemptAt };
}

/**
 * The owner values "my" leads may carry for a rep name: as typed ("carmen.ruiz@acme.io"), and as
 * a CRM login ("Carmen Ruiz" -> "carmen-ruiz"). No rep name: every lead's clocks.
 */
export function ownerSpellings(repName: string): string[] {
  const typed = normaliseOwner(repName);
  if (!typed) return [];
  const login = typed
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}@._-]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return [...new Set([typed, login].filter(Boolean))];
}
