import './fake-env';
import { describe, expect, test } from 'vitest';
import { byUrgency } from '../../../extension/background/queue';
import { ownerSpellings } from '../../../extension/background/service';
import type { QueueItem } from '../../../extension/lib/protocol';

function item(leadId: string, state: QueueItem['state'], remainingMinutes: number, dueAt = '2026-11-20T12:00:00.000Z'): QueueItem {
  return { leadId, name: null, company: null, stage: 'MQL', commitment: 'c', state, dueAt, remainingMinutes, business: false };
}

describe('my SLA queue order', () => {
  test('breached first, then warning, then ok, whatever the minutes of other commitments', () => {
    const items = [item('ok-soon', 'ok', 10), item('warn-later', 'warning', 90), item('breached-a-bit', 'breached', -1), item('breached-long', 'breached', -600), item('ok-late', 'ok', 500)];
    expect(items.sort(byUrgency).map((i) => i.leadId)).toEqual(['breached-long', 'breached-a-bit', 'warn-later', 'ok-soon', 'ok-late']);
  });

  test('ties go to the earlier deadline, then to the id, so refreshes keep the order', () => {
    const items = [item('b', 'ok', 30, '2026-11-20T13:00:00.000Z'), item('c', 'ok', 30, '2026-11-20T12:00:00.000Z'), item('a', 'ok', 30, '2026-11-20T13:00:00.000Z')];
    expect(items.sort(byUrgency).map((i) => i.leadId)).toEqual(['c', 'a', 'b']);
  });
});

describe('owner spellings of a rep name', () => {
  test('as typed and as a CRM login; none for an empty name', () => {
    expect(ownerSpellings('Tomás Okafor')).toEqual(['tomás okafor', 'tomas-okafor']);
    expect(ownerSpellings('carmen.ruiz@acme.example')).toEqual(['carmen.ruiz@acme.example']);
    expect(ownerSpellings('  ')).toEqual([]);
  });
});
