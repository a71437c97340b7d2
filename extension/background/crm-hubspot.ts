// HubSpot connector (CRM v3 contacts API). A full sync pages through
// GET /crm/v3/objects/contacts?limit=100&properties=...&after=<cursor>; an incremental one asks
// POST /crm/v3/objects/contacts/search for contacts whose lastmodifieddate is at or after the
// last good sync (GTE, sorted ascending, paged with `after` the same way). Each contact becomes a
// row keyed by the labels of HubSpot's export, so the hubspot-contacts mapping preset reads it.
// Contacts deleted in HubSpot are archived (kept there for 90 days): every sync also pages through
// GET /crm/v3/objects/contacts?archived=true, and the leads with those record ids are removed.
import { crmJson, CrmHttpError, type CrmHttp } from './crm-http';

/** HubSpot's internal property names, and the export column label the preset reads each from. */
export const hubspotProperties: Readonly<Record<string, string>> = {
  firstname: 'First Name',
  lastname: 'Last Name',
  email: 'Email',
  jobtitle: 'Job Title',
  hs_linkedin_url: 'LinkedIn URL',
  company: 'Company Name',
  website: 'Company Domain Name',
  numemployees: 'Number of Employees',
  industry: 'Industry',
  country: 'Country/Region',
  annualrevenue: 'Annual Revenue',
  lifecyclestage: 'Lifecycle Stage',
  createdate: 'Create Date',
  hubspot_owner_id: 'Contact owner',
  hs_analytics_source: 'Original Source',
  lastmodifieddate: 'Last Modified Date',
};

const pageLimit = 100;
/** A runaway cursor (a server that always says "next") stops here. */
const maxPages = 1_000;

export async function fetchHubspotContacts(http: CrmHttp, endpoint: string, since: string | null): Promise<Array<Record<string, unknown>>> {
  const base = endpoint.replace(/\/+$/, '');
  const properties = Object.keys(hubspotProperties);
  const rows: Array<Record<string, unknown>> = [];
  const page = (after: string | undefined) =>
    since === null
      ? crmJson(http, contactsUrl(base, { properties: properties.join(','), after }))
      : crmJson(http, `${base}/crm/v3/objects/contacts/search`, {
        method: 'POST',
        body: {
          filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(Date.parse(since)) }] }],
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
          properties,
          limit: pageLimit,
          ...(after === undefined ? {} : { after }),
        },
      });
  for await (const results of pages(page, 'contacts')) for (const contact of results) rows.push(toRow(contact));
  return rows;
}

/** The record ids of the contacts archived (deleted) in HubSpot. */
export async function fetchHubspotArchivedIds(http: CrmHttp, endpoint: string): Promise<Set<string>> {
  const base = endpoint.replace(/\/+$/, '');
  const ids = new Set<string>();
  const page = (after: string | undefined) => crmJson(http, contactsUrl(base, { archived: 'true', properties: 'hs_object_id', after }));
  for await (const results of pages(page, 'archived contacts')) {
    for (const contact of results) {
      const id = contact.id ?? (contact.properties as Record<string, unknown> | undefined)?.hs_object_id;
      if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
    }
  }
  return ids;
}

/** GET /crm/v3/objects/contacts with `limit` and the given parameters (an undefined one is left out). */
function contactsUrl(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(`${base}/crm/v3/objects/contacts`);
  url.searchParams.set('limit', String(pageLimit));
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** The results of each page, following `paging.next.after` (at most maxPages; a repeated cursor is an error). */
async function* pages(fetchPage: (after: string | undefined) => Promise<unknown>, what: string): AsyncGenerator<Array<Record<string, unknown>>> {
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { results, next } = readPage(await fetchPage(after));
    yield results;
    if (next === undefined) return;
    if (next === after) throw new CrmHttpError('HubSpot returned the same paging cursor twice', null);
    after = next;
  }
  throw new CrmHttpError(`HubSpot still had more pages of ${what} after ${maxPages}`, null);
}

function readPage(body: unknown): { results: Array<Record<string, unknown>>; next: string | undefined } {
  const value = body as { results?: unknown; paging?: { next?: { after?: unknown } } } | null;
  if (!value || typeof value !== 'object' || !Array.isArray(value.results)) throw new CrmHttpError('HubSpot answered without a results list', null);
  const after = value.paging?.next?.after;
  return {
    results: value.results.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object'),
    next: typeof after === 'string' || typeof after === 'number' ? String(after) : undefined,
  };
}

function toRow(contact: Record<string, unknown>): Record<string, unknown> {
  const properties = (contact.properties ?? {}) as Record<string, unknown>;
  const row: Record<string, unknown> = { 'Record ID': String(contact.id ?? properties.hs_object_id ?? '') };
  for (const [name, label] of Object.entries(hubspotProperties)) {
    const value = properties[name];
    if (value !== undefined && value !== null) row[label] = value;
  }
  return row;
}
