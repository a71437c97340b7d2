// The rep's settings, kept in storage.local so every context (service worker, content scripts,
// popup, options) reads the same values and a stopped worker loses nothing. Stored values are
// external data (an older build, a hand edit): they are parsed leniently and anything unreadable
// falls back to the default instead of breaking the extension.
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { openDatabase, type Database } from '../background/db';
import { applyRemoteRulesPolicy, cleanKeys, getPolicy, lockedSites, stripUndefined, watchPolicy, type ManagedPolicy, type RemoteRulesConfig } from './policy';

// zod v4 compiles a fast path with the Function constructor unless told not to; MV3 pages forbid that.
z.config({ jitless: true });

export const siteIds = ['gmail', 'outlook', 'linkedin'] as const;
export type SiteId = (typeof siteIds)[number];

export interface Settings {
  /** Per-site switches: the content script of a switched-off site draws nothing. */
  sites: Record<SiteId, boolean>;
  /** Who records accepts and rejects; empty means "me". Also picks "my" leads for the SLA queue. */
  repName: string;
}

export const defaultSettings: Settings = Object.freeze({
  sites: Object.freeze({ gmail: true, outlook: true, linkedin: true }),
  repName: '',
}) as Settings;

const StoredSettings = z.object({
  sites: z
    .object({
      gmail: z.boolean().catch(true),
      outlook: z.boolean().catch(true),
      linkedin: z.boolean().catch(true),
    })
    .partial()
    .catch({}),
  repName: z.string().max(200).catch(''),
}).partial();

const settingsItem = storage.defineItem<unknown>('local:settings');

/** Reads whatever is stored into complete settings; unknown or broken values become defaults. */
export function readSettings(stored: unknown): Settings {
  const parsed = StoredSettings.safeParse(stored ?? {});
  const value = parsed.success ? parsed.data : {};
  return {
    sites: { ...defaultSettings.sites, ...stripUndefined(value.sites ?? {}) },
    repName: value.repName ?? defaultSettings.repName,
  };
}

/** The rep's settings with the enterprise policy applied (a site switch set by policy wins). */
export async function getSettings(): Promise<Settings> {
  const [stored, policy] = await Promise.all([settingsItem.getValue(), getPolicy()]);
  const settings = readSettings(stored);
  return { ...settings, sites: { ...settings.sites, ...lockedSites(policy) } };
}

/** Calls `onChange` when the rep's settings or the policy change; returns the unwatch function. */
export function watchSettings(onChange: () => void): () => void {
  const unwatchPolicy = watchPolicy(onChange);
  const unwatchSettings = settingsItem.watch(() => onChange());
  return () => {
    unwatchPolicy();
    unwatchSettings();
  };
}

/** Merges a change into the stored settings (site switches merge per site). */
export async function saveSettings(change: { sites?: Partial<Record<SiteId, boolean>>; repName?: string }): Promise<Settings> {
  // The rep's own values are stored; a switch the policy sets stays as the policy says (getSettings).
  const current = readSettings(await settingsItem.getValue());
  const next: Settings = {
    sites: { ...current.sites, ...stripUndefined(change.sites ?? {}) },
    repName: change.repName === undefined ? current.repName : change.repName.trim().slice(0, 200),
  };
  await settingsItem.setValue(next);
  return getSettings();
}

/** Remote rules as the rep set them in the options page (the policy may override them: getRemoteRulesConfig). */
export interface RemoteRulesSettings {
  url: string;
  publicKeys: string[];
}

const StoredRemoteRules = z.object({
  url: z.string().max(2048).catch(''),
  publicKeys: z.array(z.string().max(200)).max(8).catch([]),
}).partial();

const remoteRulesItem = storage.defineItem<unknown>('local:settings.remoteRules');

export function readRemoteRulesSettings(stored: unknown): RemoteRulesSettings {
  const parsed = StoredRemoteRules.safeParse(stored ?? {});
  const value = parsed.success ? parsed.data : {};
  return { url: (value.url ?? '').trim(), publicKeys: cleanKeys(value.publicKeys ?? []) };
}

/** The remote rules URL and keys in force: the rep's, with anything the policy sets on top (and locked). */
export async function getRemoteRulesConfig(): Promise<RemoteRulesConfig> {
  const [stored, policy] = await Promise.all([remoteRulesItem.getValue(), getPolicy()]);
  return applyRemoteRulesPolicy(readRemoteRulesSettings(stored), policy);
}

/** Saves the rep's remote-rules settings; fields the policy locks keep their stored value. */
export async function saveRemoteRulesSettings(change: Partial<RemoteRulesSettings>): Promise<RemoteRulesConfig> {
  const current = readRemoteRulesSettings(await remoteRulesItem.getValue());
  const { locked } = await getRemoteRulesConfig();
  const next: RemoteRulesSettings = {
    url: change.url === undefined || locked.url ? current.url : change.url.trim().slice(0, 2048),
    publicKeys: change.publicKeys === undefined || locked.publicKeys ? current.publicKeys : cleanKeys(change.publicKeys).slice(0, 8),
  };
  await remoteRulesItem.setValue(next);
  return getRemoteRulesConfig();
}

/** Calls `onChange` when the rep's remote-rules settings change; returns the unwatch function. */
export function watchRemoteRulesSettings(onChange: () => void): () => void {
  return remoteRulesItem.watch(() => onChange());
}

/** The name recorded with a decision. */
export function repNameOrMe(settings: Settings): string {
  return settings.repName.trim() || 'me';
}

/** CRM sync (crm-sync.ts) as the rep set it; the policy's `crmEndpoint` sets and locks the endpoint. */
export interface CrmSettings {
  kind: 'hubspot' | 'rest';
  /** HubSpot: the API base (https://api.hubapi.com); REST: the URL that lists the records. Empty: no sync. */
  endpoint: string;
  /**
   * The CRM's access token, sent only to the endpoint's origin. Kept in the extension's own
   * IndexedDB (crmTokenVault), not storage.local, which content scripts can read.
   */
  token: string;
  /** REST: the mapping preset id (rules/mappings) that reads each record. HubSpot: hubspot-contacts. */
  mapping: string;
  /** REST: the dotted path to the records in the answer (empty: the answer is the list). */
  recordsPath: string;
  intervalMinutes: number;
}

export interface CrmConfig extends CrmSettings {
  locked: { endpoint: boolean };
}

export const defaultCrmSettings: CrmSettings = Object.freeze({ kind: 'hubspot', endpoint: '', token: '', mapping: 'hubspot-contacts', recordsPath: '', intervalMinutes: 30 }) as CrmSettings;

const StoredCrm = z.object({
  kind: z.enum(['hubspot', 'rest']).catch('hubspot'),
  endpoint: z.string().max(2048).catch(''),
  token: z.string().max(4096).catch(''),
  mapping: z.string().max(100).catch('hubspot-contacts'),
  recordsPath: z.string().max(200).catch(''),
  intervalMinutes: z.number().int().min(5).max(24 * 60).catch(30),
}).partial();

const crmItem = storage.defineItem<unknown>('local:settings.crm');

/**
 * Where the CRM token is kept: the meta store of the lead database, in the extension's origin.
 * Content scripts run in the page's renderer process and can read storage.local; they cannot open
 * the extension's IndexedDB. Each call opens and closes its own connection (a read per sync, a
 * write per save).
 */
export const crmTokenVault = {
  async get(): Promise<string> {
    return withMeta(async (db) => {
      const token = await db.get('meta', 'crmToken');
      return typeof token === 'string' ? token : '';
    });
  },
  async set(token: string): Promise<void> {
    await withMeta((db) => db.put('meta', token, 'crmToken'));
  },
};

async function withMeta<T>(use: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

export function readCrmSettings(stored: unknown): CrmSettings {
  const parsed = StoredCrm.safeParse(stored ?? {});
  const value = parsed.success ? stripUndefined(parsed.data) : {};
  return { ...defaultCrmSettings, ...value, endpoint: (value.endpoint ?? '').trim() };
}

/**
 * The stored CRM settings with the token from the vault, and the token's change counter. A token an
 * older version left in storage.local moves to the vault first (written there before it leaves
 * storage.local).
 */
async function storedCrmSettings(): Promise<{ settings: CrmSettings; tokenRevision: number }> {
  const stored = await crmItem.getValue();
  const settings = readCrmSettings(stored);
  const vaulted = await crmTokenVault.get();
  if (!settings.token) return { settings: { ...settings, token: vaulted }, tokenRevision: tokenRevisionOf(stored) };
  if (!vaulted) await crmTokenVault.set(settings.token);
  await crmItem.setValue(localCrmValue(settings, 0));
  return { settings: { ...settings, token: vaulted || settings.token }, tokenRevision: 0 };
}

/**
 * What storage.local keeps: everything but the token, and a counter that changes with the token
 * so watchCrmSettings still reports a token change.
 */
function localCrmValue(settings: CrmSettings, tokenRevision: number): Record<string, unknown> {
  const { token: _token, ...rest } = settings;
  return { ...rest, tokenRevision };
}

function tokenRevisionOf(stored: unknown): number {
  const revision = (stored as { tokenRevision?: unknown } | null | undefined)?.tokenRevision;
  return typeof revision === 'number' && Number.isSafeInteger(revision) ? revision : 0;
}

/** The settings with the policy applied: the policy's endpoint wins and is locked. */
function crmInForce(settings: CrmSettings, policy: ManagedPolicy): CrmConfig {
  const locked = policy.crmEndpoint !== undefined;
  return { ...settings, endpoint: locked ? policy.crmEndpoint! : settings.endpoint, locked: { endpoint: locked } };
}

/** The CRM settings in force. */
export async function getCrmConfig(): Promise<CrmConfig> {
  const [{ settings }, policy] = await Promise.all([storedCrmSettings(), getPolicy()]);
  return crmInForce(settings, policy);
}

/** Saves the rep's CRM settings; a policy-locked endpoint keeps its stored value. */
export async function saveCrmSettings(change: Partial<CrmSettings>): Promise<CrmConfig> {
  const [{ settings: current, tokenRevision }, policy] = await Promise.all([storedCrmSettings(), getPolicy()]);
  const locked = policy.crmEndpoint !== undefined;
  const next = readCrmSettings({ ...current, ...stripUndefined(change), endpoint: locked || change.endpoint === undefined ? current.endpoint : change.endpoint });
  const tokenChanged = next.token !== current.token;
  if (tokenChanged) await crmTokenVault.set(next.token);
  await crmItem.setValue(localCrmValue(next, tokenChanged ? tokenRevision + 1 : tokenRevision));
  return crmInForce(next, policy);
}

export function watchCrmSettings(onChange: () => void): () => void {
  return crmItem.watch(() => onChange());
}

/** The feedback webhook (webhook.ts): accept/reject records made since `since` are POSTed to `url`. Empty url: off. */
export interface WebhookSettings {
  url: string;
  /** When the URL was set (ISO): records made before it are not sent. */
  since: string | null;
}

const webhookItem = storage.defineItem<unknown>('local:settings.webhook');

export function readWebhookSettings(stored: unknown): WebhookSettings {
  const parsed = z.object({ url: z.string().max(2048).catch(''), since: z.string().max(40).nullable().catch(null) }).partial().safeParse(stored ?? {});
  const value = parsed.success ? parsed.data : {};
  return { url: (value.url ?? '').trim(), since: value.since ?? null };
}

export async function getWebhookSettings(): Promise<WebhookSettings> {
  return readWebhookSettings(await webhookItem.getValue());
}

/** Sets the webhook URL; a new URL starts from now (older decisions are not sent to it). */
export async function saveWebhookUrl(url: string, now: () => number = Date.now): Promise<WebhookSettings> {
  const current = await getWebhookSettings();
  const next = url.trim().slice(0, 2048);
  if (next !== current.url) await webhookItem.setValue({ url: next, since: next ? new Date(now()).toISOString() : null });
  return getWebhookSettings();
}

export function watchWebhookSettings(onChange: () => void): () => void {
  return webhookItem.watch(() => onChange());
}
