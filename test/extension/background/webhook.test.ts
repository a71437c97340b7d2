import { fakeBrowser } from './fake-env';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { FeedbackRecord } from '../../../extension/background/db';
import { LeadStore } from '../../../extension/background/store';
import { createWebhook, legacyOutboxKey, WEBHOOK_BASE_BACKOFF_MS, type Webhook } from '../../../extension/background/webhook';
import { getWebhookSettings, saveWebhookUrl } from '../../../extension/lib/settings';
import { ada, freshDatabaseName, NOW_MS } from './support';

interface Received {
  body: { kind: string; version: number; seq: number; record: FeedbackRecord };
  idempotencyKey: string | undefined;
}

let server: Server;
let base: string;
let respond: (res: ServerResponse) => void;
let received: Received[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      respond(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const status = (code: number, headers: Record<string, string> = {}) => (res: ServerResponse) => {
  res.writeHead(code, headers);
  res.end();
};

let store: LeadStore;
let clock: number;
let databaseName: string;

function webhook(): Webhook {
  return createWebhook({ store, settings: getWebhookSettings, hasPermission: async () => true, now: () => clock });
}

function decision(leadId: string, decisionKind: 'accept' | 'reject', atMs: number): FeedbackRecord {
  return {
    leadId,
    decision: decisionKind,
    reason: decisionKind === 'reject' ? 'no-budget' : null,
    who: 'carmen',
    at: new Date(atMs).toISOString(),
    rulesVersion: '1.0.0',
    rulesHash: 'sha256-test',
    shown: { score: 70, grade: 'B', stage: 'mql', stageEnteredAt: null, persona: null },
    stageRecorded: null,
  };
}

beforeEach(async () => {
  fakeBrowser.reset();
  databaseName = freshDatabaseName();
  store = await LeadStore.open(databaseName);
  await store.mergeLeads([ada()], { source: 'file', name: 'test.jsonl' });
  clock = NOW_MS;
  received = [];
  respond = status(204);
});
afterEach(() => store.close());

describe('feedback webhook', () => {
  test('records made after the URL was set are POSTed as JSON, in order, once, and marked delivered', async () => {
    await store.recordDecision(decision('lead-ada', 'accept', NOW_MS - 60_000)); // before the webhook: not sent
    await saveWebhookUrl(`${base}/hook`, () => clock);
    await store.recordDecision(decision('lead-ada', 'reject', NOW_MS + 1_000));
    await store.recordDecision(decision('lead-ada', 'accept', NOW_MS + 2_000));
    clock += 3_000;
    const outbox = await webhook().flush();
    expect(received.map((r) => [r.body.kind, r.body.record.decision, r.body.record.reason])).toEqual([
      ['leadpact.feedback', 'reject', 'no-budget'],
      ['leadpact.feedback', 'accept', null],
    ]);
    expect(received.map((r) => r.idempotencyKey)).toEqual([`leadpact-feedback-${received[0]!.body.seq}`, `leadpact-feedback-${received[1]!.body.seq}`]);
    expect(outbox.entries.every((entry) => entry.deliveredAt === new Date(clock).toISOString())).toBe(true);
    await webhook().flush();
    expect(received).toHaveLength(2);
  });

  test('a failing server is retried with backoff until it accepts; later records wait behind the first', async () => {
    await saveWebhookUrl(`${base}/hook`, () => clock);
    await store.recordDecision(decision('lead-ada', 'accept', clock));
    await store.recordDecision(decision('lead-ada', 'reject', clock));
    const hook = webhook();
    respond = status(500);
    let outbox = await hook.flush();
    expect(received).toHaveLength(1);
    expect(outbox.entries[0]).toMatchObject({ attempts: 1, lastError: 'HTTP 500', deliveredAt: null, nextAttemptAt: clock + WEBHOOK_BASE_BACKOFF_MS });
    expect(await hook.nextDue()).toBe(clock + WEBHOOK_BASE_BACKOFF_MS);
    await hook.flush(); // too early: nothing sent
    expect(received).toHaveLength(1);
    clock += WEBHOOK_BASE_BACKOFF_MS;
    outbox = await hook.flush();
    expect(received).toHaveLength(2);
    expect(outbox.entries[0]).toMatchObject({ attempts: 2, nextAttemptAt: clock + 2 * WEBHOOK_BASE_BACKOFF_MS });
    clock += 2 * WEBHOOK_BASE_BACKOFF_MS;
    respond = status(429, { 'retry-after': '600' });
    outbox = await hook.flush();
    expect(outbox.entries[0]).toMatchObject({ attempts: 3, nextAttemptAt: clock + 600_000 });
    clock += 600_000;
    respond = status(200);
    outbox = await hook.flush();
    expect(outbox.entries.map((entry) => entry.deliveredAt !== null)).toEqual([true, true]);
    expect(received.slice(-2).map((r) => r.body.record.decision)).toEqual(['accept', 'reject']);
    expect(await hook.nextDue()).toBeNull();
  });

  test('nothing is lost offline or across a worker restart', async () => {
    await saveWebhookUrl(`${base}/hook`, () => clock);
    await store.recordDecision(decision('lead-ada', 'reject', clock));
    // Offline: the receiver is unreachable (a closed port on this machine).
    const offline = createWebhook({ store, settings: async () => ({ url: 'http://127.0.0.1:9/hook', since: new Date(NOW_MS).toISOString() }), hasPermission: async () => true, now: () => clock });
    const stuck = await offline.flush();
    expect(stuck.entries[0]).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(stuck.entries[0]!.lastError).toMatch(/cannot be reached/);

    // The worker stops: memory is gone; the database and storage.local stay.
    store.close();
    store = await LeadStore.open(databaseName);
    await store.recordDecision(decision('lead-ada', 'accept', clock + 1));
    expect((await store.meta('webhookOutbox'))?.entries).toHaveLength(1);
    // The outbox holds copies of decisions: none of it where content scripts can read.
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual(['settings.webhook']);
    clock += WEBHOOK_BASE_BACKOFF_MS;

    const restarted = webhook(); // back online, at the configured URL
    const outbox = await restarted.flush();
    expect(received.map((r) => r.body.record.decision)).toEqual(['reject', 'accept']);
    expect(outbox.entries.every((entry) => entry.deliveredAt !== null)).toBe(true);
  });

  test('without the permission nothing is sent, the records wait, and no retry is scheduled until something changes', async () => {
    await saveWebhookUrl(`${base}/hook`, () => clock);
    await store.recordDecision(decision('lead-ada', 'reject', clock));
    let granted = false;
    const hook = createWebhook({ store, settings: getWebhookSettings, hasPermission: async () => granted, now: () => clock });
    const outbox = await hook.flush();
    expect(received).toEqual([]);
    expect(outbox.entries.map((entry) => entry.deliveredAt)).toEqual([null]);
    expect(await hook.nextDue()).toBeNull();
    granted = true;
    await hook.flush();
    expect(received).toHaveLength(1);
    expect(await hook.nextDue()).toBeNull();
  });

  test('no URL: nothing is sent or queued', async () => {
    await store.recordDecision(decision('lead-ada', 'accept', clock));
    const outbox = await webhook().flush();
    expect(outbox.entries).toEqual([]);
    expect(received).toEqual([]);
  });

  test('an outbox an older version left in storage.local moves to the store, and its waiting record is still sent', async () => {
    await saveWebhookUrl(`${base}/hook`, () => clock);
    const url = (await getWebhookSettings()).url;
    await store.recordDecision(decision('lead-ada', 'reject', clock));
    const [record] = await store.feedback();
    const legacy = { url, enqueuedThrough: record!.seq!, entries: [{ seq: record!.seq!, record: record!, attempts: 1, nextAttemptAt: null, lastError: 'HTTP 503', deliveredAt: null }] };
    await fakeBrowser.storage.local.set({ [legacyOutboxKey.slice('local:'.length)]: legacy });
    const outbox = await webhook().flush();
    expect(received.map((r) => r.body.seq)).toEqual([record!.seq]); // once: not taken in a second time
    expect(outbox.entries[0]).toMatchObject({ attempts: 2, lastError: null });
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual(['settings.webhook']);
  });

  test('"clear data" deletes the outbox\'s copies of the decisions with the decisions', async () => {
    await saveWebhookUrl('http://127.0.0.1:9/hook', () => clock); // unreachable: the record waits
    await store.recordDecision(decision('lead-ada', 'reject', clock));
    expect((await webhook().flush()).entries).toHaveLength(1);
    await store.clearAll();
    expect(await store.meta('webhookOutbox')).toBeNull();
    expect((await webhook().outbox()).entries).toEqual([]);
  });
});
