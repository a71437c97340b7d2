import { fakeBrowser } from './fake-env';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Bundle, MappingFile } from '../../../extension/engine/generated/rules';
import { BASE_BACKOFF_MS, createCrmSync, legacySyncStateKey, type CrmSync } from '../../../extension/background/crm-sync';
import { LeadStore } from '../../../extension/background/store';
import { crmTokenVault, defaultCrmSettings, getCrmConfig, saveCrmSettings, watchCrmSettings, type CrmConfig } from '../../../extension/lib/settings';
import { deleteDefaultDatabase, freshDatabaseName, NOW_MS, testBundle } from './support';

// A local CRM speaking HubSpot's CRM v3 contacts shapes and a plain REST list; each test sets the handler.
interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}
type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void;

let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];
/**
 * HubSpot's archived (deleted) contacts, answered by the server itself to
 * GET /crm/v3/objects/contacts?archived=true in pages of two; those requests go to seenArchived.
 */
let archived: unknown[];
let seenArchived: Seen[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const entry: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined };
      if (entry.method === 'GET' && entry.path === '/crm/v3/objects/contacts' && url.searchParams.get('archived') === 'true') {
        seenArchived.push(entry);
        const start = Number(url.searchParams.get('after') ?? 0);
        const next = start + 2 < archived.length ? { paging: { next: { after: String(start + 2) } } } : {};
        return json(res, { results: archived.slice(start, start + 2), ...next });
      }
      seen.push(entry);
      handler(entry, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function json(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** An invented HubSpot contact as the v3 API returns it (every property a string). */
function contact(id: number, first: string, extra: Record<string, string> = {}): unknown {
  return { id: String(id), properties: { hs_object_id: String(id), firstname: first, lastname: 'Tester', email: `${first.toLowerCase()}@hub.example`, jobtitle: 'Engineer', ...extra }, archived: false };
}

const hubspotPreset = parseYaml(readFileSync(new URL('../../../rules/mappings/hubspot-contacts.yaml', import.meta.url), 'utf8')) as MappingFile;
const restPreset: MappingFile = {
  kind: 'mapping',
  id: 'tiny-rest',
  label: 'Tiny REST people',
  format: 'json',
  records: 'leads',
  columns: [
    { column: 'ref', field: 'id', required: true },
    { column: 'mail', field: 'email' },
    { column: 'fullName', field: 'name' },
    { column: 'headcount', field: 'company.employees', type: 'number' },
  ],
};
const bundle: Bundle = { ...testBundle(), mappings: [hubspotPreset, restPreset] };

let store: LeadStore;
let clock: number;
let granted: boolean;
let config: CrmConfig;
let waits: number[];
let crm: CrmSync;

beforeEach(async () => {
  fakeBrowser.reset();
  await deleteDefaultDatabase();
  store = await LeadStore.open(freshDatabaseName());
  clock = NOW_MS;
  granted = true;
  seen = [];
  seenArchived = [];
  archived = [];
  waits = [];
  config = { ...defaultCrmSettings, kind: 'hubspot', endpoint: base, token: 'pat-secret', locked: { endpoint: false } };
  crm = createCrmSync({
    store,
    config: async () => config,
    bundle: async () => bundle,
    hasPermission: async () => granted,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
});
afterEach(() => store.close());

async function names(): Promise<Record<string, string | null | undefined>> {
  const out: Record<string, string | null | undefined> = {};
  for await (const page of store.leads()) for (const stored of page) out[stored.id] = stored.lead.name;
  return out;
}

/** Three pages of contacts: 1-2, 3-4, 5. */
function pagedHubspot(): Handler {
  const pages: Record<string, { results: unknown[]; next?: string }> = {
    '': { results: [contact(1, 'Ana'), contact(2, 'Ben')], next: 'c2' },
    c2: { results: [contact(3, 'Cy'), contact(4, 'Dee')], next: 'c4' },
    c4: { results: [contact(5, 'Eve', { numemployees: '750' })] },
  };
  return (request, res) => {
    if (request.method !== 'GET' || request.path !== '/crm/v3/objects/contacts') return json(res, { message: 'not found' }, 404);
    const page = pages[request.query.get('after') ?? ''];
    if (!page) return json(res, { message: 'bad cursor' }, 400);
    json(res, { results: page.results, ...(page.next ? { paging: { next: { after: page.next, link: `${base}/elsewhere` } } } : {}) });
  };
}

describe('CRM sync: HubSpot', () => {
  test('a full sync follows paging.next.after through every page and merges the contacts', async () => {
    handler = pagedHubspot();
    const state = await crm.sync();
    expect(seen.map((s) => s.query.get('after'))).toEqual([null, 'c2', 'c4']);
    for (const request of seen) {
      expect(request.query.get('limit')).toBe('100');
      expect(request.query.get('properties')?.split(',')).toEqual(expect.arrayContaining(['firstname', 'lastname', 'email', 'lastmodifieddate']));
      expect(request.authorization).toBe('Bearer pat-secret');
    }
    expect(await names()).toEqual({ '1': 'Ana Tester', '2': 'Ben Tester', '3': 'Cy Tester', '4': 'Dee Tester', '5': 'Eve Tester' });
    expect((await store.getLead('5'))?.lead.company?.employees).toBe(750);
    expect(state).toMatchObject({ endpoint: base, lastSync: new Date(NOW_MS).toISOString(), cursor: new Date(NOW_MS).toISOString(), lastCount: 5, lastError: null, failures: 0 });
    expect(await store.meta('crmSyncState')).toEqual(state);
    // Nothing of it where content scripts can read: storage.local holds no sync state.
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  test('leads imported before are kept: the sync merges, it does not replace', async () => {
    await store.mergeLeads([{ id: 'file-1', name: 'From A File', email: 'file@x.example', events: [] }], { source: 'file', name: 'x.jsonl' });
    handler = pagedHubspot();
    await crm.sync();
    expect(Object.keys(await names()).sort()).toEqual(['1', '2', '3', '4', '5', 'file-1']);
  });

  test('the next sync is incremental: a search for lastmodifieddate GTE the last sync start, paged with after', async () => {
    handler = pagedHubspot();
    await crm.sync();
    const firstStart = clock;
    clock += 30 * 60_000;
    seen = [];
    handler = (request, res) => {
      if (request.method !== 'POST' || request.path !== '/crm/v3/objects/contacts/search') return json(res, {}, 404);
      const body = request.body as { after?: string };
      if (body.after === undefined) return json(res, { total: 2, results: [contact(2, 'Benjamin')], paging: { next: { after: '1' } } });
      if (body.after === '1') return json(res, { total: 2, results: [contact(6, 'Fay')] });
      json(res, {}, 400);
    };
    const state = await crm.sync();
    expect(seen).toHaveLength(2);
    expect(seen[0]!.body).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(firstStart) }] }],
      limit: 100,
    });
    expect(seen[1]!.body).toMatchObject({ after: '1' });
    expect(await names()).toMatchObject({ '1': 'Ana Tester', '2': 'Benjamin Tester', '6': 'Fay Tester' });
    expect(state).toMatchObject({ lastCount: 2, cursor: new Date(clock).toISOString() });
  });

  test('contacts deleted (archived) in HubSpot lose their lead; a deleted one that changed first is not written back', async () => {
    await store.mergeLeads([{ id: 'file-1', name: 'From A File', email: 'file@x.example', events: [] }], { source: 'file', name: 'x.jsonl' });
    handler = pagedHubspot();
    expect(await crm.sync()).toMatchObject({ lastCount: 5, lastRemoved: 0 });
    expect(seenArchived).toHaveLength(1);
    expect(seenArchived[0]!.authorization).toBe('Bearer pat-secret');

    clock += 30 * 60_000;
    const gone = (id: number) => ({ ...(contact(id, 'Gone') as object), archived: true, archivedAt: new Date(clock - 60_000).toISOString() });
    archived = [gone(2), gone(4), gone(99)]; // 99 was never synced; two pages of archived contacts
    handler = (request, res) => {
      if (request.method !== 'POST' || request.path !== '/crm/v3/objects/contacts/search') return json(res, {}, 404);
      json(res, { results: [contact(3, 'Cyrus'), contact(4, 'Changed Then Deleted')] });
    };
    const state = await crm.sync();
    expect(seenArchived.slice(1).map((request) => request.query.get('after'))).toEqual([null, '2']);
    expect(await names()).toEqual({ '1': 'Ana Tester', '3': 'Cyrus Tester', '5': 'Eve Tester', 'file-1': 'From A File' });
    expect(state).toMatchObject({ lastCount: 1, lastRemoved: 2, lastError: null });
    expect(await store.leadCount()).toBe(4);
  });

  test('archived contacts that were never synced cause no rewrite of the store', async () => {
    handler = pagedHubspot();
    await crm.sync();
    const written = await store.meta('lastImport');
    clock += 30 * 60_000;
    archived = [{ id: '99', archived: true }, { id: '98', archived: true }];
    handler = (_request, res) => json(res, { results: [] });
    expect(await crm.sync()).toMatchObject({ lastCount: 0, lastRemoved: 0, lastError: null });
    expect(await store.meta('lastImport')).toEqual(written);
    expect(await store.leadCount()).toBe(5);
  });

  test('a failure while reading the archived contacts writes nothing', async () => {
    handler = pagedHubspot();
    await crm.sync();
    const before = await names();
    clock += 30 * 60_000;
    archived = [{ id: '1', archived: true }, { id: '2', archived: true }, { id: '3', archived: true }];
    handler = (_request, res) => json(res, { results: [contact(7, 'Gil')] });
    // The second page of archived contacts never comes.
    const failing = createCrmSync({
      store, config: async () => config, bundle: async () => bundle, hasPermission: async () => granted, now: () => clock,
      sleep: async () => undefined,
      fetch: async (input, init) => (String(input).includes('archived=true') && String(input).includes('after=2') ? Promise.reject(new TypeError('network down')) : fetch(input, init)),
    });
    const state = await failing.sync();
    expect(state.lastError?.message).toMatch(/cannot be reached/);
    expect(await names()).toEqual(before);
  });

  test('a 429 with a short Retry-After is waited out and the page asked again', async () => {
    const inner = pagedHubspot();
    let limited = false;
    handler = (request, res, req) => {
      if (request.query.get('after') === 'c2' && !limited) {
        limited = true;
        return json(res, { status: 'error', category: 'RATE_LIMITS' }, 429, { 'retry-after': '2' });
      }
      inner(request, res, req);
    };
    const state = await crm.sync();
    expect(waits).toEqual([2000]);
    expect(seen.map((s) => s.query.get('after'))).toEqual([null, 'c2', 'c2', 'c4']);
    expect(state).toMatchObject({ lastCount: 5, lastError: null });
  });

  test('a 429 with a long Retry-After fails the sync, writes nothing and holds automatic syncs until then', async () => {
    handler = (_request, res) => json(res, { status: 'error' }, 429, { 'retry-after': '900' });
    const state = await crm.sync();
    expect(waits).toEqual([]);
    expect(state.lastError).toMatchObject({ status: 429 });
    expect(state.nextAttemptAt).toBe(new Date(NOW_MS + 900_000).toISOString());
    expect(await store.leadCount()).toBe(0);
    seen = [];
    clock += 600_000;
    await crm.syncIfDue();
    expect(seen).toHaveLength(0);
    clock += 300_000;
    handler = pagedHubspot();
    expect(await crm.syncIfDue()).toMatchObject({ lastCount: 5, failures: 0, lastError: null, nextAttemptAt: null });
  });

  test('a server that dies midway: nothing half-written, old leads intact, error recorded, backoff doubles', async () => {
    handler = pagedHubspot();
    const good = await crm.sync();
    const before = await names();
    clock += 30 * 60_000;
    handler = (request, res, req) => {
      const body = request.body as { after?: string };
      if (body.after === undefined) return json(res, { results: [contact(1, 'Changed'), contact(9, 'New')], paging: { next: { after: 'x' } } });
      req.socket.destroy(); // the CRM goes away between pages
    };
    const failed = await crm.sync();
    expect(await names()).toEqual(before);
    expect(await store.getLead('9')).toBeUndefined();
    expect(failed).toMatchObject({ lastSync: good.lastSync, cursor: good.cursor, lastCount: 5, failures: 1, nextAttemptAt: new Date(clock + BASE_BACKOFF_MS).toISOString() });
    expect(failed.lastError?.message).toMatch(/cannot be reached/);
    expect(failed.lastError?.status).toBeNull();
    const again = await crm.sync();
    expect(again).toMatchObject({ failures: 2, nextAttemptAt: new Date(clock + 2 * BASE_BACKOFF_MS).toISOString() });
    // A worker restart reads the same state (the store's meta): the popup can show the age and the error.
    expect(await store.meta('crmSyncState')).toEqual(again);
  });

  test('an HTTP error names the status; a missing permission fails before any request', async () => {
    handler = (_request, res) => json(res, { message: 'expired' }, 401);
    expect((await crm.sync()).lastError).toMatchObject({ status: 401, message: expect.stringMatching(/401.*token/) });
    seen = [];
    granted = false;
    expect((await crm.sync()).lastError?.message).toMatch(/may not read from/);
    expect(seen).toHaveLength(0);
  });

  test('a non-https endpoint on another machine is refused without a request', async () => {
    config = { ...config, endpoint: 'http://crm.example.com' };
    expect((await crm.sync()).lastError?.message).toMatch(/https/);
  });
});

describe('CRM sync: generic REST', () => {
  beforeEach(() => {
    config = { ...config, kind: 'rest', endpoint: `${base}/api/people`, mapping: 'tiny-rest', recordsPath: 'data.people' };
  });

  test('reads the records at the JSON path with the chosen preset; unreadable records are skipped and counted', async () => {
    handler = (request, res) => {
      if (request.path !== '/api/people') return json(res, {}, 404);
      json(res, { data: { people: [{ ref: 'r1', mail: 'r1@rest.example', fullName: 'Rae One', headcount: 40 }, { mail: 'noid@rest.example' }, { ref: 'r2', fullName: 'Rob Two' }] } });
    };
    const state = await crm.sync();
    expect(seen[0]!.authorization).toBe('Bearer pat-secret');
    expect(await names()).toEqual({ r1: 'Rae One', r2: 'Rob Two' });
    expect((await store.getLead('r1'))?.lead.company?.employees).toBe(40);
    expect(state).toMatchObject({ lastCount: 2, skipped: 1, lastError: null });
    expect(state.skippedExample).toMatch(/^record 2: /);
  });

  test('an answer without a list at the path is an error and writes nothing', async () => {
    handler = (_request, res) => json(res, { data: { persons: [] } });
    const state = await crm.sync();
    expect(state.lastError?.message).toMatch(/data\.people/);
    expect(await store.leadCount()).toBe(0);
  });

  test('follows rel="next" Link headers page after page (relative and absolute), on the same origin only', async () => {
    handler = (request, res) => {
      const page = request.query.get('page') ?? '1';
      const people = { '1': [{ ref: 'p1', fullName: 'Pat One' }], '2': [{ ref: 'p2', fullName: 'Pat Two' }], '3': [{ ref: 'p3', fullName: 'Pat Three' }] }[page];
      if (request.path !== '/api/people' || !people) return json(res, {}, 404);
      const next = page === '1' ? '</api/people?page=2>; rel="next", </api/people?page=3>; rel="last"' : page === '2' ? `<${base}/api/people?page=3>; rel="next"` : '';
      json(res, { data: { people } }, 200, next ? { link: next } : {});
    };
    let state = await crm.sync();
    expect(state).toMatchObject({ lastCount: 3, lastError: null });
    expect(await names()).toEqual({ p1: 'Pat One', p2: 'Pat Two', p3: 'Pat Three' });
    expect(seen.map((request) => request.query.get('page') ?? '1')).toEqual(['1', '2', '3']);
    expect(seen.every((request) => request.authorization === 'Bearer pat-secret')).toBe(true);

    // A next page elsewhere would carry the token there: the sync fails and keeps what it had.
    seen = [];
    handler = (_request, res) => json(res, { data: { people: [{ ref: 'x1', fullName: 'Xavier' }] } }, 200, { link: '<https://elsewhere.example/api/people?page=2>; rel="next"' });
    state = await crm.sync();
    expect(state.lastError?.message).toMatch(/refusing to send the CRM token to https:\/\/elsewhere\.example/);
    expect(seen).toHaveLength(1);
    expect(Object.keys(await names()).sort()).toEqual(['p1', 'p2', 'p3']);

    // Pages that point back to one already read: an error, not an endless sync.
    handler = (_request, res) => json(res, { data: { people: [] } }, 200, { link: '</api/people>; rel="next"' });
    state = await crm.sync();
    expect(state.lastError?.message).toMatch(/loop back/);
    expect(Object.keys(await names()).sort()).toEqual(['p1', 'p2', 'p3']);
  });

  test('an answer larger than the limit is refused, streamed or declared, and writes nothing', async () => {
    crm = createCrmSync({
      store, config: async () => config, bundle: async () => bundle, hasPermission: async () => granted, now: () => clock,
      sleep: async () => undefined, maxResponseBytes: 4096,
    });
    const people = Array.from({ length: 200 }, (_, i) => ({ ref: `r${i}`, mail: `r${i}@rest.example`, fullName: `Person ${i}` }));
    // Chunked, no Content-Length: the limit is met while reading.
    handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = JSON.stringify({ data: { people } });
      res.write(text.slice(0, 3000));
      res.end(text.slice(3000));
    };
    let state = await crm.sync();
    expect(state.lastError?.message).toBe("the CRM's answer is larger than 4 KB; nothing was changed");
    expect(await store.leadCount()).toBe(0);
    // Declared up front: refused before reading.
    handler = (_request, res) => json(res, { data: { people } });
    state = await crm.sync();
    expect(state.lastError?.message).toMatch(/larger than 4 KB/);
    expect(await store.leadCount()).toBe(0);
    // Within the limit, the same path works.
    handler = (_request, res) => json(res, { data: { people: people.slice(0, 3) } });
    state = await crm.sync();
    expect(state.lastError).toBeNull();
    expect(await store.leadCount()).toBe(3);
  });

  test('an unknown mapping preset is an error', async () => {
    config = { ...config, mapping: 'nope' };
    handler = (_request, res) => json(res, { data: { people: [] } });
    expect((await crm.sync()).lastError?.message).toMatch(/no mapping preset nope/);
  });
});

describe('CRM settings', () => {
  test('the token is kept in IndexedDB, never in storage.local; the policy endpoint wins and is locked', async () => {
    await saveCrmSettings({ kind: 'rest', endpoint: 'https://crm.mine.example/people', token: 't0k', intervalMinutes: 15 });
    expect(await getCrmConfig()).toMatchObject({ kind: 'rest', endpoint: 'https://crm.mine.example/people', token: 't0k', intervalMinutes: 15, locked: { endpoint: false } });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('t0k');
    expect(await crmTokenVault.get()).toBe('t0k');
    await fakeBrowser.storage.managed.set({ crmEndpoint: 'https://crm.corp.example/api' });
    const locked = await saveCrmSettings({ endpoint: 'https://evil.example/' });
    expect(locked).toMatchObject({ endpoint: 'https://crm.corp.example/api', locked: { endpoint: true } });
    await fakeBrowser.storage.managed.clear();
    expect((await getCrmConfig()).endpoint).toBe('https://crm.mine.example/people');
  });

  test('a token change alone is reported to watchers; the same token saved again is not', async () => {
    await saveCrmSettings({ kind: 'rest', endpoint: 'https://crm.mine.example/people', token: 'one' });
    let changes = 0;
    const unwatch = watchCrmSettings(() => changes++);
    await saveCrmSettings({ token: 'two' });
    await vi.waitFor(() => expect(changes).toBe(1));
    await saveCrmSettings({ token: 'two' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    unwatch();
    expect(changes).toBe(1);
    expect((await getCrmConfig()).token).toBe('two');
  });

  test('a token an older version left in storage.local moves to IndexedDB on first read', async () => {
    await fakeBrowser.storage.local.set({ 'settings.crm': { kind: 'hubspot', endpoint: 'https://api.hubapi.example', token: 'legacy-pat' } });
    expect(await getCrmConfig()).toMatchObject({ endpoint: 'https://api.hubapi.example', token: 'legacy-pat' });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('legacy-pat');
    expect((await getCrmConfig()).token).toBe('legacy-pat');
  });

  test('a sync state an older version left in storage.local moves to the store', async () => {
    const legacy = { endpoint: base, lastSync: '2026-11-19T08:00:00.000Z', cursor: '2026-11-19T08:00:00.000Z', lastCount: 3, lastError: null, failures: 0, nextAttemptAt: null };
    await fakeBrowser.storage.local.set({ [legacySyncStateKey.slice('local:'.length)]: legacy });
    expect(await crm.state()).toMatchObject(legacy);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await store.meta('crmSyncState')).toEqual(legacy);
  });
});

describe('nextPageUrl', () => {
  test('reads rel="next" among other links, resolves it against the page, and ignores what it cannot read', async () => {
    const { nextPageUrl } = await import('../../../extension/background/crm-http');
    const page = 'https://crm.example/api/people?page=1';
    expect(nextPageUrl('<https://crm.example/api/people?page=2>; rel="next", <https://crm.example/api/people?page=9>; rel="last"', page)).toBe('https://crm.example/api/people?page=2');
    expect(nextPageUrl('<?page=2>; rel=next', page)).toBe('https://crm.example/api/people?page=2');
    expect(nextPageUrl('<https://crm.example/api/people?page=1>; rel="prev"', page)).toBeNull();
    expect(nextPageUrl(null, page)).toBeNull();
    expect(nextPageUrl('not a link header', page)).toBeNull();
  });
});
