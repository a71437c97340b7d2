import './fake-env';
import { describe, expect, test } from 'vitest';
import { siteOfOrigin, siteOrigins } from '../../../extension/background/sites';
import { sites } from '../../../extension/sites/index';
import config from '../../../wxt.config';

/** "https://mail.google.com/*" -> "https://mail.google.com" */
function originOf(pattern: string): string {
  return pattern.replace(/\/\*$/, '');
}

describe("the worker's table of site origins", () => {
  test('matches every site module\'s match patterns, site by site', () => {
    for (const site of sites) {
      expect([...siteOrigins[site.id]].sort(), site.id).toEqual(site.matches.map(originOf).sort());
    }
    expect(Object.keys(siteOrigins).sort()).toEqual(sites.map((site) => site.id).sort());
  });

  test('matches the manifest\'s host permissions, and nothing else', async () => {
    const env = { browser: 'chrome', manifestVersion: 3, mode: 'production', command: 'build' } as never;
    const manifest = await (typeof config.manifest === 'function' ? config.manifest(env) : config.manifest);
    const hosts = (manifest?.host_permissions ?? []).map(originOf).sort();
    expect(Object.values(siteOrigins).flat().sort()).toEqual(hosts);
  });

  test('knows exact origins only: no other scheme, port or subdomain', () => {
    expect(siteOfOrigin('https://mail.google.com')).toBe('gmail');
    expect(siteOfOrigin('https://outlook.live.com')).toBe('outlook');
    expect(siteOfOrigin('http://mail.google.com')).toBeUndefined();
    expect(siteOfOrigin('https://mail.google.com:8443')).toBeUndefined();
    expect(siteOfOrigin('https://evil.linkedin.com')).toBeUndefined();
    expect(siteOfOrigin('https://www.linkedin.com.evil.example')).toBeUndefined();
  });
});
