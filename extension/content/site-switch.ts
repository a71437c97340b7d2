/**
 * The per-site switch, read straight from `storage.local` without zod (lib/settings.ts parses the
 * whole settings object with zod, which would more than double every content script). Only one
 * boolean is read here, with the same fallback as `readSettings`: anything but a stored boolean
 * means "on" (DESIGN 7: a new install shows badges). A test keeps the two readers in step.
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

/** Whether the stored settings leave this site on. */
export function siteEnabled(stored: unknown, siteId: SiteId): boolean {
  if (!isRecord(stored) || !isRecord(stored.sites)) return true;
  const value = stored.sites[siteId];
  return typeof value === 'boolean' ? value : true;
}

export function createSiteSwitch(area: SettingsArea, siteId: SiteId): SiteSwitch {
  return {
    async get() {
      const items = await area.get(SETTINGS_KEY);
      return siteEnabled(isRecord(items) ? items[SETTINGS_KEY] : undefined, siteId);
    },
    watch(onChange) {
      let last: boolean | undefined;
      const listener = (changes: Record<string, { newValue?: unknown }>) => {
        if (!isRecord(changes) || !(SETTINGS_KEY in changes)) return;
        const enabled = siteEnabled(changes[SETTINGS_KEY]?.newValue, siteId);
        if (enabled === last) return; // another setting changed
        last = enabled;
        onChange(enabled);
      };
      area.onChanged.addListener(listener);
      return () => area.onChanged.removeListener(listener);
    },
  };
}
