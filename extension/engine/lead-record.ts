/**
 * The structural check of one lead record (schema/lead.schema.json, DESIGN 3.10), written by
 * hand: it runs once per row of a million-row export in the CLI and per imported lead in the
 * extension, where compiling the schema at run time is not allowed (STYLE 6). It follows the
 * schema exactly (unknown keys are errors, as everywhere in Leadpact) and stops at the first
 * problem with a one-line message that names the path: `events[3].at: not an ISO date-time`.
 *
 * test/engine/mapping.test.ts checks it against the schema itself (Ajv) on valid and broken leads.
 */
import type { Lead } from './generated/rules';
import { daysInMonth, isCommonIsoInstant } from './values';

export type LeadRecordResult = { ok: true; lead: Lead } | { ok: false; error: string };

type Check = (value: unknown, path: string) => string | undefined;

const MAX_ID_LENGTH = 200;

const optionalText: Check = (value, path) =>
  value === null || typeof value === 'string' ? undefined : `${path}: ${expected('text or null', value)}`;
const optionalNumber: Check = (value, path) =>
  value === null || (typeof value === 'number' && Number.isFinite(value)) ? undefined : `${path}: ${expected('a number or null', value)}`;
const optionalInstant: Check = (value, path) => {
  if (value === null) return undefined;
  if (typeof value !== 'string') return `${path}: ${expected('an ISO date-time or null', value)}`;
  return isIsoDateTime(value) ? undefined : `${path}: not an ISO date-time (${show(value)}; expected e.g. 2026-11-19T10:00:00Z)`;
};

const COMPANY_FIELDS: Readonly<Record<string, Check>> = {
  name: optionalText, domain: optionalText, employees: optionalNumber, industry: optionalText, country: optionalText, revenue: optionalNumber,
};

const LEAD_FIELDS: Readonly<Record<string, Check>> = {
  id: (value, path) => {
    if (typeof value !== 'string') return `${path}: ${expected('text', value)}`;
    if (value.length === 0) return `${path}: must not be empty`;
    return value.length > MAX_ID_LENGTH ? `${path}: ${value.length} characters long (at most ${MAX_ID_LENGTH})` : undefined;
  },
  email: optionalText,
  emails: (value, path) => {
    if (!Array.isArray(value)) return `${path}: ${expected('a list of text', value)}`;
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== 'string') return `${path}[${i}]: ${expected('text', value[i])}`;
    }
    return undefined;
  },
  linkedin: optionalText,
  name: optionalText,
  title: optionalText,
  company: (value, path) => {
    if (value === null) return undefined;
    if (!isPlainObject(value)) return `${path}: ${expected('an object or null', value)}`;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const check = Object.hasOwn(COMPANY_FIELDS, key) ? COMPANY_FIELDS[key] : undefined;
      if (!check) return `${path}: unknown field ${show(key)} (company fields: ${Object.keys(COMPANY_FIELDS).join(', ')})`;
      const error = check(value[key], `${path}.${key}`);
      if (error) return error;
    }
    return undefined;
  },
  properties: (value, path) => (value === null || isPlainObject(value) ? undefined : `${path}: ${expected('an object or null', value)}`),
  events: (value, path) => {
    if (!Array.isArray(value)) return `${path}: ${expected('a list of events', value)}`;
    for (let i = 0; i < value.length; i++) {
      const error = checkEvent(value[i], `${path}[${i}]`);
      if (error) return error;
    }
    return undefined;
  },
  stage: optionalText,
  stageEnteredAt: optionalInstant,
  createdAt: optionalInstant,
  owner: optionalText,
};

/** Checks that `value` is a lead record; on success the same object, typed. */
export function parseLeadRecord(value: unknown): LeadRecordResult {
  if (!isPlainObject(value)) return { ok: false, error: `a lead record is a JSON object, not ${kind(value)}` };
  if (!Object.hasOwn(value, 'id')) return { ok: false, error: 'id: missing (every lead needs an id)' };
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const check = Object.hasOwn(LEAD_FIELDS, key) ? LEAD_FIELDS[key] : undefined;
    if (!check) return { ok: false, error: `unknown field ${show(key)} (lead fields: ${Object.keys(LEAD_FIELDS).join(', ')})` };
    const error = check(value[key], key);
    if (error) return { ok: false, error };
  }
  return { ok: true, lead: value as unknown as Lead };
}

function checkEvent(value: unknown, path: string): string | undefined {
  if (!isPlainObject(value)) return `${path}: ${expected('an event object', value)}`;
  const type = value.type;
  if (type === undefined) return `${path}.type: missing`;
  if (typeof type !== 'string' || type.length === 0) return `${path}.type: ${type === '' ? 'must not be empty' : expected('text', type)}`;
  const at = value.at;
  if (at === undefined) return `${path}.at: missing`;
  if (typeof at !== 'string') return `${path}.at: ${expected('an ISO date-time', at)}`;
  if (!isIsoDateTime(at)) return `${path}.at: not an ISO date-time (${show(at)}; expected e.g. 2026-11-19T10:00:00Z)`;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key === 'type' || key === 'at') continue;
    const prop = value[key];
    if (prop !== null && typeof prop !== 'string' && typeof prop !== 'boolean' && !(typeof prop === 'number' && Number.isFinite(prop))) {
      return `${path}.${key}: ${expected('text, a number, true/false or null', prop)}`;
    }
  }
  return undefined;
}

// RFC 3339 date-time (JSON Schema's `date-time`: a zone is required), in the one spelling the
// engine reads (values.ts parseInstant): upper-case T and Z, an offset with a colon, no leap
// second. Ajv would also take `2026-11-19 10:00:00z` or `+0100`; the engine would then silently
// ignore such an event, so a clear error here is the better deal.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** An ISO 8601 / RFC 3339 instant with a zone and real calendar values (no 30 February, no hour 24). */
export function isIsoDateTime(text: string): boolean {
  // Most instants are in the shape the engine reads digit by digit, checked the same way (ranges
  // and days of the month included) for a fraction of the regular expression's cost: an import
  // checks every event of every lead.
  if (isCommonIsoInstant(text)) return true;
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 59) return false;
  if (match[7] !== undefined && (Number(match[8]) > 23 || Number(match[9]) > 59)) return false;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${show(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
  return `a ${typeof value}`;
}

function expected(what: string, value: unknown): string {
  return `expected ${what}, got ${kind(value)}`;
}

function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}
