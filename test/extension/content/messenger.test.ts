import { describe, expect, test } from 'vitest';
import { createMessenger, isLookupResult } from '../../../extension/content/messenger';
import { LookupResult, messages } from '../../../extension/lib/protocol';
import { estimateView, leadView } from './fake-lookup';

const found = { key: 'email:ada@northwind.example', found: true, lead: leadView() };
const unknown = { key: 'email:bram@lumen.example', found: false, estimate: estimateView() };

describe('content messenger', () => {
  test('sends the protocol envelope and returns the lookup results', async () => {
    const sent: unknown[] = [];
    const messenger = createMessenger(async (message) => {
      sent.push(message);
      return { leadpact: 1, ok: true, response: { results: [found, unknown] } };
    });
    const people = [{ key: 'email:ada@northwind.example', email: 'ada@northwind.example' }];
    expect(await messenger.lookup(people)).toEqual([found, unknown]);
    expect(sent).toEqual([{ leadpact: 1, kind: 'lookup', payload: { people } }]);
    expect(messages.lookup.request.safeParse((sent[0] as { payload: unknown }).payload).success).toBe(true);
  });

  test('drops a result that does not have the shape the badge draws, keeps the rest', async () => {
    const broken = { key: 'email:cleo@harbor.example', found: true, lead: { ...leadView(), total: 'seventy-two' } };
    const messenger = createMessenger(async () => ({ leadpact: 1, ok: true, response: { results: [broken, unknown] } }));
    expect(await messenger.lookup([{ key: 'x' }])).toEqual([unknown]);
  });

  test('turns a refusal, a missing answer and a malformed answer into errors, never into results', async () => {
    await expect(createMessenger(async () => ({ leadpact: 1, ok: false, error: 'refused' })).lookup([{ key: 'x' }])).rejects.toThrow('lookup: refused');
    await expect(createMessenger(async () => undefined).lookup([{ key: 'x' }])).rejects.toThrow('no valid answer');
    await expect(createMessenger(async () => ({ leadpact: 1, ok: true, response: { results: 'nope' } })).lookup([{ key: 'x' }])).rejects.toThrow('does not match');
    await expect(createMessenger(async () => ({ leadpact: 1, ok: true, response: {} })).decide({ leadId: 'l', decision: 'accept', reason: null })).rejects.toThrow('does not match');
  });

  test('passes decide answers through, with the error text when the background gives one', async () => {
    const messenger = createMessenger(async () => ({ leadpact: 1, ok: true, response: { ok: false, error: 'not an MQL any more' } }));
    expect(await messenger.decide({ leadId: 'lead-7f3a', decision: 'reject', reason: 'no-budget' })).toEqual({ ok: false, error: 'not an MQL any more' });
  });

  test('accepts exactly what the protocol schema accepts, on valid and broken views', () => {
    const lead = leadView();
    const cases: unknown[] = [
      found,
      unknown,
      { ...found, lead: { ...lead, grade: null, stage: null, persona: null, decision: { decision: 'reject', reason: 'no-budget', at: '2026-11-23T09:00:00Z' } } },
      { ...unknown, estimate: estimateView({ fit: null, grade: null, persona: null }) },
      { ...found, lead: { ...lead, sla: [{ ...lead.sla[0], state: 'paused' }] } },
      { ...found, lead: { ...lead, fired: [{ rule: 'r', label: 'R', points: 1 }] } },
      { ...found, lead: { ...lead, rejectReasons: [{ id: 'x' }] } },
      { ...found, lead: { ...lead, persona: { id: 'p', label: 'P', talkingPoints: [3] } } },
      { ...found, lead: { ...lead, models: null } },
      { ...unknown, estimate: { ...estimateView(), fit: '45' } },
      { key: 'k', found: 'yes', lead },
      { found: true, lead },
      null,
    ];
    for (const value of cases) expect(isLookupResult(value), JSON.stringify(value)?.slice(0, 80)).toBe(LookupResult.safeParse(value).success);
  });
});
