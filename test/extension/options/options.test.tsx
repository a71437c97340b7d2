// @vitest-environment happy-dom
import '../background/fake-env';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Bundle, MappingFile } from '../../../extension/engine/generated/rules';
import { LeadStore } from '../../../extension/background/store';
import { OptionsApp, type OptionsDeps } from '../../../extension/entrypoints/options/OptionsApp';
import { getSettings, saveSettings } from '../../../extension/lib/settings';
import { fakeBrowser } from '../background/fake-env';
import { ada, bob, freshDatabaseName, jsonl, testBundle } from '../background/support';
import { settle, waitUntil } from '../../support/preact-wait';

const contacts: MappingFile = {
  kind: 'mapping',
  id: 'tiny-crm',
  label: 'Tiny CRM contacts',
  format: 'csv',
  records: 'leads',
  columns: [
    { column: 'Id', field: 'id', required: true },
    { column: 'Email', field: 'email' },
    { column: 'Employees', field: 'company.employees', type: 'number' },
  ],
};

let store: LeadStore;
let root: HTMLElement;
let changes: number;
let exported: string[];
let bundle: Bundle;

function deps(): OptionsDeps {
  return {
    openStore: async () => store,
    rules: async () => bundle,
    leadsChanged: async () => {
      changes++;
    },
    getSettings,
    saveSettings,
    exportData: async (what) => {
      exported.push(what);
    },
  };
}

const until = (check: () => boolean, what: string) => waitUntil(check, what, root);

function fileInput(): HTMLInputElement {
  const label = [...root.querySelectorAll('label')].find((candidate) => candidate.textContent?.trim() === 'Import leads');
  expect(label).toBeDefined();
  const input = root.querySelector<HTMLInputElement>(`#${label!.getAttribute('for')}`);
  expect(input?.type).toBe('file');
  return input!;
}

async function choose(name: string, text: string): Promise<void> {
  const input = fileInput();
  const file = new File([text], name);
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

beforeEach(async () => {
  fakeBrowser.reset();
  store = await LeadStore.open(freshDatabaseName());
  changes = 0;
  exported = [];
  bundle = { ...testBundle(), mappings: [contacts] };
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
  store.close();
});

describe('options page', () => {
  test('imports a JSON Lines file through the "Import leads" file input and tells the worker', async () => {
    await choose('leads.jsonl', jsonl([ada(), bob()]));
    await until(() => root.textContent?.includes('Imported 2 leads from leads.jsonl') ?? false, 'the import');
    expect(await store.leadCount()).toBe(2);
    expect(changes).toBe(1);
    expect(root.querySelector('header')?.textContent).toContain('2 leads');
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Imported 2 leads');
  });

  test('a file with wrong rows imports nothing and lists the rows', async () => {
    await choose('first.jsonl', jsonl([ada()]));
    await until(() => root.textContent?.includes('Imported 1 leads') ?? false, 'the first import');
    await choose('bad.jsonl', `${JSON.stringify(bob())}\n{"id": "x", "colour": "red"}\n`);
    await until(() => root.querySelector('[role="alert"]') !== null, 'the error');
    const alert = root.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('Nothing was imported from bad.jsonl');
    expect(alert.textContent).toContain('1 row is wrong');
    expect([...alert.querySelectorAll('li')].map((li) => li.textContent)).toEqual([expect.stringMatching(/^Row 2 .*colour/)]);
    expect(await store.leadCount()).toBe(1);
    expect(changes).toBe(1);
  });

  test('offers the bundle\'s mapping presets and reads CSV through the one chosen', async () => {
    const select = root.querySelector<HTMLSelectElement>('#import-preset')!;
    expect([...select.options].map((option) => option.textContent)).toEqual(['Leadpact lead records (JSON Lines or JSON)', 'Tiny CRM contacts (CSV)']);
    await act(async () => {
      select.value = 'tiny-crm';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await choose('contacts.csv', 'Id,Email,Employees\nc1,c@x.example,40\nc2,d@x.example,50\n');
    await until(() => root.textContent?.includes('Imported 2 leads from contacts.csv') ?? false, 'the CSV import');
    expect((await store.getLead('c2'))?.lead.company?.employees).toBe(50);
  });

  test('per-site switches save to the settings', async () => {
    const switches = [...root.querySelectorAll<HTMLInputElement>('input[role="switch"]')];
    expect(switches.map((input) => input.closest('label')?.querySelector('.switch-label')?.textContent)).toEqual(['Gmail', 'Outlook on the web', 'LinkedIn']);
    await until(() => !switches[2]!.disabled, 'the settings');
    await act(async () => {
      switches[2]!.click();
    });
    await until(() => root.textContent?.includes('LinkedIn off') ?? false, 'the saved switch');
    expect(switches[2]!.checked).toBe(false);
    expect((await getSettings()).sites).toEqual({ gmail: true, outlook: true, linkedin: false });
  });

  test('clearing the data asks first, then deletes leads and decisions', async () => {
    await choose('leads.jsonl', jsonl([ada()]));
    await until(() => root.textContent?.includes('Imported 1 leads') ?? false, 'the import');
    const button = (label: string) => [...root.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === label);
    await act(async () => button('Clear data…')!.click());
    expect(await store.leadCount()).toBe(1);
    await act(async () => button('Delete everything')!.click());
    await until(() => root.textContent?.includes('All leads and decisions were deleted.') ?? false, 'the deletion');
    expect(await store.leadCount()).toBe(0);
    expect(changes).toBe(2);
  });

  test('shows what the content scripts could not read, by site and page part, most frequent first', async () => {
    const section = () => root.querySelector('section[aria-labelledby="diagnostics-title"]')!;
    await until(() => section().textContent?.includes('Nothing has failed to read so far.') ?? false, 'the empty diagnostics');
    await store.recordMiss('outlook', 'outlook.page.nobody', '2026-11-20T09:00:00.000Z');
    await store.recordMiss('gmail', 'gmail.person.chip-class', '2026-11-20T10:00:00.000Z');
    await store.recordMiss('gmail', 'gmail.person.chip-class', '2026-11-20T11:00:00.000Z');
    const refresh = [...section().querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Refresh')!;
    await act(async () => refresh.click());
    await until(() => section().querySelector('table') !== null, 'the table');
    const rows = [...section().querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent));
    expect(rows).toEqual([['Gmail', 'gmail.person.chip-class', '2'], ['Outlook on the web', 'outlook.page.nobody', '1']]);
  });

  test('exports leads and feedback', async () => {
    const button = (label: string) => [...root.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === label)!;
    await act(async () => button('Export leads').click());
    await act(async () => button('Export feedback').click());
    await settle();
    expect(exported).toEqual(['leads', 'feedback']);
  });
});
