/**
 * The public API (index.ts): the whole outcome of one lead, determinism, inputs left alone,
 * `now` in every accepted form, and compile errors for rules validation would reject.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../extension/engine/generated/rules';
import { isBusinessDuration } from '../../extension/engine/duration';
import { compileRules, evaluate, parseDuration, RulesError } from '../../extension/engine/index';
import {
  ago, commitment, DAY, event, HOUR, makeBundle, makeLead, model, NOW, NOW_MS, persona, perRule, stage, whenRule,
} from '../support/bundles';

/** DESIGN 4's example, in small: fit and engagement models, grade from fit, a persona, stages and an SLA. */
function exampleBundle(): Bundle {
  return makeBundle({
    models: [
      model('fit', [
        whenRule('senior-title', { field: 'title', matches: '\\b(vp|chief)\\b' }, 20),
        whenRule('mid-size', { field: 'company.employees', between: [200, 5000] }, 25),
        whenRule('free-mail', { field: 'email', endsWith: '@gmail.com' }, -15),
      ], { min: 0, max: 100 }),
      model('engagement', [
        whenRule('pricing-visits', { event: 'page_view', within: '30d', where: { field: 'url', contains: '/pricing' }, count: { gte: 2 } }, 15),
        perRule('email-clicks', { event: 'email_click', within: '90d' }, 3, 15),
      ], { min: 0, max: 100, decay: { halfLife: '30d' } }),
    ],
    grade: { from: 'score.fit', bands: [{ grade: 'A', gte: 60 }, { grade: 'B', gte: 40 }, { grade: 'F' }] },
    personas: [persona('economic-buyer', { all: [{ field: 'title', matches: '\\bvp\\b' }, { field: 'company.employees', gte: 200 }] })],
    stages: [stage('subscriber'), stage('lead', { field: 'email', exists: true }),
      stage('mql', { all: [{ field: 'score.total', gte: 60 }, { field: 'grade', in: ['A', 'B'] }] })],
    commitments: [commitment('mql-first-touch', 'mql', ['email_sent', 'call'], '8bh', '2bh')],
  });
}

function exampleLead() {
  return makeLead({
    id: 't1',
    email: 'ada@acme.io',
    title: 'VP Engineering',
    company: { employees: 1200 },
    events: [
      event('page_view', ago(2 * DAY), { url: '/pricing' }), // Wed 12:00Z
      event('page_view', ago(26 * HOUR), { url: '/pricing/enterprise' }), // Thu 10:00Z: mql from here
      event('email_click', ago(0), { campaign: 'nov' }),
      event('email_click', ago(30 * DAY), { campaign: 'oct' }),
      event('call', ago(-HOUR)), // tomorrow's call: not yet
    ],
    createdAt: '2026-10-01T08:00:00Z',
  });
}

describe('evaluate', () => {
  it('returns the whole outcome of a lead', () => {
    // fit: 20 + 25 = 45 -> grade B. engagement: pricing 15 + clicks 3 (now) + 1.5 (one half-life ago)
    // = 19.5 -> 20 (fired shows 4.5). total 65 >= 60 with grade B: mql. The mql condition first
    // holds at Thu 10:00Z (second pricing visit) and at every later event: stageEnteredAt.
    // SLA: Thu 11:00 Madrid + 8bh = Thu 7h (to 18:00) + Fri 1h = Fri 10:00 Madrid (09:00Z); now
    // is Fri 13:00 Madrid, so breached by 180 business minutes.
    const outcome = evaluate(compileRules(exampleBundle()), exampleLead(), NOW);
    expect(outcome).toStrictEqual({
      id: 't1',
      score: { total: 65, fit: 45, engagement: 20 },
      grade: 'B',
      persona: 'economic-buyer',
      stage: 'mql',
      stageEnteredAt: '2026-11-19T10:00:00.000Z',
      sla: [{
        id: 'mql-first-touch', state: 'breached', startedAt: '2026-11-19T10:00:00.000Z', dueAt: '2026-11-20T09:00:00.000Z', remainingMinutes: -180,
      }],
      fired: [
        { model: 'fit', rule: 'mid-size', points: 25 },
        { model: 'fit', rule: 'senior-title', points: 20 },
        { model: 'engagement', rule: 'pricing-visits', points: 15 },
        { model: 'engagement', rule: 'email-clicks', points: 4.5 },
      ],
    });
  });

  it('is deterministic: the same lead gives equal outcomes, however many leads come between', () => {
    const rules = compileRules(exampleBundle());
    const first = evaluate(rules, exampleLead(), NOW);
    evaluate(rules, makeLead({ title: 'Student', events: [event('email_click', ago(HOUR))] }), NOW);
    evaluate(rules, makeLead({ stage: 'mql', stageEnteredAt: ago(DAY) }), ago(-DAY));
    expect(evaluate(rules, exampleLead(), NOW)).toStrictEqual(first);
    expect(evaluate(compileRules(exampleBundle()), exampleLead(), NOW)).toStrictEqual(first);
  });

  it('returns fresh objects: changing one outcome does not change the next', () => {
    const rules = compileRules(exampleBundle());
    const first = evaluate(rules, exampleLead(), NOW);
    first.fired.length = 0;
    first.score.total = -1;
    expect(evaluate(rules, exampleLead(), NOW).fired).toHaveLength(4);
  });

  it('shares the read-only fired record of a fixed-points rule between outcomes', () => {
    const rules = compileRules(exampleBundle());
    const first = evaluate(rules, exampleLead(), NOW).fired.find((f) => f.rule === 'mid-size')!;
    expect(first).toEqual({ model: 'fit', rule: 'mid-size', points: 25 });
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => { (first as { points: number }).points = 0; }).toThrow(TypeError);
    expect(evaluate(rules, exampleLead(), NOW).fired.find((f) => f.rule === 'mid-size')).toEqual({ model: 'fit', rule: 'mid-size', points: 25 });
    // A per rule's decayed points change with the lead: its record is built per outcome.
    const decayed = evaluate(rules, exampleLead(), NOW).fired.find((f) => f.rule === 'email-clicks')!;
    expect(Object.isFrozen(decayed)).toBe(false);
  });

  it('never mutates the bundle or the lead (unsorted events stay unsorted)', () => {
    const bundle = exampleBundle();
    const lead = exampleLead();
    const bundleBefore = structuredClone(bundle);
    const leadBefore = structuredClone(lead);
    evaluate(compileRules(bundle), lead, NOW);
    evaluate(bundle, lead, NOW);
    expect(bundle).toStrictEqual(bundleBefore);
    expect(lead).toStrictEqual(leadBefore);
    // Frozen inputs would throw (modules are strict) on any write.
    expect(() => evaluate(compileRules(Object.freeze(bundle)), Object.freeze(lead), NOW)).not.toThrow();
  });

  it('accepts now as epoch milliseconds, ISO text (any offset, or none meaning UTC) or a Date', () => {
    const rules = compileRules(exampleBundle());
    const expected = evaluate(rules, exampleLead(), NOW);
    for (const now of [NOW_MS, new Date(NOW_MS), '2026-11-20T13:00:00+01:00', '2026-11-20T12:00:00']) {
      expect(evaluate(rules, exampleLead(), now)).toStrictEqual(expected);
    }
  });

  it('rejects a now that is not an instant', () => {
    const rules = compileRules(exampleBundle());
    for (const now of ['tomorrow', NaN, new Date('x'), '20/11/2026']) {
      expect(() => evaluate(rules, exampleLead(), now)).toThrow(RangeError);
    }
  });

  it('takes a bundle directly, compiling it once', () => {
    const bundle = exampleBundle();
    expect(evaluate(bundle, exampleLead(), NOW)).toStrictEqual(evaluate(compileRules(bundle), exampleLead(), NOW));
    expect(evaluate(bundle, exampleLead(), NOW).score.total).toBe(65);
  });

  it('scores the same lead differently as time passes (windows and decay follow now)', () => {
    const rules = compileRules(exampleBundle());
    // 31 days later: pricing visits and the October click are out of their windows; the November
    // click is one half-life old (1.5). engagement 2, total 47: not mql, back to lead.
    const later = evaluate(rules, exampleLead(), NOW_MS + 31 * DAY);
    expect(later.score).toStrictEqual({ total: 47, fit: 45, engagement: 2 });
    expect(later.stage).toBe('lead');
  });
});

describe('compileRules', () => {
  const withRule = (when: unknown) => makeBundle({ models: [model('m', [whenRule('r', when as never, 1)])] });

  it('rejects what validation would reject, with a located one-line RulesError', () => {
    const cases: Array<[Bundle, RegExp]> = [
      [withRule({ field: 'title', matches: '(unclosed' }), /models\[0\] \(m\)\.rules\[0\] \(r\)\.when\.matches: bad regular expression/],
      [withRule({ field: 'title', eq: 'a', ne: 'b' }), /needs exactly one of/],
      [withRule({ field: 'title', in: [] }), /in needs a non-empty list/],
      [withRule({ field: 'title', between: [1] }), /between needs \[low, high\]/],
      [withRule({ event: 'page_view', within: '5x' }), /within: bad duration "5x"/],
      [withRule({ event: 'page_view', within: '8bh' }), /business hours \(8bh\) are only for SLA commitments/],
      [withRule({ event: 'page_view', count: { gte: 1, lte: 3 } }), /count needs exactly one of/],
      [withRule({ all: [] }), /all: needs a non-empty list/],
      [withRule({ nothing: true }), /needs one of field, event, all, any, not/],
      [makeBundle({ stages: [stage('mql')], commitments: [commitment('c', 'sql', 'call', '1h')] }), /unknown stage "sql"/],
      [makeBundle({ stages: [stage('mql')], commitments: [commitment('c', 'mql', 'call', '1 hour')] }), /within: bad duration/],
      [makeBundle({ models: [model('m', [whenRule('r', { field: 'title', exists: true }, 1)], { decay: { halfLife: '2bh' } })] }), /decay\.halfLife/],
      [makeBundle({ calendar: { timezone: 'Mars/Olympus', days: ['mon'], hours: { from: '09:00', to: '17:00' } } }), /^sla\.calendar: /],
    ];
    for (const [bundle, message] of cases) {
      let error: unknown;
      try {
        compileRules(bundle);
      } catch (caught) {
        error = caught;
      }
      expect(error, String(message)).toBeInstanceOf(RulesError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('accepts a rule set without personas, models or commitments', () => {
    const outcome = evaluate(compileRules(makeBundle()), makeLead(), NOW);
    expect(outcome).toStrictEqual({
      id: 'lead-1', score: { total: 0 }, grade: 'F', persona: null, stage: 'subscriber', stageEnteredAt: NOW, sla: [], fired: [],
    });
  });
});

describe('parseDuration', () => {
  it('reads minutes, hours, 24-hour days, weeks and business hours', () => {
    expect(parseDuration('30m')).toEqual({ minutes: 30, business: false });
    expect(parseDuration('8h')).toEqual({ minutes: 480, business: false });
    expect(parseDuration('2d')).toEqual({ minutes: 2880, business: false });
    expect(parseDuration('1w')).toEqual({ minutes: 10080, business: false });
    expect(parseDuration('8bh')).toEqual({ minutes: 480, business: true });
  });

  it('rejects anything else with a RulesError', () => {
    for (const text of ['0m', '1.5h', '10', '', ' 8h', '8H', '-1d', '1y', '08h']) {
      expect(() => parseDuration(text), text).toThrow(RulesError);
    }
  });
  it('tells business hours from the rest (isBusinessDuration, what the popup, report and score read SLA clocks by)', () => {
    expect(['8bh', ' 16bh ', '24bh'].map(isBusinessDuration)).toEqual([true, true, true]);
    expect(['8h', '5d', '30m', '2w', 'bh', '8 bh', '1.5bh', ''].map(isBusinessDuration)).toEqual(Array(8).fill(false));
  });
});
