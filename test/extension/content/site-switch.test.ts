import { describe, expect, test, vi } from 'vitest';
import { createSiteSwitch, policySite, SETTINGS_KEY, siteEnabled, type PolicyArea, type SettingsArea } from '../../../extension/content/site-switch';
import { lockedSites, readPolicy } from '../../../extension/lib/policy';
import { readSettings } from '../../../extension/lib/settings';

// lib/settings defines its storage item at import; only its pure reader is compared here.
vi.mock('wxt/utils/storage', () => ({ storage: { defineItem: () => ({}) } }));

type Listener = Parameters<SettingsArea['onChanged']['addListener']>[0];

function fakeArea(stored: unknown): SettingsArea & { emit(changes: Record<string, { newValue?: unknown }>): void; listeners: Set<Listener>; set(value: unknown): void } {
  const listeners = new Set<Listener>();
  return {
    listeners,
    get: async (key) => (key === SETTINGS_KEY && stored !== undefined ? { [key]: stored } : {}),
    onChanged: { addListener: (l) => listeners.add(l), removeListener: (l) => listeners.delete(l) },
    emit: (changes) => listeners.forEach((l) => l(changes)),
    set: (value) => {
      stored = value;
    },
  };
}

function fakePolicy(policy: unknown): PolicyArea & { emit(): void; listeners: Set<Listener>; set(value: unknown): void } {
  const listeners = new Set<Listener>();
  return {
    listeners,
    get: async () => (policy === undefined ? {} : (policy as Record<string, unknown>)),
    onChanged: { addListener: (l) => listeners.add(l), removeListener: (l) => listeners.delete(l) },
    emit: () => listeners.forEach((l) => l({})),
    set: (value) => {
      policy = value;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

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

  test('calls back when this site is switched, not when other settings change, and unsubscribes', async () => {
    const area = fakeArea({});
    const heard: boolean[] = [];
    const stop = createSiteSwitch(area, 'linkedin').watch((enabled) => heard.push(enabled));
    const change = async (value: unknown) => {
      area.set(value);
      area.emit({ [SETTINGS_KEY]: { newValue: value } });
      await tick();
    };
    await change({ sites: { linkedin: false } });
    await change({ sites: { linkedin: false }, repName: 'Jonas' });
    area.emit({ other: { newValue: 1 } });
    await tick();
    await change({ sites: { linkedin: true } });
    expect(heard).toEqual([false, true]);
    stop();
    expect(area.listeners.size).toBe(0);
  });

  test('reads a policy switch as lib/policy.ts does, for every managed shape', () => {
    const managed: unknown[] = [undefined, null, {}, { sites: { gmail: false } }, { sites: { gmail: 'no', outlook: true } }, { sites: [false] }, { sites: null }, 'policy'];
    for (const value of managed) {
      for (const site of ['gmail', 'outlook', 'linkedin'] as const) {
        expect(policySite(value, site), `${JSON.stringify(value)} ${site}`).toBe(lockedSites(readPolicy(value))[site]);
      }
    }
  });

  test('a switch the policy sets wins over the rep\'s, both ways, and follows policy changes', async () => {
    expect(await createSiteSwitch(fakeArea({ sites: { outlook: false } }), 'outlook', fakePolicy({ sites: { outlook: true } })).get()).toBe(true);
    expect(await createSiteSwitch(fakeArea({ sites: { gmail: true } }), 'gmail', fakePolicy({ sites: { gmail: false } })).get()).toBe(false);
    expect(await createSiteSwitch(fakeArea({ sites: { gmail: false } }), 'gmail', fakePolicy({ sites: { linkedin: false } })).get()).toBe(false);
    const broken: PolicyArea = { get: async () => Promise.reject(new Error('managed storage is not set up')) };
    expect(await createSiteSwitch(fakeArea({}), 'gmail', broken).get()).toBe(true);

    const policy = fakePolicy({});
    const heard: boolean[] = [];
    const stop = createSiteSwitch(fakeArea({}), 'linkedin', policy).watch((enabled) => heard.push(enabled));
    policy.set({ sites: { linkedin: false } });
    policy.emit();
    await tick();
    policy.set({});
    policy.emit();
    await tick();
    expect(heard).toEqual([false, true]);
    stop();
    expect(policy.listeners.size).toBe(0);
  });
});
