// HTTP for the CRM connectors: JSON GET/POST with the rep's Bearer token, sent only to the CRM
// endpoint's own origin (every URL is checked against it, and redirects are refused so the token
// cannot follow one elsewhere). A 429 honours Retry-After: a short wait is waited here, a long one
// ends the sync and tells the scheduler when to try again.

import LinkHeader from 'http-link-header';
import { readLimited } from './limited-body';

/** A CRM request that failed; `retryAfterMs` is set when the server said when to come back. */
export class CrmHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CrmHttpError';
  }
}

export interface CrmHttp {
  /** The CRM origin (scheme, host, port): the only place the token goes. */
  origin: string;
  token: string;
  fetch: typeof fetch;
  now: () => number;
  /** Waits (tests record the wait instead). */
  sleep: (ms: number) => Promise<void>;
  /** A Retry-After up to this long is waited inside the sync; a longer one fails it. */
  maxInlineWaitMs: number;
  timeoutMs: number;
  /** Answers larger than this fail the sync (default MAX_CRM_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

const maxRateLimitRetries = 3;

/**
 * The largest CRM answer read: a HubSpot page of 100 contacts is a few hundred KB; the REST
 * connector reads its whole export in one answer, so this leaves room for tens of thousands of leads.
 */
export const MAX_CRM_RESPONSE_BYTES = 64 * 1024 * 1024;

/** An endpoint the CRM sync, the webhook and the options page accept: https, or http on this machine (a local test or proxy). `what` names it in the message. */
export function crmOrigin(endpoint: string, what = 'the CRM endpoint'): { ok: true; url: URL } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, message: `${what} is not a URL: ${endpoint}` };
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return { ok: false, message: `${what} must start with https://` };
  return { ok: true, url };
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/**
 * How long to wait after the `failures`-th failure in a row: `baseMs` doubled for each further
 * one, up to `maxMs`; a longer Retry-After from the server wins. (The CRM sync and the webhook.)
 */
export function backoffMs(failures: number, retryAfter: number | null, baseMs: number, maxMs: number): number {
  return Math.max(Math.min(maxMs, baseMs * 2 ** (failures - 1)), retryAfter ?? 0);
}

export async function crmJson(http: CrmHttp, url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<unknown> {
  return (await crmJsonPage(http, url, init)).body;
}

/** The next page's URL from an RFC 8288 Link header (rel="next"), resolved against the page's own URL; null without one. */
export function nextPageUrl(linkHeader: string | null, pageUrl: string): string | null {
  if (!linkHeader) return null;
  let target: string | undefined;
  try {
    target = LinkHeader.parse(linkHeader).rel('next')[0]?.uri;
  } catch {
    return null; // a Link header we cannot read is treated as none
  }
  if (!target) return null;
  try {
    return new URL(target, pageUrl).href;
  } catch {
    return null;
  }
}

/** crmJson, with the next page's URL when the answer names one in a Link header. */
export async function crmJsonPage(http: CrmHttp, url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<{ body: unknown; next: string | null }> {
  if (new URL(url).origin !== http.origin) throw new CrmHttpError(`refusing to send the CRM token to ${new URL(url).origin}`, null);
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await http.fetch(url, {
        method: init.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(http.token ? { authorization: `Bearer ${http.token}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
        signal: AbortSignal.timeout(http.timeoutMs),
      });
    } catch (error) {
      throw new CrmHttpError(`the CRM cannot be reached (${error instanceof Error ? error.message : String(error)})`, null);
    }
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'), http.now());
      void response.body?.cancel().catch(() => undefined);
      if (wait !== null && wait <= http.maxInlineWaitMs && attempt < maxRateLimitRetries) {
        await http.sleep(wait);
        continue;
      }
      throw new CrmHttpError('the CRM is rate limiting requests (HTTP 429)', 429, wait);
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => undefined);
      throw new CrmHttpError(`the CRM answered HTTP ${response.status}${response.status === 401 || response.status === 403 ? ' (check the token)' : ''}`, response.status);
    }
    const limit = http.maxResponseBytes ?? MAX_CRM_RESPONSE_BYTES;
    const body = await readLimited(response, limit);
    if (!body.ok) {
      throw new CrmHttpError(body.reason === 'too-large'
        ? `the CRM's answer is larger than ${limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MB` : `${Math.round(limit / 1024)} KB`}; nothing was changed`
        : `the CRM's answer was cut short (${body.message})`, response.status);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body.bytes)) as unknown;
    } catch (error) {
      throw new CrmHttpError(`the CRM's answer is not JSON (${error instanceof Error ? error.message : String(error)})`, response.status);
    }
    return { body: parsed, next: nextPageUrl(response.headers.get('link'), url) };
  }
}
