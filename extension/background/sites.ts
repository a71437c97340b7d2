// The origins our content scripts run on, by site. Kept here as a small table so the service worker
// does not load the sites' DOM code; test/extension/background/sites.test.ts checks it against
// the site modules' match patterns and the manifest's host permissions.
import type { SiteId } from '../lib/settings';

export const siteOrigins: Readonly<Record<SiteId, readonly string[]>> = {
  gmail: ['https://mail.google.com'],
  outlook: ['https://outlook.office.com', 'https://outlook.office365.com', 'https://outlook.live.com'],
  linkedin: ['https://www.linkedin.com'],
};

const siteByOrigin = new Map<string, SiteId>(
  (Object.entries(siteOrigins) as [SiteId, readonly string[]][]).flatMap(([site, origins]) => origins.map((origin) => [origin, site] as const)),
);

/** The site a page origin belongs to, or undefined for any other origin. */
export function siteOfOrigin(origin: string): SiteId | undefined {
  return siteByOrigin.get(origin);
}
