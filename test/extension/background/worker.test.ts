import { fakeBrowser } from './fake-env';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createRulesProvider, verifiedRulesItem } from '../../../extension/background/rules';
import { LeadStore } from '../../../extension/background/store';
import { startWorker, type Worker } from '../../../extension/background/worker';
import type { LookupResult, PersonQuery } from '../../../extension/lib/protocol';
import { saveSettings } from '../../../extension/lib/settings';
import { ada, bob, deliver, freshDatabaseName, gmailSender, HOUR, jsonl, MINUTE, NOW_MS, popupSender, testBundle } from './support';

let clock = NOW_MS;
let databaseName = '';
const workers: Worker[] = [];
const logs: string[] = [];

function start(options: { samples?: string; bundle?: ReturnType<typeof testBundle> } = {}): Worker {
  const embeddedBundle = options.bundle ?? testBundle();
  const worker = startWorker({
    embeddedBundle,
    rules: createRulesProvider(embeddedBundle),
    databaseName,
    now: () => clock,
    loadSamples: async () => options.samples ?? jsonl([ada(), bob()]),
    log: (message) => logs.push(message),
  });
  workers.push(worker);
  return worker;
}

async function lookup(people: PersonQuery[], sender = gmailSender): Promise<LookupResult[]> {
  const reply = await deliver({ leadpact: 1, kind: 'lookup', payload: { people } }, sender);
  if (!reply.ok) throw new Error(`lookup refused: ${reply.error}`);
  return (reply.response as { results: LookupResult[] }).results;
}

function found(result: LookupResult | undefined) {
  if (!result?.found) throw new Error(`expected a lead for ${result?.key}`);
  return result.lead;
}

beforeEach(() => {
  fakeBrowser.reset();
  clock = NOW_MS;
  databaseName = freshDatabaseName();
  logs.length = 0;
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
});

describe('lookups', () => {
  test('finds a lead by email whatever its case and spacing', async () => {
    await start().ready();
    const [result] = await lookup([{ key: 'p1', email: '  Ada@ACME.example ' }]);
    const lead = found(result);
    expect(lead.leadId).toBe('lead-ada');
    expect(lead.total).toBe(70);
    expect(lead.stage).toEqual({ id: 'mql', label: 'mql' });
    expect(lead.sla).toMatchObject([{ id: 'first-touch', label: 'First touch', state: 'ok', remainingMinutes: 60 }]);
    expect(lead.canDecide).toBe(true);
    expect(lead.rejectReasons.map((reason) => reason.id)).toEqual(['no-budget', 'wrong-persona']);
  });

  test('finds a lead by LinkedIn slug, also from a full profile URL', async () => {
    await start().ready();
    const results = await lookup([
      { key: 'slug', linkedin: 'ada-lovelace' },
      { key: 'url', linkedin: 'https://www.linkedin.com/in/Ada-Lovelace/?trk=x' },
    ]);
    expect(results.map((result) => found(result).leadId)).toEqual(['lead-ada', 'lead-ada']);
  });

  test('finds a lead by name plus company, ignoring accents, case and legal forms', async () => {
    await start().ready();
    const [result] = await lookup([{ key: 'n', name: 'ADA LOVELACE', company: 'Acme' }]);
    expect(found(result).leadId).toBe('lead-ada');
    const [other] = await lookup([{ key: 'n2', name: 'Ada Lovelace', company: 'Another Company' }]);
    expect(other?.found).toBe(false);
  });

  test('answers a batch of people in one message, in order, with estimates for unknown people', async () => {
    await start().ready();
    const results = await lookup([
      { key: 'a', email: 'ada@acme.example' },
      { key: 'x', email: 'grace@acme.example', name: 'Grace', title: 'VP Sales' },
      { key: 'b', email: 'bob@tiny.example' },
      { key: 'y', name: 'Nobody', title: 'Intern' },
    ]);
    expect(results.map((result) => [result.key, result.found])).toEqual([
      ['a', true],
      ['x', false],
      ['b', true],
      ['y', false],
    ]);
    const grace = results[1]!;
    if (grace.found) throw new Error('unreachable');
    // VP title (40) plus the size of Acme, known from Ada's record at the same email domain (30).
    expect(grace.estimate.fit).toBe(70);
    expect(grace.estimate.fired.map((fired) => fired.rule)).toEqual(['vp-title', 'big-company']);
    const nobody = results[3]!;
    if (nobody.found) throw new Error('unreachable');
    expect(nobody.estimate.fit).toBe(0);
  });

  test('a batch is read in one IndexedDB transaction, and computed outcomes written in one more', async () => {
    await start().ready();
    const people = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, email: i % 2 ? 'ada@acme.example' : 'bob@tiny.example' }));
    await lookup([{ key: 'warm-up', email: 'nobody@nowhere.example' }]); // the worker notes the rules once
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    try {
      await lookup(people);
      expect(transaction.mock.calls.map(([stores, mode]) => [[stores].flat().includes('outcomes'), mode ?? 'readonly'])).toEqual([
        [true, 'readonly'],
        [true, 'readwrite'],
      ]);
      transaction.mockClear();
      await lookup(people); // same minute: every outcome comes from the cache, nothing to write
      expect(transaction).toHaveBeenCalledTimes(1);
    } finally {
      transaction.mockRestore();
    }
  });

  test('a lookup of 200 people is answered in one reply', async () => {
    await start().ready();
    const people = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, email: i % 2 ? 'ada@acme.example' : `p${i}@nowhere.example` }));
    const results = await lookup(people);
    expect(results).toHaveLength(200);
    expect(results.filter((result) => result.found)).toHaveLength(100);
  });
});

describe('message validation and senders', () => {
  test('refuses a message that is not a Leadpact envelope or has an unknown kind', async () => {
    start();
    expect(await deliver({ kind: 'lookup', payload: { people: [{ key: 'a' }] } }, gmailSender)).toEqual({ leadpact: 1, ok: false, error: 'refused' });
    expect(await deliver({ leadpact: 1, kind: 'exportEverything', payload: {} }, popupSender)).toEqual({ leadpact: 1, ok: false, error: 'refused' });
  });

  test('refuses a malformed payload without running the handler', async () => {
    start();
    const tooMany = Array.from({ length: 201 }, (_, i) => ({ key: `k${i}` }));
    for (const payload of [{ people: [] }, { people: tooMany }, { people: [{ key: 'a', ssn: '1' }] }, { people: [{ key: 'a', email: 5 }] }]) {
      expect(await deliver({ leadpact: 1, kind: 'lookup', payload }, gmailSender)).toEqual({ leadpact: 1, ok: false, error: 'refused' });
    }
    expect(logs.some((line) => line.includes('malformed payload'))).toBe(true);
  });

  test('refuses another extension, a page outside the three sites, and content-script kinds it may not send', async () => {
    await start().ready();
    const message = { leadpact: 1, kind: 'lookup', payload: { people: [{ key: 'a', email: 'ada@acme.example' }] } };
    expect((await deliver(message, { ...gmailSender, id: 'some-other-extension' })).ok).toBe(false);
    const evil = { ...gmailSender, url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 3, url: 'https://evil.example/' } };
    expect((await deliver(message, evil)).ok).toBe(false);
    expect((await deliver(message, { ...gmailSender, frameId: 3 })).ok).toBe(false);
    expect((await deliver(message, { ...gmailSender, tab: { id: 7, url: 'https://evil.example/frame-host' } })).ok).toBe(false);
    const noId = { ...gmailSender } as Partial<typeof gmailSender>;
    delete noId.id;
    expect((await deliver(message, noId)).ok).toBe(false);
    expect((await deliver({ leadpact: 1, kind: 'status', payload: {} }, gmailSender)).ok).toBe(false);
    expect((await deliver({ leadpact: 1, kind: 'leadsChanged', payload: {} }, gmailSender)).ok).toBe(false);
    // The same messages from our own page and our own content script are answered.
    expect((await deliver(message, gmailSender)).ok).toBe(true);
    expect((await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender)).ok).toBe(true);
  });

  test('a site switched off in the options or by policy gets no answers, from the next message on', async () => {
    await start().ready();
    const message = { leadpact: 1, kind: 'lookup', payload: { people: [{ key: 'a', email: 'ada@acme.example' }] } };
    expect((await deliver(message, gmailSender)).ok).toBe(true); // the settings are read and kept
    await saveSettings({ sites: { gmail: false } });
    await vi.waitFor(async () => expect(await deliver(message, gmailSender)).toEqual({ leadpact: 1, ok: false, error: 'refused' }));
    await saveSettings({ sites: { gmail: true } });
    await vi.waitFor(async () => expect((await deliver(message, gmailSender)).ok).toBe(true));
    await fakeBrowser.storage.managed.set({ sites: { gmail: false } });
    await vi.waitFor(async () => expect(await deliver(message, gmailSender)).toEqual({ leadpact: 1, ok: false, error: 'refused' }));
  });

  test('never logs what a refused message carried', async () => {
    start();
    await deliver({ leadpact: 1, kind: 'lookup', payload: { people: [{ key: 'a', email: 'secret-person@x.example', extra: true }] } }, gmailSender);
    expect(logs.join('\n')).not.toContain('secret-person');
  });
});

describe('cached outcomes', () => {
  test('go stale when the rules change', async () => {
    await start().ready();
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).total).toBe(70);
    // A verified remote bundle with the VP rule worth 10 instead of 40.
    await verifiedRulesItem.setValue({ bundle: testBundle({ version: '1.1.0', vpPoints: 10 }), verifiedAt: new Date(NOW_MS).toISOString(), url: 'https://rules.example/b.json' });
    const lead = found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]);
    expect(lead.total).toBe(40);
    expect(lead.rulesVersion).toBe('1.1.0');
    expect(lead.stage?.id).toBe('lead');
  });

  test('go stale when the lead changes (a new import)', async () => {
    const worker = start();
    const background = await worker.ready();
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).total).toBe(70);
    const store = await LeadStore.open(databaseName);
    await store.mergeLeads([ada({ title: 'Engineer' })], { source: 'file', name: 'update.jsonl' });
    store.close();
    // Without even telling the worker (leadsChanged), the lead's new revision misses the cache.
    expect(background.cache.size).toBeGreaterThan(0);
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).total).toBe(30);
  });

  test('go stale when the clock moves to the next minute, and hold within the minute', async () => {
    await start().ready();
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).sla[0]?.remainingMinutes).toBe(60);
    clock = NOW_MS + 59_000; // same minute: the cached answer
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).sla[0]?.remainingMinutes).toBe(60);
    clock = NOW_MS + 31 * MINUTE;
    const later = found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]);
    expect(later.sla[0]).toMatchObject({ state: 'warning', remainingMinutes: 29 });
    clock = NOW_MS + 2 * HOUR;
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).sla[0]).toMatchObject({ state: 'breached', remainingMinutes: -60 });
  });

  test('are persisted: a new worker on the same database reuses them, and not after the rules changed', async () => {
    await start().ready();
    await lookup([{ key: 'a', email: 'ada@acme.example' }]);
    const store = await LeadStore.open(databaseName);
    const persisted = await store.db.get('outcomes', 'lead-ada');
    expect(persisted).toMatchObject({ id: 'lead-ada', rulesHash: testBundle().hash });
    // Doctor the persisted entry: a restarted worker within the same minute must answer from it.
    await store.db.put('outcomes', { ...persisted!, view: { ...persisted!.view, total: 999 } });
    for (const worker of workers.splice(0)) await worker.stop();
    start();
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).total).toBe(999);
    for (const worker of workers.splice(0)) await worker.stop();
    start({ bundle: testBundle({ version: '2.0.0' }) });
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).total).toBe(70);
    expect(await store.db.count('outcomes')).toBe(1);
    store.close();
  });
});

describe('decide', () => {
  test('an accept records who, when and the rules version, and moves the lead to the accepted stage', async () => {
    await start().ready();
    await saveSettings({ repName: 'Carmen Ruiz' });
    clock = NOW_MS + 5 * MINUTE;
    const reply = await deliver({ leadpact: 1, kind: 'decide', payload: { leadId: 'lead-ada', decision: 'accept', reason: null } }, gmailSender);
    expect(reply).toEqual({ leadpact: 1, ok: true, response: { ok: true } });
    const lead = found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]);
    expect(lead.stage?.id).toBe('sal');
    expect(lead.canDecide).toBe(false);
    expect(lead.decision).toEqual({ decision: 'accept', reason: null, at: new Date(NOW_MS + 5 * MINUTE).toISOString() });
    const store = await LeadStore.open(databaseName);
    const [record] = await store.feedback();
    store.close();
    expect(record).toMatchObject({ leadId: 'lead-ada', decision: 'accept', who: 'Carmen Ruiz', rulesVersion: '1.0.0', rulesHash: testBundle().hash, stageRecorded: 'sal' });
    expect(record?.shown).toMatchObject({ score: 70, stage: 'mql' });
  });

  test('a reject needs a reason from the lifecycle, and leaves the stage alone', async () => {
    await start().ready();
    const send = (reason: string | null) => deliver({ leadpact: 1, kind: 'decide', payload: { leadId: 'lead-ada', decision: 'reject', reason } }, gmailSender);
    expect(await send(null)).toMatchObject({ ok: true, response: { ok: false, error: 'a reject needs a reason' } });
    expect(await send('too-expensive')).toMatchObject({ ok: true, response: { ok: false, error: 'unknown reject reason too-expensive' } });
    expect(await send('no-budget')).toMatchObject({ ok: true, response: { ok: true } });
    const lead = found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]);
    expect(lead.stage?.id).toBe('mql');
    expect(lead.decision).toMatchObject({ decision: 'reject', reason: 'no-budget' });
  });

  test('only an MQL can be decided on', async () => {
    await start().ready();
    const reply = await deliver({ leadpact: 1, kind: 'decide', payload: { leadId: 'lead-bob', decision: 'accept', reason: null } }, gmailSender);
    expect(reply).toMatchObject({ ok: true, response: { ok: false } });
    const missing = await deliver({ leadpact: 1, kind: 'decide', payload: { leadId: 'nobody', decision: 'accept', reason: null } }, gmailSender);
    expect(missing).toMatchObject({ ok: true, response: { ok: false, error: 'no such lead' } });
  });
});

describe('miss counts', () => {
  test('are counted per site and selector in the local store', async () => {
    await start().ready();
    for (let i = 0; i < 3; i++) await deliver({ leadpact: 1, kind: 'miss', payload: { site: 'gmail', selector: 'thread-row' } }, gmailSender);
    // A content script on Gmail claiming another site is counted under Gmail.
    await deliver({ leadpact: 1, kind: 'miss', payload: { site: 'linkedin', selector: 'profile-name' } }, gmailSender);
    const store = await LeadStore.open(databaseName);
    expect(await store.meta('misses')).toEqual({
      'gmail:thread-row': { count: 3, last: new Date(NOW_MS).toISOString() },
      'gmail:profile-name': { count: 1, last: new Date(NOW_MS).toISOString() },
    });
    store.close();
  });
});

describe('the embedded default', () => {
  test('imports the sample leads into an empty store on install, once', async () => {
    const worker = start();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install', temporary: false });
    await worker.ready();
    const status = await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender);
    expect(status).toMatchObject({ ok: true, response: { leadCount: 2, rulesVersion: '1.0.0', rulesSource: 'embedded', lastImportInfo: { source: 'samples', count: 2 } } });
    // Cleared by the rep: the samples do not come back on the next start or update.
    const store = await LeadStore.open(databaseName);
    await store.clearAll();
    store.close();
    for (const old of workers.splice(0)) await old.stop();
    const next = start();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', temporary: false });
    await next.ready();
    expect(await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender)).toMatchObject({ response: { leadCount: 0 } });
  });

  test('does not import the samples over leads the rep imported first', async () => {
    const store = await LeadStore.open(databaseName);
    await store.replaceLeads([bob()], { source: 'file', name: 'mine.jsonl' });
    store.close();
    await start().ready();
    const results = await lookup([{ key: 'a', email: 'ada@acme.example' }, { key: 'b', email: 'bob@tiny.example' }]);
    expect(results.map((result) => result.found)).toEqual([false, true]);
  });
});

describe('a worker restart', () => {
  test('keeps leads, decisions, misses and the last import (a new worker on the same IndexedDB)', async () => {
    await start().ready();
    await deliver({ leadpact: 1, kind: 'decide', payload: { leadId: 'lead-ada', decision: 'reject', reason: 'wrong-persona' } }, gmailSender);
    await deliver({ leadpact: 1, kind: 'miss', payload: { site: 'linkedin', selector: 'profile-name' } }, gmailSender);
    for (const worker of workers.splice(0)) await worker.stop();

    let seededAgain = false;
    const worker = startWorker({
      embeddedBundle: testBundle(),
      databaseName,
      now: () => clock,
      loadSamples: async () => {
        seededAgain = true;
        return '';
      },
    });
    workers.push(worker);
    await worker.ready();
    const lead = found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]);
    expect(lead.decision).toMatchObject({ decision: 'reject', reason: 'wrong-persona' });
    const status = await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender);
    expect(status).toMatchObject({ response: { leadCount: 2, lastImportInfo: { source: 'samples' } } });
    expect(seededAgain).toBe(false);
  });
});

describe('status', () => {
  test('lists the rep\'s running SLA clocks, most urgent first', async () => {
    const leads = [
      ada(),
      ada({ id: 'lead-late', email: 'late@acme.example', linkedin: null, name: 'Late Lee', createdAt: new Date(NOW_MS - 3 * HOUR).toISOString() }),
      ada({ id: 'lead-warn', email: 'warn@acme.example', linkedin: null, name: 'Warn Wu', createdAt: new Date(NOW_MS - 100 * MINUTE).toISOString() }),
      ada({ id: 'lead-other', email: 'other@acme.example', linkedin: null, name: 'Other Rep', owner: 'jonas-weber', createdAt: new Date(NOW_MS - 4 * HOUR).toISOString() }),
      bob(),
    ];
    await start({ samples: jsonl(leads) }).ready();
    const all = await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender);
    if (!all.ok) throw new Error(all.error);
    const queue = (all.response as { queue: Array<{ leadId: string; state: string; remainingMinutes: number; business: boolean }> }).queue;
    expect(queue.map((item) => [item.leadId, item.state, item.remainingMinutes, item.business])).toEqual([
      ['lead-other', 'breached', -120, false],
      ['lead-late', 'breached', -60, false],
      ['lead-warn', 'warning', 20, false],
      ['lead-ada', 'ok', 60, false],
    ]);
    await saveSettings({ repName: 'Carmen Ruiz' });
    const mine = await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender);
    expect(mine).toMatchObject({ response: { queueOwner: 'Carmen Ruiz', queueTotal: 3 } });
  });

  test('says which clocks count business hours, so the popup writes them in bh', async () => {
    const bundle = testBundle();
    bundle.sla.commitments[0]!.within = '8bh';
    bundle.sla.commitments[0]!.warn = '2bh';
    await start({ bundle, samples: jsonl([ada()]) }).ready();
    const all = await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender);
    if (!all.ok) throw new Error(all.error);
    const queue = (all.response as { queue: Array<{ leadId: string; business: boolean }> }).queue;
    expect(queue.map((item) => [item.leadId, item.business])).toEqual([['lead-ada', true]]);
  });
});

describe('a versionchange from another context', () => {
  test('the worker steps aside (closes its connection) and opens the database again on the next message', async () => {
    await start().ready();
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).leadId).toBe('lead-ada');
    // Deleting the database fires versionchange at every open connection, as a newer schema would;
    // it only completes once the worker's connection closed.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(databaseName);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    // The next message opens a fresh connection (a new, empty database: the samples are seeded again).
    expect(found((await lookup([{ key: 'a', email: 'ada@acme.example' }]))[0]).leadId).toBe('lead-ada');
    const status = await deliver({ leadpact: 1, kind: 'status', payload: {} }, popupSender);
    expect(status).toMatchObject({ ok: true, response: { leadCount: 2 } });
  });
});
