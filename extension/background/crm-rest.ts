// Generic REST connector: one GET of the configured URL; the records are the array at a dotted
// JSON path in the answer (empty path: the answer itself), each read by a mapping preset.
import { crmJson, CrmHttpError, type CrmHttp } from './crm-http';

export async function fetchRestRecords(http: CrmHttp, endpoint: string, recordsPath: string): Promise<Array<Record<string, unknown>>> {
  const body = await crmJson(http, endpoint);
  const records = atPath(body, recordsPath);
  if (!Array.isArray(records)) throw new CrmHttpError(`the CRM's answer has no list of records at "${recordsPath || '(top level)'}"`, null);
  return records.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object' && !Array.isArray(item));
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
