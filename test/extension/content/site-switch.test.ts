import { describe, expect, test, vi } from 'vitest';
import { createSiteSwitch, SETTINGS_KEY, siteEnabled, type SettingsArea } from '../../../extension/content/site-switch';
import { readSettings } from '../../../extension/lib/settings';

// lib/settings defines its storage item at import; only its pure reader is compared here.
vi.mock('wxt/utils/storage', () => ({ storage: { defineItem: () => ({}) } }));

type Listener = Parameters<SettingsArea['onChanged']['addListener']>[0];

function fakeArea(stored: unknown): SettingsArea & { emit(changes: Record<string, { newValue?: unknown }>): void; listeners: Set<Listener> } {
  const listeners = new Set<Listener>();
  return {
    listeners,
    get: async (key) => (key === SETTINGS_KEY && stored !== undefined ? { [key]: stored } : {}),
    onChanged: { addListener: (l) => listeners.add(l), removeListener: (l) => listeners.delete(l) },
    emit: (changes) => listeners.forEach((l) => l(changes)),
  };
}

describe('site switch', () => {
  test('reads the same switch as the settings module for every stored shape', () => {
    const stored: unknown[] = [
      undefined,
      null,
      {},
      { sites: { gmail: false } },
      { sites: { gmail: true, outlook: false, linkedin: false } },
      { sites: { gmail: 'no' } },
      { sites: [false] },
      { sites: null },
      { sites: { linkedin: false }, repName: 42 },
      [1, 2],
      'settings',
    ];
    for (const value of stored) {
      for (const site of ['gmail', 'outlook', 'linkedin'] as const) {
        expect(siteEnabled(value, site), `${JSON.stringify(value)} ${site}`).toBe(readSettings(value).sites[site]);
      }
    }
  });

  test('is on for a new install and follows a stored switch', async () => {
    expect(await createSiteSwitch(fakeArea(undefined), 'gmail').get()).toBe(true);
    expect(await createSiteSwitch(fakeArea({ sites: { gmail: false } }), 'gmail').get()).toBe(false);
    expect(await createSiteSwitch(fakeArea({ sites: { gmail: false } }), 'outlook').get()).toBe(true);
  });

  test('calls back when this site is switched, not when other settings change, and unsubscribes', () => {
    const area = fakeArea({});
    const heard: boolean[] = [];
    const stop = createSiteSwitch(area, 'linkedin').watch((enabled) => heard.push(enabled));
    area.emit({ [SETTINGS_KEY]: { newValue: { sites: { linkedin: false } } } });
    area.emit({ [SETTINGS_KEY]: { newValue: { sites: { linkedin: false }, repName: 'Jonas' } } });
    area.emit({ other: { newValue: 1 } });
    area.emit({ [SETTINGS_KEY]: { newValue: { sites: { linkedin: true } } } });
    expect(heard).toEqual([false, true]);
    stop();
    expect(area.listeners.size).toBe(0);
  });
});
