/**
 * Export rows to lead records and events, through a mapping file (DESIGN 3.8). Pure: the CLI
 * (`leadpact score`) and the extension's import both feed it rows parsed elsewhere (a CSV row
 * is an object keyed by header; a JSON record is any object).
 *
 * Reading one value, in order:
 *  1. the source: a column (CSV header, or for JSON an own key, else a dotted path into the
 *     record), or several columns joined with `join` (default one space; empty ones skipped);
 *  2. nulls: a text value that, trimmed and lower-cased, is one of `nulls` (default: only the
 *     empty string) is null; null and missing values are null;
 *  3. values: a rewrite looked up by the trimmed, lower-cased text (a list rewrites each item);
 *  4. the type (string, number, boolean, date, list). When a column gives no `type`, a lead
 *     field with a fixed type reads as that type (company.employees a number, createdAt a date,
 *     emails a list), and so does a properties.* field declared in rules/fields.yaml when the
 *     caller passes it (compileMapping's `fields`); otherwise a string. The schema's default
 *     string would only make an invalid lead, or a `Yes` no boolean rule matches. An explicit
 *     type that cannot fill the field is a mapping error.
 *  5. required: a required value that ends up null (or an empty list) rejects the row.
 *
 * Types: numbers are plain decimals (`1200`, `-3.5`, `1e6`) or thousands grouped with commas
 * (`1,200,000`); booleans use `booleans` (default true/yes/1 and false/no/0, ignoring case);
 * dates are ISO 8601 (`2026-11-19`, `2026-11-19T10:00:00+01:00`, also with a space instead of
 * the T; without an offset a time is UTC, never the machine's zone), epoch milliseconds, or an
 * RFC 2822 date with its zone, and are written back as ISO instants in UTC; lists split text on
 * `split` (default `;`), trimmed, empty items dropped.
 *
 * Fields: `linkedin` keeps only the slug of a profile URL and `company.domain` only the host of
 * a web address (`https://www.acme.io/about` gives acme.io), because exports hold URLs where the
 * engine and the extension match slugs and domains. When several columns fill the same field,
 * the first one with a value wins (a fallback column). Null values are left out of the lead.
 */
import type { Event, FieldsFile, Lead, MappingFile } from './generated/rules';
import { daysFromCivil, daysInMonth, isoString } from './values';

export type MappingResult = { ok: true; lead: Lead } | { ok: false; error: string };
/**
 * `ignored`: the row's event type is mapped to null in the mapping's `values` (an activity the
 * rules do not use), which is not an error in the export.
 */
export type EventRowResult = { ok: true; leadKey: string; event: Event } | { ok: false; error: string; ignored?: boolean };

type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'list';
type Row = Record<string, unknown>;

/** A mapping that cannot work whatever the rows (a field a lead does not have, a wrong type). */
export class MappingError extends Error {
  override name = 'MappingError';
}

export interface CompiledMapping {
  readonly mapping: MappingFile;
  /** The source columns the mapping reads, in mapping order, without repeats. */
  readonly sourceColumns: readonly string[];
  /** The columns a row cannot do without (`required`, the events' lead, type and time columns). */
  readonly requiredColumns: readonly string[];
  toLead(row: Row, rowNumber: number): MappingResult;
  toEvent(row: Row, rowNumber: number): EventRowResult;
}

export interface CompileMappingOptions {
  /** rules/fields.yaml: columns without a `type` read a declared properties.* field with its declared type. */
  fields?: FieldsFile;
}

const compiled = new WeakMap<MappingFile, CompiledMapping | MappingError>();

/**
 * Compiles a mapping into per-row closures; throws MappingError when the mapping is unusable.
 * Without options the result is cached per mapping object (applyMapping relies on that).
 */
export function compileMapping(mapping: MappingFile, options?: CompileMappingOptions): CompiledMapping {
  if (options?.fields) return buildMapping(mapping, options.fields);
  let entry = compiled.get(mapping);
  if (!entry) {
    try {
      entry = buildMapping(mapping, undefined);
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      entry = error;
    }
    compiled.set(mapping, entry);
  }
  if (entry instanceof MappingError) throw entry;
  return entry;
}

/** One row of a `records: leads` export as a lead record. `rowNumber` names leads without an id column (`row-17`). */
export function applyMapping(mapping: MappingFile, row: Row, rowNumber: number): MappingResult {
  const program = compileOrError(mapping);
  return typeof program === 'string' ? { ok: false, error: program } : program.toLead(row, rowNumber);
}

/** One row of a `records: events` export as an event, with the id or email (lower case) of its lead. */
export function applyEventRow(mapping: MappingFile, row: Row, rowNumber: number): EventRowResult {
  const program = compileOrError(mapping);
  return typeof program === 'string' ? { ok: false, error: program } : program.toEvent(row, rowNumber);
}

function compileOrError(mapping: MappingFile): CompiledMapping | string {
  try {
    return compileMapping(mapping);
  } catch (error) {
    return `mapping ${mapping?.id ?? '(unnamed)'}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// --- The lead fields a mapping may fill ---------------------------------------------------------

const COMPANY_FIELDS: Readonly<Record<string, ValueType>> = {
  name: 'string', domain: 'string', employees: 'number', industry: 'string', country: 'string', revenue: 'number',
};
const TOP_FIELDS: Readonly<Record<string, ValueType>> = {
  id: 'string', email: 'string', emails: 'list', linkedin: 'string', name: 'string', title: 'string',
  stage: 'string', stageEnteredAt: 'date', createdAt: 'date', owner: 'string',
};
const FIELD_LIST = 'id, email, emails, linkedin, name, title, company.<name|domain|employees|industry|country|revenue>, properties.*, stage, stageEnteredAt, createdAt, owner';

/** The type a lead field holds, 'any' for properties.*, undefined for a field leads do not have. */
function fieldType(field: string): ValueType | 'any' | undefined {
  const dot = field.indexOf('.');
  if (dot === -1) return Object.hasOwn(TOP_FIELDS, field) ? TOP_FIELDS[field] : undefined;
  const head = field.slice(0, dot);
  const rest = field.slice(dot + 1);
  if (head === 'properties') return rest.split('.').some(isForbiddenKey) ? undefined : 'any';
  if (head === 'company' && Object.hasOwn(COMPANY_FIELDS, rest)) return COMPANY_FIELDS[rest];
  return undefined;
}

/** Keys that would reach Object.prototype when assigned on a plain object. */
function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

function declaredType(fields: FieldsFile | undefined, field: string): ValueType {
  const entry = fields && Object.hasOwn(fields.fields, field) ? fields.fields[field] : undefined;
  return entry?.type ?? 'string';
}

/** Which declared types can fill a field of each type (a date is an ISO string; a list is not). */
function typeFits(declared: ValueType, field: ValueType | 'any'): boolean {
  if (field === 'any' || declared === field) return true;
  return field === 'string' && declared === 'date';
}

// --- Compiling ----------------------------------------------------------------------------------

interface Spellings {
  nulls: ReadonlySet<string>;
  trueWords: ReadonlySet<string>;
  falseWords: ReadonlySet<string>;
  booleanHint: string;
}

type Convert = (value: unknown, source: string) => unknown;

interface FieldProgram {
  field: string;
  /** For messages: `column "Email"` or `columns "First Name", "Last Name"`. */
  source: string;
  read: (row: Row) => unknown;
  convert: Convert;
  required: boolean;
  assign: (lead: Record<string, unknown>, value: unknown) => void;
}

function buildMapping(mapping: MappingFile, declared: FieldsFile | undefined): CompiledMapping {
  if (mapping === null || typeof mapping !== 'object') throw new MappingError('a mapping must be an object');
  const spellings = buildSpellings(mapping);
  const sourceColumns: string[] = [];
  const requiredColumns: string[] = [];
  const note = (column: string, required: boolean) => {
    if (!sourceColumns.includes(column)) sourceColumns.push(column);
    if (required && !requiredColumns.includes(column)) requiredColumns.push(column);
  };

  const fields: FieldProgram[] = [];
  let hasId = false;
  if (mapping.records === 'leads') {
    (mapping.columns ?? []).forEach((spec, index) => {
      const where = `columns[${index}]`;
      const target = fieldType(spec.field);
      if (target === undefined) throw new MappingError(`${where}: a lead has no field "${spec.field}" (fields: ${FIELD_LIST})`);
      const type: ValueType = spec.type ?? (target === 'any' ? declaredType(declared, spec.field) : target);
      if (!typeFits(type, target)) {
        throw new MappingError(`${where}: field "${spec.field}" holds a ${target}, so the column cannot be read as ${type}`);
      }
      if (spec.field === 'id') hasId = true;
      const columns = spec.columns ?? (spec.column !== undefined ? [spec.column] : []);
      if (columns.length === 0) throw new MappingError(`${where}: give a column (or columns) for field "${spec.field}"`);
      for (const column of columns) note(column, spec.required === true);
      const joinWith = spec.join ?? ' ';
      const readers = columns.map(columnReader);
      const read: FieldProgram['read'] =
        readers.length === 1 ? readers[0]! : (row) => joinColumns(readers, row, joinWith, spellings.nulls);
      fields.push({
        field: spec.field,
        source: columns.length === 1 ? `column ${quote(columns[0]!)}` : `columns ${columns.map(quote).join(', ')}`,
        read,
        convert: compileConverter(type, spec.values, spec.split ?? ';', spellings, spec.field),
        required: spec.required === true,
        assign: compileAssign(spec.field),
      });
    });
  }

  let events: EventProgram | undefined;
  if (mapping.records === 'events') {
    if (!mapping.events) throw new MappingError('an events mapping needs `events`');
    events = compileEvents(mapping.events, spellings);
    note(mapping.events.lead, true);
    note(mapping.events.at, true);
    if (mapping.events.type.column !== undefined) note(mapping.events.type.column, true);
    for (const prop of mapping.events.props ?? []) note(prop.column, false);
  }

  return {
    mapping,
    sourceColumns,
    requiredColumns,
    toLead(row, rowNumber) {
      if (mapping.records !== 'leads') return { ok: false, error: `mapping ${mapping.id} maps rows to events, not leads` };
      if (row === null || typeof row !== 'object') return { ok: false, error: 'the row is not an object' };
      const lead: Record<string, unknown> = {};
      const filled = new Set<string>();
      for (const program of fields) {
        if (filled.has(program.field)) continue;
        let value: unknown;
        try {
          value = program.convert(program.read(row), program.source);
        } catch (error) {
          if (error instanceof ValueError) return { ok: false, error: error.message };
          throw error;
        }
        if (value === null || (Array.isArray(value) && value.length === 0)) {
          if (program.required) return { ok: false, error: `${program.source} is empty, and field ${program.field} is required` };
          continue;
        }
        program.assign(lead, value);
        filled.add(program.field);
      }
      if (!hasId) lead.id = `row-${rowNumber}`;
      else if (!filled.has('id')) {
        const source = fields.find((f) => f.field === 'id')!.source;
        return { ok: false, error: `${source} is empty: every lead needs an id` };
      }
      const id = lead.id as string;
      if (id.length > 200) return { ok: false, error: `the lead id is ${id.length} characters long (at most 200)` };
      return { ok: true, lead: lead as unknown as Lead };
    },
    toEvent(row) {
      if (!events) return { ok: false, error: `mapping ${mapping.id} maps rows to leads, not events` };
      if (row === null || typeof row !== 'object') return { ok: false, error: 'the row is not an object' };
      try {
        return events(row);
      } catch (error) {
        if (error instanceof ValueError) return { ok: false, error: error.message };
        throw error;
      }
    },
  };
}

function buildSpellings(mapping: MappingFile): Spellings {
  const fold = (words: readonly string[]) => new Set(words.map((word) => String(word).trim().toLowerCase()));
  const trueWords = mapping.booleans?.true ?? ['true', 'yes', '1'];
  const falseWords = mapping.booleans?.false ?? ['false', 'no', '0'];
  return {
    nulls: fold(mapping.nulls ?? ['']),
    trueWords: fold(trueWords),
    falseWords: fold(falseWords),
    booleanHint: `true: ${trueWords.join(', ')}; false: ${falseWords.join(', ')}`,
  };
}

// --- Reading columns ----------------------------------------------------------------------------

const hasOwn = Object.prototype.hasOwnProperty;

/** An own key named exactly like the column first (CSV headers), else a dotted path (JSON). */
function columnReader(column: string): (row: Row) => unknown {
  const keys = column.split('.');
  if (keys.length === 1) return (row) => (hasOwn.call(row, column) ? row[column] : undefined);
  return (row) => {
    if (hasOwn.call(row, column)) return row[column];
    let value: unknown = row;
    for (const key of keys) {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !hasOwn.call(value, key)) return undefined;
      value = (value as Row)[key];
    }
    return value;
  };
}

function joinColumns(readers: ((row: Row) => unknown)[], row: Row, separator: string, nulls: ReadonlySet<string>): string | null {
  const parts: string[] = [];
  for (const read of readers) {
    const value = read(row);
    if (value === null || value === undefined) continue;
    const text = typeof value === 'string' ? value.trim() : scalarText(value);
    if (text === undefined || nulls.has(text.toLowerCase())) continue;
    parts.push(text);
  }
  return parts.length === 0 ? null : parts.join(separator);
}

// --- Converting values --------------------------------------------------------------------------

/** A value a row cannot give: becomes the row's error message. */
class ValueError extends Error {}

type ValueMap = Readonly<Record<string, string | number | boolean | null | undefined>>;

function compileConverter(type: ValueType, values: ValueMap | undefined, split: string, spellings: Spellings, field?: string): Convert {
  const rewrites = compileRewrites(values);
  const { nulls } = spellings;
  // Most columns have no rewrites: then only a null spelling needs the folded text, and only
  // when its length matches one (this runs for every cell of a million-row export).
  const emptyIsNull = nulls.has('');
  const nullLengths = new Set([...nulls].map((word) => word.length));
  /** Null handling and the `values` rewrite, shared by every type. */
  const prepare = (value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' && rewrites === undefined) {
      const trimmed = value.trim();
      if (trimmed.length === 0) return emptyIsNull ? null : value;
      return nullLengths.has(trimmed.length) && nulls.has(trimmed.toLowerCase()) ? null : value;
    }
    if (typeof value === 'string') {
      const key = value.trim().toLowerCase();
      if (nulls.has(key)) return null;
      if (rewrites && rewrites.has(key)) return rewrites.get(key);
      return value;
    }
    if (rewrites && (typeof value === 'number' || typeof value === 'boolean')) {
      const key = String(value).toLowerCase();
      if (rewrites.has(key)) return rewrites.get(key);
    }
    return value;
  };
  const finish = field === 'linkedin' ? linkedinSlug : field === 'company.domain' ? webDomain : undefined;

  switch (type) {
    case 'string':
      return (raw, source) => {
        const value = prepare(raw);
        if (value === null) return null;
        const text = typeof value === 'string' ? value.trim() : scalarText(value);
        if (text === undefined) throw new ValueError(`${source}: expected text, got ${describeKind(value)}`);
        if (text === '') return null;
        return finish ? finish(text) : text;
      };
    case 'number':
      return (raw, source) => {
        const value = prepare(raw);
        if (value === null) return null;
        const number = toNumber(value);
        if (number === undefined) throw new ValueError(`${source}: ${show(value)} is not a number`);
        return number;
      };
    case 'boolean':
      return (raw, source) => {
        const value = prepare(raw);
        if (value === null || typeof value === 'boolean') return value;
        const key = (typeof value === 'string' ? value : scalarText(value) ?? '').trim().toLowerCase();
        if (spellings.trueWords.has(key)) return true;
        if (spellings.falseWords.has(key)) return false;
        throw new ValueError(`${source}: ${show(value)} is not a boolean (${spellings.booleanHint})`);
      };
    case 'date':
      return (raw, source) => {
        const value = prepare(raw);
        if (value === null) return null;
        const iso = toIsoInstant(value);
        if (iso === undefined) {
          throw new ValueError(`${source}: ${show(value)} is not a date (expected ISO 8601, e.g. 2026-11-19 or 2026-11-19T10:00:00Z)`);
        }
        return iso;
      };
    case 'list':
      return (raw, source) => {
        if (raw === null || raw === undefined) return null;
        let items: unknown[];
        if (Array.isArray(raw)) items = raw;
        else if (typeof raw === 'string') {
          if (nulls.has(raw.trim().toLowerCase())) return null;
          items = raw.split(split);
        } else {
          const text = scalarText(raw);
          if (text === undefined) throw new ValueError(`${source}: expected a list, got ${describeKind(raw)}`);
          items = [text];
        }
        const list: string[] = [];
        for (const item of items) {
          const value = prepare(typeof item === 'string' ? item.trim() : item);
          if (value === null) continue;
          const text = typeof value === 'string' ? value.trim() : scalarText(value);
          if (text === undefined) throw new ValueError(`${source}: a list item is ${describeKind(value)}, not text`);
          if (text !== '') list.push(text);
        }
        return list;
      };
  }
}

function compileRewrites(values: ValueMap | undefined): Map<string, unknown> | undefined {
  if (!values) return undefined;
  const map = new Map<string, unknown>();
  for (const [from, to] of Object.entries(values)) {
    const key = from.trim().toLowerCase();
    // The first spelling wins when two differ only by case, as a reader of the file would expect.
    if (!map.has(key) && to !== undefined) map.set(key, to);
  }
  return map;
}

/** Text of a number or boolean; undefined for objects and arrays. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let number: number;
  if (PLAIN_NUMBER.test(text)) number = Number(text);
  else if (GROUPED_NUMBER.test(text)) number = Number(text.replace(/,/g, ''));
  else return undefined;
  return Number.isFinite(number) ? number : undefined;
}

// --- Dates --------------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*([Zz]|[+-]\d{2}:?\d{2}|UTC|GMT)?$/;
/** RFC 2822 / toUTCString shapes, accepted only with an explicit zone so the machine's never applies. */
const RFC_2822 = /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:GMT|UTC|Z|[+-]\d{4})$/;
/** Epoch milliseconds from 1973 on: a shorter number is more likely seconds or a year than a date. */
const EPOCH_MS = /^\d{12,13}$/;

/**
 * An ISO instant in UTC (`2026-11-19T10:00:00Z`, milliseconds only when not zero), or
 * undefined when the value is not a date this module reads (see the header comment).
 */
export function toIsoInstant(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'number') ms = Number.isInteger(value) && value >= 1e11 ? value : NaN;
  else if (typeof value !== 'string') return undefined;
  else ms = parseDateText(value.trim());
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const iso = isoString(ms);
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function parseDateText(text: string): number {
  let match = ISO_DATE.exec(text);
  if (match) {
    const [, y, mo, d] = match as unknown as [string, string, string, string];
    return validDate(+y, +mo, +d) ? utcMs(+y, +mo, +d, 0, 0, 0, 0) : NaN;
  }
  match = ISO_DATE_TIME.exec(text);
  if (match) {
    const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match as unknown as string[];
    if (!validDate(+y!, +mo!, +d!) || +h! > 23 || +mi! > 59 || +s > 59) return NaN;
    const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
    return utcMs(+y!, +mo!, +d!, +h!, +mi!, +s, millis) - zoneOffsetMinutes(zone) * 60_000;
  }
  if (EPOCH_MS.test(text)) return Number(text);
  if (RFC_2822.test(text)) return Date.parse(text);
  return NaN;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z' || zone === 'UTC' || zone === 'GMT') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone[0] === '-' ? -minutes : minutes;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Epoch milliseconds of a UTC date and time (month 1-12), years 0000-0099 as written (Date.UTC reads them as 19xx). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

// --- Field normalisation ------------------------------------------------------------------------

/** `https://www.linkedin.com/in/ada-lovelace/?trk=x` gives `ada-lovelace`; a bare slug stays. */
function linkedinSlug(text: string): string {
  const match = /(?:^|\/)in\/([^/?#\s]+)/i.exec(text);
  if (!match) return text.replace(/^\/+|\/+$/g, '');
  const slug = match[1]!;
  try {
    return decodeURIComponent(slug);
  } catch {
    return slug;
  }
}

/** `https://www.Acme.io/about` gives `acme.io`; an email address gives its domain. */
function webDomain(text: string): string {
  let host = text.trim().toLowerCase();
  const at = host.lastIndexOf('@');
  if (at !== -1 && !host.includes('/')) host = host.slice(at + 1);
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.split(/[/?#]/, 1)[0]!;
  host = host.replace(/:\d+$/, '').replace(/^www\./, '').replace(/\.$/, '');
  return host;
}

// --- Assigning fields ---------------------------------------------------------------------------

function compileAssign(field: string): FieldProgram['assign'] {
  const keys = field.split('.');
  if (keys.length === 1) return (lead, value) => { lead[field] = value; };
  const last = keys[keys.length - 1]!;
  const parents = keys.slice(0, -1);
  return (lead, value) => {
    let target = lead;
    for (const key of parents) {
      let next = target[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        next = {};
        target[key] = next;
      }
      target = next as Record<string, unknown>;
    }
    target[last] = value;
  };
}

// --- Events -------------------------------------------------------------------------------------

type EventProgram = (row: Row) => EventRowResult;
const EVENT_TYPE = /^[a-z][a-z0-9_]*$/;
const RESERVED_PROPS = new Set(['type', 'at']);

function compileEvents(spec: NonNullable<MappingFile['events']>, spellings: Spellings): EventProgram {
  const byEmail = spec.leadKey === 'email';
  const readLead = columnReader(spec.lead);
  const leadSource = `column ${quote(spec.lead)}`;
  const readAt = columnReader(spec.at);
  const atSource = `column ${quote(spec.at)}`;
  const convertText = compileConverter('string', undefined, ';', spellings);
  const convertAt = compileConverter('date', undefined, ';', spellings);

  const { const: fixedType, column: typeColumn } = spec.type;
  if ((fixedType === undefined) === (typeColumn === undefined)) {
    throw new MappingError('events.type: give either `const` (one type for every row) or `column`');
  }
  if (fixedType !== undefined && !EVENT_TYPE.test(fixedType)) throw new MappingError(`events.type.const: "${fixedType}" is not an event type id`);
  const readType = typeColumn !== undefined ? columnReader(typeColumn) : undefined;
  const typeSource = typeColumn !== undefined ? `column ${quote(typeColumn)}` : '';
  const typeRewrites = compileRewrites(spec.type.values);

  const props = (spec.props ?? []).map((prop, index) => {
    const type: ValueType = prop.type ?? 'string';
    if (type === 'list') throw new MappingError(`events.props[${index}]: event props hold one value, not a list`);
    if (RESERVED_PROPS.has(prop.prop)) throw new MappingError(`events.props[${index}]: "${prop.prop}" is the event's own ${prop.prop}, not a prop`);
    return { prop: prop.prop, read: columnReader(prop.column), source: `column ${quote(prop.column)}`, convert: compileConverter(type, undefined, ';', spellings) };
  });

  return (row) => {
    const key = convertText(readLead(row), leadSource) as string | null;
    if (key === null) return { ok: false, error: `${leadSource} is empty: the event names no lead` };
    let type: string;
    if (fixedType !== undefined) type = fixedType;
    else {
      const raw = convertText(readType!(row), typeSource) as string | null;
      if (raw === null) return { ok: false, error: `${typeSource} is empty: the event has no type` };
      const folded = raw.toLowerCase();
      if (typeRewrites?.has(folded)) {
        const mapped = typeRewrites.get(folded);
        if (mapped === null) return { ok: false, error: `${typeSource}: ${show(raw)} is not an activity the rules use`, ignored: true };
        type = String(mapped);
      } else type = raw;
      if (!EVENT_TYPE.test(type)) {
        return { ok: false, error: `${typeSource}: ${show(raw)} is not an event type (add it to the mapping's type values)` };
      }
    }
    const at = convertAt(readAt(row), atSource) as string | null;
    if (at === null) return { ok: false, error: `${atSource} is empty: the event has no time` };
    const event: Event = { type, at };
    for (const prop of props) {
      const value = prop.convert(prop.read(row), prop.source);
      if (value !== null) event[prop.prop] = value as string | number | boolean;
    }
    return { ok: true, leadKey: byEmail ? key.toLowerCase() : key, event };
  };
}

// --- Messages -----------------------------------------------------------------------------------

function quote(text: string): string {
  return JSON.stringify(text);
}

/** A source value as shown in messages: quoted text (cut when long), or its JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return quote(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
