// CRM sync (DESIGN 7, "Closing the loop"): the worker reads the CRM's contacts through a
// connector (crm-hubspot.ts, crm-rest.ts), maps each record to a lead with a mapping preset from
// the rules bundle, and merges them into the lead store in one transactional import. Every page
// is fetched into memory first: a sync that fails midway (network, HTTP error, rate limit, a
// broken answer) writes nothing, the cached leads stay, and the error is recorded. Failures back
// off exponentially (a 429's Retry-After wins); the stored state gives the popup and the options
// page the last good sync (its age) and the last error. Runs on a one-shot alarm set for the next
// due time (alarms survive the worker stopping), on a worker start when due, and on "Sync now".
import { browser } from 'wxt/browser';
import type { Bundle, Lead } from '../engine/generated/rules';
import { parseLeadRecord } from '../engine/lead-record';
import { compileMapping, MappingError } from '../engine/mapping';
import { watchPolicy } from '../lib/policy';
import { watchCrmSettings, type CrmConfig } from '../lib/settings';
import { setAlarmAt } from './alarms';
import { backoffMs, CrmHttpError, crmOrigin, type CrmHttp } from './crm-http';
import { fetchHubspotArchivedIds, fetchHubspotContacts } from './crm-hubspot';
import { fetchRestRecords } from './crm-rest';
import { privateItem } from './private-item';
import type { LeadStore } from './store';

export const CRM_SYNC_ALARM = 'leadpact-crm-sync';
/** The first retry after a failure; each further failure doubles it, up to `maxBackoffMs`. */
export const BASE_BACKOFF_MS = 60_000;
export const MAX_BACKOFF_MS = 6 * 60 * 60_000;

export interface CrmSyncError {
  message: string;
  at: string;
  /** The HTTP status, when the CRM answered one. */
  status: number | null;
}

export interface CrmSyncState {
  /** The endpoint the state is about (a changed endpoint starts over with a full sync). */
  endpoint: string | null;
  /** When the last good sync ended (null: never). The popup shows its age. */
  lastSync: string | null;
  /** When the last good sync started: an incremental sync asks for records modified since then. */
  cursor: string | null;
  /** Leads written by the last good sync, and records it skipped as unreadable. */
  lastCount: number | null;
  skipped: number;
  /** Leads the last good sync removed because they were deleted in the CRM (HubSpot). */
  lastRemoved: number;
  /** The first unreadable record's problem in the last good sync. */
  skippedExample: string | null;
  /** The last failure; cleared by the next good sync. */
  lastError: CrmSyncError | null;
  /** Failures in a row (backoff). */
  failures: number;
  /** No automatic attempt before this (backoff, Retry-After); "Sync now" ignores it. */
  nextAttemptAt: string | null;
}

export const neverSynced: CrmSyncState = Object.freeze({
  endpoint: null,
  lastSync: null,
  cursor: null,
  lastCount: null,
  skipped: 0,
  lastRemoved: 0,
  skippedExample: null,
  lastError: null,
  failures: 0,
  nextAttemptAt: null,
}) as CrmSyncState;

/** Where older versions kept the sync state; moved to the store's meta on first read (private-item.ts). */
export const legacySyncStateKey = 'local:crm.syncState';

export interface CrmSyncDeps {
  /** The lead store, or how to open it (the worker opens it on first use). */
  store: LeadStore | (() => Promise<LeadStore>);
  config(): Promise<CrmConfig>;
  /** The rules in use: their mapping presets and stage order. */
  bundle(): Promise<Bundle>;
  hasPermission(origin: string): Promise<boolean>;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A Retry-After up to this is waited inside the sync (default 10 s). */
  maxInlineWaitMs?: number;
  timeoutMs?: number;
  /** The largest CRM answer read (default MAX_CRM_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  log?: (message: string) => void;
}

export interface CrmSync {
  /** Syncs now (one at a time: a second call joins the first), ignoring the backoff. */
  sync(): Promise<CrmSyncState>;
  /** Syncs when due: the interval passed since the last good sync and no backoff holds it back. */
  syncIfDue(): Promise<CrmSyncState>;
  state(): Promise<CrmSyncState>;
  /** Epoch ms of the next automatic attempt, or null when no sync is configured. */
  nextDue(): Promise<number | null>;
}

export function createCrmSync(deps: CrmSyncDeps): CrmSync {
  const now = deps.now ?? Date.now;
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = deps.log ?? (() => undefined);
  let running: Promise<CrmSyncState> | undefined;

  // Not in storage.local: its error messages and skipped-record example can name people.
  const crmSyncStateItem = privateItem('crmSyncState', legacySyncStateKey, deps.store);
  // A state stored by an older version lacks the newer fields: the defaults fill them.
  const state = async (): Promise<CrmSyncState> => ({ ...neverSynced, ...((await crmSyncStateItem.get()) ?? {}) });

  async function run(): Promise<CrmSyncState> {
    const config = await deps.config();
    const before = await state();
    if (!config.endpoint) {
      if (before.endpoint !== null) await crmSyncStateItem.set(neverSynced);
      return neverSynced;
    }
    // Another endpoint is another CRM: its first sync is a full one, and old errors are not its own.
    const previous = before.endpoint === config.endpoint ? before : { ...neverSynced, endpoint: config.endpoint };
    const startedAt = now();
    try {
      const result = await attempt(config, previous);
      const next: CrmSyncState = {
        endpoint: config.endpoint,
        lastSync: new Date(now()).toISOString(),
        cursor: new Date(startedAt).toISOString(),
        lastCount: result.count,
        skipped: result.skipped,
        lastRemoved: result.removed,
        skippedExample: result.skippedExample,
        lastError: null,
        failures: 0,
        nextAttemptAt: null,
      };
      await crmSyncStateItem.set(next);
      log(`CRM sync: ${result.count} leads merged${result.removed ? `, ${result.removed} deleted in the CRM removed` : ''}${result.skipped ? `, ${result.skipped} records skipped` : ''}`);
      return next;
    } catch (error) {
      const failures = previous.failures + 1;
      const retryAfter = error instanceof CrmHttpError ? error.retryAfterMs : null;
      const next: CrmSyncState = {
        ...previous,
        lastError: {
          message: error instanceof Error ? error.message : String(error),
          at: new Date(now()).toISOString(),
          status: error instanceof CrmHttpError ? error.status : null,
        },
        failures,
        nextAttemptAt: new Date(now() + backoffMs(failures, retryAfter, BASE_BACKOFF_MS, MAX_BACKOFF_MS)).toISOString(),
      };
      await crmSyncStateItem.set(next);
      log(`CRM sync failed (${failures} in a row): ${next.lastError!.message}`);
      return next;
    }
  }

  async function attempt(config: CrmConfig, previous: CrmSyncState): Promise<{ count: number; skipped: number; skippedExample: string | null; removed: number }> {
    const checked = crmOrigin(config.endpoint);
    if (!checked.ok) throw new CrmHttpError(checked.message, null);
    const origin = checked.url.origin;
    if (!(await deps.hasPermission(origin))) throw new CrmHttpError(`Leadpact may not read from ${origin} yet: allow it in the options page`, null);

    const bundle = await deps.bundle();
    const mappingId = config.kind === 'hubspot' ? 'hubspot-contacts' : config.mapping;
    const mapping = bundle.mappings.find((candidate) => candidate.id === mappingId);
    if (!mapping) throw new CrmHttpError(`the rules have no mapping preset ${mappingId}`, null);
    if (mapping.records !== 'leads') throw new CrmHttpError(`the mapping preset ${mappingId} reads events, not leads`, null);
    let program;
    try {
      program = compileMapping(mapping);
    } catch (error) {
      if (error instanceof MappingError) throw new CrmHttpError(`the mapping preset ${mappingId} cannot be used: ${error.message}`, null);
      throw error;
    }

    const http: CrmHttp = { origin, token: config.token, fetch: doFetch, now, sleep, maxInlineWaitMs: deps.maxInlineWaitMs ?? 10_000, timeoutMs: deps.timeoutMs ?? 30_000, maxResponseBytes: deps.maxResponseBytes };
    // Every page first, in memory: nothing is written unless all of them arrived.
    const rows =
      config.kind === 'hubspot'
        ? await fetchHubspotContacts(http, config.endpoint, previous.lastSync ? previous.cursor : null)
        : await fetchRestRecords(http, config.endpoint, config.recordsPath);

    // Contacts deleted in HubSpot: their leads go (read before anything is written, like the rest).
    const deleted = config.kind === 'hubspot' ? await fetchHubspotArchivedIds(http, config.endpoint) : new Set<string>();

    const leads = new Map<string, Lead>();
    let skipped = 0;
    let skippedExample: string | null = null;
    rows.forEach((row, index) => {
      const mapped = program.toLead(row, index + 1);
      const result = mapped.ok ? parseLeadRecord(mapped.lead) : mapped;
      if (result.ok) leads.set(result.lead.id, result.lead);
      else {
        skipped++;
        skippedExample ??= `record ${index + 1}: ${result.error}`;
      }
    });
    for (const id of deleted) leads.delete(id); // archived after its last change: deleted wins
    const store = typeof deps.store === 'function' ? await deps.store() : deps.store;
    // Only ids the store holds: HubSpot keeps 90 days of archived contacts, and rewriting every
    // lead for ids long gone would make each sync a full rebuild.
    const held = deleted.size > 0 ? await store.resolveLeadKeys([...deleted], 'id') : new Map<string, string | undefined>();
    const remove = new Set([...held.values()].filter((id): id is string => id !== undefined));
    let removed = 0;
    if (leads.size > 0 || remove.size > 0) {
      const summary = await store.mergeLeads([...leads.values()], {
        source: 'file',
        name: `CRM sync (${config.kind})`,
        mapping: mappingId,
        stageOrder: bundle.lifecycle.stages.map((stage) => stage.id),
        now: () => new Date(now()),
      }, remove.size > 0 ? remove : undefined);
      removed = summary.removed ?? 0;
    }
    return { count: leads.size, skipped, skippedExample, removed };
  }

  const sync = () => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };

  async function nextDue(): Promise<number | null> {
    const [config, last] = await Promise.all([deps.config(), state()]);
    if (!config.endpoint) return null;
    if (last.endpoint !== config.endpoint) return now();
    const byInterval = last.lastSync ? Date.parse(last.lastSync) + config.intervalMinutes * 60_000 : now();
    const byBackoff = last.nextAttemptAt ? Date.parse(last.nextAttemptAt) : 0;
    return last.failures > 0 ? byBackoff : Math.max(byInterval, byBackoff);
  }

  return {
    sync,
    async syncIfDue() {
      const due = await nextDue();
      return due !== null && due <= now() ? sync() : state();
    },
    state,
    nextDue,
  };
}

/**
 * Wires the sync to the browser: a one-shot alarm at the next due time (re-set after every run),
 * a run on start when due, and a fresh schedule when the settings or the policy change.
 * Listeners are added in the worker's first turn, as MV3 requires.
 */
export function scheduleCrmSync(crm: CrmSync, log: (message: string) => void): () => void {
  const runIfDue = (why: string) => {
    crm
      .syncIfDue()
      .then(() => reschedule(crm))
      .catch((error: unknown) => log(`CRM sync (${why}) failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const onAlarm = (alarm: { name: string }) => {
    if (alarm.name === CRM_SYNC_ALARM) runIfDue('alarm');
  };
  const stops: Array<() => void> = [];
  try {
    browser.alarms.onAlarm.addListener(onAlarm);
    stops.push(() => browser.alarms.onAlarm.removeListener(onAlarm));
  } catch (error) {
    log(`the CRM sync alarm cannot be set: ${error instanceof Error ? error.message : String(error)}`);
  }
  stops.push(watchCrmSettings(() => runIfDue('settings changed')));
  stops.push(watchPolicy(() => runIfDue('policy changed')));
  runIfDue('start');
  return () => {
    for (const stop of stops) stop();
  };
}

/** "Sync now" from the options page: sync, then set the alarm for the next one. */
export async function syncNowAndReschedule(crm: CrmSync): Promise<CrmSyncState> {
  const result = await crm.sync();
  await reschedule(crm);
  return result;
}

/** Sets the alarm for the next automatic sync (cleared when none is configured). */
async function reschedule(crm: CrmSync): Promise<void> {
  await setAlarmAt(CRM_SYNC_ALARM, await crm.nextDue());
}
