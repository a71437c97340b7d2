import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { MappingFile } from '../../extension/engine/generated/rules';
import { isIsoDateTime, parseLeadRecord } from '../../extension/engine/lead-record';
import { applyEventRow, applyMapping, compileMapping, MappingError, toIsoInstant } from '../../extension/engine/mapping';

const rulesDir = fileURLToPath(new URL('../../rules/mappings/', import.meta.url));
const preset = (id: string) => parseYaml(readFileSync(`${rulesDir}${id}.yaml`, 'utf8')) as MappingFile;

const leads = (columns: MappingFile['columns'], extra: Partial<MappingFile> = {}): MappingFile => ({
  kind: 'mapping', id: 'test-map', label: 'Test', format: 'csv', records: 'leads', columns, ...extra,
});

function mapped(mapping: MappingFile, row: Record<string, unknown>, rowNumber = 1) {
  const result = applyMapping(mapping, row, rowNumber);
  if (!result.ok) throw new Error(`expected the row to map, got: ${result.error}`);
  return result.lead as unknown as Record<string, unknown>;
}

function failure(mapping: MappingFile, row: Record<string, unknown>): string {
  const result = applyMapping(mapping, row, 1);
  if (result.ok) throw new Error(`expected the row to fail, got ${JSON.stringify(result.lead)}`);
  return result.error;
}

describe('applyMapping: columns to fields', () => {
  it('fills top-level, company and properties fields from their columns', () => {
    const mapping = leads([
      { column: 'ID', field: 'id' },
      { column: 'Mail', field: 'email' },
      { column: 'Org', field: 'company.name' },
      { column: 'Source', field: 'properties.lead_source' },
    ]);
    expect(mapped(mapping, { ID: '42', Mail: 'ada@acme.example', Org: 'Acme', Source: 'web' })).toEqual({
      id: '42', email: 'ada@acme.example', company: { name: 'Acme' }, properties: { lead_source: 'web' },
    });
  });

  it('joins several columns with a space by default and skips the empty ones', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { columns: ['First', 'Middle', 'Last'], field: 'name' }]);
    expect(mapped(mapping, { ID: '1', First: 'Ada', Middle: '', Last: 'Lovelace' }).name).toBe('Ada Lovelace');
    const dashed = leads([{ column: 'ID', field: 'id' }, { columns: ['A', 'B'], field: 'name', join: ' - ' }]);
    expect(mapped(dashed, { ID: '1', A: 'x', B: 'y' }).name).toBe('x - y');
    expect(mapped(dashed, { ID: '1', A: '', B: ' ' })).not.toHaveProperty('name');
  });

  it('names a lead after its row number when the mapping has no id column', () => {
    const mapping = leads([{ column: 'Mail', field: 'email' }]);
    expect(mapped(mapping, { Mail: 'a@b.example' }, 17).id).toBe('row-17');
  });

  it('rejects a row whose id column is empty, saying which column', () => {
    const mapping = leads([{ column: 'Record ID', field: 'id' }]);
    expect(failure(mapping, { 'Record ID': '  ' })).toBe('column "Record ID" is empty: every lead needs an id');
  });

  it('lets a later column fill a field only when the earlier one is empty', () => {
    const mapping = leads([
      { column: 'ID', field: 'id' },
      { column: 'Work Email', field: 'email' },
      { column: 'Personal Email', field: 'email' },
    ]);
    expect(mapped(mapping, { ID: '1', 'Work Email': 'w@acme.example', 'Personal Email': 'p@mail.example' }).email).toBe('w@acme.example');
    expect(mapped(mapping, { ID: '1', 'Work Email': '', 'Personal Email': 'p@mail.example' }).email).toBe('p@mail.example');
  });

  it('leaves out fields whose value is null rather than writing null', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'Title', field: 'title' }, { column: 'Org', field: 'company.name' }]);
    expect(mapped(mapping, { ID: '1', Title: '', Org: '' })).toEqual({ id: '1' });
  });

  it('reads dotted paths out of nested JSON records, and an own key with dots before a path', () => {
    const mapping = leads([
      { column: 'id', field: 'id' },
      { column: 'properties.email.value', field: 'email' },
      { column: 'associations.company.size', field: 'company.employees' },
      { column: 'hs.flat', field: 'title' },
    ], { format: 'json' });
    const row = { id: 7, properties: { email: { value: 'x@y.example' } }, associations: { company: { size: 120 } }, 'hs.flat': 'CTO', hs: { flat: 'no' } };
    expect(mapped(mapping, row)).toEqual({ id: '7', email: 'x@y.example', company: { employees: 120 }, title: 'CTO' });
  });

  it('does not read inherited properties through a column path', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'toString', field: 'title' }, { column: 'a.constructor', field: 'name' }]);
    expect(mapped(mapping, { ID: '1', a: {} })).toEqual({ id: '1' });
  });
});

describe('applyMapping: types', () => {
  const typed = (type: 'number' | 'boolean' | 'date' | 'list', extra: Partial<MappingFile> = {}, split?: string) =>
    leads([{ column: 'ID', field: 'id' }, { column: 'V', field: 'properties.v', type, ...(split ? { split } : {}) }], extra);
  const value = (mapping: MappingFile, v: unknown) => (mapped(mapping, { ID: '1', V: v }).properties as Record<string, unknown> | undefined)?.v;

  it('reads plain and comma-grouped numbers, and numbers from JSON as they are', () => {
    const mapping = typed('number');
    expect(value(mapping, '1200')).toBe(1200);
    expect(value(mapping, ' -3.5 ')).toBe(-3.5);
    expect(value(mapping, '1,250,000')).toBe(1_250_000);
    expect(value(mapping, '2e3')).toBe(2000);
    expect(value(mapping, 77)).toBe(77);
  });

  it('says which column and which value when a number is not one', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'Number of Employees', field: 'company.employees', type: 'number' }]);
    expect(failure(mapping, { ID: '1', 'Number of Employees': '12k' })).toBe('column "Number of Employees": "12k" is not a number');
    expect(failure(mapping, { ID: '1', 'Number of Employees': '1,5' })).toBe('column "Number of Employees": "1,5" is not a number');
  });

  it('reads the default boolean spellings ignoring case and white space', () => {
    const mapping = typed('boolean');
    expect(['true', ' Yes', '1', 'TRUE'].map((v) => value(mapping, v))).toEqual([true, true, true, true]);
    expect(['false', 'no ', '0', 'No'].map((v) => value(mapping, v))).toEqual([false, false, false, false]);
    expect(value(mapping, true)).toBe(true);
  });

  it('uses the mapping\'s own boolean spellings instead of the defaults', () => {
    const mapping = typed('boolean', { booleans: { true: ['Checked'], false: ['Unchecked'] } });
    expect(value(mapping, 'checked')).toBe(true);
    expect(value(mapping, 'UNCHECKED')).toBe(false);
    expect(failure(mapping, { ID: '1', V: 'yes' })).toBe('column "V": "yes" is not a boolean (true: Checked; false: Unchecked)');
  });

  it('normalises dates to ISO instants in UTC, reading times without an offset as UTC', () => {
    const mapping = typed('date');
    expect(value(mapping, '2026-11-19')).toBe('2026-11-19T00:00:00Z');
    expect(value(mapping, '2026-11-19T10:00:00+01:00')).toBe('2026-11-19T09:00:00Z');
    expect(value(mapping, '2026-11-19 10:30')).toBe('2026-11-19T10:30:00Z');
    expect(value(mapping, '2026-11-19T10:30:15.250Z')).toBe('2026-11-19T10:30:15.250Z');
    expect(value(mapping, 'Thu, 19 Nov 2026 10:00:00 GMT')).toBe('2026-11-19T10:00:00Z');
    expect(value(mapping, Date.UTC(2026, 10, 19, 8))).toBe('2026-11-19T08:00:00Z');
    expect(value(mapping, String(Date.UTC(2026, 10, 19, 8)))).toBe('2026-11-19T08:00:00Z');
  });

  it('refuses dates it would have to guess: day-month order, impossible days, bare years', () => {
    const mapping = typed('date');
    for (const bad of ['19/11/2026', '2026-02-30', '2026-11-19T24:00:00Z', 'yesterday', '2026']) {
      expect(failure(mapping, { ID: '1', V: bad })).toBe(`column "V": "${bad}" is not a date (expected ISO 8601, e.g. 2026-11-19 or 2026-11-19T10:00:00Z)`);
    }
  });

  it('splits lists on ";" by default, trims items and drops empty ones', () => {
    expect(value(typed('list'), ' Snowflake; dbt ;;Airflow ')).toEqual(['Snowflake', 'dbt', 'Airflow']);
    expect(value(typed('list', {}, ','), 'a, b')).toEqual(['a', 'b']);
    expect(value(typed('list'), ['x', ' y ', ''])).toEqual(['x', 'y']);
  });

  it('gives the type of the lead field to a column that names none', () => {
    const mapping = leads([
      { column: 'ID', field: 'id' },
      { column: 'Employees', field: 'company.employees' },
      { column: 'Created', field: 'createdAt' },
      { column: 'Others', field: 'emails' },
    ]);
    expect(mapped(mapping, { ID: '1', Employees: '250', Created: '2026-01-02', Others: 'a@x.example;b@x.example' })).toEqual({
      id: '1', company: { employees: 250 }, createdAt: '2026-01-02T00:00:00Z', emails: ['a@x.example', 'b@x.example'],
    });
  });

  it('reads a properties field with its type from rules/fields.yaml when the caller passes the fields', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'Budget', field: 'properties.budget_confirmed' }]);
    const fields = { kind: 'fields', fields: { 'properties.budget_confirmed': { type: 'boolean', label: 'Budget' } }, events: {} } as const;
    expect(compileMapping(mapping, { fields: fields as never }).toLead({ ID: '1', Budget: 'Yes' }, 1)).toEqual({ ok: true, lead: { id: '1', properties: { budget_confirmed: true } } });
    expect(compileMapping(mapping).toLead({ ID: '1', Budget: 'Yes' }, 1)).toEqual({ ok: true, lead: { id: '1', properties: { budget_confirmed: 'Yes' } } });
  });

  it('refuses, once, a mapping that fills a field with a type it cannot hold or a field leads do not have', () => {
    expect(() => compileMapping(leads([{ column: 'X', field: 'company.employees', type: 'string' }]))).toThrow(
      new MappingError('columns[0]: field "company.employees" holds a number, so the column cannot be read as string'),
    );
    expect(() => compileMapping(leads([{ column: 'X', field: 'compnay.name' }]))).toThrow(/columns\[0\]: a lead has no field "compnay.name"/);
    expect(() => compileMapping(leads([{ column: 'X', field: 'properties.__proto__' }]))).toThrow(/a lead has no field/);
    const broken = leads([{ column: 'X', field: 'events' }]);
    expect(applyMapping(broken, { X: '1' }, 1)).toEqual({ ok: false, error: expect.stringMatching(/^mapping test-map: columns\[0\]: a lead has no field "events"/) });
  });
});

describe('applyMapping: nulls, values and required', () => {
  it('treats only the empty string as null by default, after trimming', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'T', field: 'title' }]);
    expect(mapped(mapping, { ID: '1', T: '   ' })).toEqual({ id: '1' });
    expect(mapped(mapping, { ID: '1', T: 'N/A' }).title).toBe('N/A');
  });

  it('reads the mapping\'s null spellings ignoring case, before any type conversion', () => {
    const mapping = leads(
      [{ column: 'ID', field: 'id' }, { column: 'E', field: 'company.employees', type: 'number' }, { column: 'T', field: 'title' }],
      { nulls: ['', '--', '(No value)'] },
    );
    expect(mapped(mapping, { ID: '1', E: '--', T: ' (no VALUE) ' })).toEqual({ id: '1' });
  });

  it('rewrites values compared trimmed and ignoring case, and passes through values it does not list', () => {
    const mapping = leads([
      { column: 'ID', field: 'id' },
      { column: 'Stage', field: 'stage', values: { 'Marketing Qualified Lead': 'mql', Other: null } },
    ]);
    expect(mapped(mapping, { ID: '1', Stage: ' marketing QUALIFIED lead ' }).stage).toBe('mql');
    expect(mapped(mapping, { ID: '1', Stage: 'Other' })).toEqual({ id: '1' });
    expect(mapped(mapping, { ID: '1', Stage: 'Evangelist' }).stage).toBe('Evangelist');
  });

  it('rewrites each item of a list, and rewrites to booleans and numbers before the type applies', () => {
    const mapping = leads([
      { column: 'ID', field: 'id' },
      { column: 'Stack', field: 'properties.stack', type: 'list', values: { 'Google BigQuery': 'bigquery', None: null } },
      { column: 'Consent', field: 'properties.consent', type: 'boolean', values: { 'Opted in': true } },
      { column: 'Size', field: 'company.employees', values: { '1-10': 5 } },
    ]);
    expect(mapped(mapping, { ID: '1', Stack: 'google bigquery;dbt;none', Consent: 'Opted In', Size: '1-10' })).toEqual({
      id: '1', properties: { stack: ['bigquery', 'dbt'], consent: true }, company: { employees: 5 },
    });
  });

  it('rejects a row without a required value, naming the column and the field', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'Mail', field: 'email', required: true }], { nulls: ['', '-'] });
    expect(failure(mapping, { ID: '1', Mail: '-' })).toBe('column "Mail" is empty, and field email is required');
    expect(failure(mapping, { ID: '1' })).toBe('column "Mail" is empty, and field email is required');
    const joined = leads([{ column: 'ID', field: 'id' }, { columns: ['First', 'Last'], field: 'name', required: true }]);
    expect(failure(joined, { ID: '1', First: '', Last: '' })).toBe('columns "First", "Last" is empty, and field name is required');
  });
});

describe('applyMapping: field clean-ups', () => {
  it('keeps the slug of a LinkedIn profile URL and the host of a company web address', () => {
    const mapping = leads([{ column: 'ID', field: 'id' }, { column: 'LI', field: 'linkedin' }, { column: 'Web', field: 'company.domain' }]);
    expect(mapped(mapping, { ID: '1', LI: 'https://www.linkedin.com/in/ada-lovelace/?trk=x', Web: 'https://www.Acme.example/about' })).toEqual({
      id: '1', linkedin: 'ada-lovelace', company: { domain: 'acme.example' },
    });
    expect(mapped(mapping, { ID: '1', LI: 'ada-l', Web: 'acme.example' })).toEqual({ id: '1', linkedin: 'ada-l', company: { domain: 'acme.example' } });
  });
});

describe('applyMapping with the HubSpot contacts preset', () => {
  const hubspot = preset('hubspot-contacts');
  const row: Record<string, string> = {
    'Record ID': '501', 'First Name': 'Ada', 'Last Name': 'Lovelace', Email: 'ada@northwind.example', 'Job Title': 'VP Data',
    'LinkedIn URL': 'https://www.linkedin.com/in/ada-lovelace-42', 'Company Name': 'Northwind, Inc.', 'Company Domain Name': 'northwind.example',
    'Number of Employees': '1,200', Industry: 'COMPUTER_SOFTWARE', 'Country/Region': 'España', 'Annual Revenue': '--',
    'Lifecycle Stage': 'marketingqualifiedlead', 'Create Date': '2026-03-14 09:23', 'Contact owner': 'Tomás Okafor',
    'Original Source': 'Organic Search', Seniority: 'VP', 'Job Function': 'data', 'Budget Confirmed': 'Yes', 'Annual Budget': '',
    'Buying Timeline': 'this quarter', 'Tech Stack': 'snowflake;dbt', 'Trial Active': 'false', 'Uses Competitor': '(No value)', 'Marketing Consent': '1',
  };

  it('turns a contact row into a lead record the lead check accepts', () => {
    const lead = mapped(hubspot, row);
    expect(lead).toEqual({
      id: '501', name: 'Ada Lovelace', email: 'ada@northwind.example', title: 'VP Data', linkedin: 'ada-lovelace-42',
      company: { name: 'Northwind, Inc.', domain: 'northwind.example', employees: 1200, industry: 'software', country: 'ES' },
      stage: 'mql', createdAt: '2026-03-14T09:23:00Z', owner: 'tomas-okafor',
      properties: {
        lead_source: 'organic-search', seniority: 'vp', department: 'data', budget_confirmed: true, timeline: 'this-quarter',
        tech_stack: ['snowflake', 'dbt'], trial_active: false, marketing_consent: true,
      },
    });
    expect(parseLeadRecord(lead)).toEqual({ ok: true, lead });
  });

  it('lists the columns it reads and the ones a row cannot do without', () => {
    const program = compileMapping(hubspot);
    expect(program.requiredColumns).toEqual(['Record ID']);
    expect(program.sourceColumns).toContain('First Name');
    expect(program.sourceColumns).toContain('Tech Stack');
  });
});

describe('applyEventRow', () => {
  const activities = preset('hubspot-activities');

  it('maps an activity row to an event on the lead named by email, in lower case', () => {
    const result = applyEventRow(activities, {
      'Contact Email': ' Ada@Northwind.example ', 'Activity Type': 'page view', 'Activity Date': '2026-11-18 14:05',
      'Page URL': 'https://www.quillstack.example/pricing', 'Email Campaign': '--', 'Form Name': '',
    }, 3);
    expect(result).toEqual({
      ok: true, leadKey: 'ada@northwind.example',
      event: { type: 'page_view', at: '2026-11-18T14:05:00Z', url: 'https://www.quillstack.example/pricing' },
    });
  });

  it('reports an activity type the mapping does not know, and a bad time', () => {
    const base = { 'Contact Email': 'a@b.example', 'Activity Date': '2026-11-18' };
    expect(applyEventRow(activities, { ...base, 'Activity Type': 'Sticky Note' }, 1)).toEqual({
      ok: false, error: 'column "Activity Type": "Sticky Note" is not an event type (add it to the mapping\'s type values)',
    });
    expect(applyEventRow(activities, { ...base, 'Activity Type': 'Call', 'Activity Date': 'last week' }, 1)).toMatchObject({
      ok: false, error: expect.stringMatching(/^column "Activity Date": "last week" is not a date/),
    });
  });

  it('marks rows whose type is mapped to null as ignored, not as broken', () => {
    const mapping: MappingFile = {
      kind: 'mapping', id: 'acts', label: 'Acts', format: 'json', records: 'events',
      events: { lead: 'contact.id', at: 'when', type: { column: 'kind', values: { Note: null } }, props: [{ column: 'score', prop: 'score', type: 'number' }] },
    };
    expect(applyEventRow(mapping, { contact: { id: 'C-1' }, when: '2026-11-01T00:00:00Z', kind: 'note' }, 1)).toMatchObject({ ok: false, ignored: true });
    expect(applyEventRow(mapping, { contact: { id: 'C-1' }, when: '2026-11-01T00:00:00Z', kind: 'demo_requested', score: '3' }, 1)).toEqual({
      ok: true, leadKey: 'C-1', event: { type: 'demo_requested', at: '2026-11-01T00:00:00Z', score: 3 },
    });
  });

  it('gives every row the fixed type of a `const` mapping', () => {
    const mapping: MappingFile = { kind: 'mapping', id: 'logins', label: 'Logins', format: 'csv', records: 'events', events: { lead: 'User', at: 'Time', type: { const: 'product_login' } } };
    expect(applyEventRow(mapping, { User: 'U1', Time: '2026-11-01' }, 1)).toEqual({ ok: true, leadKey: 'U1', event: { type: 'product_login', at: '2026-11-01T00:00:00Z' } });
  });

  it('refuses a lead row given to an events mapping and the other way round', () => {
    expect(applyMapping(activities, {}, 1)).toEqual({ ok: false, error: 'mapping hubspot-activities maps rows to events, not leads' });
    expect(applyEventRow(preset('hubspot-contacts'), {}, 1)).toEqual({ ok: false, error: 'mapping hubspot-contacts maps rows to leads, not events' });
  });
});

describe('toIsoInstant', () => {
  it('agrees with Date for every ISO instant with an offset, dropping zero milliseconds', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (date, offset) => {
        const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const zone = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
        const expected = date.toISOString().replace('.000Z', 'Z');
        return toIsoInstant(`${local}${zone}`) === expected;
      }),
    );
  });

  it('reads years 0000-0099 as written, not as 1900-1999 (Date.UTC does), leap days included', () => {
    expect(toIsoInstant('0050-06-01')).toBe('0050-06-01T00:00:00Z');
    expect(toIsoInstant('0000-02-29T10:00:00Z')).toBe('0000-02-29T10:00:00Z'); // year 0 is a leap year, 1900 is not
    expect(toIsoInstant('0099-12-31T23:30:00-01:00')).toBe('0100-01-01T00:30:00Z');
    expect(toIsoInstant('1900-02-29')).toBeUndefined();
    expect(toIsoInstant('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00Z');
  });
});

describe('parseLeadRecord', () => {
  const ajv = new Ajv({ allErrors: false, strict: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));
  const validate = ajv.compile(JSON.parse(readFileSync(`${schemaDir}lead.schema.json`, 'utf8')) as object);

  const good = {
    id: 'L-1', email: 'ada@acme.example', emails: ['a@acme.example'], linkedin: null, name: 'Ada', title: 'CTO',
    company: { name: 'Acme', domain: 'acme.example', employees: 120, industry: 'software', country: 'ES', revenue: null },
    properties: { budget_confirmed: true }, stage: 'mql', stageEnteredAt: '2026-11-19T10:00:00Z', createdAt: null, owner: 'carmen-ruiz',
    events: [{ type: 'page_view', at: '2026-11-18T09:00:00.5+01:00', url: '/pricing' }, { type: 'call', at: '2026-11-19T00:00:00Z', outcome: null, n: 2, ok: false }],
  };

  it('accepts a full lead record and returns the same object', () => {
    const result = parseLeadRecord(good);
    expect(result.ok).toBe(true);
    expect(result.ok && result.lead).toBe(good);
  });

  it('names the path and the problem in one line', () => {
    const cases: [unknown, string][] = [
      [[], 'a lead record is a JSON object, not a list'],
      [{ email: 'x' }, 'id: missing (every lead needs an id)'],
      [{ id: 17 }, 'id: expected text, got the number 17'],
      [{ id: '' }, 'id: must not be empty'],
      [{ id: 'x'.repeat(201) }, 'id: 201 characters long (at most 200)'],
      [{ id: '1', emial: 'x' }, 'unknown field "emial" (lead fields: id, email, emails, linkedin, name, title, company, properties, events, stage, stageEnteredAt, createdAt, owner)'],
      [{ id: '1', company: { employees: '12' } }, 'company.employees: expected a number or null, got the text "12"'],
      [{ id: '1', company: { size: 1 } }, 'company: unknown field "size" (company fields: name, domain, employees, industry, country, revenue)'],
      [{ id: '1', emails: ['a', 3] }, 'emails[1]: expected text, got the number 3'],
      [{ id: '1', events: [{ type: 'a', at: '2026-01-01T00:00:00Z' }, {}, {}, {}] }, 'events[1].type: missing'],
      [{ id: '1', events: [0, 1, 2].map(() => ({ type: 'a', at: '2026-01-01T00:00:00Z' })).concat([{ type: 'a', at: 'yesterday' }]) }, 'events[3].at: not an ISO date-time ("yesterday"; expected e.g. 2026-11-19T10:00:00Z)'],
      [{ id: '1', events: [{ type: 'a', at: '2026-01-01T00:00:00Z', tags: ['x'] }] }, 'events[0].tags: expected text, a number, true/false or null, got a list'],
      [{ id: '1', stageEnteredAt: '2026-02-30T00:00:00Z' }, 'stageEnteredAt: not an ISO date-time ("2026-02-30T00:00:00Z"; expected e.g. 2026-11-19T10:00:00Z)'],
      [{ id: '1', properties: [] }, 'properties: expected an object or null, got a list'],
    ];
    for (const [value, message] of cases) expect(parseLeadRecord(value)).toEqual({ ok: false, error: message });
  });

  it('agrees with the JSON Schema on leads built from valid and broken parts', () => {
    const instant = fc.oneof(
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2026-02-29T00:00:00Z', '2024-02-29T12:00:00+05:30', '2026-13-01T00:00:00Z', '2026-11-19', 'soon', '2026-11-19T10:00:00-00:00'),
    );
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.integer(), fc.boolean());
    const event = fc.record({ type: fc.oneof(fc.constantFrom('page_view', 'call', ''), fc.integer()), at: instant, url: fc.oneof(text, fc.constant([1])) }, { requiredKeys: ['type', 'at'] });
    const lead = fc.record(
      {
        id: fc.oneof(fc.string({ minLength: 0, maxLength: 5 }), fc.integer()),
        email: text,
        emails: fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
        company: fc.oneof(fc.constant(null), fc.record({ name: text, employees: fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 3 })), extra: fc.constant(1) }, { requiredKeys: [] })),
        properties: fc.oneof(fc.constant(null), fc.constant({ a: 1 }), fc.constant([1])),
        events: fc.array(event, { maxLength: 3 }),
        stageEnteredAt: fc.oneof(instant, fc.constant(null)),
        unknown: fc.constant('x'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(lead, (value) => {
        expect(parseLeadRecord(value).ok).toBe(validate(value));
      }),
      { numRuns: 500 },
    );
  });

  it('reads only the instants the engine can read', () => {
    expect(isIsoDateTime('2026-11-19T10:00:00Z')).toBe(true);
    expect(isIsoDateTime('2026-11-19T10:00:00.123456+14:00')).toBe(true);
    expect(isIsoDateTime('2026-11-19T10:00:00')).toBe(false);
    expect(isIsoDateTime('2026-11-19 10:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-11-19T10:00:00+0100')).toBe(false);
  });

  it('answers as the regular expression and range checks do, fast path or not', () => {
    // The reference: RFC 3339 in the engine's spelling, then real calendar and clock values.
    const reference = (text: string): boolean => {
      const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
      if (!m) return false;
      const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate(); // days in that month (Date handles years 0-99 oddly; they are not drawn)
      if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return false;
      return m[7] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
    };
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const instant = fc.tuple(
      fc.integer({ min: 1900, max: 2400 }), two(13), two(32), two(25), two(61), two(61),
      fc.constantFrom('', '.5', '.123', '.1234', '.'),
      fc.constantFrom('Z', 'z', '+01:00', '-05:30', '+24:00', '+0100', '', '+23:59', '-00:60'),
      fc.constantFrom('T', 't', ' '),
    ).map(([y, mo, d, h, mi, s, frac, zone, sep]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${zone}`);
    fc.assert(fc.property(instant, (text) => isIsoDateTime(text) === reference(text)), { numRuns: 5000 });
  });
});
