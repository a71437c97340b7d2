import { fakeBrowser } from './fake-env';
import { beforeEach, describe, expect, test } from 'vitest';
import { compareVersions, createRemoteRules, MAX_BUNDLE_BYTES, remoteRulesStateItem, type RemoteRules } from '../../../extension/background/remote-rules';
import { createRulesProvider, type RulesProvider } from '../../../extension/background/rules';
import type { RemoteRulesConfig } from '../../../extension/lib/policy';
import { endlessBody, FetchStub, makeKey, publish, remoteBundle, RULES_URL, type SigningKey } from './remote-support';
import { HOUR, NOW_MS, testBundle } from './support';

let stub: FetchStub;
let keys: string[];
let granted: boolean;
let url: string;
let provider: RulesProvider;
let remote: RemoteRules;
let current: SigningKey;

const embedded = testBundle({ version: '1.0.0' });

function setup(): void {
  provider = createRulesProvider(embedded);
  remote = createRemoteRules({
    rules: provider,
    config: async (): Promise<RemoteRulesConfig> => ({ url, publicKeys: keys, locked: { url: false, publicKeys: false } }),
    hasPermission: async () => granted,
    fetch: stub.fetch,
    now: () => NOW_MS,
  });
}

/** Accepts 1.1.0 signed by the current key: the "old rules" every refusal must keep. */
async function activate110(): Promise<void> {
  stub.serve(await publish(current, remoteBundle('1.1.0')));
  const state = await remote.check();
  expect(state.outcome).toBe('updated');
}

async function expectKept(reason: string, version = '1.1.0'): Promise<void> {
  const state = await remote.check();
  expect(state.outcome).toBe('refused');
  expect(state.refusal).toMatchObject({ reason, at: new Date(NOW_MS).toISOString() });
  expect(state.refusal?.message).toBeTruthy();
  const active = await provider.active();
  expect(active.version).toBe(version);
  // Stored for the popup, and the stored bundle is untouched: a restarted worker keeps it too.
  expect(await remoteRulesStateItem.getValue()).toEqual(state);
  expect((await createRulesProvider(embedded).active()).version).toBe(version);
}

beforeEach(async () => {
  fakeBrowser.reset();
  stub = new FetchStub();
  current = await makeKey();
  keys = [current.publicKey];
  granted = true;
  url = RULES_URL;
  setup();
});

describe('remote rules: a good bundle', () => {
  test('a newer bundle signed by the configured key becomes active and survives a worker restart', async () => {
    expect((await provider.active()).source).toBe('embedded');
    stub.serve(await publish(current, remoteBundle('1.1.0')));
    const state = await remote.check();
    expect(state).toEqual({ url: RULES_URL, checkedAt: new Date(NOW_MS).toISOString(), outcome: 'updated', refusal: null });
    expect(stub.requested.sort()).toEqual([RULES_URL, `${RULES_URL}.sig`]);
    const active = await provider.active();
    expect(active).toMatchObject({ source: 'remote', version: '1.1.0' });
    const restarted = createRulesProvider(embedded);
    expect(await restarted.active()).toMatchObject({ source: 'remote', version: '1.1.0' });
  });

  test('the same bundle offered again is "current", not a refusal', async () => {
    await activate110();
    const state = await remote.check();
    expect(state).toMatchObject({ outcome: 'current', refusal: null });
  });

  test('a refusal is cleared by the next good check', async () => {
    await activate110();
    stub.routes.delete(`${RULES_URL}.sig`);
    await expectKept('unsigned');
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    expect(await remote.check()).toMatchObject({ outcome: 'updated', refusal: null });
    expect((await provider.active()).version).toBe('1.2.0');
  });

  test('an extension update shipping newer rules than the stored remote bundle uses the newer ones', async () => {
    await activate110();
    const updated = createRulesProvider(testBundle({ version: '1.2.0' }));
    expect(await updated.active()).toMatchObject({ source: 'embedded', version: '1.2.0' });
  });

  test('no URL: nothing is fetched and the state says off', async () => {
    url = '';
    expect(await remote.check()).toMatchObject({ outcome: 'off', url: null, checkedAt: null });
    expect(stub.requested).toEqual([]);
  });
});

describe('remote rules: every refusal keeps the rules in use and says why', () => {
  beforeEach(activate110);

  test('unsigned: no signature file next to the bundle', async () => {
    const published = await publish(current, remoteBundle('1.2.0'));
    stub.serve({ ...published, signatureText: null });
    await expectKept('unsigned');
  });

  test('a signature that is not a signature file', async () => {
    const published = await publish(current, remoteBundle('1.2.0'));
    stub.serve({ ...published, signatureText: '{"not":"a signature"}' });
    await expectKept('malformed-signature');
  });

  test('a bad signature: the signature bytes were changed', async () => {
    const published = await publish(current, remoteBundle('1.2.0'));
    const signature = JSON.parse(published.signatureText!) as { signature: string };
    signature.signature = `${signature.signature.startsWith('A') ? 'B' : 'A'}${signature.signature.slice(1)}`;
    stub.serve({ ...published, signatureText: JSON.stringify(signature) });
    await expectKept('bad-signature');
  });

  test('tampered: the bundle changed after it was signed (same version)', async () => {
    const published = await publish(current, remoteBundle('1.2.0'));
    const tampered = new TextEncoder().encode(JSON.stringify(remoteBundle('1.2.0', 95)));
    stub.serve({ bundleBytes: tampered, signatureText: published.signatureText });
    await expectKept('bad-signature');
  });

  test('a signature made for another version', async () => {
    const published = await publish(current, remoteBundle('1.3.0'), { signedVersion: '1.2.0' });
    stub.serve(published);
    await expectKept('version-mismatch');
  });

  test('expired signature', async () => {
    stub.serve(await publish(current, remoteBundle('1.2.0'), { expires: new Date(NOW_MS - HOUR).toISOString() }));
    await expectKept('expired');
  });

  test('signed by a key that is not configured', async () => {
    stub.serve(await publish(await makeKey(), remoteBundle('1.2.0')));
    await expectKept('wrong-key');
  });

  test('rollback: an older version, properly signed', async () => {
    stub.serve(await publish(current, remoteBundle('1.0.5')));
    await expectKept('rollback');
  });

  test('the version in use with other contents', async () => {
    stub.serve(await publish(current, remoteBundle('1.1.0', 95)));
    await expectKept('same-version');
  });

  test('malformed: signed, but not JSON', async () => {
    stub.serve(await publish(current, '{"kind": "bundle", "version": "1.2.0",', { signedVersion: '' }));
    await expectKept('malformed');
  });

  test('malformed: signed JSON that is not a rules bundle', async () => {
    const notABundle = { kind: 'bundle', format: 1, version: '1.2.0', hash: 'sha256-x' };
    stub.serve(await publish(current, JSON.stringify(notABundle), { signedVersion: '1.2.0' }));
    await expectKept('malformed');
  });

  test('malformed: signed bundle whose version is not a semantic version', async () => {
    stub.serve(await publish(current, remoteBundle('release-2')));
    await expectKept('malformed');
  });

  test('too large: refused while the body is read, without reading the rest', async () => {
    const body = endlessBody(8 * MAX_BUNDLE_BYTES);
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    stub.routes.set(RULES_URL, body.response);
    await expectKept('too-large');
    expect(body.pulled()).toBeGreaterThan(0);
    expect(body.pulled()).toBeLessThanOrEqual(MAX_BUNDLE_BYTES / (64 * 1024) + 2);
  });

  test('too large: a declared length over the limit is refused before reading', async () => {
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    stub.routes.set(RULES_URL, () => new Response('{}', { headers: { 'content-length': String(MAX_BUNDLE_BYTES + 1) } }));
    await expectKept('too-large');
  });

  test('network error', async () => {
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    stub.routes.set(RULES_URL, () => Promise.reject(new TypeError('Failed to fetch')));
    await expectKept('network');
  });

  test('HTTP error from the server', async () => {
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    stub.routes.set(RULES_URL, () => new Response('oops', { status: 503 }));
    await expectKept('http-error');
  });

  test('the host permission was not granted: nothing is fetched', async () => {
    granted = false;
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    stub.requested.length = 0;
    await expectKept('no-permission');
    expect(stub.requested).toEqual([]);
  });

  test('a URL that is not https', async () => {
    url = 'http://rules.acme.example/bundle.json';
    await expectKept('bad-url');
  });

  test('no public key configured', async () => {
    keys = [];
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    await expectKept('no-keys');
  });
});

describe('remote rules: key rotation', () => {
  test('the next key is trusted once listed, and the old one no longer once removed', async () => {
    const next = await makeKey();
    // Only the current key is configured: a bundle signed by the next key is refused.
    stub.serve(await publish(next, remoteBundle('1.1.0')));
    expect((await remote.check()).refusal?.reason).toBe('wrong-key');
    expect((await provider.active()).source).toBe('embedded');

    // Rotation step 1: both keys configured; the bundle signed by the next key is accepted.
    keys = [current.publicKey, next.publicKey];
    expect(await remote.check()).toMatchObject({ outcome: 'updated' });
    expect((await provider.active()).version).toBe('1.1.0');
    // ... and so is one still signed by the current key.
    stub.serve(await publish(current, remoteBundle('1.2.0')));
    expect(await remote.check()).toMatchObject({ outcome: 'updated' });

    // Rotation step 2: the old key is removed; what it signs is refused, what the new key signs is not.
    keys = [next.publicKey];
    stub.serve(await publish(current, remoteBundle('1.3.0')));
    expect((await remote.check()).refusal?.reason).toBe('wrong-key');
    expect((await provider.active()).version).toBe('1.2.0');
    stub.serve(await publish(next, remoteBundle('1.3.0')));
    expect(await remote.check()).toMatchObject({ outcome: 'updated' });
    expect((await provider.active()).version).toBe('1.3.0');
  });

  test('a broken key in the list does not stop a good one from verifying', async () => {
    keys = ['leadpact-ed25519:not-a-key', current.publicKey];
    stub.serve(await publish(current, remoteBundle('1.1.0')));
    expect(await remote.check()).toMatchObject({ outcome: 'updated' });
  });
});

describe('remote rules: one check at a time', () => {
  test('a second check while one runs joins it', async () => {
    stub.serve(await publish(current, remoteBundle('1.1.0')));
    const [a, b] = await Promise.all([remote.check(), remote.check()]);
    expect(a).toBe(b);
    expect(stub.requested).toHaveLength(2);
  });
});

describe('remote rules: checks on worker start', () => {
  test('a start within the period after a check of the same URL fetches nothing', async () => {
    stub.serve(await publish(current, remoteBundle('1.1.0')));
    await remote.check();
    stub.requested.length = 0;
    expect(await remote.checkIfStale(HOUR)).toMatchObject({ outcome: 'updated' });
    expect(stub.requested).toEqual([]);
  });

  test('a start after the period, or with another URL, checks again', async () => {
    let clock = NOW_MS;
    const timed = createRemoteRules({
      rules: provider,
      config: async () => ({ url, publicKeys: keys, locked: { url: false, publicKeys: false } }),
      hasPermission: async () => true,
      fetch: stub.fetch,
      now: () => clock,
    });
    stub.serve(await publish(current, remoteBundle('1.1.0')));
    await timed.check();
    stub.requested.length = 0;
    clock += HOUR + 1;
    expect(await timed.checkIfStale(HOUR)).toMatchObject({ outcome: 'current' });
    expect(stub.requested).toHaveLength(2);

    stub.requested.length = 0;
    url = 'https://rules.acme.example/other.json';
    expect(await timed.checkIfStale(HOUR)).toMatchObject({ outcome: 'refused', url });
    expect(stub.requested).toContain(url);
  });
});

describe('compareVersions', () => {
  test.each([
    ['1.0.0', '1.0.0', 0],
    ['1.0.1', '1.0.0', 1],
    ['1.0.0', '1.1.0', -1],
    ['2.0.0', '1.99.99', 1],
    ['1.10.0', '1.9.0', 1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-rc.2', '1.0.0-rc.10', -1],
    ['1.0.0-alpha', '1.0.0-1', 1],
    ['1.0.0+build.5', '1.0.0', 0],
  ] as const)('%s vs %s is %d', (a, b, order) => {
    expect(compareVersions(a, b)).toBe(order);
  });

  test('not a semantic version', () => {
    expect(compareVersions('1.0', '1.0.0')).toBeNull();
    expect(compareVersions('01.0.0', '1.0.0')).toBeNull();
  });
});

describe('the rules provider reads the stored remote bundle once', () => {
  test('many lookups read storage once; a change from another context or the sync is read again; a failed read is retried', async () => {
    let reads = 0;
    let failNext = false;
    const listeners: Array<() => void> = [];
    let stored: unknown = null;
    const counted = createRulesProvider(embedded, {
      read: async () => {
        reads++;
        if (failNext) {
          failNext = false;
          throw new Error('storage unavailable');
        }
        return stored;
      },
      watch: (onChange) => {
        listeners.push(onChange);
        return () => undefined;
      },
    });
    for (let i = 0; i < 20; i++) expect((await counted.active()).source).toBe('embedded');
    expect(reads).toBe(1);

    // Another context (the options page, a second worker instance) stores a bundle: storage says so.
    const bundle = remoteBundle('1.1.0');
    stored = { bundle, verifiedAt: new Date(NOW_MS).toISOString(), url: RULES_URL };
    expect((await counted.active()).version).toBe('1.0.0'); // not heard yet
    for (const listener of listeners) listener();
    expect(await counted.active()).toMatchObject({ source: 'remote', version: '1.1.0' });
    expect(reads).toBe(2);

    // The sync in this worker says so itself, before the storage event arrives.
    stored = null;
    counted.forgetStored();
    expect((await counted.active()).source).toBe('embedded');
    expect(reads).toBe(3);

    // A read that fails falls back to the embedded rules with a note, and is not kept.
    counted.forgetStored();
    failNext = true;
    expect((await counted.active()).note).toMatch(/could not be read/);
    expect((await counted.active()).note).toBeNull();
    expect(reads).toBe(5);
  });

  test('with real storage: an accepted bundle is active at once, and a value written elsewhere is heard', async () => {
    expect((await provider.active()).source).toBe('embedded');
    stub.serve(await publish(current, remoteBundle('1.1.0')));
    expect((await remote.check()).outcome).toBe('updated');
    expect((await provider.active()).version).toBe('1.1.0'); // forgetStored: no wait for the event
    const { verifiedRulesItem } = await import('../../../extension/background/rules');
    await verifiedRulesItem.setValue(null); // e.g. "clear data" in the options page
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await provider.active()).source).toBe('embedded');
  });
});
