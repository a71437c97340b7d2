/**
 * SLA clocks (DESIGN 3.7, 4; index.ts "SLA"). The calendar is Madrid, Mon-Fri 09:00-18:00, with
 * 2026-12-25 a holiday. Madrid is UTC+1 (CET) in November and December, UTC+2 (CEST) until
 * Sun 2026-10-25 03:00, when the clocks go back to 02:00.
 */
import { describe, expect, it } from 'vitest';
import type { Lead } from '../../extension/engine/generated/rules';
import { compileRules, evaluate, type Outcome } from '../../extension/engine/index';
import { ago, commitment, DAY, event, HOUR, makeBundle, makeLead, MINUTE, NOW, NOW_MS, stage, type Commitment } from '../support/bundles';

const stages = [stage('subscriber'), stage('mql', undefined, true), stage('sal', undefined, true)];
const touch = commitment('touch', 'mql', ['email_sent', 'call'], '8bh', '2bh');

/** A lead recorded in `mql` since `enteredAt`, scored at `now` under `commitments`. */
function sla(enteredAt: string | null | undefined, now: string | number, commitments: Commitment[] = [touch],
  extra: Partial<Lead> & Record<string, unknown> = {}): Outcome['sla'] {
  const lead = makeLead({ stage: 'mql', ...(enteredAt === undefined ? {} : { stageEnteredAt: enteredAt }), ...extra });
  return evaluate(compileRules(makeBundle({ stages, commitments })), lead, now).sla;
}

// Fri 2026-11-20 10:00 Madrid (09:00Z) + 8 business hours = Fri 18:00 Madrid (17:00Z).
const FRIDAY_10 = '2026-11-20T10:00:00+01:00';
const started = { id: 'touch', startedAt: '2026-11-20T09:00:00.000Z', dueAt: '2026-11-20T17:00:00.000Z' };

describe('open clocks, business hours', () => {
  it('ok: business minutes left until due (13:00 to 18:00 Madrid is 300)', () => {
    expect(sla(FRIDAY_10, NOW)).toStrictEqual([{ ...started, state: 'ok', remainingMinutes: 300 }]);
  });

  it('warning: when warn or less is left, the boundary included', () => {
    expect(sla(FRIDAY_10, '2026-11-20T15:30:00Z')).toStrictEqual([{ ...started, state: 'warning', remainingMinutes: 90 }]);
    expect(sla(FRIDAY_10, '2026-11-20T15:00:00Z')[0]).toMatchObject({ state: 'warning', remainingMinutes: 120 });
    expect(sla(FRIDAY_10, '2026-11-20T14:59:00Z')[0]).toMatchObject({ state: 'ok', remainingMinutes: 121 });
    // 120.5 minutes left is more than the 2 hours of warn, shown rounded down.
    expect(sla(FRIDAY_10, '2026-11-20T14:59:30Z')[0]).toMatchObject({ state: 'ok', remainingMinutes: 120 });
  });

  it('without warn, it stays ok until due, and at the due instant itself', () => {
    const noWarn = commitment('touch', 'mql', 'call', '8bh');
    expect(sla(FRIDAY_10, '2026-11-20T16:59:00Z', [noWarn])[0]).toMatchObject({ state: 'ok', remainingMinutes: 1 });
    expect(sla(FRIDAY_10, '2026-11-20T17:00:00Z', [noWarn])[0]).toMatchObject({ state: 'ok', remainingMinutes: 0 });
  });

  it('breached: negative business minutes past due (Mon 09:30 Madrid is 30 business minutes late)', () => {
    expect(sla(FRIDAY_10, '2026-11-23T08:30:00Z')).toStrictEqual([{ ...started, state: 'breached', remainingMinutes: -30 }]);
  });

  it('breached after hours on the due day counts as at least a minute late, not 0 left', () => {
    // Due at 18:00 closing; at 18:30 no business minute has passed since, but the deadline has.
    expect(sla(FRIDAY_10, '2026-11-20T17:30:00Z')[0]).toMatchObject({ state: 'breached', remainingMinutes: -1 });
    expect(sla(FRIDAY_10, '2026-11-22T12:00:00Z')[0]).toMatchObject({ state: 'breached', remainingMinutes: -1 }); // Sunday
  });

  it('a clock started on a Friday evening starts at Monday\'s opening', () => {
    // Fri 19:30 Madrid: closed, so 8 business hours run Mon 09:00-17:00 Madrid (16:00Z).
    const outcome = sla('2026-11-20T19:30:00+01:00', '2026-11-21T12:00:00Z'); // Saturday
    expect(outcome).toStrictEqual([{
      id: 'touch', state: 'ok', startedAt: '2026-11-20T18:30:00.000Z', dueAt: '2026-11-23T16:00:00.000Z', remainingMinutes: 480,
    }]);
  });

  it('skips a holiday: Christmas Eve 16:00 + 8 business hours is Mon 28 15:00', () => {
    // Thu 24: 16:00-18:00 (2h); Fri 25 holiday; weekend; Mon 28: 09:00-15:00 (6h). 15:00 Madrid = 14:00Z.
    const christmas = sla('2026-12-24T16:00:00+01:00', '2026-12-25T10:00:00Z');
    expect(christmas).toStrictEqual([{
      id: 'touch', state: 'ok', startedAt: '2026-12-24T15:00:00.000Z', dueAt: '2026-12-28T14:00:00.000Z', remainingMinutes: 360,
    }]);
  });

  it('crosses the autumn daylight-saving change in local business hours', () => {
    // Fri 2026-10-23 16:00 CEST (14:00Z) + 4bh: 2h on Friday, then Mon 26 09:00-11:00 CET (10:00Z).
    // Scored on Sun 25 at 12:00Z: 2 business hours left, so warning.
    const fourHours = commitment('touch', 'mql', 'call', '4bh', '2bh');
    expect(sla('2026-10-23T16:00:00+02:00', '2026-10-25T12:00:00Z', [fourHours])).toStrictEqual([{
      id: 'touch', state: 'warning', startedAt: '2026-10-23T14:00:00.000Z', dueAt: '2026-10-26T10:00:00.000Z', remainingMinutes: 120,
    }]);
  });
});

describe('open clocks, wall-clock time', () => {
  const reply = commitment('reply', 'mql', 'email_sent', '2d', '1d');

  it('counts wall minutes, weekends and nights included', () => {
    // Entered 12 hours ago: due in 36 hours (2,160 minutes), through the weekend.
    expect(sla(ago(12 * HOUR), NOW, [reply])).toStrictEqual([{
      id: 'reply', state: 'ok', startedAt: ago(12 * HOUR), dueAt: ago(-36 * HOUR), remainingMinutes: 2160,
    }]);
    expect(sla(ago(36 * HOUR), NOW, [reply])[0]).toMatchObject({ state: 'warning', remainingMinutes: 720 });
  });

  it('is due at the instant exactly: not breached at it, breached and negative (rounded down) after', () => {
    expect(sla(ago(2 * DAY), NOW, [reply])[0]).toMatchObject({ state: 'warning', remainingMinutes: 0 });
    expect(sla(ago(2 * DAY + 90_000), NOW, [reply])[0]).toMatchObject({ state: 'breached', remainingMinutes: -2 });
    expect(sla(ago(2 * DAY + 1), NOW, [reply])[0]).toMatchObject({ state: 'breached', remainingMinutes: -1 });
  });

  it('adds real hours across the autumn change (48 h from Fri 16:00 CEST is Sun 15:00 CET)', () => {
    expect(sla('2026-10-23T16:00:00+02:00', '2026-10-24T12:00:00Z', [reply])[0]).toMatchObject({
      dueAt: '2026-10-25T14:00:00.000Z', remainingMinutes: 26 * 60, state: 'ok',
    });
  });
});

describe('stopped clocks', () => {
  const at = (iso: string) => Date.parse(iso);

  it('met: the first stop event at or before due; no remainingMinutes', () => {
    const events = [event('call', '2026-11-20T10:00:00Z'), event('email_sent', '2026-11-20T11:00:00Z')];
    expect(sla(FRIDAY_10, NOW, [touch], { events })).toStrictEqual([{
      ...started, state: 'met', stoppedAt: '2026-11-20T10:00:00.000Z',
    }]);
  });

  it('met exactly at due, late a millisecond after', () => {
    expect(sla(FRIDAY_10, '2026-11-23T12:00:00Z', [touch], { events: [event('call', '2026-11-20T17:00:00Z')] })[0]!.state).toBe('met');
    const late = sla(FRIDAY_10, '2026-11-23T12:00:00Z', [touch], { events: [event('call', new Date(at('2026-11-20T17:00:00Z') + 1).toISOString())] });
    expect(late).toStrictEqual([{ ...started, state: 'late', stoppedAt: '2026-11-20T17:00:00.001Z' }]);
  });

  it('a stop event at the start counts; one before the start or after now does not', () => {
    expect(sla(FRIDAY_10, NOW, [touch], { events: [event('call', '2026-11-20T09:00:00Z')] })[0]!.state).toBe('met');
    expect(sla(FRIDAY_10, NOW, [touch], { events: [event('call', '2026-11-20T08:59:59Z')] })[0]!.state).toBe('ok');
    expect(sla(FRIDAY_10, NOW, [touch], { events: [event('call', ago(-MINUTE))] })[0]).toMatchObject({ state: 'ok', remainingMinutes: 300 });
  });

  it('only events of the until types matching until.where stop the clock', () => {
    const outbound = commitment('touch', 'mql', ['call', 'email_sent'], '8bh', '2bh', { field: 'direction', eq: 'outbound' });
    const events = [event('page_view', '2026-11-20T09:30:00Z'), event('call', '2026-11-20T10:00:00Z', { direction: 'Inbound' }),
      event('email_sent', '2026-11-20T11:00:00Z', { direction: ' OUTBOUND ' })];
    expect(sla(FRIDAY_10, NOW, [outbound], { events })[0]).toMatchObject({ state: 'met', stoppedAt: '2026-11-20T11:00:00.000Z' });
  });

  it('takes the earliest stop event whatever the events\' order', () => {
    const events = [event('call', '2026-11-23T09:00:00Z'), event('email_sent', '2026-11-20T16:00:00Z')];
    expect(sla(FRIDAY_10, '2026-11-23T12:00:00Z', [touch], { events })[0]).toMatchObject({ state: 'met', stoppedAt: '2026-11-20T16:00:00.000Z' });
  });
});

describe('which commitments are reported', () => {
  it('all commitments of the lead\'s stage, in file order, and none of other stages', () => {
    const commitments = [commitment('a', 'mql', 'call', '1h'), commitment('other', 'sal', 'call', '1h'), commitment('b', 'mql', 'call', '8bh')];
    expect(sla(FRIDAY_10, NOW, commitments).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('none when a recorded stage has no recorded stageEnteredAt (no known start)', () => {
    expect(sla(undefined, NOW)).toEqual([]);
    expect(sla(null, NOW)).toEqual([]);
    expect(sla('Friday morning', NOW)).toEqual([]);
  });

  it('a computed stage\'s clock starts at its replayed stageEnteredAt', () => {
    // mql when a demo was requested: the demo at 10:00 Madrid starts an 8bh clock, the earlier call does not stop it.
    const computed = [stage('subscriber'), stage('mql', { event: 'form_submit', where: { field: 'form', eq: 'demo' } })];
    const events = [event('call', '2026-11-20T08:00:00Z'), event('form_submit', '2026-11-20T09:00:00Z', { form: 'demo' })];
    const outcome = evaluate(compileRules(makeBundle({ stages: computed, commitments: [touch] })), makeLead({ events }), NOW_MS);
    expect(outcome.stage).toBe('mql');
    expect(outcome.stageEnteredAt).toBe('2026-11-20T09:00:00.000Z');
    expect(outcome.sla).toStrictEqual([{ ...started, state: 'ok', remainingMinutes: 300 }]);
  });
});
