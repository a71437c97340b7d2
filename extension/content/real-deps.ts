/**
 * The runner's dependencies in the browser: runtime messages to the background and the per-site
 * switch from settings. Nothing here runs at import time (no `browser.*` at module top level).
 */
import { sendMessage } from '../lib/messaging';
import { getSettings, watchSettings } from '../lib/settings';
import type { Site } from '../sites/types';
import type { RunnerDeps } from './runner';

export function createRealDeps(siteId: Site['id']): RunnerDeps {
  return {
    lookup: async (people) => (await sendMessage('lookup', { people })).results,
    decide: (request) => sendMessage('decide', request),
    miss: (report) => sendMessage('miss', report),
    now: () => Date.now(),
    siteSwitch: {
      get: async () => (await getSettings()).sites[siteId],
      watch: (onChange) => watchSettings((settings) => onChange(settings.sites[siteId])),
    },
  };
}
