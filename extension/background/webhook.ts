// The feedback webhook ("Closing the loop"): every accept or reject the rep records after a
// webhook URL was set is POSTed there as JSON. The store's feedback records are the source: an
// outbox in storage.local remembers the last record taken in (`enqueuedThrough`) and each record
// waiting or delivered, so nothing is lost offline or when MV3 stops the worker. Records are sent
// in order, one at a time; a failure stops the round and backs off exponentially (Retry-After on
// a 429 or 503 wins); the `idempotency-key` header lets the receiver drop a repeat after a
// delivery whose answer was lost. Delivered records are marked and the last few kept for display.
import { browser } from 'wxt/browser';
import { watchWebhookSettings, type WebhookSettings } from '../lib/settings';
import { setAlarmAt } from './alarms';
import { backoffMs, crmOrigin, retryAfterMs } from './crm-http';
import type { FeedbackRecord } from './db';
import { privateItem } from './private-item';
import type { LeadStore } from './store';

export const WEBHOOK_ALARM = 'leadpact-webhook';
export const WEBHOOK_BASE_BACKOFF_MS = 30_000;
export const WEBHOOK_MAX_BACKOFF_MS = 60 * 60_000;
/** Delivered entries kept (marked) for the options page; older ones are dropped. */
const keptDelivered = 50;

export interface OutboxEntry {
  seq: number;
  record: FeedbackRecord;
  attempts: number;
  /** Epoch ms before which the entry is not tried again (backoff). */
  nextAttemptAt: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface Outbox {
  /** The webhook URL the entries are for (another URL starts a new outbox). */
  url: string | null;
  /** The highest feedback seq taken into the outbox. */
  enqueuedThrough: number;
  entries: OutboxEntry[];
}

const emptyOutbox: Outbox = Object.freeze({ url: null, enqueuedThrough: 0, entries: [] }) as unknown as Outbox;

/** Where older versions kept the outbox; moved to the store's meta on first read. */
export const legacyOutboxKey = 'local:webhook.outbox';

export interface WebhookDeps {
  /** The lead store, or how to open it (the worker opens it on first use). */
  store: LeadStore | (() => Promise<LeadStore>);
  settings(): Promise<WebhookSettings>;
  hasPermission(origin: string): Promise<boolean>;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  log?: (message: string) => void;
}

export interface Webhook {
  /** Takes new feedback into the outbox and sends what is due (one round at a time). */
  flush(options?: { force?: boolean }): Promise<Outbox>;
  outbox(): Promise<Outbox>;
  /** Epoch ms of the next retry, or null when nothing waits (or nothing can be sent until the settings change). */
  nextDue(): Promise<number | null>;
}

export function createWebhook(deps: WebhookDeps): Webhook {
  const now = deps.now ?? Date.now;
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const log = deps.log ?? (() => undefined);
  let running: Promise<Outbox> | undefined;
  /** The last round could not send at all (bad URL, no permission): wait for a settings change. */
  let blocked = false;

  const outboxItem = privateItem('webhookOutbox', legacyOutboxKey, deps.store);
  const read = async () => (await outboxItem.get()) ?? emptyOutbox;

  async function collect(settings: WebhookSettings): Promise<Outbox> {
    let outbox = await read();
    if (outbox.url !== settings.url) outbox = { url: settings.url, enqueuedThrough: 0, entries: [] };
    const since = settings.since ? Date.parse(settings.since) : Number.NEGATIVE_INFINITY;
    const store = typeof deps.store === 'function' ? await deps.store() : deps.store;
    const fresh = await store.feedbackAfter(outbox.enqueuedThrough); // not the whole history on every decision
    if (fresh.length === 0) return outbox;
    const entries = [...outbox.entries];
    let through = outbox.enqueuedThrough;
    for (const record of fresh) {
      const seq = record.seq ?? 0;
      through = Math.max(through, seq);
      if (Date.parse(record.at) >= since) entries.push({ seq, record, attempts: 0, nextAttemptAt: null, lastError: null, deliveredAt: null });
    }
    const next = { ...outbox, enqueuedThrough: through, entries };
    await outboxItem.set(next); // taken in before any sending: a stop from here on loses nothing
    return next;
  }

  async function send(url: string, entry: OutboxEntry): Promise<{ ok: true } | { ok: false; message: string; retryAfter: number | null }> {
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `leadpact-feedback-${entry.seq}` },
        body: JSON.stringify({ kind: 'leadpact.feedback', version: 1, seq: entry.seq, record: entry.record }),
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
        signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000),
      });
      void response.body?.cancel().catch(() => undefined);
      if (response.ok) return { ok: true };
      return { ok: false, message: `HTTP ${response.status}`, retryAfter: response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after'), now()) : null };
    } catch (error) {
      return { ok: false, message: `cannot be reached (${error instanceof Error ? error.message : String(error)})`, retryAfter: null };
    }
  }

  async function run(force: boolean): Promise<Outbox> {
    const settings = await deps.settings();
    if (!settings.url) return read();
    let outbox = await collect(settings);
    const checked = crmOrigin(settings.url, 'the webhook URL');
    blocked = true;
    if (!checked.ok) {
      log(`feedback webhook: ${checked.message}`);
      return outbox;
    }
    if (!(await deps.hasPermission(checked.url.origin))) {
      log(`feedback webhook: Leadpact may not send to ${checked.url.origin} yet`);
      return outbox;
    }
    blocked = false;
    for (;;) {
      const index = outbox.entries.findIndex((entry) => entry.deliveredAt === null);
      if (index < 0) break;
      const entry = outbox.entries[index]!;
      if (!force && entry.nextAttemptAt !== null && entry.nextAttemptAt > now()) break;
      const result = await send(settings.url, entry);
      const attempts = entry.attempts + 1;
      const updated: OutboxEntry = result.ok
        ? { ...entry, attempts, nextAttemptAt: null, lastError: null, deliveredAt: new Date(now()).toISOString() }
        : {
            ...entry,
            attempts,
            lastError: result.message,
            nextAttemptAt: now() + backoffMs(attempts, result.retryAfter, WEBHOOK_BASE_BACKOFF_MS, WEBHOOK_MAX_BACKOFF_MS),
          };
      const entries = [...outbox.entries];
      entries[index] = updated;
      outbox = { ...outbox, entries: prune(entries) };
      await outboxItem.set(outbox);
      if (!result.ok) {
        log(`feedback webhook: record ${entry.seq} not delivered (${result.message}), attempt ${attempts}`);
        break; // in order: the rest wait for this one
      }
      force = false; // a forced round retries the head once, then goes by the schedule
    }
    return outbox;
  }

  return {
    flush(options = {}) {
      running ??= run(options.force ?? false).finally(() => {
        running = undefined;
      });
      return running;
    },
    outbox: read,
    async nextDue() {
      const [settings, outbox] = await Promise.all([deps.settings(), read()]);
      if (blocked || !settings.url || settings.url !== outbox.url) return null;
      // Entries go in order: the first undelivered one decides when the next round is due.
      const head = outbox.entries.find((entry) => entry.deliveredAt === null);
      return head ? (head.nextAttemptAt ?? now()) : null;
    },
  };
}

function prune(entries: OutboxEntry[]): OutboxEntry[] {
  const delivered = entries.filter((entry) => entry.deliveredAt !== null);
  if (delivered.length <= keptDelivered) return entries;
  const drop = new Set(delivered.slice(0, delivered.length - keptDelivered).map((entry) => entry.seq));
  return entries.filter((entry) => !drop.has(entry.seq));
}

/** Flushes on start, on an alarm at the next retry, when the URL changes, and on `kick` (a new decision). */
export function scheduleWebhook(webhook: Webhook, log: (message: string) => void): { kick(): void; stop(): void } {
  const round = (why: string) => {
    webhook
      .flush()
      .then(async () => setAlarmAt(WEBHOOK_ALARM, await webhook.nextDue()))
      .catch((error: unknown) => log(`feedback webhook (${why}) failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const onAlarm = (alarm: { name: string }) => {
    if (alarm.name === WEBHOOK_ALARM) round('alarm');
  };
  const stops: Array<() => void> = [];
  try {
    browser.alarms.onAlarm.addListener(onAlarm);
    stops.push(() => browser.alarms.onAlarm.removeListener(onAlarm));
  } catch (error) {
    log(`the webhook alarm cannot be set: ${error instanceof Error ? error.message : String(error)}`);
  }
  stops.push(watchWebhookSettings(() => round('settings changed')));
  round('start');
  return {
    kick: () => round('decision'),
    stop() {
      for (const stop of stops) stop();
    },
  };
}
