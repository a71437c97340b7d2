// Two imports at once on one lead database: the first-run seeding in the service worker and a
// rep's import in the options page, or two imports of the rep. Each LeadStore here is its own
// connection, as each extension context has its own. With the shared lock (the default; the
// in-process queue stands in for Web Locks here) the second one waits; with no shared lock
// (noLock: contexts that do not share one) the later one supersedes the earlier, which aborts
// without touching the live store. Either way the store ends up holding exactly one import's
// leads, and each side says what happened to it.
import './fake-env';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Lead } from '../../../extension/engine/generated/rules';
import { importFile, type ImportProgress } from '../../../extension/background/import';
import { noLock } from '../../../extension/background/lock';
import { seedSampleLeads } from '../../../extension/background/samples';
import { ImportConflictError, LeadStore } from '../../../extension/background/store';
import { ada, bob, freshDatabaseName, jsonl } from './support';

let name: string;
const opened: LeadStore[] = [];

async function connect(options: { lock?: typeof noLock } = {}): Promise<LeadStore> {
  const store = await LeadStore.open(name, options);
  opened.push(store);
  return store;
}

beforeEach(() => {
  name = freshDatabaseName();
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function people(prefix: string, count: number): Lead[] {
  return Array.from({ length: count }, (_, i) => bob({ id: `${prefix}-${i}`, email: `${prefix}${i}@tiny.example`, linkedin: null, name: `${prefix} ${i}` }));
}

async function liveIds(store: LeadStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of store.leads()) ids.push(...page.map((stored) => stored.id));
  return ids.sort();
}

function idsOf(leads: readonly Lead[]): string[] {
  return leads.map((lead) => lead.id).sort();
}

const samples = people('sample', 12);
const mine = [ada(), bob(), bob({ id: 'lead-cy', email: 'cy@tiny.example', linkedin: null, name: 'Cy Young' })];

describe('two imports with the shared lock', () => {
  test('the second waits for the first, says so, and then replaces it: the store holds the second one\'s leads', async () => {
    const page = await connect();
    const other = await connect();
    const first = people('first', 6);
    const staged = await page.beginImport('replace', { source: 'file', name: 'first.jsonl' });
    await staged.add(first.slice(0, 3));

    const phases: ImportProgress['phase'][] = [];
    const second = importFile(other, { fileName: 'second.jsonl', text: jsonl(mine), mapping: null, mode: 'replace' }, { onProgress: (p) => phases.push(p.phase) });
    // Give the second import every chance to run: it must be waiting, with nothing written.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(phases).toEqual(['waiting']);

    await staged.add(first.slice(3));
    const firstSummary = await staged.commit();
    expect(firstSummary).toMatchObject({ count: 6, name: 'first.jsonl' });
    const secondResult = await second;
    expect(secondResult).toMatchObject({ ok: true, summary: { count: 3, name: 'second.jsonl' } });
    expect(phases[0]).toBe('waiting');
    expect(phases.slice(1)).not.toContain('waiting');

    expect(await liveIds(page)).toEqual(idsOf(mine));
    expect(await page.leadCount()).toBe(3);
    expect(await page.meta('lastImport')).toMatchObject({ name: 'second.jsonl', count: 3 });
  });

  test('a merge that waited merges into the set the first import left', async () => {
    const page = await connect();
    const other = await connect();
    const staged = await page.beginImport('replace', { source: 'file', name: 'first.jsonl' });
    await staged.add([ada()]);
    const merge = other.mergeLeads([bob()], { source: 'file', name: 'more.jsonl' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await staged.commit();
    await merge;
    expect(await liveIds(page)).toEqual(['lead-ada', 'lead-bob']);
  });
});

describe('two imports without a shared lock (interleaved chunks)', () => {
  test('the later one supersedes the earlier, whose next chunk and commit fail; the live store only ever holds one set', async () => {
    const a = await connect({ lock: noLock });
    const b = await connect({ lock: noLock });
    await a.replaceLeads([ada()], { source: 'file', name: 'before.jsonl' });
    const first = people('first', 4);
    const second = people('second', 4);

    const stagedA = await a.beginImport('replace', { source: 'file', name: 'a.jsonl' });
    await stagedA.add(first.slice(0, 2));
    const stagedB = await b.beginImport('replace', { source: 'file', name: 'b.jsonl' });
    await stagedB.add(second.slice(0, 2));
    await expect(stagedA.add(first.slice(2))).rejects.toBeInstanceOf(ImportConflictError);
    expect(await liveIds(a)).toEqual(['lead-ada']);
    await stagedB.add(second.slice(2));
    await expect(stagedB.commit()).resolves.toMatchObject({ count: 4, name: 'b.jsonl' });
    await expect(stagedA.commit()).rejects.toBeInstanceOf(ImportConflictError);
    await stagedA.discard(); // after losing: must not clear anything

    expect(await liveIds(a)).toEqual(idsOf(second));
    expect(await a.leadCount()).toBe(4);
    expect(await a.meta('lastImport')).toMatchObject({ name: 'b.jsonl' });
  });

  test('an import that lost while the winner committed does not write into (or clear) the now live store', async () => {
    const a = await connect({ lock: noLock });
    const b = await connect({ lock: noLock });
    const stale = await a.beginImport('replace', { source: 'file', name: 'stale.jsonl' });
    await stale.add(people('stale', 2));
    const winner = await b.beginImport('replace', { source: 'file', name: 'winner.jsonl' });
    await winner.add(mine);
    await winner.commit();

    // The staging store of the stale import is now the live one.
    await expect(stale.add(people('late', 2))).rejects.toBeInstanceOf(ImportConflictError);
    await stale.discard();
    await expect(stale.commit()).rejects.toThrow();
    expect(await liveIds(a)).toEqual(idsOf(mine));
    expect(await a.leadCount()).toBe(3);
  });

  test('through importFile, the losing side reports that nothing was imported', async () => {
    const a = await connect({ lock: noLock });
    const b = await connect({ lock: noLock });
    const big = people('big', 3_000); // more than one slice of rows, so the import yields between chunks
    let started = false;
    let second: Promise<unknown> | undefined;
    const first = importFile(a, { fileName: 'big.jsonl', text: jsonl(big), mapping: null, mode: 'replace' }, {
      onProgress: (progress) => {
        if (progress.phase === 'reading' && !started) {
          started = true;
          second = importFile(b, { fileName: 'mine.jsonl', text: jsonl(mine), mapping: null, mode: 'replace' });
        }
      },
    });
    const firstResult = await first;
    const secondResult = await second;
    expect(firstResult).toMatchObject({ ok: false, error: expect.stringContaining('nothing was changed') });
    expect(secondResult).toMatchObject({ ok: true, summary: { count: 3 } });
    expect(await liveIds(a)).toEqual(idsOf(mine));
  });
});

describe('the first-run seeding against a rep\'s import', () => {
  const load = async () => jsonl(samples);

  test('a rep import started while the samples are written waits, then replaces them', async () => {
    const worker = await connect();
    const page = await connect();
    let rep: Promise<Awaited<ReturnType<typeof importFile>>> | undefined;
    const phases: ImportProgress['phase'][] = [];
    const seeded = worker.seedLeads(samples, {
      source: 'samples',
      name: 'Sample leads',
      chunkSize: 4,
      onProgress: ({ done }) => {
        if (done === 4 && !rep) rep = importFile(page, { fileName: 'mine.jsonl', text: jsonl(mine), mapping: null, mode: 'replace' }, { onProgress: (p) => phases.push(p.phase) });
      },
    });
    await expect(seeded).resolves.toMatchObject({ summary: { count: 12, source: 'samples' } });
    await expect(rep).resolves.toMatchObject({ ok: true, summary: { count: 3, source: 'file' } });
    expect(phases[0]).toBe('waiting');
    expect(await liveIds(worker)).toEqual(idsOf(mine));
    expect(await worker.meta('lastImport')).toMatchObject({ source: 'file', name: 'mine.jsonl' });
  });

  test('seeding that starts while the rep imports waits and then does nothing: the rep\'s leads stay', async () => {
    const worker = await connect();
    const page = await connect();
    const staged = await page.beginImport('replace', { source: 'file', name: 'mine.jsonl' });
    await staged.add(mine.slice(0, 1));
    const seeding = seedSampleLeads(worker, load, []);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await staged.add(mine.slice(1));
    await staged.commit();
    await expect(seeding).resolves.toEqual({ seeded: false, reason: 'already-seeded' });
    expect(await liveIds(worker)).toEqual(idsOf(mine));
  });

  test('"clear data" during the seeding waits for it, then deletes everything; the samples never come back', async () => {
    const worker = await connect();
    const page = await connect();
    let cleared: Promise<void> | undefined;
    let waited = false;
    await worker.seedLeads(samples, {
      source: 'samples',
      name: 'Sample leads',
      chunkSize: 4,
      onProgress: ({ done }) => {
        if (done === 4) cleared ??= page.clearAll(() => (waited = true));
      },
    });
    await cleared;
    expect(waited).toBe(true);
    expect(await liveIds(worker)).toEqual([]);
    expect(await seedSampleLeads(worker, load, [])).toEqual({ seeded: false, reason: 'already-seeded' });
    expect(await liveIds(worker)).toEqual([]);
  });

  test('without a shared lock, a rep import under way makes the seeding stand aside', async () => {
    const worker = await connect({ lock: noLock });
    const page = await connect({ lock: noLock });
    const staged = await page.beginImport('replace', { source: 'file', name: 'mine.jsonl' });
    await staged.add(mine);
    expect(await seedSampleLeads(worker, load, [])).toEqual({ seeded: false, reason: 'importing' });
    await staged.commit();
    expect(await liveIds(worker)).toEqual(idsOf(mine));
  });

  test('without a shared lock, a rep import that starts during the seeding supersedes it', async () => {
    const worker = await connect({ lock: noLock });
    const page = await connect({ lock: noLock });
    let rep: Promise<Awaited<ReturnType<typeof importFile>>> | undefined;
    const seeded = worker.seedLeads(samples, {
      source: 'samples',
      name: 'Sample leads',
      chunkSize: 4,
      onProgress: ({ done }) => {
        if (done === 4) rep ??= importFile(page, { fileName: 'mine.jsonl', text: jsonl(mine), mapping: null, mode: 'replace' });
      },
    });
    await expect(seeded).rejects.toBeInstanceOf(ImportConflictError);
    await expect(rep).resolves.toMatchObject({ ok: true, summary: { count: 3 } });
    expect(await liveIds(worker)).toEqual(idsOf(mine));
    // The next worker start finds the rep's import and never seeds.
    expect(await seedSampleLeads(worker, load, [])).toEqual({ seeded: false, reason: 'already-seeded' });
  });
});

describe('a staged write that cannot store a value', () => {
  test('keeps none of its batch (the puts before the bad one are aborted with it), and the import can be discarded', async () => {
    const store = await connect();
    const staged = await store.beginImport('replace', { source: 'file', name: 'bad.jsonl' });
    await staged.add([ada()]);
    // A function cannot be stored: its put throws at once, after the batch's first put went out.
    const unstorable = bob({ id: 'lead-fn', properties: { callback: () => 1 } as unknown as Lead['properties'] });
    await expect(staged.add([bob(), unstorable])).rejects.toThrow();
    const stagingName = (await store.db.get('meta', 'live')) === 'leads-b' ? 'leads-a' : 'leads-b';
    expect((await store.db.getAll(stagingName)).map((stored) => stored.id)).toEqual(['lead-ada']);
    await staged.discard();
    expect(await liveIds(store)).toEqual([]);
  });
});
