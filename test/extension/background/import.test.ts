import './fake-env';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { MappingFile } from '../../../extension/engine/generated/rules';
import { collect, exportFeedback, exportLeads } from '../../../extension/background/export';
import { formatOf, importFile, type ImportProgress } from '../../../extension/background/import';
import { LeadStore } from '../../../extension/background/store';
import { ada, bob, freshDatabaseName, jsonl, NOW_MS } from './support';

let store: LeadStore;

beforeEach(async () => {
  store = await LeadStore.open(freshDatabaseName());
});
afterEach(() => store.close());

/** An invented CRM's CSV export: one row per contact. */
const crmContacts: MappingFile = {
  kind: 'mapping',
  id: 'tiny-crm',
  label: 'Tiny CRM contacts',
  format: 'csv',
  records: 'leads',
  columns: [
    { column: 'Id', field: 'id', required: true },
    { column: 'Email', field: 'email' },
    { columns: ['First', 'Last'], field: 'name' },
    { column: 'Employees', field: 'company.employees', type: 'number' },
  ],
};

const crmActivities: MappingFile = {
  kind: 'mapping',
  id: 'tiny-crm-activities',
  label: 'Tiny CRM activities',
  format: 'csv',
  records: 'events',
  events: { lead: 'Email', leadKey: 'email', at: 'When', type: { column: 'What', values: { Call: 'call', Ignore: null } } },
};

async function ids(): Promise<string[]> {
  const all: string[] = [];
  for await (const page of store.leads()) all.push(...page.map((stored) => stored.id));
  return all.sort();
}

describe('import', () => {
  test('reads JSON Lines lead records and reports progress while reading and writing', async () => {
    const progress: ImportProgress[] = [];
    const result = await importFile(store, { fileName: 'leads.jsonl', text: jsonl([ada(), bob()]), mapping: null, mode: 'replace' }, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ ok: true, rows: 2, summary: { source: 'file', name: 'leads.jsonl', count: 2, mode: 'replace' } });
    expect(await ids()).toEqual(['lead-ada', 'lead-bob']);
    expect(progress.at(-1)).toEqual({ phase: 'writing', done: 2, total: 2 });
    expect(progress.some((p) => p.phase === 'reading' && p.done === 2)).toBe(true);
  });

  test('reads a JSON array, or the one list inside an object', async () => {
    expect(await importFile(store, { fileName: 'a.json', text: JSON.stringify([ada()]), mapping: null, mode: 'replace' })).toMatchObject({ ok: true });
    expect(await importFile(store, { fileName: 'b.json', text: JSON.stringify({ results: [bob()] }), mapping: null, mode: 'merge' })).toMatchObject({ ok: true });
    expect(await ids()).toEqual(['lead-ada', 'lead-bob']);
  });

  test('reads CSV through a mapping preset', async () => {
    const csv = 'Id,Email,First,Last,Employees\nc1,cy@x.example,Cy,Young,"1,200"\nc2,,Di,,8\n';
    const result = await importFile(store, { fileName: 'contacts.csv', text: csv, mapping: crmContacts, mode: 'replace' });
    expect(result).toMatchObject({ ok: true, summary: { mapping: 'tiny-crm', count: 2 } });
    const stored = await store.getLead('c1');
    expect(stored?.lead).toMatchObject({ id: 'c1', email: 'cy@x.example', name: 'Cy Young', company: { employees: 1200 } });
  });

  test('a file with bad rows changes nothing and names every bad row by its line', async () => {
    await importFile(store, { fileName: 'first.jsonl', text: jsonl([ada()]), mapping: null, mode: 'replace' });
    const text = [JSON.stringify(bob()), '{"id": "x", "email": 5}', '', 'not json', JSON.stringify({ id: 'y', hobby: 'golf' }), JSON.stringify(bob())].join('\n');
    const result = await importFile(store, { fileName: 'bad.jsonl', text, mapping: null, mode: 'replace' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { row: 2, message: expect.stringContaining('email') },
      { row: 4, message: 'not a JSON value' },
      { row: 5, message: expect.stringContaining('hobby') },
      { row: 6, message: 'id lead-bob again (first on row 1)' },
    ]);
    expect(result.problemCount).toBe(4);
    expect(await ids()).toEqual(['lead-ada']);
    expect((await store.meta('lastImport'))?.name).toBe('first.jsonl');
  });

  test('a bad row after slices already written to the staging area still changes nothing', async () => {
    await importFile(store, { fileName: 'first.jsonl', text: jsonl([ada()]), mapping: null, mode: 'replace' });
    const many = Array.from({ length: 4_500 }, (_, i) => bob({ id: `lead-${i}`, email: `p${i}@tiny.example` }));
    const lines = jsonl(many).split('\n');
    lines[4_200] = '{"id": "broken", "events": "none"}';
    const result = await importFile(store, { fileName: 'big.jsonl', text: lines.join('\n'), mapping: null, mode: 'merge' });
    expect(result).toMatchObject({ ok: false, problemCount: 1, problems: [{ row: 4_201 }] });
    expect(await ids()).toEqual(['lead-ada']);
    // The staging store was emptied again: no stale half-import waits there.
    const live = await store.liveStore();
    expect(await store.db.count(live === 'leads-a' ? 'leads-b' : 'leads-a')).toBe(0);
    lines[4_200] = JSON.stringify(bob({ id: 'lead-fixed' }));
    expect(await importFile(store, { fileName: 'big.jsonl', text: lines.join('\n'), mapping: null, mode: 'merge' })).toMatchObject({ ok: true, summary: { count: 4_500 } });
    expect(await store.leadCount()).toBe(4_501);
  });

  test('a CSV row the mapping rejects changes nothing, with its line number', async () => {
    await importFile(store, { fileName: 'first.jsonl', text: jsonl([ada()]), mapping: null, mode: 'replace' });
    const csv = 'Id,Email,First,Last,Employees\nc1,cy@x.example,Cy,Young,12\n,no-id@x.example,No,Id,3\nc3,z@x.example,Zed,,many\n';
    const result = await importFile(store, { fileName: 'contacts.csv', text: csv, mapping: crmContacts, mode: 'replace' });
    if (result.ok) throw new Error('expected a failure');
    expect(result.problems.map((p) => p.row)).toEqual([3, 4]);
    expect(await ids()).toEqual(['lead-ada']);
  });

  test('a CSV file needs a mapping, and JSON that is not JSON is refused whole', async () => {
    expect(await importFile(store, { fileName: 'x.csv', text: 'a,b\n1,2\n', mapping: null, mode: 'replace' })).toMatchObject({ ok: false, error: expect.stringContaining('mapping preset') });
    expect(await importFile(store, { fileName: 'x.json', text: '[{"id": "a"},', mapping: null, mode: 'replace' })).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
  });

  test('activity rows become events on existing leads; a row for an unknown lead changes nothing', async () => {
    await importFile(store, { fileName: 'leads.jsonl', text: jsonl([ada(), bob()]), mapping: null, mode: 'replace' });
    const bad = 'Email,When,What\nADA@acme.example,2026-11-20T10:00:00Z,Call\nghost@x.example,2026-11-20T10:00:00Z,Call\n';
    const refused = await importFile(store, { fileName: 'act.csv', text: bad, mapping: crmActivities, mode: 'merge' });
    expect(refused).toMatchObject({ ok: false, problems: [{ row: 3, message: expect.stringContaining('ghost@x.example') }] });
    expect((await store.getLead('lead-ada'))?.lead.events).toEqual([]);
    const good = 'Email,When,What\nADA@acme.example,2026-11-20T10:00:00Z,Call\nbob@tiny.example,2026-11-20T10:00:00Z,Ignore\n';
    expect(await importFile(store, { fileName: 'act.csv', text: good, mapping: crmActivities, mode: 'merge' })).toMatchObject({ ok: true, summary: { mode: 'events', count: 1 } });
    expect((await store.getLead('lead-ada'))?.lead.events).toEqual([{ type: 'call', at: '2026-11-20T10:00:00Z' }]);
  });

  test('merge keeps the other leads and updates by id; replace drops them', async () => {
    await importFile(store, { fileName: 'a.jsonl', text: jsonl([ada(), bob()]), mapping: null, mode: 'replace' });
    await importFile(store, { fileName: 'b.jsonl', text: jsonl([bob({ title: 'CTO' })]), mapping: null, mode: 'merge' });
    expect(await ids()).toEqual(['lead-ada', 'lead-bob']);
    expect((await store.getLead('lead-bob'))?.lead.title).toBe('CTO');
    await importFile(store, { fileName: 'c.jsonl', text: jsonl([bob()]), mapping: null, mode: 'replace' });
    expect(await ids()).toEqual(['lead-bob']);
    expect(await store.leadCount()).toBe(1);
  });

  test('tells the format from the name, else from the first characters', () => {
    expect(formatOf('x.JSONL', '')).toBe('jsonl');
    expect(formatOf('x.json', '')).toBe('json');
    expect(formatOf('x.csv', '{}')).toBe('csv');
    expect(formatOf('export', '[{"id":"a"}]')).toBe('json');
    expect(formatOf('export', '{"id":"a"}\n{"id":"b"}')).toBe('jsonl');
    expect(formatOf('export', '{\n "results": []\n}')).toBe('json');
    expect(formatOf('export', 'Id,Email\n')).toBe('csv');
  });
});

describe('export', () => {
  test('writes the leads as JSON Lines that import again unchanged', async () => {
    await importFile(store, { fileName: 'a.jsonl', text: jsonl([ada(), bob()]), mapping: null, mode: 'replace' });
    const text = (await collect(exportLeads(store))).join('');
    expect(text.trim().split('\n').map((line) => JSON.parse(line))).toEqual([ada(), bob()]);
    const other = await LeadStore.open(freshDatabaseName());
    expect(await importFile(other, { fileName: 'export.jsonl', text, mapping: null, mode: 'replace' })).toMatchObject({ ok: true, rows: 2 });
    other.close();
  });

  test('writes every decision as one JSON line, in the order recorded', async () => {
    const shown = { score: 70, grade: 'B', stage: 'mql', stageEnteredAt: null, persona: null };
    const base = { leadId: 'lead-ada', who: 'me', rulesVersion: '1.0.0', rulesHash: 'h', shown, stageRecorded: null };
    await store.recordDecision({ ...base, decision: 'reject', reason: 'no-budget', at: new Date(NOW_MS).toISOString() });
    await store.recordDecision({ ...base, decision: 'reject', reason: 'wrong-persona', at: new Date(NOW_MS + 1).toISOString() });
    const lines = (await collect(exportFeedback(store))).join('').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.reason)).toEqual(['no-budget', 'wrong-persona']);
    expect(lines[0]).not.toHaveProperty('seq');
    expect(lines[0]).toMatchObject({ leadId: 'lead-ada', decision: 'reject', who: 'me', rulesVersion: '1.0.0' });
  });
});
