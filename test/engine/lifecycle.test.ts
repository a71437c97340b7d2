/**
 * Grade, persona, stage and stageEnteredAt (DESIGN 3.5, 3.6; index.ts "Grade, persona, stage").
 */
import { describe, expect, it } from 'vitest';
import type { Condition, Lead } from '../../extension/engine/generated/rules';
import { compileRules, evaluate, type Outcome } from '../../extension/engine/index';
import {
  ago, DAY, event, HOUR, makeBundle, makeLead, model, NOW, NOW_MS, persona, perRule, stage, whenRule, type BundleParts,
} from '../support/bundles';

function run(parts: BundleParts, lead: Record<string, unknown> = {}, now: string | number = NOW): Outcome {
  return evaluate(compileRules(makeBundle(parts)), makeLead(lead as Partial<Lead>), now);
}

/** A model `fit` worth the lead's properties.points (a whole number from 0 to 100): one point per step. */
const pointsModel = model('fit', Array.from({ length: 100 }, (_, i) =>
  whenRule(`p${i}`, { field: 'properties.points', gt: i }, 1)));
const withPoints = (points: number) => ({ properties: { points } });
const always: Condition = { field: 'id', exists: true };

describe('grade', () => {
  // The default bands: A >= 80, B >= 60, C >= 40, F.
  it('is the first band whose bound holds, the unbounded last band otherwise', () => {
    const gradeOf = (points: number) => run({ models: [pointsModel] }, withPoints(points)).grade;
    expect([100, 80, 79, 60, 59, 40, 39, 0].map(gradeOf)).toEqual([
      'A', 'A', 'B', 'B', 'C', 'C', 'F', 'F']);
  });

  it('treats gt as strict and gte as inclusive', () => {
    const grade = { from: 'score.fit', bands: [{ grade: 'A', gt: 80 }, { grade: 'B', gte: 50 }, { grade: 'F' }] } as BundleParts['grade'];
    expect(run({ models: [pointsModel], grade }, withPoints(80)).grade).toBe('B');
    expect(run({ models: [pointsModel], grade }, withPoints(90)).grade).toBe('A');
    expect(run({ models: [pointsModel], grade }, withPoints(50)).grade).toBe('B');
  });

  it('reads any numeric lead field; a value that is not a number meets no bound', () => {
    const grade = { from: 'company.employees', bands: [{ grade: 'A', gte: 1000 }, { grade: 'F' }] } as BundleParts['grade'];
    expect(run({ grade }, { company: { employees: 1000 } }).grade).toBe('A');
    expect(run({ grade }, { company: { employees: '5000' } }).grade).toBe('F');
    expect(run({ grade }, {}).grade).toBe('F');
  });

  it('is null when no band holds or there are no bands', () => {
    const grade = { from: 'score.fit', bands: [{ grade: 'A', gte: 80 }] } as BundleParts['grade'];
    expect(run({ models: [pointsModel], grade }, withPoints(10)).grade).toBeNull();
    expect(run({ grade: { from: 'score.fit', bands: [] } as unknown as BundleParts['grade'] }).grade).toBeNull();
  });
});

describe('persona', () => {
  const cto = persona('cto', { field: 'title', eq: 'cto' });
  const techie = persona('techie', { field: 'title', matches: '^ct' });

  it('is the first persona in priority order that matches, on ties too', () => {
    expect(run({ personas: [cto, techie] }, { title: 'CTO' }).persona).toBe('cto');
    expect(run({ personas: [techie, cto] }, { title: 'CTO' }).persona).toBe('techie');
    expect(run({ personas: [cto, techie] }, { title: 'CTO office' }).persona).toBe('techie');
  });

  it('is null when none matches', () => {
    expect(run({ personas: [cto, techie] }, { title: 'Analyst' }).persona).toBeNull();
    expect(run({}, { title: 'CTO' }).persona).toBeNull();
  });

  it('can read scores and the grade', () => {
    const personas = [persona('a-lister', { field: 'grade', eq: 'a' }), persona('warm', { field: 'score.total', gte: 40 })];
    expect(run({ models: [pointsModel], personas }, withPoints(90)).persona).toBe('a-lister');
    expect(run({ models: [pointsModel], personas }, withPoints(50)).persona).toBe('warm');
    expect(run({ models: [pointsModel], personas }, withPoints(30)).persona).toBeNull();
  });
});

describe('stage', () => {
  const stages = [
    stage('subscriber'),
    stage('lead', { field: 'email', exists: true }),
    stage('mql', { field: 'score.total', gte: 60 }),
    stage('sal', undefined, true),
    stage('sql', { field: 'properties.budget_confirmed', eq: true }),
  ];
  const parts = { models: [pointsModel], stages };

  it('is the highest stage whose condition holds, skipping those that do not', () => {
    expect(run(parts, {}).stage).toBe('subscriber');
    expect(run(parts, { email: 'a@b.io' }).stage).toBe('lead');
    expect(run(parts, { email: 'a@b.io', properties: { points: 60 } }).stage).toBe('mql');
    // sql holds without mql or lead holding: the highest that holds wins.
    expect(run(parts, { properties: { budget_confirmed: true } }).stage).toBe('sql');
  });

  it('is never a manual stage by computation', () => {
    const manualOnly = [stage('subscriber'), stage('sal', undefined, true)];
    expect(run({ stages: manualOnly }).stage).toBe('subscriber');
  });

  it('is null when no stage holds and none is recorded', () => {
    expect(run({ stages: [stage('lead', { field: 'email', exists: true })] }).stage).toBeNull();
    expect(run({ stages: [stage('lead', { field: 'email', exists: true })] }).stageEnteredAt).toBeNull();
  });

  it('is the recorded stage when it is above the computed one, with its recorded stageEnteredAt', () => {
    const outcome = run(parts, { email: 'a@b.io', stage: 'sal', stageEnteredAt: '2026-11-18T09:30:00+01:00' });
    expect(outcome.stage).toBe('sal');
    expect(outcome.stageEnteredAt).toBe('2026-11-18T08:30:00.000Z');
  });

  it('is the computed stage when it is above the recorded one', () => {
    const outcome = run(parts, { email: 'a@b.io', stage: 'subscriber', stageEnteredAt: '2026-01-01T00:00:00Z', createdAt: '2026-11-01T10:00:00Z' });
    expect(outcome.stage).toBe('lead');
    expect(outcome.stageEnteredAt).toBe('2026-11-01T10:00:00.000Z'); // no events: createdAt
  });

  it('is the recorded one on a tie, with the recorded stageEnteredAt', () => {
    const outcome = run(parts, { email: 'a@b.io', stage: 'lead', stageEnteredAt: '2026-11-10T00:00:00Z', createdAt: '2026-11-01T00:00:00Z' });
    expect(outcome.stage).toBe('lead');
    expect(outcome.stageEnteredAt).toBe('2026-11-10T00:00:00.000Z');
  });

  it('ignores a recorded stage that is not a stage id (exact match only)', () => {
    expect(run(parts, { stage: 'SAL', stageEnteredAt: ago(DAY) }).stage).toBe('subscriber');
    expect(run(parts, { stage: 'customer', stageEnteredAt: ago(DAY) }).stage).toBe('subscriber');
    expect(run(parts, { stage: 3, stageEnteredAt: ago(DAY) }).stage).toBe('subscriber');
  });

  it('recorded without stageEnteredAt (or with an unparseable one) has no known start', () => {
    expect(run(parts, { stage: 'sal' }).stageEnteredAt).toBeNull();
    expect(run(parts, { stage: 'sal', stageEnteredAt: null }).stageEnteredAt).toBeNull();
    expect(run(parts, { stage: 'sal', stageEnteredAt: 'last week' }).stageEnteredAt).toBeNull();
  });
});

describe('stageEnteredAt of a computed stage', () => {
  const base = stage('subscriber');

  it('is the earliest event time from which the condition held at every later event', () => {
    // Two views in 7 days. Views at -10d, -3d, -2d, -1d:
    //  -10d: 1 view in (-17d, -10d] -> no; -3d: (-10d, -3d] excludes -10d exactly -> 1 -> no;
    //  -2d: 2 -> yes; -1d: 3 -> yes. Entered at -2d.
    const mql = stage('mql', { event: 'page_view', within: '7d', count: { gte: 2 } });
    const events = [10, 3, 2, 1].map((d) => event('page_view', ago(d * DAY)));
    const outcome = run({ stages: [base, mql] }, { events, createdAt: ago(100 * DAY) });
    expect(outcome.stage).toBe('mql');
    expect(outcome.stageEnteredAt).toBe(ago(2 * DAY));
  });

  it('is when the lead last qualified, not the first time', () => {
    // Held at -19d (2 views), lapsed at -5d (1 view in 7 days), held again from -4d.
    const mql = stage('mql', { event: 'page_view', within: '7d', count: { gte: 2 } });
    const events = [20, 19, 5, 4].map((d) => event('page_view', ago(d * DAY)));
    expect(run({ stages: [base, mql] }, { events }).stageEnteredAt).toBe(ago(4 * DAY));
  });

  it('replays every event time, not only those the condition looks at, and the events in any order', () => {
    // mql needs a demo form in 30 days. Events: a call at -40d, the demo at -20d, views at -10d.
    // At -40d: no demo -> no; from -20d on: yes. Entered -20d.
    const mql = stage('mql', { event: 'form_submit', within: '30d', where: { field: 'form', eq: 'demo' } });
    const events = [event('page_view', ago(10 * DAY)), event('form_submit', ago(20 * DAY), { form: 'Demo' }), event('call', ago(40 * DAY))];
    expect(run({ stages: [base, mql] }, { events }).stageEnteredAt).toBe(ago(20 * DAY));
  });

  it('recomputes scores as of each event time (windows and decay move with it)', () => {
    // 5 points per view in 30 days; mql at 10. Views at -40d, -10d, -5d and one in the future.
    //  -40d: 5 -> no; -10d: (-40d, -10d] excludes -40d -> 5 -> no; -5d: 10 -> yes; now: 10 -> yes.
    const m = model('eng', [perRule('views', { event: 'page_view', within: '30d' }, 5)]);
    const mql = stage('mql', { field: 'score.total', gte: 10 });
    const events = [40, 10, 5, -1].map((d) => event('page_view', ago(d * DAY)));
    const outcome = run({ models: [m], stages: [base, mql] }, { events });
    expect(outcome.stage).toBe('mql');
    expect(outcome.score.eng).toBe(10);
    expect(outcome.stageEnteredAt).toBe(ago(5 * DAY));
  });

  it('recomputes the grade and persona as of each event time when the stage reads them', () => {
    // Grade from score.total (A >= 80). 40 points per click within 7 days; stage reads the persona,
    // the persona reads the grade. Clicks at -9d, -8d (A from -8d until -2d), -1d, -0.5d (A again).
    const m = model('eng', [perRule('clicks', { event: 'email_click', within: '7d' }, 40)]);
    const personas = [persona('hot', { field: 'grade', eq: 'A' })];
    const hot = stage('hot', { field: 'persona', eq: 'hot' });
    const events = [9, 8, 1, 0.5].map((d) => event('email_click', ago(d * DAY)));
    const outcome = run({ models: [m], personas, stages: [base, hot] }, { events });
    expect(outcome.grade).toBe('A');
    expect(outcome.stageEnteredAt).toBe(ago(0.5 * DAY));
  });

  it('is now when the condition fails at the last event time', () => {
    // "No view in the last day": fails at -2d (the view itself), holds now.
    const quiet = stage('quiet', { event: 'page_view', within: '1d', count: { lt: 1 } });
    expect(run({ stages: [base, quiet] }, { events: [event('page_view', ago(2 * DAY))] }).stageEnteredAt).toBe(NOW);
  });

  it('is the earliest event when the condition cannot change with time', () => {
    const lead = stage('lead', { field: 'email', exists: true });
    const events = [event('call', ago(3 * HOUR)), event('page_view', ago(30 * DAY)), event('page_view', ago(-DAY))];
    expect(run({ stages: [base, lead] }, { email: 'a@b.io', events, createdAt: ago(10 * DAY) }).stageEnteredAt).toBe(ago(30 * DAY));
  });

  it('is createdAt without events, or now when createdAt is missing or unparseable', () => {
    const lead = stage('lead', { field: 'email', exists: true });
    const parts = { stages: [base, lead] };
    expect(run(parts, { email: 'a@b.io', createdAt: '2026-11-01T10:00:00' }).stageEnteredAt).toBe('2026-11-01T10:00:00.000Z');
    expect(run(parts, { email: 'a@b.io' }).stageEnteredAt).toBe(NOW);
    expect(run(parts, { email: 'a@b.io', createdAt: 'a while ago' }).stageEnteredAt).toBe(NOW);
    // Only future events: none is used, so createdAt.
    expect(run(parts, { email: 'a@b.io', createdAt: ago(DAY), events: [event('call', ago(-HOUR))] }).stageEnteredAt).toBe(ago(DAY));
  });

  it('is the first stage\'s (always held) earliest event time too', () => {
    expect(run({}, { events: [event('call', ago(HOUR)), event('call', ago(5 * HOUR))] }).stageEnteredAt).toBe(ago(5 * HOUR));
  });

  it('uses now given as epoch milliseconds, text or Date alike', () => {
    const mql = stage('mql', { event: 'page_view', within: '7d', count: { gte: 2 } });
    const parts = { stages: [base, mql], models: [model('m', [whenRule('r', always, 1)])] };
    const lead = { events: [3, 2].map((d) => event('page_view', ago(d * DAY))) };
    const outcomes = [NOW, NOW_MS, new Date(NOW_MS), '2026-11-20T13:00:00+01:00'].map((now) =>
      evaluate(compileRules(makeBundle(parts)), makeLead(lead), now));
    for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
    expect(outcomes[0]!.stageEnteredAt).toBe(ago(2 * DAY));
  });
});
