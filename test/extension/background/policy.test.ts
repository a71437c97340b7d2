import { fakeBrowser } from './fake-env';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { applyRemoteRulesPolicy, getPolicy, readPolicy } from '../../../extension/lib/policy';
import { getRemoteRulesConfig, getSettings, saveRemoteRulesSettings, saveSettings } from '../../../extension/lib/settings';

const KEY_A = `leadpact-ed25519:${'A'.repeat(43)}=`;
const KEY_B = `leadpact-ed25519:${'B'.repeat(43)}=`;

beforeEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
});

describe('reading the managed policy', () => {
  test('keeps the values it understands and drops broken ones one by one', () => {
    expect(
      readPolicy({
        rulesUrl: 'https://rules.acme.example/bundle.json',
        rulesPublicKeys: 'not a list',
        crmEndpoint: 42,
        sites: { gmail: false, outlook: 'yes' },
        somethingElse: true,
      }),
    ).toEqual({ rulesUrl: 'https://rules.acme.example/bundle.json', sites: { gmail: false } });
  });

  test('no policy at all is an empty policy', () => {
    expect(readPolicy(undefined)).toEqual({});
    expect(readPolicy('garbage')).toEqual({});
  });

  test('managed storage that throws (no schema, Firefox without policies) is no policy', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValue(new Error('Managed storage manifest not found'));
    expect(await getPolicy()).toEqual({});
  });

  test('an empty URL or key list in the rep settings is fine; the policy wins and locks what it sets', () => {
    expect(applyRemoteRulesPolicy({ url: 'https://mine.example/b.json', publicKeys: [KEY_A] }, { rulesPublicKeys: [KEY_B, ` ${KEY_B} `] })).toEqual({
      url: 'https://mine.example/b.json',
      publicKeys: [KEY_B],
      locked: { url: false, publicKeys: true },
    });
  });
});

describe('policy locks the remote rules settings', () => {
  test('without a policy the rep sets the URL and keys', async () => {
    const saved = await saveRemoteRulesSettings({ url: ' https://mine.example/b.json ', publicKeys: [KEY_A, '', KEY_A] });
    expect(saved).toEqual({ url: 'https://mine.example/b.json', publicKeys: [KEY_A], locked: { url: false, publicKeys: false } });
  });

  test('a URL and keys set by the administrator override the rep and cannot be changed', async () => {
    await saveRemoteRulesSettings({ url: 'https://mine.example/b.json', publicKeys: [KEY_A] });
    await fakeBrowser.storage.managed.set({ rulesUrl: 'https://rules.acme.example/bundle.json', rulesPublicKeys: [KEY_B] });
    const config = await getRemoteRulesConfig();
    expect(config).toEqual({ url: 'https://rules.acme.example/bundle.json', publicKeys: [KEY_B], locked: { url: true, publicKeys: true } });
    const afterTry = await saveRemoteRulesSettings({ url: 'https://evil.example/b.json', publicKeys: [KEY_A] });
    expect(afterTry).toEqual(config);
    // When the policy goes, the rep's own values come back (the attempt did not overwrite them).
    await fakeBrowser.storage.managed.clear();
    expect(await getRemoteRulesConfig()).toMatchObject({ url: 'https://mine.example/b.json', publicKeys: [KEY_A] });
  });

  test('a policy that sets only the keys leaves the URL to the rep', async () => {
    await fakeBrowser.storage.managed.set({ rulesPublicKeys: [KEY_B] });
    const saved = await saveRemoteRulesSettings({ url: 'https://mine.example/b.json', publicKeys: [KEY_A] });
    expect(saved).toEqual({ url: 'https://mine.example/b.json', publicKeys: [KEY_B], locked: { url: false, publicKeys: true } });
  });
});

describe('policy locks site switches', () => {
  test('a site the policy switches off stays off whatever the rep saves', async () => {
    await fakeBrowser.storage.managed.set({ sites: { linkedin: false } });
    expect((await getSettings()).sites).toEqual({ gmail: true, outlook: true, linkedin: false });
    const saved = await saveSettings({ sites: { linkedin: true, gmail: false } });
    expect(saved.sites).toEqual({ gmail: false, outlook: true, linkedin: false });
    expect((await getSettings()).sites.linkedin).toBe(false);
  });

  test('a site the policy switches on cannot be switched off', async () => {
    await saveSettings({ sites: { outlook: false } });
    await fakeBrowser.storage.managed.set({ sites: { outlook: true } });
    expect((await getSettings()).sites.outlook).toBe(true);
  });
});
