// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PopupApp, timeText } from '../../../extension/entrypoints/popup/PopupApp';
import type { QueueItem, Status } from '../../../extension/lib/protocol';

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

function item(leadId: string, state: QueueItem['state'], remainingMinutes: number, business = false): QueueItem {
  return { leadId, name: `Person ${leadId}`, company: 'Acme', stage: 'MQL', commitment: 'First touch', state, dueAt: '2026-11-20T12:00:00.000Z', remainingMinutes, business };
}

const status: Status = {
  rulesVersion: '1.4.0',
  rulesSource: 'embedded',
  rulesNote: null,
  leadCount: 2000,
  lastImport: '2026-11-20T09:00:00.000Z',
  lastSync: null,
  queue: [item('a', 'breached', -90), item('b', 'warning', 20), item('c', 'ok', 300)],
  rejectReasons: [],
  queueTotal: 3,
  queueOwner: 'Carmen Ruiz',
  lastImportInfo: { source: 'samples', name: 'Sample leads', count: 2000, mode: 'replace' },
};

async function show(answer: () => Promise<Status>): Promise<void> {
  await act(async () => {
    render(<PopupApp status={answer} openOptions={() => undefined} />, root);
  });
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

describe('popup', () => {
  test('shows the rules version, the lead count and the last import', async () => {
    await show(async () => status);
    const facts = [...root.querySelectorAll('.facts > div')].map((fact) => [fact.querySelector('dt')?.textContent, fact.querySelector('dd')?.textContent]);
    expect(facts[0]).toEqual(['Rules', '1.4.0 (built in)']);
    expect(facts[1]?.[1]).toBe(new Intl.NumberFormat().format(2000));
    expect(facts[2]?.[0]).toBe('Last import');
    expect(facts[2]?.[1]).toContain('sample leads');
  });

  test('shows the last sync when it is newer than the last import', async () => {
    await show(async () => ({ ...status, lastSync: '2026-11-20T10:00:00.000Z' }));
    expect(root.querySelectorAll('.facts dt')[2]?.textContent).toBe('Last sync');
  });

  test('lists my SLA queue in the order given, most urgent first, with words as well as colours', async () => {
    await show(async () => status);
    expect(root.querySelector('#queue-title')?.textContent).toContain('My SLA queue');
    const rows = [...root.querySelectorAll('.queue-list li')].map((li) => [li.querySelector('.name')?.textContent, li.querySelector('.state')?.textContent, li.querySelector('.time')?.textContent]);
    expect(rows).toEqual([
      ['Person a', 'Overdue', '1h 30m'],
      ['Person b', 'Due soon', '20m left'],
      ['Person c', 'On track', '5h left'],
    ]);
  });

  test('explains bh under the queue only when a business-hours clock is listed', async () => {
    await show(async () => status);
    expect(root.querySelector('.queue')?.textContent).not.toContain('bh: business hours');
    render(null, root);
    await show(async () => ({ ...status, queue: [item('a', 'breached', -(157 * 60), true), item('b', 'ok', 300)] }));
    expect([...root.querySelectorAll('.queue-list .time')].map((el) => el.textContent)).toEqual(['157bh', '5h left']);
    expect(root.querySelector('.queue')?.textContent).toContain('bh: business hours');
  });

  test('says so when no clock is running, and when the worker does not answer', async () => {
    await show(async () => ({ ...status, queue: [], queueTotal: 0 }));
    expect(root.textContent).toContain('No SLA clock is running on your leads.');
    render(null, root);
    await show(async () => {
      throw new Error('status: refused');
    });
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('status: refused');
  });

  test('time text says the overdue time once (the state word says overdue), and what is left otherwise', () => {
    expect(timeText(item('x', 'breached', -5))).toBe('5m');
    expect(timeText(item('x', 'ok', 0))).toBe('less than 1m left');
  });

  test('time text on a business-hours clock is in business hours (bh), however many: never days', () => {
    expect(timeText(item('x', 'breached', -(29 * 60 + 37), true))).toBe('29bh');
    expect(timeText(item('x', 'ok', 200, true))).toBe('3bh 20m left');
    expect(timeText(item('x', 'ok', 3000, true))).toBe('50bh left');
    expect(timeText(item('x', 'ok', 0, true))).toBe('less than 1m left');
    expect(timeText(item('x', 'ok', 3000))).toBe('2d 2h left');
  });
});
