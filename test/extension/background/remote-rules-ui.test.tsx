// @vitest-environment happy-dom
import { fakeBrowser } from './fake-env';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LeadStore } from '../../../extension/background/store';
import { OptionsApp, type OptionsDeps } from '../../../extension/entrypoints/options/OptionsApp';
import { PopupApp } from '../../../extension/entrypoints/popup/PopupApp';
import { getPolicy } from '../../../extension/lib/policy';
import type { RemoteRulesView, Status } from '../../../extension/lib/protocol';
import { getRemoteRulesConfig, getSettings, saveRemoteRulesSettings, saveSettings } from '../../../extension/lib/settings';
import { freshDatabaseName, testBundle } from './support';
import { settle, waitUntil } from '../../support/preact-wait';

const KEY = `leadpact-ed25519:${'A'.repeat(43)}=`;
const ADMIN_KEY = `leadpact-ed25519:${'B'.repeat(43)}=`;
const URL_A = 'https://rules.acme.example/bundle.json';

let root: HTMLElement;
let store: LeadStore;
let calls: string[];
let permissionAnswer: boolean;
let checkAnswer: RemoteRulesView;

function deps(): OptionsDeps {
  return {
    openStore: async () => store,
    rules: async () => testBundle(),
    leadsChanged: async () => undefined,
    getSettings,
    saveSettings,
    exportData: async () => undefined,
    policy: getPolicy,
    remoteRules: {
      get: getRemoteRulesConfig,
      save: async (change) => {
        calls.push('save');
        return saveRemoteRulesSettings(change);
      },
      requestOrigin: async (origin) => {
        calls.push(`request ${origin}`);
        return permissionAnswer;
      },
      check: async () => {
        calls.push('check');
        return checkAnswer;
      },
      state: async () => null,
    },
  };
}

const until = (check: () => boolean, what: string) => waitUntil(check, what, root);

async function showOptions(): Promise<void> {
  await act(async () => {
    render(<OptionsApp deps={deps()} />, root);
  });
  await until(() => !(root.querySelector<HTMLButtonElement>('#remote-title ~ form button[type="submit"]')?.disabled ?? true), 'the remote rules form');
}

function field<T extends HTMLInputElement | HTMLTextAreaElement>(id: string): T {
  const element = root.querySelector<T>(`#${id}`);
  if (!element) throw new Error(`no #${id}`);
  return element;
}

async function type(id: string, value: string): Promise<void> {
  const element = field(id);
  await act(async () => {
    element.value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(): Promise<void> {
  const form = root.querySelector<HTMLFormElement>('#remote-title ~ form')!;
  await act(async () => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

/** The accessible description of a control (what a screen reader says after its name). */
function description(element: Element): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => root.querySelector(`#${id}`)?.textContent ?? '')
    .join(' ');
}

beforeEach(async () => {
  fakeBrowser.reset();
  store = await LeadStore.open(freshDatabaseName());
  calls = [];
  permissionAnswer = true;
  checkAnswer = { url: URL_A, checkedAt: '2026-11-20T12:00:00.000Z', outcome: 'updated', refusal: null };
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
  store.close();
});

describe('options page: remote rules', () => {
  test('saving asks for the host permission first, then saves and checks, and says the new rules are active', async () => {
    await showOptions();
    await type('remote-url', ` ${URL_A} `);
    await type('remote-keys', `${KEY}\n`);
    await submit();
    await until(() => root.textContent?.includes('The new rules are active') ?? false, 'the result');
    expect(calls).toEqual(['request https://rules.acme.example', 'save', 'check']);
    expect(await getRemoteRulesConfig()).toMatchObject({ url: URL_A, publicKeys: [KEY] });
  });

  test('a refused bundle is reported with its reason', async () => {
    checkAnswer = { url: URL_A, checkedAt: '2026-11-20T12:00:00.000Z', outcome: 'refused', refusal: { reason: 'rollback', message: 'version 0.9.0 is older than 1.0.0 in use', at: '2026-11-20T12:00:00.000Z', version: '0.9.0' } };
    await showOptions();
    await type('remote-url', URL_A);
    await type('remote-keys', KEY);
    await submit();
    await until(() => root.querySelector('[role="alert"]') !== null, 'the refusal');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('version 0.9.0 is older than 1.0.0 in use');
  });

  test('without the permission nothing is fetched', async () => {
    permissionAnswer = false;
    await showOptions();
    await type('remote-url', URL_A);
    await type('remote-keys', KEY);
    await submit();
    await until(() => root.querySelector('[role="alert"]') !== null, 'the warning');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('not allowed to read from https://rules.acme.example');
    expect(calls).toEqual(['request https://rules.acme.example', 'save']);
  });

  test('an http URL is refused before asking for anything', async () => {
    await showOptions();
    await type('remote-url', 'http://rules.acme.example/bundle.json');
    await submit();
    await until(() => root.querySelector('[role="alert"]') !== null, 'the error');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('https://');
    expect(calls).toEqual([]);
  });
});

describe('options page: enterprise policy', () => {
  test('a URL, keys and site switch set by policy show locked, "Set by your administrator", and cannot be changed', async () => {
    await saveRemoteRulesSettings({ url: 'https://mine.example/b.json', publicKeys: [KEY] });
    await fakeBrowser.storage.managed.set({ rulesUrl: URL_A, rulesPublicKeys: [ADMIN_KEY], sites: { linkedin: false } });
    await showOptions();

    const url = field<HTMLInputElement>('remote-url');
    const keys = field<HTMLTextAreaElement>('remote-keys');
    expect(url.value).toBe(URL_A);
    expect(keys.value).toBe(ADMIN_KEY);
    expect(url.disabled).toBe(true);
    expect(keys.disabled).toBe(true);
    expect(description(url)).toBe('Set by your administrator');
    expect(description(keys)).toBe('Set by your administrator');

    await until(() => root.querySelector('#site-linkedin-locked') !== null, 'the site lock');
    const switches = [...root.querySelectorAll<HTMLInputElement>('input[role="switch"]')];
    const linkedin = switches.find((input) => input.closest('label')?.textContent?.includes('LinkedIn'))!;
    const gmail = switches.find((input) => input.closest('label')?.textContent?.includes('Gmail'))!;
    expect(linkedin.disabled).toBe(true);
    expect(linkedin.checked).toBe(false);
    expect(description(linkedin)).toBe('Set by your administrator');
    expect(gmail.disabled).toBe(false);

    // The button still checks (and asks for the permission), but the locked values stay.
    expect(root.querySelector('#remote-title ~ form button[type="submit"]')?.textContent).toBe('Check now');
    await submit();
    await until(() => calls.includes('check'), 'the check');
    expect(calls[0]).toBe('request https://rules.acme.example');
    expect(await getRemoteRulesConfig()).toEqual({ url: URL_A, publicKeys: [ADMIN_KEY], locked: { url: true, publicKeys: true } });
  });

  test('without a policy nothing is locked', async () => {
    await showOptions();
    expect(field('remote-url').disabled).toBe(false);
    expect(field('remote-keys').disabled).toBe(false);
    expect(root.textContent).not.toContain('Set by your administrator');
  });
});

describe('popup: remote rules', () => {
  const base: Status = {
    rulesVersion: '1.1.0',
    rulesSource: 'remote',
    rulesNote: null,
    leadCount: 2,
    lastImport: null,
    lastSync: null,
    queue: [],
    rejectReasons: [],
  };

  async function showPopup(status: Status): Promise<void> {
    await act(async () => {
      render(<PopupApp status={async () => status} openOptions={() => undefined} />, root);
    });
    await settle(1);
  }

  test('shows the active remote version, when it was checked, and why the last update was refused', async () => {
    await showPopup({
      ...base,
      remoteRules: { url: URL_A, checkedAt: '2026-11-20T12:00:00.000Z', outcome: 'refused', refusal: { reason: 'bad-signature', message: 'the signature does not match the bundle', at: '2026-11-20T12:00:00.000Z', version: '1.2.0' } },
    });
    const facts = Object.fromEntries([...root.querySelectorAll('.facts > div')].map((fact) => [fact.querySelector('dt')?.textContent, fact.querySelector('dd')?.textContent]));
    expect(facts.Rules).toBe('1.1.0 (remote)');
    expect(facts['Rules checked']).toBeTruthy();
    expect(root.textContent).toContain('Last rules update refused (version 1.2.0): the signature does not match the bundle. Still using 1.1.0.');
  });

  test('says nothing about remote rules when they are off', async () => {
    await showPopup({ ...base, rulesSource: 'embedded', remoteRules: { url: null, checkedAt: null, outcome: 'off', refusal: null } });
    expect(root.textContent).not.toContain('Rules checked');
    expect(root.textContent).not.toContain('refused');
  });
});
