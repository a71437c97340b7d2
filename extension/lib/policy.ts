// Enterprise policy: what an administrator sets in managed storage (chrome.storage.managed, schema
// in public/managed_schema.json) overrides and locks the rep's own settings. Managed values are
// external data: each one is parsed on its own, and one broken value drops only itself.
import { browser } from 'wxt/browser';
import { z } from 'zod';

z.config({ jitless: true }); // MV3 pages forbid eval (see settings.ts)

const optionalBoolean = z.boolean().optional().catch(undefined);

export const ManagedPolicy = z.object({
  /** The https URL of the signed rules bundle (its signature is at `<url>.sig`). */
  rulesUrl: z.string().trim().min(1).max(2048).optional().catch(undefined),
  /** `leadpact-ed25519:...` keys, current and next (key rotation). */
  rulesPublicKeys: z.array(z.string().trim().max(200)).max(8).optional().catch(undefined),
  /** The CRM REST endpoint (the CRM sync reads it). */
  crmEndpoint: z.string().trim().min(1).max(2048).optional().catch(undefined),
  sites: z
    .object({ gmail: optionalBoolean, outlook: optionalBoolean, linkedin: optionalBoolean })
    .optional()
    .catch(undefined),
});
export type ManagedPolicy = z.infer<typeof ManagedPolicy>;

/** Parses whatever managed storage holds; unknown keys are ignored, broken values dropped. */
export function readPolicy(stored: unknown): ManagedPolicy {
  const parsed = ManagedPolicy.safeParse(stored ?? {});
  if (!parsed.success) return {};
  return stripUndefined(parsed.data);
}

/**
 * The policy in force. Without a managed schema or an administrator (Firefox without
 * policies.json, unmanaged Chrome profiles) managed storage throws or is empty: no policy.
 */
export async function getPolicy(): Promise<ManagedPolicy> {
  try {
    const managed = (browser.storage as unknown as { managed?: { get(keys: null): Promise<Record<string, unknown>> } }).managed;
    if (!managed) return {};
    return readPolicy(await managed.get(null));
  } catch {
    return {};
  }
}

/** Calls `onChange` when an administrator changes the policy; returns the unwatch function. */
export function watchPolicy(onChange: () => void): () => void {
  const listener = (_changes: unknown, areaName: string) => {
    if (areaName === 'managed') onChange();
  };
  try {
    browser.storage.onChanged.addListener(listener);
  } catch {
    return () => undefined;
  }
  return () => browser.storage.onChanged.removeListener(listener);
}

export interface RemoteRulesConfig {
  /** Empty: no remote rules. */
  url: string;
  publicKeys: string[];
  locked: { url: boolean; publicKeys: boolean };
}

/** The rep's remote-rules settings with the policy applied on top (a policy value wins and locks). */
export function applyRemoteRulesPolicy(local: { url: string; publicKeys: string[] }, policy: ManagedPolicy): RemoteRulesConfig {
  const urlLocked = policy.rulesUrl !== undefined;
  const keysLocked = policy.rulesPublicKeys !== undefined;
  return {
    url: urlLocked ? policy.rulesUrl! : local.url,
    publicKeys: cleanKeys(keysLocked ? policy.rulesPublicKeys! : local.publicKeys),
    locked: { url: urlLocked, publicKeys: keysLocked },
  };
}

/** The sites whose switch the policy sets (and so locks). */
export function lockedSites(policy: ManagedPolicy): Partial<Record<'gmail' | 'outlook' | 'linkedin', boolean>> {
  return stripUndefined(policy.sites ?? {});
}

export function cleanKeys(keys: readonly string[]): string[] {
  return [...new Set(keys.map((key) => key.trim()).filter(Boolean))];
}

/** The object without its undefined entries (a zod `.partial()` result merged over defaults). */
export function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
