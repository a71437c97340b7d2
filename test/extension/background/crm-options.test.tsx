// @vitest-environment happy-dom
import { fakeBrowser } from './fake-env';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { formatAge } from '../../../extension/background/crm-age';
import { CrmSection, type CrmDeps } from '../../../extension/entrypoints/options/CrmSection';
import type { CrmSyncView } from '../../../extension/lib/protocol';
import { getCrmConfig, getWebhookSettings, saveCrmSettings, saveWebhookUrl } from '../../../extension/lib/settings';
import { NOW_MS, testBundle } from './support';

let root: HTMLElement;
let calls: string[];
let granted: boolean;
let answer: CrmSyncView;

const synced = (extra: Partial<CrmSyncView> = {}): CrmSyncView => ({
  endpoint: 'https://crm.acme.example/api',
  lastSync: new Date(NOW_MS - 12 * 60_000).toISOString(),
  lastCount: 3,
  skipped: 0,
  lastRemoved: 0,
  lastError: null,
  failures: 0,
  nextAttemptAt: null,
  ...extra,
});

function deps(): CrmDeps {
  return {
    get: getCrmConfig,
    save: async (change) => {
      calls.push('save');
      return saveCrmSettings(change);
    },
    requestOrigin: async (origin) => {
      calls.push(`request ${origin}`);
      return granted;
    },
    sync: async () => {
      calls.push('sync');
      return answer;
    },
    state: async () => null,
    webhook: { get: getWebhookSettings, save: (url) => saveWebhookUrl(url) },
    now: () => NOW_MS,
  };
}

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await settle();
  }
  throw new Error(`timed out waiting for ${what}; page says: ${root.textContent}`);
}

function input(id: string): HTMLInputElement {
  const element = root.querySelector<HTMLInputElement>(`#${id}`);
  if (!element) throw new Error(`no #${id}`);
  return element;
}

async function type(id: string, value: string): Promise<void> {
  await act(async () => {
    const element = input(id);
    element.value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function show(): Promise<void> {
  await act(async () => {
    render(<CrmSection crm={deps()} bundle={testBundle()} />, root);
  });
  await until(() => !input('crm-endpoint').disabled || root.textContent!.includes('Set by your administrator'), 'the CRM form');
}

function button(text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>('button')].find((candidate) => candidate.textContent?.trim() === text);
  if (!found) throw new Error(`no button ${text}`);
  return found;
}

beforeEach(() => {
  fakeBrowser.reset();
  root = document.createElement('div');
  document.body.append(root);
  calls = [];
  granted = true;
  answer = synced({ lastSync: new Date(NOW_MS).toISOString() });
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('options: CRM sync', () => {
  test('"Sync now" asks for the CRM origin first, saves, syncs and says what came', async () => {
    await show();
    await type('crm-endpoint', 'https://crm.acme.example/api');
    await type('crm-token', 'secret');
    await act(async () => button('Sync now').click());
    await until(() => root.textContent!.includes('Synced 3 leads'), 'the sync result');
    expect(calls).toEqual(['request https://crm.acme.example', 'save', 'sync']);
    expect(await getCrmConfig()).toMatchObject({ endpoint: 'https://crm.acme.example/api', token: 'secret' });
  });

  test('a refused permission saves but does not sync', async () => {
    granted = false;
    await show();
    await type('crm-endpoint', 'https://crm.acme.example/api');
    await act(async () => button('Sync now').click());
    await until(() => root.textContent!.includes('not allowed to read from https://crm.acme.example'), 'the refusal');
    expect(calls).toEqual(['request https://crm.acme.example', 'save']);
  });

  test('a failed sync says the cached leads stay, and shows the age of the last good sync', async () => {
    answer = synced({ lastError: { message: 'the CRM answered HTTP 503', at: new Date(NOW_MS).toISOString(), status: 503 }, failures: 1 });
    await show();
    await type('crm-endpoint', 'https://crm.acme.example/api');
    await act(async () => button('Sync now').click());
    await until(() => root.textContent!.includes('The sync failed: the CRM answered HTTP 503'), 'the error');
    expect(root.querySelector('[data-testid="crm-last"]')?.textContent).toBe('Last sync: 12 min ago (3 leads) · last error just now: the CRM answered HTTP 503');
  });

  test('an endpoint set by policy is shown locked and cannot be changed', async () => {
    await fakeBrowser.storage.managed.set({ crmEndpoint: 'https://crm.corp.example/api' });
    await show();
    expect(input('crm-endpoint').disabled).toBe(true);
    expect(input('crm-endpoint').value).toBe('https://crm.corp.example/api');
    expect(root.textContent).toContain('Set by your administrator');
    await act(async () => button('Sync now').click());
    await until(() => calls.includes('sync'), 'the sync');
    expect(calls[0]).toBe('request https://crm.corp.example');
  });

  test('the webhook URL is saved after asking for its origin', async () => {
    await show();
    await type('webhook-url', 'https://hooks.acme.example/leadpact');
    await act(async () => button('Save webhook').click());
    await until(() => root.textContent!.includes('Each accept and reject from now on'), 'the webhook saved');
    expect(calls).toEqual(['request https://hooks.acme.example']);
    expect((await getWebhookSettings()).url).toBe('https://hooks.acme.example/leadpact');
  });
});

describe('formatAge', () => {
  test.each([
    [null, 'never'],
    [NOW_MS - 20_000, 'just now'],
    [NOW_MS - 59 * 60_000, '59 min ago'],
    [NOW_MS - 3 * 3_600_000, '3 h ago'],
    [NOW_MS - 3 * 86_400_000, '3 days ago'],
  ])('%s -> %s', (at, text) => {
    expect(formatAge(at === null ? null : new Date(at).toISOString(), NOW_MS)).toBe(text);
  });
});

describe('popup: CRM sync line', () => {
  test('shows the age of the last good sync and the last error', async () => {
    const { PopupApp } = await import('../../../extension/entrypoints/popup/PopupApp');
    const lastSync = new Date(Date.now() - 12 * 60_000 - 5_000).toISOString();
    const status = {
      rulesVersion: '1.0.0',
      rulesSource: 'embedded' as const,
      rulesNote: null,
      leadCount: 3,
      lastImport: null,
      lastSync,
      queue: [],
      rejectReasons: [],
      crmSync: synced({ lastSync, lastError: { message: 'the CRM cannot be reached (offline)', at: new Date().toISOString(), status: null }, failures: 2 }),
    };
    await act(async () => {
      render(<PopupApp status={async () => status} openOptions={() => undefined} />, root);
    });
    await until(() => root.textContent!.includes('CRM sync'), 'the popup');
    expect(root.textContent).toContain('CRM sync12 min ago');
    expect(root.textContent).toContain('Last CRM sync failed: the CRM cannot be reached (offline). Showing the leads from the last good sync.');
  });
});
