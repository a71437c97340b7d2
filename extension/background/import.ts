// Importing leads from a file the rep picked in the options page: JSON Lines, a JSON array (or an
// object holding one) or CSV, as lead records or through a mapping preset from the rules bundle
// (extension/engine/mapping.ts does the per-row work, lead-record.ts the checks).
//
// All or nothing: a file with any bad row changes nothing and says which rows were wrong, by row
// number. Rows are checked a slice at a time and written to the store's staging area (store.ts),
// which becomes live in one transaction only when every row was good; readers see the old lead
// set or the new one, never a mix.
import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { parseLeadRecord } from '../engine/lead-record';
import { compileMapping, MappingError, type CompiledMapping } from '../engine/mapping';
import type { Event, FieldsFile, Lead, MappingFile } from '../engine/generated/rules';
import type { ImportSummary } from './db';
import { normaliseEmail } from './keys';
import { ImportConflictError, type LeadStore } from './store';

export type ImportFormat = 'jsonl' | 'json' | 'csv';

/** A row that cannot be imported. `row` counts as people do: the file's line (JSONL, CSV) or the record's position (JSON). */
export interface RowProblem {
  row: number;
  message: string;
}

export interface ImportProgress {
  /** waiting: another import (the first-run seeding of the sample leads, say) must finish first. */
  phase: 'waiting' | 'reading' | 'writing';
  done: number;
  total: number;
}

export interface ImportRequest {
  fileName: string;
  text: string;
  /** Default: from the file name, else from the first characters. */
  format?: ImportFormat;
  /** null: the file holds Leadpact lead records (DESIGN 3.10). */
  mapping: MappingFile | null;
  /** replace: the file becomes the lead set; merge: adds and updates by id. Activity mappings always add events. */
  mode: 'replace' | 'merge';
}

export interface ImportContext {
  fields?: FieldsFile;
  stageOrder?: readonly string[];
  onProgress?: (progress: ImportProgress) => void;
  now?: () => Date;
}

export type ImportResult =
  | { ok: true; summary: ImportSummary; rows: number }
  /** Nothing was written. `problems` lists at most `maxProblems` rows; `problemCount` counts them all. */
  | { ok: false; rows: number; problems: RowProblem[]; problemCount: number; error?: string };

const maxProblems = 100;
/** Rows read between two yields to the page, so the progress bar moves and the page stays responsive. */
const rowsPerSlice = 2_000;

export function formatOf(fileName: string, text: string): ImportFormat {
  const lower = fileName.toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(lower)) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'csv';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) {
    const firstLine = start.slice(0, start.indexOf('\n') === -1 ? undefined : start.indexOf('\n'));
    try {
      JSON.parse(firstLine);
      return 'jsonl';
    } catch {
      return 'json';
    }
  }
  return 'csv';
}

/** Stands for a JSON Lines line that does not parse. */
const notJson = Symbol('not JSON');

interface SourceRecord {
  row: number;
  value?: unknown;
  /** A JSON Lines line not parsed yet. */
  line?: string;
}

function valueOf(record: SourceRecord): unknown {
  if (record.line === undefined) return record.value;
  try {
    return JSON.parse(record.line);
  } catch {
    return notJson;
  }
}

type Records = { ok: true; records: SourceRecord[] } | { ok: false; problems: RowProblem[]; fatal?: string };

/** The file's records with their row numbers; a JSON file that is not JSON is one fatal problem. */
export function readRecords(text: string, format: ImportFormat, mapping: MappingFile | null): Records {
  const body = text.replace(/^\uFEFF/, '');
  if (format === 'jsonl') {
    // A line that is not JSON is reported with the other bad rows, in line order, by the checks.
    // Lines are parsed a slice at a time by the checks, so a big file's records never all sit in memory as objects.
    const records: SourceRecord[] = [];
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim()) records.push({ row: i + 1, line });
    }
    return { ok: true, records };
  }
  if (format === 'json') {
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch (error) {
      return { ok: false, problems: [], fatal: `the file is not JSON (${error instanceof Error ? error.message : String(error)})` };
    }
    const list = recordsIn(document, mapping?.recordsPath);
    if (!list) return { ok: false, problems: [], fatal: 'the JSON file holds no list of records (expected an array, or an object with one)' };
    return { ok: true, records: list.map((value, i) => ({ row: i + 1, value })) };
  }
  try {
    const rows = parseCsv(body, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      delimiter: mapping?.delimiter ?? ',',
      skip_empty_lines: true,
      relax_quotes: false,
      info: true,
      bom: true,
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
    return { ok: true, records: rows.map(({ record, info }) => ({ row: info.lines, value: record })) };
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const message = error instanceof Error ? error.message.replace(/^Invalid Record Length: /, '') : String(error);
    return line ? { ok: false, problems: [{ row: line, message }] } : { ok: false, problems: [], fatal: `the CSV file cannot be read: ${message}` };
  }
}

function recordsIn(document: unknown, recordsPath: string | undefined): unknown[] | undefined {
  let value = document;
  if (recordsPath) {
    for (const key of recordsPath.split('.')) {
      value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
    return Array.isArray(value) ? value : undefined;
  }
  if (Array.isArray(value)) return value;
  // `{ "results": [...] }`, as many APIs export: the one list inside the object.
  if (value !== null && typeof value === 'object') {
    const lists = Object.values(value).filter(Array.isArray);
    if (lists.length === 1) return lists[0];
  }
  return undefined;
}

/** Reads, checks and writes one file; any bad row and nothing is written. */
export async function importFile(store: LeadStore, request: ImportRequest, context: ImportContext = {}): Promise<ImportResult> {
  const format = request.format ?? formatOf(request.fileName, request.text);
  if (format === 'csv' && !request.mapping) {
    return failure(0, [], 'a CSV file needs a mapping preset: pick the CRM the file was exported from');
  }
  let program: CompiledMapping | null = null;
  if (request.mapping) {
    try {
      program = compileMapping(request.mapping, context.fields ? { fields: context.fields } : undefined);
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      return failure(0, [], `the mapping ${request.mapping.id} cannot be used: ${error.message}`);
    }
  }

  const read = readRecords(request.text, format, request.mapping);
  if (!read.ok) return failure(0, read.problems, read.fatal);
  const records = read.records;
  const total = records.length;
  if (total === 0) return failure(0, [], 'the file holds no records');
  const progress = (phase: ImportProgress['phase'], done: number, of = total) => context.onProgress?.({ phase, done, total: of });
  const options = {
    source: 'file' as const,
    name: request.fileName,
    mapping: request.mapping?.id ?? null,
    ...(context.stageOrder ? { stageOrder: context.stageOrder } : {}),
    ...(context.now ? { now: context.now } : {}),
    onProgress: ({ done, total: of }: { done: number; total: number }) => progress('writing', done, of),
    onWait: () => progress('waiting', 0),
  };

  const problems: RowProblem[] = [];
  let problemCount = 0;
  const problem = (row: number, message: string) => {
    problemCount++;
    if (problems.length < maxProblems) problems.push({ row, message });
  };

  try {
    if (program && request.mapping?.records === 'events') {
      const rows: Array<{ row: number; leadKey: string; event: Event }> = [];
      await inSlices(records, (record) => {
        const value = valueOf(record);
        if (value === notJson) return problem(record.row, 'not a JSON value');
        const result = program.toEvent(asRow(value), record.row);
        if (result.ok) rows.push({ row: record.row, leadKey: result.leadKey, event: result.event });
        else if (!result.ignored) problem(record.row, result.error);
      }, (done) => progress('reading', done));
      if (problemCount > 0) return failure(total, problems, undefined, problemCount);
      const by = request.mapping.events?.leadKey ?? 'id';
      const keys = [...new Set(rows.map((row) => (by === 'email' ? normaliseEmail(row.leadKey) ?? row.leadKey : row.leadKey)))];
      const ids = await store.resolveLeadKeys(keys, by);
      const events = new Map<string, Event[]>();
      for (const row of rows) {
        const key = by === 'email' ? normaliseEmail(row.leadKey) ?? row.leadKey : row.leadKey;
        const id = ids.get(key);
        if (!id) {
          problem(row.row, `no lead with ${by === 'email' ? 'email' : 'id'} ${key}: import the leads first`);
          continue;
        }
        const list = events.get(id);
        if (list) list.push(row.event);
        else events.set(id, [row.event]);
      }
      if (problemCount > 0) return failure(total, problems, undefined, problemCount);
      const summary = await store.addEvents(events, options);
      return { ok: true, summary, rows: total };
    }

    // Rows are checked a slice at a time and, while every row so far is good, written to the
    // store's staging area; the first bad row stops the writing (the checks go on, to list every
    // bad row) and the staged rows are discarded: the live leads never change.
    // The store reports its own progress while it copies the live leads (merge); after that the
    // rows' progress is the one to show.
    let copying = true;
    const staged = await store.beginImport(request.mode, { ...options, onProgress: ({ done, total: of }) => copying && progress('writing', done, of) }, 0);
    copying = false;
    let pending: Lead[] = [];
    const firstRowOf = new Map<string, number>();
    try {
      await inSlices(
        records,
        (record) => {
          const value = valueOf(record);
          if (value === notJson) return problem(record.row, 'not a JSON value');
          const result = program ? program.toLead(asRow(value), record.row) : parseLeadRecord(value);
          if (!result.ok) return problem(record.row, result.error);
          if (program) {
            // A mapping builds the record; check it the same way a hand-made one is checked.
            const checked = parseLeadRecord(result.lead);
            if (!checked.ok) return problem(record.row, checked.error);
          }
          const seen = firstRowOf.get(result.lead.id);
          if (seen !== undefined) return problem(record.row, `id ${result.lead.id} again (first on row ${seen})`);
          firstRowOf.set(result.lead.id, record.row);
          if (problemCount === 0) pending.push(result.lead);
        },
        async (done) => {
          if (problemCount === 0 && pending.length > 0) await staged.add(pending);
          pending = [];
          progress('reading', done);
        },
      );
    } catch (error) {
      await staged.discard();
      throw error;
    }
    if (problemCount > 0) {
      await staged.discard();
      return failure(total, problems, undefined, problemCount);
    }
    const summary = await staged.commit();
    progress('writing', total);
    return { ok: true, summary, rows: total };
  } catch (error) {
    if (error instanceof ImportConflictError) return failure(total, [], error.message);
    throw error;
  }
}

function failure(rows: number, problems: RowProblem[], error?: string, problemCount = problems.length): ImportResult {
  return error === undefined ? { ok: false, rows, problems, problemCount } : { ok: false, rows, problems, problemCount, error };
}

function asRow(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function inSlices<T>(items: readonly T[], each: (item: T) => void, onSlice: (done: number) => void | Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += rowsPerSlice) {
    const end = Math.min(items.length, start + rowsPerSlice);
    for (let i = start; i < end; i++) each(items[i]!);
    await onSlice(end);
    if (end < items.length) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
