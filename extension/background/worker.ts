// Wires the background to the browser: the message router (sender checks, zod parsing), the
// install hook that seeds the sample leads, and the lead store. Listeners are registered
// synchronously when the worker starts (MV3 only delivers events to listeners added in the first
// turn); the database opens lazily, on the first event that needs it.
import { browser } from 'wxt/browser';
import type { Bundle } from '../engine/generated/rules';
import { onMessage, type Route } from '../lib/messaging';
import type { MessageKind, Request, Response } from '../lib/protocol';
import { keptUntilChanged } from '../lib/kept';
import { getCrmConfig, getRemoteRulesConfig, getSettings, getWebhookSettings, watchSettings } from '../lib/settings';
import { createCrmSync, scheduleCrmSync, syncNowAndReschedule, type CrmSync } from './crm-sync';
import { createRouter, type Handlers, type MessageContext } from './handlers';
import { createRemoteRules, type RemoteRules } from './remote-rules';
import { scheduleRemoteRules } from './remote-rules-schedule';
import { createRulesProvider, type RulesProvider } from './rules';
import { sampleLeadsPath } from './samples';
import { createBackground, type Background } from './service';
import { siteOfOrigin } from './sites';
import { LeadStore } from './store';
import { createWebhook, scheduleWebhook } from './webhook';

export interface WorkerOptions {
  embeddedBundle: Bundle;
  /** The IndexedDB database name (tests use a fresh one each). */
  databaseName?: string;
  rules?: RulesProvider;
  now?: () => number;
  loadSamples?: () => Promise<string>;
  log?: (message: string) => void;
  /** Remote rules: `false` leaves them off (tests of other parts); otherwise overrides for fetch and permission checks. */
  remoteRules?: false | { fetch?: typeof fetch; hasPermission?: (origin: string) => Promise<boolean> };
  /** CRM sync and feedback webhook: `false` leaves them off; otherwise overrides for fetch and permission checks. */
  crmSync?: false | { fetch?: typeof fetch; hasPermission?: (origin: string) => Promise<boolean> };
  webhook?: false | { fetch?: typeof fetch; hasPermission?: (origin: string) => Promise<boolean> };
}

export interface Worker {
  route: Route;
  /** Resolves once the store is open and any pending seeding finished (tests and shutdown). */
  ready(): Promise<Background>;
  stop(): Promise<void>;
}

export function startWorker(options: WorkerOptions): Worker {
  const rules = options.rules ?? createRulesProvider(options.embeddedBundle);
  // Every message checks its site's switch (settings and policy): read once, kept until either changes.
  const settings = keptUntilChanged(getSettings, watchSettings);
  const remote: RemoteRules | undefined =
    options.remoteRules === false
      ? undefined
      : createRemoteRules({
          rules,
          config: getRemoteRulesConfig,
          hasPermission: options.remoteRules?.hasPermission ?? hasHostPermission,
          ...(options.remoteRules?.fetch ? { fetch: options.remoteRules.fetch } : {}),
          ...(options.now ? { now: options.now } : {}),
          ...(options.log ? { log: options.log } : {}),
        });
  let opened: Promise<{ store: LeadStore; background: Background }> | undefined;
  // The sync and the webhook write after any pending seeding, like the message handlers.
  const openStore = async () => {
    const { store, background } = await open();
    await background.seed();
    return store;
  };
  const crmSync: CrmSync | undefined =
    options.crmSync === false
      ? undefined
      : createCrmSync({
          store: openStore,
          config: getCrmConfig,
          bundle: async () => (await rules.active()).bundle,
          hasPermission: options.crmSync?.hasPermission ?? hasHostPermission,
          ...(options.crmSync?.fetch ? { fetch: options.crmSync.fetch } : {}),
          ...(options.now ? { now: options.now } : {}),
          ...(options.log ? { log: options.log } : {}),
        });
  const webhook =
    options.webhook === false
      ? undefined
      : createWebhook({
          store: openStore,
          settings: getWebhookSettings,
          hasPermission: options.webhook?.hasPermission ?? hasHostPermission,
          ...(options.webhook?.fetch ? { fetch: options.webhook.fetch } : {}),
          ...(options.now ? { now: options.now } : {}),
          ...(options.log ? { log: options.log } : {}),
        });
  let kickWebhook = () => undefined as void;
  let current: LeadStore | undefined;
  const open = () => {
    // The connection closed under us (another context upgraded the schema: versionchange, or the
    // browser closed it): open again, with a fresh background (its caches belong to the old one).
    if (current && !current.isOpen) {
      opened = undefined;
      current = undefined;
    }
    return (opened ??= LeadStore.open(options.databaseName).then((store) => ({
      store: (current = store),
      background: createBackground({
        store,
        rules,
        now: options.now ?? Date.now,
        settings: settings.get,
        loadSamples: options.loadSamples ?? fetchSampleLeads,
        ...(options.log ? { log: options.log } : {}),
        ...(remote ? { remoteRules: remote } : {}),
        ...(crmSync ? { crmSync: { state: crmSync.state, sync: () => syncNowAndReschedule(crmSync) } } : {}),
        onDecision: () => kickWebhook(),
      }),
    })).catch((error: unknown) => {
      opened = undefined; // the next event tries again rather than failing for the worker's lifetime
      throw error;
    }));
  };

  // The background's handlers, opened on first use; the router checks the sender and parses the
  // payload before any of them runs.
  const later = <K extends MessageKind>(kind: K): Handlers[K] => {
    const handler = async (request: Request<K>, context: MessageContext): Promise<Response<K>> => {
      const { background } = await open();
      // A lookup racing the first seeding waits for it, so the first badges are not all "unknown".
      await background.seed();
      const handle = background.handlers[kind] as unknown as (request: Request<K>, context: MessageContext) => Promise<Response<K>>;
      return handle(request, context);
    };
    return handler as unknown as Handlers[K];
  };
  const lazyHandlers: Handlers = {
    lookup: later('lookup'),
    decide: later('decide'),
    miss: later('miss'),
    status: later('status'),
    leadsChanged: later('leadsChanged'),
    checkRules: later('checkRules'),
    syncCrm: later('syncCrm'),
  };
  const extensionUrl = new URL(extensionFileUrl('/'));
  const route = createRouter(lazyHandlers, {
    extensionId: browser.runtime.id,
    extensionOrigin: `${extensionUrl.protocol}//${extensionUrl.host}`,
    siteOfOrigin,
    isSiteEnabled: async (site) => (await settings.get()).sites[site],
    ...(options.log ? { log: options.log } : {}),
  });
  const stopMessages = onMessage(route);

  const log = options.log ?? ((message: string) => console.warn(`[leadpact] ${message}`));
  const seedNow = () => {
    open()
      .then(({ background }) => background.seed())
      .catch((error: unknown) => log(`the lead store cannot be opened: ${error instanceof Error ? error.message : String(error)}`));
  };
  const onInstalled = () => seedNow();
  browser.runtime.onInstalled.addListener(onInstalled);
  // Also on every start: an install whose seeding was cut short (the worker stopped) finishes now.
  seedNow();
  const stopRemoteRules = remote ? scheduleRemoteRules(remote, log) : () => undefined;
  const stopCrmSync = crmSync ? scheduleCrmSync(crmSync, log) : () => undefined;
  const webhookSchedule = webhook ? scheduleWebhook(webhook, log) : undefined;
  if (webhookSchedule) kickWebhook = webhookSchedule.kick;

  return {
    route,
    async ready() {
      const { background } = await open();
      await background.seed();
      return background;
    },
    async stop() {
      stopMessages();
      stopRemoteRules();
      stopCrmSync();
      webhookSchedule?.stop();
      settings.close();
      browser.runtime.onInstalled.removeListener(onInstalled);
      if (opened) (await opened).store.close();
    },
  };
}

/** Whether the rep granted the optional host permission for the rules URL's origin. */
async function hasHostPermission(origin: string): Promise<boolean> {
  return browser.permissions.contains({ origins: [`${origin}/*`] });
}

async function fetchSampleLeads(): Promise<string> {
  const response = await fetch(extensionFileUrl(sampleLeadsPath));
  if (!response.ok) throw new Error(`${sampleLeadsPath}: HTTP ${response.status}`);
  return response.text();
}

/** runtime.getURL, untyped: WXT types its argument from files it generates into .wxt/, which the build adds to. */
function extensionFileUrl(path: string): string {
  return (browser.runtime as unknown as { getURL(path: string): string }).getURL(path);
}
