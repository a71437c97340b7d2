/** Every supported site, for the runner and the entrypoints. */
import { site as gmail } from './gmail/index.ts';
import { site as linkedin } from './linkedin/index.ts';
import { site as outlook } from './outlook/index.ts';
import type { Site } from './types.ts';

export type { FoundPerson, MissReporter, PageMemo, PersonRef, Site } from './types.ts';

export const sites: readonly Site[] = [gmail, outlook, linkedin];

/** The site whose hosts serve this URL (match patterns here are all "https://<host>/*"). */
export function siteForUrl(url: URL): Site | undefined {
  return sites.find((site) =>
    site.matches.some((pattern) => {
      const m = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
      if (!m) return false;
      const [, scheme, host] = m;
      if (scheme !== '*' && `${scheme}:` !== url.protocol) return false;
      return host === url.hostname || (host?.startsWith('*.') === true && url.hostname.endsWith(host.slice(1)));
    }),
  );
}
