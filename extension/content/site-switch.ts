/**
 * The per-site switch, read straight from `storage.local` without zod (lib/settings.ts parses the
 * whole settings object with zod, which would more than double every content script). Only one
 * boolean is read here, with the same fallback as `readSettings`: anything but a stored boolean
 * means "on" (DESIGN 7: a new install shows badges). A switch the enterprise policy sets
 * (`storage.managed`, `sites.<id>` a boolean, as lib/policy.ts reads it) wins over the rep's, as
 * getSettings applies it. Tests keep the readers in step.
 */
import { isRecord } from './messenger';
import type { SiteSwitch } from './runner';

/** Where lib/settings.ts keeps the settings (`storage.defineItem('local:settings')`). */
export const SETTINGS_KEY = 'settings';

type SiteId = 'gmail' | 'outlook' | 'linkedin';

/** The part of `browser.storage.local` used here. */
export interface SettingsArea {
  get(key: string): Promise<Record<string, unknown>>;
  onChanged: {
    addListener(listener: (changes: Record<string, { newValue?: unknown }>) => void): void;
    removeListener(listener: (changes: Record<string, { newValue?: unknown }>) => void): void;
  };
}

/** The part of `browser.storage.managed` used here (absent or throwing where no policy is set up). */
export interface PolicyArea {
  get(keys: null): Promise<Record<string, unknown>>;
  onChanged?: SettingsArea['onChanged'];
}

/** The policy's switch for this site, when it sets one. */
export function policySite(managed: unknown, siteId: SiteId): boolean | undefined {
  if (!isRecord(managed) || !isRecord(managed.sites)) return undefined;
  const value = managed.sites[siteId];
  return typeof value === 'boolean' ? value : undefined;
}

/** Whether the stored settings leave this site on. */
export function siteEnabled(stored: unknown, siteId: SiteId): boolean {
  if (!isRecord(stored) || !isRecord(stored.sites)) return true;
  const value = stored.sites[siteId];
  return typeof value === 'boolean' ? value : true;
}

export function createSiteSwitch(area: SettingsArea, siteId: SiteId, managed?: PolicyArea): SiteSwitch {
  const readPolicy = async (): Promise<unknown> => {
    try {
      return managed ? await managed.get(null) : undefined;
    } catch {
      return undefined; // no managed storage here: no policy
    }
  };
  const get = async (): Promise<boolean> => {
    const [items, policy] = await Promise.all([area.get(SETTINGS_KEY), readPolicy()]);
    return policySite(policy, siteId) ?? siteEnabled(isRecord(items) ? items[SETTINGS_KEY] : undefined, siteId);
  };
  return {
    get,
    watch(onChange) {
      let last: boolean | undefined;
      let stopped = false;
      const recheck = () => {
        get().then((enabled) => {
          if (stopped || enabled === last) return; // another setting changed
          last = enabled;
          onChange(enabled);
        }, () => undefined);
      };
      const onLocal = (changes: Record<string, { newValue?: unknown }>) => {
        if (isRecord(changes) && SETTINGS_KEY in changes) recheck();
      };
      area.onChanged.addListener(onLocal);
      try {
        managed?.onChanged?.addListener(recheck);
      } catch {
        // no change events for managed storage here: the policy is read at each local change
      }
      return () => {
        stopped = true;
        area.onChanged.removeListener(onLocal);
        try {
          managed?.onChanged?.removeListener(recheck);
        } catch {
          // see above
        }
      };
    },
  };
}
