/**
 * Scoring models (DESIGN 3.4, index.ts "Scores"): when and per rules, decay, caps, clamps,
 * rounding and the `fired` list. Expected values are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { Lead, Rule, ScoringModelFile } from '../../extension/engine/generated/rules';
import { compileRules, evaluate, type Outcome } from '../../extension/engine/index';
import { ago, DAY, event, HOUR, makeBundle, makeLead, model, NOW, perRule, whenRule } from '../support/bundles';

function score(models: ScoringModelFile[], lead: Partial<Lead> & Record<string, unknown> = {}): Outcome {
  return evaluate(compileRules(makeBundle({ models })), makeLead(lead), NOW);
}

const clicks = (...offsets: number[]) => offsets.map((ms) => event('email_click', ago(ms)));
const always = { field: 'id', exists: true } as const;

describe('when rules', () => {
  it('add their points once when the condition holds, nothing otherwise', () => {
    const m = model('fit', [
      whenRule('cto', { field: 'title', eq: 'cto' }, 20),
      whenRule('big', { field: 'company.employees', gte: 1000 }, 15),
      whenRule('clicker', { event: 'email_click' }, 5),
    ]);
    // cto (20) + clicker (5, once despite three clicks); big does not hold.
    const outcome = score([m], { title: 'CTO', company: { employees: 50 }, events: clicks(HOUR, 2 * HOUR, 3 * HOUR) });
    expect(outcome.score).toEqual({ total: 25, fit: 25 });
  });

  it('may carry negative points, and a rule worth 0 still fires', () => {
    const m = model('fit', [whenRule('student', { field: 'title', contains: 'student' }, -40), whenRule('zero', always, 0)]);
    const outcome = score([m], { title: 'PhD Student' });
    expect(outcome.score.fit).toBe(-40);
    expect(outcome.fired).toEqual([{ model: 'fit', rule: 'zero', points: 0 }, { model: 'fit', rule: 'student', points: -40 }]);
  });

  it('are not decayed, even in a model with decay', () => {
    const m = model('eng', [whenRule('clicked', { event: 'email_click' }, 10)], { decay: { halfLife: '10d' } });
    expect(score([m], { events: clicks(20 * DAY) }).score.eng).toBe(10);
  });
});

describe('per rules', () => {
  it('add points for each matching event in the window', () => {
    // Clicks 1h, 10d and 89d ago are inside 90d; 90d exactly and 100d are not: 3 x 3 = 9.
    const m = model('eng', [perRule('clicks', { event: 'email_click', within: '90d' }, 3)]);
    const outcome = score([m], { events: clicks(HOUR, 10 * DAY, 89 * DAY, 90 * DAY, 100 * DAY) });
    expect(outcome.score.eng).toBe(9);
    expect(outcome.fired).toEqual([{ model: 'eng', rule: 'clicks', points: 9 }]);
  });

  it('ignore events after now', () => {
    const m = model('eng', [perRule('clicks', { event: 'email_click' }, 3)]);
    expect(score([m], { events: clicks(HOUR, -HOUR, -DAY) }).score.eng).toBe(3);
  });

  it('are capped by max on the size of the total, positive or negative', () => {
    // 7 clicks x 3 = 21, capped at 15. 3 bounces x -4 = -12, capped at -5.
    const m = model('eng', [
      perRule('clicks', { event: 'email_click' }, 3, 15),
      perRule('bounces', { event: 'email_bounce' }, -4, 5),
    ]);
    const events = [...clicks(1, 2, 3, 4, 5, 6, 7).map((e) => e), ...[1, 2, 3].map((h) => event('email_bounce', ago(h * HOUR)))];
    const outcome = score([m], { events });
    expect(outcome.score.eng).toBe(10);
    expect(outcome.fired).toEqual([{ model: 'eng', rule: 'clicks', points: 15 }, { model: 'eng', rule: 'bounces', points: -5 }]);
  });

  it('below the cap keep their total', () => {
    const m = model('eng', [perRule('clicks', { event: 'email_click' }, 3, 15)]);
    expect(score([m], { events: clicks(1, 2, 3, 4) }).score.eng).toBe(12);
  });

  it('with a count only contribute when the count of matching events holds', () => {
    const rule = perRule('clicks', { event: 'email_click', within: '7d', count: { gte: 3 } }, 2);
    const m = model('eng', [rule]);
    const two = score([m], { events: clicks(HOUR, DAY, 10 * DAY) }); // two inside 7d
    expect(two.score.eng).toBe(0);
    expect(two.fired).toEqual([]);
    const three = score([m], { events: clicks(HOUR, DAY, 2 * DAY, 10 * DAY) }); // three inside: 3 x 2
    expect(three.score.eng).toBe(6);
    expect(three.fired).toEqual([{ model: 'eng', rule: 'clicks', points: 6 }]);
  });

  it('with a count that holds at zero still need one matching event to fire', () => {
    const m = model('eng', [perRule('few', { event: 'email_click', count: { lt: 3 } }, 2)]);
    expect(score([m], {}).fired).toEqual([]);
    expect(score([m], { events: clicks(HOUR) }).fired).toEqual([{ model: 'eng', rule: 'few', points: 2 }]);
  });

  it('filter events by where', () => {
    const m = model('eng', [perRule('docs', { event: 'page_view', where: { field: 'url', startsWith: '/docs' } }, 2)]);
    const events = [event('page_view', ago(HOUR), { url: '/DOCS/setup' }), event('page_view', ago(HOUR), { url: '/blog' }),
      event('page_view', ago(HOUR))];
    expect(score([m], { events }).score.eng).toBe(2);
  });
});

describe('decay', () => {
  it('halves a per rule\'s points every half-life', () => {
    // halfLife 10d: now -> 8, 10d -> 4, 20d -> 2, 30d -> 1: 15.
    const m = model('eng', [perRule('clicks', { event: 'email_click' }, 8)], { decay: { halfLife: '10d' } });
    const outcome = score([m], { events: clicks(0, 10 * DAY, 20 * DAY, 30 * DAY) });
    expect(outcome.score.eng).toBe(15);
    expect(outcome.fired[0]!.points).toBe(15);
  });

  it('uses fractional ages: one day into a two-day half-life is 1/sqrt(2)', () => {
    // 10 x 0.5^(1/2) = 7.0710678...: the model rounds to 7, fired shows one decimal.
    const m = model('eng', [perRule('clicks', { event: 'email_click' }, 10)], { decay: { halfLife: '2d' } });
    const outcome = score([m], { events: clicks(DAY) });
    expect(outcome.score.eng).toBe(7);
    expect(outcome.fired).toEqual([{ model: 'eng', rule: 'clicks', points: 7.1 }]);
  });

  it('is applied before the cap', () => {
    // halfLife 1d: 10 + 5 + 2.5 + 1.25 = 18.75 decayed, capped at 12; undecayed would be 40.
    const m = model('eng', [perRule('clicks', { event: 'email_click' }, 10, 12)], { decay: { halfLife: '1d' } });
    expect(score([m], { events: clicks(0, DAY, 2 * DAY, 3 * DAY) }).score.eng).toBe(12);
    // 3 days only: 1.25 + 0.625 = 1.875 -> 2.
    expect(score([m], { events: clicks(3 * DAY, 4 * DAY) }).score.eng).toBe(2);
  });
});

describe('model scores', () => {
  it('are clamped to min and max', () => {
    const rules: Rule[] = [whenRule('a', always, 70), whenRule('b', { field: 'title', exists: true }, 50)];
    expect(score([model('fit', rules, { min: 0, max: 100 })], { title: 'x' }).score.fit).toBe(100); // 120 -> 100
    const negative: Rule[] = [whenRule('student', always, -25)];
    expect(score([model('fit', negative, { min: 0 })]).score.fit).toBe(0); // -25 -> 0
    expect(score([model('fit', negative, { min: -10 })]).score.fit).toBe(-10);
    expect(score([model('fit', negative)]).score.fit).toBe(-25); // no floor
  });

  it('clamp to min first, then max (so max wins when they cross)', () => {
    expect(score([model('fit', [whenRule('a', always, 1)], { min: 50, max: 10 })]).score.fit).toBe(10);
  });

  it('are rounded after clamping, halves up (Math.round), never -0', () => {
    const points = (p: number, extra: Partial<ScoringModelFile> = {}) => score([model('m', [whenRule('r', always, p)], extra)]).score.m;
    expect(points(4.5)).toBe(5);
    expect(points(4.49)).toBe(4);
    expect(points(-2.5)).toBe(-2);
    expect(points(-2.51)).toBe(-3);
    expect(Object.is(points(-0.4), 0)).toBe(true);
    expect(points(7.5, { max: 7.4 })).toBe(7); // clamped to 7.4 first, then rounded
  });

  it('add up to a total that can be negative', () => {
    const outcome = score([
      model('fit', [whenRule('student', always, -25)]),
      model('eng', [whenRule('clicked', { event: 'email_click' }, 10)]),
    ], { events: clicks(HOUR) });
    expect(outcome.score).toEqual({ total: -15, fit: -25, eng: 10 });
  });

  it('sum the rounded model scores into the total', () => {
    // 2.5 -> 3 and 2.5 -> 3: total 6, not round(5).
    const outcome = score([model('a', [whenRule('r', always, 2.5)]), model('b', [whenRule('r2', always, 2.5)])]);
    expect(outcome.score.total).toBe(6);
  });

  it('are readable by later models (score.<id>), not by earlier ones', () => {
    const outcome = score([
      model('a', [whenRule('reads-b', { field: 'score.b', exists: true }, 1), whenRule('base', always, 10)]),
      model('b', [whenRule('reads-a', { field: 'score.a', gte: 10 }, 5)]),
    ]);
    expect(outcome.score).toEqual({ total: 15, a: 10, b: 5 });
  });

  it('with no models give a total of 0', () => {
    expect(score([]).score).toEqual({ total: 0 });
  });
});

describe('fired', () => {
  it('lists contributing rules, largest first, ties in model then rule order', () => {
    const outcome = score([
      model('fit', [whenRule('f-low', always, 5), whenRule('f-tie', always, 10), whenRule('f-no', { field: 'title', exists: true }, 50),
        whenRule('f-neg', always, -15)]),
      model('eng', [whenRule('e-tie', always, 10), whenRule('e-top', always, 30), perRule('e-none', { event: 'email_click' }, 9)]),
    ]);
    expect(outcome.fired).toEqual([
      { model: 'eng', rule: 'e-top', points: 30 },
      { model: 'fit', rule: 'f-tie', points: 10 },
      { model: 'eng', rule: 'e-tie', points: 10 },
      { model: 'fit', rule: 'f-low', points: 5 },
      { model: 'fit', rule: 'f-neg', points: -15 },
    ]);
  });

  it('rounds each contribution to one decimal, and sorts by the rounded value', () => {
    // 0.25 -> 0.3 (Math.round(2.5) / 10); 0.26 -> 0.3; a tie after rounding keeps rule order.
    const outcome = score([model('m', [whenRule('a', always, 0.25), whenRule('b', always, 0.26), whenRule('c', always, 0.04)])]);
    expect(outcome.fired).toEqual([
      { model: 'm', rule: 'a', points: 0.3 },
      { model: 'm', rule: 'b', points: 0.3 },
      { model: 'm', rule: 'c', points: 0 },
    ]);
    expect(outcome.score.m).toBe(1); // 0.55 -> 1: the model sums the unrounded contributions
  });

  it('shows the contribution before the model clamp', () => {
    const outcome = score([model('fit', [whenRule('huge', always, 150)], { max: 100 })]);
    expect(outcome.score.fit).toBe(100);
    expect(outcome.fired).toEqual([{ model: 'fit', rule: 'huge', points: 150 }]);
  });
});
