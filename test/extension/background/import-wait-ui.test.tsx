// @vitest-environment happy-dom
// The options page while another context holds the import lock (the service worker seeding the
// sample leads on install): the rep's import says it waits, then imports and wins.
import { fakeBrowser } from './fake-env';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LeadStore } from '../../../extension/background/store';
import { OptionsApp, type OptionsDeps } from '../../../extension/entrypoints/options/OptionsApp';
import { getPolicy } from '../../../extension/lib/policy';
import { getRemoteRulesConfig, getSettings, saveRemoteRulesSettings, saveSettings } from '../../../extension/lib/settings';
import { ada, bob, freshDatabaseName, jsonl, testBundle } from './support';
import { waitUntil } from '../../support/preact-wait';

let root: HTMLElement;
let page: LeadStore;
let worker: LeadStore;

function deps(): OptionsDeps {
  return {
    openStore: async () => page,
    rules: async () => testBundle(),
    leadsChanged: async () => undefined,
    getSettings,
    saveSettings,
    exportData: async () => undefined,
    policy: getPolicy,
    remoteRules: {
      get: getRemoteRulesConfig,
      save: saveRemoteRulesSettings,
      requestOrigin: async () => true,
      check: async () => ({ url: '', checkedAt: '', outcome: 'updated', refusal: null }),
      state: async () => null,
    },
  };
}

const until = (check: () => boolean, what: string) => waitUntil(check, what, root);

beforeEach(async () => {
  fakeBrowser.reset();
  const name = freshDatabaseName();
  page = await LeadStore.open(name);
  worker = await LeadStore.open(name);
  root = document.createElement('div');
  document.body.append(root);
  await act(async () => {
    render(<OptionsApp deps={deps()} />, root);
  });
  await until(() => root.textContent?.includes('Rules Test rules 1.0.0') ?? false, 'the rules');
});

afterEach(() => {
  render(null, root);
  root.remove();
  page.close();
  worker.close();
});

test('an import chosen while the samples are being seeded waits, says so, and then replaces them', async () => {
  const samples = Array.from({ length: 5 }, (_, i) => bob({ id: `sample-${i}`, email: `s${i}@tiny.example`, linkedin: null, name: `Sample ${i}` }));
  const seeding = await worker.beginImport('replace', { source: 'samples', name: 'Sample leads' });
  await seeding.add(samples.slice(0, 2));

  const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
  Object.defineProperty(input, 'files', { value: [new File([jsonl([ada(), bob()])], 'mine.jsonl')], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await until(() => root.querySelector('[role="status"]')?.textContent?.includes('Waiting for another import to finish') ?? false, 'the waiting notice');
  expect(await page.leadCount()).toBe(0);

  await seeding.add(samples.slice(2));
  await seeding.commit();
  await until(() => root.textContent?.includes('Imported 2 leads from mine.jsonl') ?? false, 'the import');
  const ids: string[] = [];
  for await (const leads of page.leads()) ids.push(...leads.map((stored) => stored.id));
  expect(ids.sort()).toEqual(['lead-ada', 'lead-bob']);
  expect(await page.meta('lastImport')).toMatchObject({ source: 'file', name: 'mine.jsonl' });
});
