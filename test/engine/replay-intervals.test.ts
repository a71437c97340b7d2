/**
 * scoreAtReplayedTime (scoring.ts): model scores at a replayed time from decay factors kept at
 * the evaluation's own `now`, decided from an interval. Whenever it answers, its scores must be
 * runScoring's at that time, bit for bit; it must give up (and leave the answer to runScoring)
 * when the interval straddles a rounding point; and on ordinary leads it must answer nearly always,
 * or it saves nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompileScope } from '../../extension/engine/conditions';
import type { EvalContext } from '../../extension/engine/context';
import { EventBuckets, LeadEvents } from '../../extension/engine/events';
import type { Bundle, Lead, ScoringModelFile } from '../../extension/engine/generated/rules';
import { compileRules, evaluate } from '../../extension/engine/index';
import { compileScoring, DecayFactors, runScoring, scoreAtReplayedTime, type ScoringProgram } from '../../extension/engine/scoring';
import { referenceEvaluate } from '../support/reference-engine';
import { ago, DAY, event, HOUR, makeBundle, makeLead, model, NOW_MS, perRule, stage, whenRule } from '../support/bundles';

interface Harness {
  program: ScoringProgram;
  ctx: EvalContext;
  contributions: Float64Array;
  fired: Uint8Array;
  anchored: DecayFactors[];
}

function harness(models: ScoringModelFile[]): Harness {
  const buckets = new EventBuckets();
  const scope: CompileScope = { eventProps: false, models: new Map(models.map((m, i) => [m.id, i])), buckets, leadFields: new Map() };
  const program = compileScoring(models, scope);
  const ctx: EvalContext = {
    now: 0, lead: {}, events: new LeadEvents(buckets), scores: new Float64Array(models.length), modelsDone: 0, total: undefined,
    grade: undefined, persona: undefined, evaluation: 0,
    fieldValues: new Array<unknown>(scope.leadFields.size).fill(undefined), fieldStamps: new Array<number>(scope.leadFields.size).fill(-1),
    pending: 0, settle: () => undefined,
  };
  return {
    program, ctx, contributions: new Float64Array(program.rules.length), fired: new Uint8Array(program.rules.length),
    anchored: models.map(() => new DecayFactors()),
  };
}

/**
 * Scores the lead at `anchor`, then at each of its event times both ways. Returns how many times
 * the interval answered; fails on any answer that differs from runScoring's.
 */
function compareAtEventTimes(h: Harness, lead: Lead, anchor: number): { answered: number; asked: number } {
  const { ctx, program } = h;
  ctx.lead = lead;
  ctx.evaluation++;
  ctx.now = anchor;
  ctx.events.load(lead.events, anchor);
  runScoring(ctx, program, h.contributions, h.fired, false);
  let answered = 0;
  const times = [...new Set(ctx.events.at)];
  for (const time of times) {
    ctx.now = time;
    const ok = scoreAtReplayedTime(ctx, program, h.contributions, h.anchored, anchor);
    const interval = ok ? { scores: Array.from(ctx.scores), total: ctx.total } : null;
    runScoring(ctx, program, h.contributions, h.fired, true);
    if (interval) {
      answered++;
      expect(interval).toEqual({ scores: Array.from(ctx.scores), total: ctx.total });
    }
  }
  return { answered, asked: times.length };
}

const TYPES = ['page_view', 'email_click', 'email_open'] as const;

const decayedModels = fc.tuple(
  fc.constantFrom('1m', '90m', '12h', '7d', '30d', '400d'),
  fc.array(fc.record({
    type: fc.constantFrom(...TYPES),
    points: fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ min: -15, max: 15, noNaN: true, noDefaultInfinity: true })),
    within: fc.option(fc.constantFrom('1h', '3d', '30d', '365d'), { nil: undefined }),
    max: fc.option(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 12, noNaN: true })), { nil: undefined }),
    count: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  }), { minLength: 1, maxLength: 5 }),
  fc.option(fc.integer({ min: -10, max: 5 }), { nil: undefined }),
  fc.option(fc.integer({ min: 5, max: 80 }), { nil: undefined }),
).map(([halfLife, rules, min, max]) => [
  model('decayed', rules.map((r, i) => perRule(`r${i}`, {
    event: r.type,
    ...(r.within ? { within: r.within } : {}),
    ...(r.count ? { count: { gte: r.count } } : {}),
  }, r.points, r.max)), { decay: { halfLife }, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) }),
  model('plain', [whenRule('clicked', { event: 'email_click', within: '7d' }, 5), perRule('opens', { event: 'email_open' }, 0.5, 4)]),
]);

const leads = fc.array(fc.record({
  type: fc.constantFrom(...TYPES),
  // From a few seconds to ten years back: the factors at `now` reach the smallest the bound covers.
  back: fc.oneof(fc.integer({ min: 1_000, max: 3 * DAY }), fc.integer({ min: 0, max: 3_650 * DAY })),
}), { maxLength: 30 }).map((events) => makeLead({ events: events.map((e) => event(e.type, ago(e.back))) }));

describe('scores at replayed times from intervals', () => {
  it('agree with runScoring at every event time whenever they answer, and answer nearly always', () => {
    let answered = 0;
    let asked = 0;
    fc.assert(fc.property(decayedModels, fc.array(leads, { minLength: 1, maxLength: 4 }), (models, batch) => {
      const h = harness(models);
      for (const lead of batch) {
        const result = compareAtEventTimes(h, lead, NOW_MS);
        answered += result.answered;
        asked += result.asked;
      }
    }), { numRuns: 1_000, seed: 20261123 });
    expect(asked).toBeGreaterThan(10_000);
    // It gives up only when a sum lies within about 1e-9 of a half point.
    expect(answered / asked).toBeGreaterThan(0.99);
  });

  it('give up when the score sits on a half point, and the engine still gets it exactly', () => {
    // One click a half-life before the replayed time: 5 * 0.5 = 2.5, which Math.round takes up to 3;
    // an interval around 2.5 has ends that round to 2 and 3.
    const models = [model('eng', [perRule('clicks', { event: 'email_click' }, 5)], { decay: { halfLife: '1d' } })];
    const lead = makeLead({ events: [event('email_click', ago(3 * DAY)), event('page_view', ago(2 * DAY))] });
    const h = harness(models);
    h.ctx.lead = lead;
    h.ctx.evaluation++;
    h.ctx.now = NOW_MS;
    h.ctx.events.load(lead.events, NOW_MS);
    runScoring(h.ctx, h.program, h.contributions, h.fired, false);
    h.ctx.now = NOW_MS - 2 * DAY;
    expect(scoreAtReplayedTime(h.ctx, h.program, h.contributions, h.anchored, NOW_MS)).toBe(false);
    runScoring(h.ctx, h.program, h.contributions, h.fired, true);
    expect(h.ctx.scores[0]).toBe(3);

    // Through the whole engine: the stage needs eng >= 3, which held from the page view on
    // (2.5 rounds to 3) and at the click (5).
    const bundle: Bundle = makeBundle({ models, stages: [stage('subscriber'), stage('warm', { field: 'score.eng', gte: 3 })] });
    const lateLead = makeLead({ events: [event('email_click', ago(3 * DAY)), event('page_view', ago(2 * DAY)), event('page_view', ago(1 * HOUR))] });
    const ours = evaluate(compileRules(bundle), lateLead, NOW_MS);
    expect(ours).toEqual(referenceEvaluate(bundle, lateLead, NOW_MS));
    expect(ours.stage).toBe('subscriber'); // at `now` the click is 3 days old: 0.625 rounds to 1
  });

  it('answer for a stage reached by decayed per rules the same way as the reference interpreter', () => {
    const models = [model('eng', [
      perRule('visits', { event: 'page_view', within: '30d' }, 3, 20),
      perRule('clicks', { event: 'email_click', within: '90d' }, 7.3),
      whenRule('quiet', { not: { event: 'page_view', within: '7d' } }, -4),
    ], { decay: { halfLife: '10d' }, min: 0, max: 60 })];
    const bundle = makeBundle({ models, stages: [stage('subscriber'), stage('hot', { field: 'score.total', gte: 12 })] });
    const events = [
      ...[40, 33, 21, 15, 11, 9, 6, 4, 2].map((d) => event('page_view', ago(d * DAY))),
      ...[25, 8, 3, 1].map((d) => event('email_click', ago(d * DAY + 5 * HOUR))),
    ];
    const lead = makeLead({ events });
    const ours = evaluate(compileRules(bundle), lead, NOW_MS);
    expect(ours).toEqual(referenceEvaluate(bundle, lead, NOW_MS));
    expect(ours.stage).toBe('hot');
    expect(ours.stageEnteredAt).not.toBeNull();
  });
});
