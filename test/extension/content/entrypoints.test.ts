import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import gmailScript from '../../../extension/entrypoints/gmail.content';
import linkedinScript from '../../../extension/entrypoints/linkedin.content';
import outlookScript from '../../../extension/entrypoints/outlook.content';
import { siteForUrl, sites } from '../../../extension/sites/index';

const scripts = { gmail: gmailScript, outlook: outlookScript, linkedin: linkedinScript };
const config = readFileSync(new URL('../../../wxt.config.ts', import.meta.url), 'utf8');

describe('content script entrypoints', () => {
  test.each(sites.map((site) => [site.id, site] as const))('%s runs on exactly its site module\'s pages, after the page is idle', (id, site) => {
    const script = scripts[id];
    expect(script.matches).toEqual(site.matches);
    expect(script.runAt).toBe('document_idle');
    for (const pattern of site.matches) expect(config).toContain(`'${pattern}'`); // a host permission for each
  });

  test.each([
    ['https://mail.google.com/mail/u/0/#inbox', 'gmail'],
    ['https://outlook.office.com/mail/inbox/id/AAQk', 'outlook'],
    ['https://outlook.live.com/mail/0/', 'outlook'],
    ['https://outlook.office365.com/mail/', 'outlook'],
    ['https://www.linkedin.com/in/ada-quinto-4b7c21/', 'linkedin'],
    ['https://www.linkedin.com/sales/lead/ACwAAD1x2y3z,NAME_SEARCH,q7Zx', 'linkedin'],
    ['https://example.com/mail/', undefined],
    ['http://mail.google.com/', undefined],
  ])('%s is served by %s', (url, id) => {
    expect(siteForUrl(new URL(url))?.id).toBe(id);
  });
});
