import { fakeBrowser } from './fake-env';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createRulesProvider } from '../../../extension/background/rules';
import { startWorker, type Worker } from '../../../extension/background/worker';
import type { LookupResult, RemoteRulesView, Status } from '../../../extension/lib/protocol';
import { saveRemoteRulesSettings } from '../../../extension/lib/settings';
import { FetchStub, makeKey, publish, remoteBundle, RULES_ORIGIN, RULES_URL, type SigningKey } from './remote-support';
import { ada, deliver, freshDatabaseName, gmailSender, jsonl, NOW_MS, popupSender, testBundle } from './support';

let stub: FetchStub;
let key: SigningKey;
let askedOrigins: string[];
const workers: Worker[] = [];

function start(): Worker {
  const embeddedBundle = testBundle({ version: '1.0.0' });
  const worker = startWorker({
    embeddedBundle,
    rules: createRulesProvider(embeddedBundle),
    databaseName: freshDatabaseName(),
    now: () => NOW_MS,
    loadSamples: async () => jsonl([ada()]),
    log: () => undefined,
    remoteRules: {
      fetch: stub.fetch,
      hasPermission: async (origin) => {
        askedOrigins.push(origin);
        return origin === RULES_ORIGIN;
      },
    },
  });
  workers.push(worker);
  return worker;
}

async function send<T>(kind: string, sender = popupSender): Promise<T> {
  const reply = await deliver({ leadpact: 1, kind, payload: {} }, sender);
  if (!reply.ok) throw new Error(`${kind} refused: ${reply.error}`);
  return reply.response as T;
}

async function adaTotal(): Promise<number> {
  const reply = await deliver({ leadpact: 1, kind: 'lookup', payload: { people: [{ key: 'p', email: 'ada@acme.example' }] } }, gmailSender);
  if (!reply.ok) throw new Error('lookup refused');
  const [result] = (reply.response as { results: LookupResult[] }).results;
  if (!result?.found) throw new Error('Ada not found');
  return result.lead.total;
}

beforeEach(async () => {
  fakeBrowser.reset();
  stub = new FetchStub();
  key = await makeKey();
  askedOrigins = [];
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
});

describe('the worker with remote rules', () => {
  test('switches to a newer signed bundle, scores with it, and keeps it when a tampered one follows', async () => {
    await saveRemoteRulesSettings({ url: RULES_URL, publicKeys: [key.publicKey] });
    await start().ready();
    // Nothing published yet: the check on start is refused and the embedded rules score.
    expect(await send<RemoteRulesView>('checkRules')).toMatchObject({ outcome: 'refused', refusal: { reason: 'http-error' } });
    expect(await adaTotal()).toBe(70);

    // 1.1.0 scores a VP title 90 instead of 40.
    stub.serve(await publish(key, remoteBundle('1.1.0', 90)));
    const checked = await send<RemoteRulesView>('checkRules');
    expect(checked).toMatchObject({ url: RULES_URL, outcome: 'updated', refusal: null });
    expect(askedOrigins).toContain(RULES_ORIGIN);
    let status = await send<Status>('status');
    expect(status).toMatchObject({ rulesVersion: '1.1.0', rulesSource: 'remote', remoteRules: { url: RULES_URL, checkedAt: new Date(NOW_MS).toISOString(), refusal: null } });
    expect(await adaTotal()).toBe(120);

    // A tampered 1.2.0: refused, 1.1.0 stays, and the status says why.
    const good = await publish(key, remoteBundle('1.2.0'));
    stub.serve({ bundleBytes: new TextEncoder().encode(JSON.stringify(remoteBundle('1.2.0', 5))), signatureText: good.signatureText });
    expect(await send<RemoteRulesView>('checkRules')).toMatchObject({ outcome: 'refused', refusal: { reason: 'bad-signature' } });
    status = await send<Status>('status');
    expect(status).toMatchObject({ rulesVersion: '1.1.0', rulesSource: 'remote', remoteRules: { outcome: 'refused', refusal: { reason: 'bad-signature' } } });
    expect(await adaTotal()).toBe(120);
  });

  test('the last good bundle is still active after the worker restarts, before any check', async () => {
    await saveRemoteRulesSettings({ url: RULES_URL, publicKeys: [key.publicKey] });
    stub.serve(await publish(key, remoteBundle('1.1.0')));
    await start().ready();
    await send('checkRules');
    for (const worker of workers.splice(0)) await worker.stop();
    stub.routes.clear(); // the server is gone
    stub.requested.length = 0;
    await start().ready();
    expect(await send<Status>('status')).toMatchObject({ rulesVersion: '1.1.0', rulesSource: 'remote', remoteRules: { url: RULES_URL, refusal: null } });
    // Checked minutes ago: the restart does not fetch again (MV3 workers restart all the time).
    expect(stub.requested).toEqual([]);
  });

  test('a page on a site may not ask for a check', async () => {
    await start().ready();
    const reply = await deliver({ leadpact: 1, kind: 'checkRules', payload: {} }, gmailSender);
    expect(reply).toMatchObject({ ok: false, error: 'refused' });
  });

  test('the URL set by policy is the one fetched, whatever the rep saved', async () => {
    await saveRemoteRulesSettings({ url: 'https://mine.example/bundle.json', publicKeys: [] });
    await fakeBrowser.storage.managed.set({ rulesUrl: RULES_URL, rulesPublicKeys: [key.publicKey] });
    stub.serve(await publish(key, remoteBundle('1.1.0')));
    await start().ready();
    await send('checkRules');
    expect(stub.requested.every((url) => url.startsWith(RULES_URL))).toBe(true);
    expect(await send<Status>('status')).toMatchObject({ rulesVersion: '1.1.0', rulesSource: 'remote' });
  });

  test('without a rules URL the status says remote rules are off', async () => {
    await start().ready();
    expect(await send<RemoteRulesView>('checkRules')).toEqual({ url: null, checkedAt: null, outcome: 'off', refusal: null });
    expect(stub.requested).toEqual([]);
    expect(await send<Status>('status')).toMatchObject({ rulesSource: 'embedded', remoteRules: { outcome: 'off' } });
  });
});
