// Generic REST connector: a GET of the configured URL; the records are the array at a dotted
// JSON path in the answer (empty path: the answer itself), each read by a mapping preset. An
// answer that names a next page in a Link header (RFC 8288, rel="next", as GitHub's and many other
// APIs page) is followed, on the same origin only (crmJson refuses any other), page after page.
import { crmJsonPage, CrmHttpError, type CrmHttp } from './crm-http';

/** More pages than this is a paging loop or an endpoint that needs narrowing: the sync fails. */
const MAX_REST_PAGES = 1_000;

export async function fetchRestRecords(http: CrmHttp, endpoint: string, recordsPath: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const visited = new Set<string>();
  let url: string | null = endpoint;
  while (url !== null) {
    if (visited.has(url)) throw new CrmHttpError(`the CRM's pages loop back to ${url}`, null);
    if (visited.size === MAX_REST_PAGES) throw new CrmHttpError(`the CRM's answer runs past ${MAX_REST_PAGES} pages; narrow the endpoint`, null);
    visited.add(url);
    const page: { body: unknown; next: string | null } = await crmJsonPage(http, url);
    const records = atPath(page.body, recordsPath);
    const where = visited.size === 1 ? 'answer' : `page ${visited.size}`;
    if (!Array.isArray(records)) throw new CrmHttpError(`the CRM's ${where} has no list of records at "${recordsPath || '(top level)'}"`, null);
    for (const item of records) if (item !== null && typeof item === 'object' && !Array.isArray(item)) out.push(item as Record<string, unknown>);
    url = page.next;
  }
  return out;
}

/** `data.items` -> body.data.items; a leading `$.` is allowed. */
export function atPath(value: unknown, path: string): unknown {
  const parts = path.trim().replace(/^\$\.?/, '').split('.').filter(Boolean);
  let current = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
