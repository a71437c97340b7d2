// Remote rules (DESIGN 7): the worker fetches `<url>` and its detached signature `<url>.sig`, and
// makes the bundle active only when the signature verifies (Ed25519, WebCrypto) against one of
// the configured keys, has not expired, and the bundle is a usable bundle with a newer version
// than the rules in use. On any failure the rules in use stay active and the reason is recorded
// for the popup. The accepted bundle is stored (rules.ts verifiedRulesItem), so it survives the
// worker stopping; the outcome of the last check is stored beside it.
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import type { Bundle } from '../engine/generated/rules';
import type { RemoteRulesConfig } from '../lib/policy';
import { verifyBundleSignature, type VerifyFailureReason, type VerifyResult } from '../lib/signature';
import { readLimited } from './limited-body';
import { compareVersions } from './remote-rules-version';
import { verifiedRulesItem, type RulesProvider, type VerifiedRules } from './rules';

export { compareVersions };

z.config({ jitless: true });

/** A rules bundle is well under this; a larger answer is refused while it is read. */
export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
export const MAX_SIGNATURE_BYTES = 16 * 1024;
export const REMOTE_RULES_ALARM = 'leadpact-remote-rules';
export const CHECK_PERIOD_MINUTES = 60;

export type RemoteRulesReason =
  | 'bad-url'
  | 'no-keys'
  | 'no-permission'
  | 'network'
  | 'http-error'
  | 'too-large'
  | 'unsigned'
  | 'malformed'
  | VerifyFailureReason
  | 'rollback'
  | 'same-version';

export interface RemoteRulesRefusal {
  reason: RemoteRulesReason;
  message: string;
  at: string;
  /** The version the refused bundle declared, when it could be read. */
  version: string | null;
}

export interface RemoteRulesState {
  url: string | null;
  /** When the last check ended (null: never checked, or no URL configured). */
  checkedAt: string | null;
  /** off: no URL; updated: a newer bundle became active; current: the bundle offered is the one in use; refused: see `refusal`. */
  outcome: 'off' | 'updated' | 'current' | 'refused';
  /** Why the last check kept the old rules (null when it did not refuse). */
  refusal: RemoteRulesRefusal | null;
}

export const offState: RemoteRulesState = Object.freeze({ url: null, checkedAt: null, outcome: 'off', refusal: null }) as RemoteRulesState;

export const remoteRulesStateItem = storage.defineItem<RemoteRulesState | null>('local:rules.remoteState', { fallback: null });

export interface RemoteRulesDeps {
  rules: RulesProvider;
  config(): Promise<RemoteRulesConfig>;
  /** Whether the extension may fetch from this origin (an optional host permission). */
  hasPermission(origin: string): Promise<boolean>;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  maxBundleBytes?: number;
  log?: (message: string) => void;
}

export interface RemoteRules {
  /** Fetches and checks the remote bundle now (one check at a time: a second call joins the first). */
  check(): Promise<RemoteRulesState>;
  /**
   * Checks unless the last check of the same URL ended less than `maxAgeMs` ago. A worker start
   * uses this: MV3 workers stop after 30 s idle and start again on the next event, and each start
   * must not fetch the bundle again.
   */
  checkIfStale(maxAgeMs: number): Promise<RemoteRulesState>;
  /** The stored outcome of the last check. */
  state(): Promise<RemoteRulesState>;
}

type Attempt = { ok: true; outcome: 'updated' | 'current'; version: string } | { ok: false; reason: RemoteRulesReason; message: string; version?: string };

export function createRemoteRules(deps: RemoteRulesDeps): RemoteRules {
  const now = deps.now ?? Date.now;
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const maxBundleBytes = deps.maxBundleBytes ?? MAX_BUNDLE_BYTES;
  let running: Promise<RemoteRulesState> | undefined;

  const refuse = (reason: RemoteRulesReason, message: string, version?: string): Attempt => ({ ok: false, reason, message, ...(version === undefined ? {} : { version }) });

  async function attempt(config: RemoteRulesConfig): Promise<Attempt> {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      return refuse('bad-url', `the rules URL is not a URL: ${config.url}`);
    }
    if (url.protocol !== 'https:') return refuse('bad-url', 'the rules URL must start with https://');
    if (config.publicKeys.length === 0) return refuse('no-keys', 'no public key is configured, so no bundle can be trusted');
    if (!(await deps.hasPermission(url.origin))) {
      return refuse('no-permission', `Leadpact may not read from ${url.origin} yet: allow it in the options page`);
    }

    const [bundleBody, signatureBody] = await Promise.all([
      fetchLimited(doFetch, url.href, maxBundleBytes, deps.timeoutMs),
      fetchLimited(doFetch, `${url.href}.sig`, MAX_SIGNATURE_BYTES, deps.timeoutMs),
    ]);
    if (!bundleBody.ok) return refuse(bundleBody.reason, `the bundle: ${bundleBody.message}`);
    if (!signatureBody.ok) {
      if (signatureBody.reason === 'http-error' && (signatureBody.status === 404 || signatureBody.status === 410)) {
        return refuse('unsigned', `there is no signature at ${url.pathname}.sig (HTTP ${signatureBody.status})`);
      }
      return refuse(signatureBody.reason, `the signature: ${signatureBody.message}`);
    }

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bundleBody.bytes));
    } catch {
      return refuse('malformed', 'the bundle is not JSON');
    }
    const declared = typeof (json as { version?: unknown } | null)?.version === 'string' ? (json as { version: string }).version : '';

    const verified = await verifyWithAnyKey(bundleBody.bytes, new TextDecoder().decode(signatureBody.bytes), config.publicKeys, declared, now());
    if (!verified.ok) return refuse(verified.reason, verified.message, declared || undefined);

    const shape = BundleShape.safeParse(json);
    if (!shape.success) {
      const issue = shape.error.issues[0];
      return refuse('malformed', `the bundle is not a rules bundle (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape'})`, declared || undefined);
    }
    const bundle = json as Bundle;

    const active = await deps.rules.active();
    const order = compareVersions(bundle.version, active.version);
    if (order === null) return refuse('malformed', `the bundle's version ${bundle.version} is not a semantic version`, bundle.version);
    if (order === 0) {
      if (bundle.hash === active.hash) return { ok: true, outcome: 'current', version: bundle.version };
      return refuse('same-version', `version ${bundle.version} is the version in use, with other contents: a changed bundle needs a new version`, bundle.version);
    }
    if (order < 0) return refuse('rollback', `version ${bundle.version} is older than ${active.version} in use`, bundle.version);

    try {
      deps.rules.compileRemote(bundle);
    } catch (error) {
      return refuse('malformed', `the bundle does not compile: ${error instanceof Error ? error.message : String(error)}`, bundle.version);
    }
    const stored: VerifiedRules = { bundle, verifiedAt: new Date(now()).toISOString(), url: url.href };
    await verifiedRulesItem.setValue(stored);
    deps.rules.forgetStored();
    return { ok: true, outcome: 'updated', version: bundle.version };
  }

  async function run(): Promise<RemoteRulesState> {
    const config = await deps.config();
    if (!config.url) {
      await remoteRulesStateItem.setValue(offState);
      return offState;
    }
    let result: Attempt;
    try {
      result = await attempt(config);
    } catch (error) {
      result = refuse('network', error instanceof Error ? error.message : String(error));
    }
    const at = new Date(now()).toISOString();
    const state: RemoteRulesState = result.ok
      ? { url: config.url, checkedAt: at, outcome: result.outcome, refusal: null }
      : { url: config.url, checkedAt: at, outcome: 'refused', refusal: { reason: result.reason, message: result.message, at, version: result.version ?? null } };
    if (result.ok && result.outcome === 'updated') deps.log?.(`remote rules ${result.version} are now active`);
    if (!result.ok) deps.log?.(`remote rules refused (${result.reason}): ${result.message}`);
    await remoteRulesStateItem.setValue(state);
    return state;
  }

  const check = () => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    check,
    async checkIfStale(maxAgeMs) {
      const [last, config] = await Promise.all([remoteRulesStateItem.getValue(), deps.config()]);
      const checkedAt = last?.checkedAt ? Date.parse(last.checkedAt) : Number.NaN;
      const fresh = last !== null && last.url === (config.url || null) && (config.url === '' || (Number.isFinite(checkedAt) && now() - checkedAt < maxAgeMs && now() >= checkedAt));
      return fresh ? last : check();
    },
    async state() {
      return (await remoteRulesStateItem.getValue()) ?? offState;
    },
  };
}

/** Tries each configured key; a key that did not sign the bundle is skipped (rotation: current and next key). */
async function verifyWithAnyKey(bundleBytes: Uint8Array, signatureText: string, publicKeys: readonly string[], bundleVersion: string, now: number): Promise<VerifyResult> {
  let first: VerifyResult | undefined;
  for (const publicKey of publicKeys) {
    const result = await verifyBundleSignature({ bundleBytes, signatureText, publicKey, bundleVersion, now });
    if (result.ok || (result.reason !== 'wrong-key' && result.reason !== 'bad-public-key')) return result;
    // Prefer "signed by another key" over a broken configured key when saying why.
    if (!first || (first.ok === false && first.reason === 'bad-public-key')) first = result;
  }
  if (first && !first.ok && first.reason === 'wrong-key') {
    return { ok: false, reason: 'wrong-key', message: `${first.message.replace(/, but the configured key is [0-9a-f]+$/, '')}, which is none of the ${publicKeys.length} configured keys` };
  }
  return first ?? { ok: false, reason: 'bad-public-key', message: 'no public key is configured' };
}

type Body = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'network' | 'http-error' | 'too-large'; message: string; status?: number };

/** GETs a URL and reads at most `limit` bytes of it, giving up as soon as the body is larger. */
async function fetchLimited(doFetch: typeof fetch, url: string, limit: number, timeoutMs = 30_000): Promise<Body> {
  let response: Response;
  try {
    response = await doFetch(url, { cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { ok: false, reason: 'network', message: `cannot be fetched (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!response.ok) {
    void response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'http-error', message: `HTTP ${response.status}`, status: response.status };
  }
  const body = await readLimited(response, limit);
  if (body.ok) return body;
  return body.reason === 'too-large'
    ? { ok: false, reason: 'too-large', message: `larger than ${limit} bytes` }
    : { ok: false, reason: 'network', message: `was cut short (${body.message})` };
}

/** The essential shape of a bundle, checked before compiling it (the engine assumes it). */
const BundleShape = z.object({
  kind: z.literal('bundle'),
  format: z.literal(1),
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(64),
  hash: z.string().min(1).max(200),
  commit: z.string().nullable(),
  project: z.object({}).passthrough(),
  fields: z.object({}).passthrough(),
  models: z.array(z.object({}).passthrough()),
  personas: z.object({}).passthrough(),
  lifecycle: z.object({ stages: z.array(z.object({ id: z.string() }).passthrough()).min(1) }).passthrough(),
  sla: z.object({}).passthrough(),
  mappings: z.array(z.object({}).passthrough()),
});
