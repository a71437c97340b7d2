/**
 * The runner's dependencies in the browser: runtime messages to the background and the per-site
 * switch from settings, both without zod (see messenger.ts, site-switch.ts). Nothing here runs at
 * import time (no `browser.*` at module top level).
 */
import { browser } from 'wxt/browser';
import type { Site } from '../sites/types';
import { createMessenger } from './messenger';
import type { RunnerDeps } from './runner';
import { createSiteSwitch, type PolicyArea, type SettingsArea } from './site-switch';

export function createRealDeps(siteId: Site['id']): RunnerDeps {
  const messenger = createMessenger((message) => browser.runtime.sendMessage(message));
  return {
    lookup: messenger.lookup,
    decide: messenger.decide,
    miss: messenger.miss,
    now: () => Date.now(),
    siteSwitch: createSiteSwitch(browser.storage.local as unknown as SettingsArea, siteId, (browser.storage as unknown as { managed?: PolicyArea }).managed),
  };
}
