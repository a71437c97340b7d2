import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatPublicKey, keyIdOf, parsePublicKey, signBundle, verifyBundleSignature } from '../../extension/lib/signature';
import keygen from '../../scripts/commands/keygen';
import sign from '../../scripts/commands/sign';
import verify from '../../scripts/commands/verify';
import { CliError } from '../../scripts/lib/command';
import { captureStdio } from '../support/command-sandbox';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const bundleText = `${JSON.stringify({ kind: 'bundle', format: 1, name: 'acme', version: '1.2.0' })}\n`;
const bundleBytes = new TextEncoder().encode(bundleText);

async function keyPair(): Promise<{ pkcs8: Uint8Array<ArrayBuffer>; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { pkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)), publicKey: formatPublicKey(raw) };
}

describe('verifyBundleSignature', () => {
  it('accepts a good signature and refuses each kind of bad one', async () => {
    const { pkcs8, publicKey } = await keyPair();
    const { signature, publicKey: derived } = await signBundle(bundleBytes, '1.2.0', '2027-01-01T00:00:00Z', pkcs8);
    expect(derived).toBe(publicKey);
    expect(signature.keyId).toBe(await keyIdOf(parsePublicKey(publicKey)!));
    const base = { bundleBytes, signatureText: JSON.stringify(signature), publicKey, bundleVersion: '1.2.0', now: NOW };
    expect(await verifyBundleSignature(base)).toMatchObject({ ok: true });

    const tampered = new TextEncoder().encode(bundleText.replace('acme', 'acmf'));
    expect(await verifyBundleSignature({ ...base, bundleBytes: tampered })).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verifyBundleSignature({ ...base, now: Date.parse('2027-01-01T00:00:00Z') })).toMatchObject({ ok: false, reason: 'expired' });
    expect(await verifyBundleSignature({ ...base, bundleVersion: '1.3.0' })).toMatchObject({ ok: false, reason: 'version-mismatch' });
    expect(await verifyBundleSignature({ ...base, signatureText: '{"format":1' })).toMatchObject({ ok: false, reason: 'malformed-signature' });
    expect(await verifyBundleSignature({ ...base, publicKey: 'ssh-ed25519 AAAA' })).toMatchObject({ ok: false, reason: 'bad-public-key' });
    const other = await keyPair();
    expect(await verifyBundleSignature({ ...base, publicKey: other.publicKey })).toMatchObject({ ok: false, reason: 'wrong-key' });

    // Moving the expiry or the version inside the signature file breaks the signature itself.
    const extended = { ...signature, expires: '2030-01-01T00:00:00Z' };
    expect(await verifyBundleSignature({ ...base, signatureText: JSON.stringify(extended) })).toMatchObject({ ok: false, reason: 'bad-signature' });
    // A signature from another key that claims the configured key id.
    const forged = await signBundle(bundleBytes, '1.2.0', '2027-01-01T00:00:00Z', other.pkcs8);
    const claimed = { ...forged.signature, keyId: signature.keyId };
    expect(await verifyBundleSignature({ ...base, signatureText: JSON.stringify(claimed) })).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});

describe('keygen, sign, verify commands', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'leadpact-sign-'));
    ({ out, err } = captureStdio());
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    delete process.env.LEADPACT_SIGNING_KEY;
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips: keygen writes a private key only its owner reads, sign and verify agree', async () => {
    const keys = path.join(dir, 'keys');
    expect(await keygen(['--dir', keys, '--name', 'rules'])).toBe(0);
    const { statSync } = await import('node:fs');
    expect(statSync(path.join(keys, 'rules.key')).mode & 0o077).toBe(0);
    const publicKey = (await readFile(path.join(keys, 'rules.pub'), 'utf8')).trim();
    expect(parsePublicKey(publicKey)).not.toBeNull();

    const bundle = path.join(dir, 'bundle.json');
    await writeFile(bundle, bundleText);
    expect(await sign([bundle, '--key', path.join(keys, 'rules.key'), '--expires', '30d'])).toBe(0);
    const sig = JSON.parse(await readFile(`${bundle}.sig`, 'utf8'));
    expect(sig).toMatchObject({ format: 1, algorithm: 'Ed25519', version: '1.2.0' });
    expect(await verify([bundle, '--public-key', path.join(keys, 'rules.pub')])).toBe(0);

    // The private key from the environment, as in CI.
    process.env.LEADPACT_SIGNING_KEY = await readFile(path.join(keys, 'rules.key'), 'utf8');
    expect(await sign([bundle, '--out', path.join(dir, 'env.sig')])).toBe(0);
    expect(await verify([bundle, '--public-key', publicKey, '--sig', path.join(dir, 'env.sig')])).toBe(0);

    await writeFile(bundle, bundleText.replace('acme', 'evil'));
    expect(await verify([bundle, '--public-key', publicKey])).toBe(1);
    expect(err.join('')).toContain('refused (bad-signature)');
    expect(await keygen(['--dir', keys, '--name', 'rules']).catch((e: unknown) => e)).toBeInstanceOf(CliError);
  });

  it('refuses to write a private key where git would commit it', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['init', '-q', dir]);
    await expect(keygen(['--dir', path.join(dir, 'secrets')])).rejects.toThrow(/not ignored by git/);
    await writeFile(path.join(dir, '.gitignore'), 'secrets/\n');
    expect(await keygen(['--dir', path.join(dir, 'secrets')])).toBe(0);
  });

  it('says what is wrong with a bad bundle, key or expiry', async () => {
    const bundle = path.join(dir, 'bundle.json');
    await writeFile(bundle, '{"kind":"tests"}');
    await expect(sign([bundle, '--key', path.join(dir, 'missing.key')])).rejects.toThrow(/not a rules bundle/);
    await writeFile(bundle, bundleText);
    await expect(sign([bundle, '--key', path.join(dir, 'missing.key')])).rejects.toThrow(/missing\.key: cannot read the private key \(ENOENT\)/);
    await writeFile(path.join(dir, 'bad.key'), 'not a key');
    await expect(sign([bundle, '--key', path.join(dir, 'bad.key')])).rejects.toThrow(/not a PEM private key/);
    await expect(sign([bundle, '--expires', 'soon'])).rejects.toThrow(/--expires soon/);
    // An instant without a zone would be read in the machine's zone: refused, as --now refuses it.
    await expect(sign([bundle, '--expires', '2030-12-01T00:00'])).rejects.toThrow(/--expires must be an ISO 8601 instant with a zone/);
    await expect(sign([bundle])).rejects.toThrow(/no signing key/);
  });
});
