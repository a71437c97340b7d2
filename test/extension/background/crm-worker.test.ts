import { fakeBrowser } from './fake-env';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Bundle } from '../../../extension/engine/generated/rules';
import { CRM_SYNC_ALARM } from '../../../extension/background/crm-sync';
import { createRulesProvider } from '../../../extension/background/rules';
import { startWorker, type Worker } from '../../../extension/background/worker';
import type { CrmSyncView, Status } from '../../../extension/lib/protocol';
import { saveCrmSettings, saveWebhookUrl } from '../../../extension/lib/settings';
import { ada, deliver, freshDatabaseName, gmailSender, jsonl, NOW_MS, popupSender, testBundle } from './support';

// The worker wired end to end: settings in storage.local, the permission asked of the browser,
// "Sync now" and the status through the message router, a decision reaching the webhook.
let server: Server;
let base: string;
let hooks: unknown[];
let people: unknown[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/hook' && req.method === 'POST') {
        hooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      } else if (req.url === '/people' && req.headers.authorization === 'Bearer tk') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: people }));
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const bundle: Bundle = {
  ...testBundle(),
  mappings: [{ kind: 'mapping', id: 'tiny-rest', label: 'Tiny REST', format: 'json', records: 'leads', columns: [{ column: 'ref', field: 'id', required: true }, { column: 'mail', field: 'email' }, { column: 'who', field: 'name' }] }],
};
const workers: Worker[] = [];
let asked: string[];
let granted: boolean;

function start(): Worker {
  const worker = startWorker({ embeddedBundle: bundle, rules: createRulesProvider(bundle), databaseName: freshDatabaseName(), now: () => NOW_MS, loadSamples: async () => jsonl([ada()]), log: () => undefined, remoteRules: false });
  workers.push(worker);
  return worker;
}

async function send<T>(kind: string, payload: unknown = {}, sender = popupSender): Promise<T> {
  const reply = await deliver({ leadpact: 1, kind, payload }, sender);
  if (!reply.ok) throw new Error(`${kind} refused: ${reply.error}`);
  return reply.response as T;
}

beforeEach(() => {
  fakeBrowser.reset();
  hooks = [];
  people = [{ ref: 'crm-1', mail: 'one@crm.example', who: 'Una Crm' }];
  asked = [];
  granted = true;
  // The fake browser has no permissions API: the rep granted the CRM origin in the options page.
  vi.spyOn(fakeBrowser.permissions, 'contains').mockImplementation(async (query: { origins?: string[] }) => {
    asked.push(...(query.origins ?? []));
    return granted;
  });
});
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
  vi.restoreAllMocks();
});

describe('CRM sync in the worker', () => {
  test('"Sync now" syncs, the status carries the last sync, and the next sync is on an alarm', async () => {
    await saveCrmSettings({ kind: 'rest', endpoint: `${base}/people`, token: 'tk', mapping: 'tiny-rest', recordsPath: 'items', intervalMinutes: 30 });
    const worker = start();
    await worker.ready();
    const synced = await send<CrmSyncView>('syncCrm');
    expect(synced).toMatchObject({ endpoint: `${base}/people`, lastSync: new Date(NOW_MS).toISOString(), lastCount: 1, lastError: null });
    expect(asked).toContain(`${base}/*`);
    const status = await send<Status>('status');
    expect(status.lastSync).toBe(new Date(NOW_MS).toISOString());
    expect(status.crmSync).toMatchObject({ lastCount: 1, failures: 0 });
    expect(status.leadCount).toBe(2);
    await vi.waitFor(async () => expect((await fakeBrowser.alarms.get(CRM_SYNC_ALARM))?.scheduledTime).toBeGreaterThan(0));
  });

  test('without the permission the sync fails with a reason and the leads stay', async () => {
    granted = false;
    await saveCrmSettings({ kind: 'rest', endpoint: `${base}/people`, token: 'tk', mapping: 'tiny-rest', recordsPath: 'items' });
    start();
    const synced = await send<CrmSyncView>('syncCrm');
    expect(synced.lastError?.message).toMatch(/may not read from/);
    expect((await send<Status>('status')).leadCount).toBe(1);
  });

  test('a content script may not ask for a sync', async () => {
    start();
    const reply = await deliver({ leadpact: 1, kind: 'syncCrm', payload: {} }, gmailSender);
    expect(reply.ok).toBe(false);
  });
});

describe('feedback webhook in the worker', () => {
  test('an accept from the card is POSTed to the webhook', async () => {
    await saveWebhookUrl(`${base}/hook`, () => NOW_MS - 1);
    start();
    const decided = await send<{ ok: boolean }>('decide', { leadId: 'lead-ada', decision: 'accept', reason: null }, gmailSender);
    expect(decided.ok).toBe(true);
    await vi.waitFor(() => expect(hooks).toHaveLength(1));
    expect(hooks[0]).toMatchObject({ kind: 'leadpact.feedback', record: { leadId: 'lead-ada', decision: 'accept' } });
  });
});
