/**
 * Detached Ed25519 signatures for rules bundles, shared by the CLI (`leadpact sign`, `verify`)
 * and the extension (remote rules). Pure WebCrypto: runs in Node 20, service workers and pages.
 *
 * The signed message binds the bundle's exact bytes to its version and an expiry, so a valid
 * signature cannot be replayed for another version or after it expires:
 *
 *   "leadpact-bundle-signature/1\n" + version + "\n" + expires + "\n" + <bundle bytes>
 *
 * A signature file is JSON: { format, algorithm, keyId, version, expires, signature } with the
 * signature in base64. A public key travels as one line, `leadpact-ed25519:<base64 of 32 bytes>`,
 * easy to paste into the options page or a managed policy.
 */
import { z } from 'zod';

const MESSAGE_PREFIX = 'leadpact-bundle-signature/1\n';
const PUBLIC_KEY_PREFIX = 'leadpact-ed25519:';
const ED25519 = { name: 'Ed25519' } as const;

export const BundleSignature = z.strictObject({
  format: z.literal(1),
  algorithm: z.literal('Ed25519'),
  /** The first 16 hex digits of the SHA-256 of the raw public key: says which key signed. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  version: z.string().min(1).max(64),
  /** ISO 8601 instant in UTC. */
  expires: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type BundleSignature = z.infer<typeof BundleSignature>;

export type VerifyFailureReason = 'malformed-signature' | 'bad-public-key' | 'wrong-key' | 'version-mismatch' | 'expired' | 'bad-signature';

export type VerifyResult = { ok: true; signature: BundleSignature } | { ok: false; reason: VerifyFailureReason; message: string };

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The exact bytes that are signed. */
export function signedMessage(bundleBytes: Uint8Array, version: string, expires: string): Uint8Array<ArrayBuffer> {
  const head = new TextEncoder().encode(`${MESSAGE_PREFIX}${version}\n${expires}\n`);
  const message = new Uint8Array(head.length + bundleBytes.length);
  message.set(head, 0);
  message.set(bundleBytes, head.length);
  return message;
}

export async function keyIdOf(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', rawPublicKey));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function formatPublicKey(rawPublicKey: Uint8Array): string {
  return `${PUBLIC_KEY_PREFIX}${toBase64(rawPublicKey)}`;
}

/** Reads `leadpact-ed25519:<base64>`; null when it is not one. */
export function parsePublicKey(text: string): Uint8Array<ArrayBuffer> | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PUBLIC_KEY_PREFIX)) return null;
  const body = trimmed.slice(PUBLIC_KEY_PREFIX.length);
  if (!/^[A-Za-z0-9+/]{43}=$/.test(body)) return null;
  const raw = fromBase64(body);
  return raw.length === 32 ? raw : null;
}

/** Parses a signature file's text; a message saying what is wrong otherwise. */
export function parseSignature(text: string): { ok: true; signature: BundleSignature } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the signature is not JSON' };
  }
  const parsed = BundleSignature.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `the signature is malformed: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape'}` };
  }
  return { ok: true, signature: parsed.data };
}

export interface VerifyInput {
  bundleBytes: Uint8Array;
  /** The signature file's text. */
  signatureText: string;
  /** `leadpact-ed25519:<base64>` */
  publicKey: string;
  /** The version the bundle itself declares (the caller parsed it). */
  bundleVersion: string;
  /** Epoch ms. */
  now: number;
}

/** Checks a detached signature: shape, key, version binding, expiry, then the Ed25519 signature. */
export async function verifyBundleSignature(input: VerifyInput): Promise<VerifyResult> {
  const parsed = parseSignature(input.signatureText);
  if (!parsed.ok) return { ok: false, reason: 'malformed-signature', message: parsed.message };
  const signature = parsed.signature;
  const raw = parsePublicKey(input.publicKey);
  if (!raw) return { ok: false, reason: 'bad-public-key', message: 'the configured public key is not a leadpact-ed25519 key' };
  const keyId = await keyIdOf(raw);
  if (keyId !== signature.keyId) {
    return { ok: false, reason: 'wrong-key', message: `signed with key ${signature.keyId}, but the configured key is ${keyId}` };
  }
  if (signature.version !== input.bundleVersion) {
    return { ok: false, reason: 'version-mismatch', message: `the signature is for version ${signature.version}, the bundle is ${input.bundleVersion}` };
  }
  if (Date.parse(signature.expires) <= input.now) {
    return { ok: false, reason: 'expired', message: `the signature expired at ${signature.expires}` };
  }
  const key = await crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
  const valid = await crypto.subtle.verify(ED25519, key, fromBase64(signature.signature), signedMessage(input.bundleBytes, signature.version, signature.expires));
  if (!valid) return { ok: false, reason: 'bad-signature', message: 'the signature does not match the bundle (tampered or signed by another key)' };
  return { ok: true, signature };
}

/** Signs (CLI side; the extension only verifies). `privateKey` is a PKCS#8 Ed25519 key. */
export async function signBundle(bundleBytes: Uint8Array, version: string, expires: string, privateKeyPkcs8: Uint8Array<ArrayBuffer>): Promise<{ signature: BundleSignature; publicKey: string }> {
  const privateKey = await crypto.subtle.importKey('pkcs8', privateKeyPkcs8, ED25519, true, ['sign']);
  const raw = await publicKeyOf(privateKey);
  const bytes = new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, signedMessage(bundleBytes, version, expires)));
  return {
    signature: { format: 1, algorithm: 'Ed25519', keyId: await keyIdOf(raw), version, expires, signature: toBase64(bytes) },
    publicKey: formatPublicKey(raw),
  };
}

/** The raw public key of an extractable Ed25519 private key (from its JWK `x`). */
async function publicKeyOf(privateKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  if (!jwk.x) throw new Error('not an Ed25519 private key');
  return fromBase64(jwk.x.replace(/-/g, '+').replace(/_/g, '/').padEnd(44, '='));
}
