/**
 * The engine's shortcuts in stageEnteredAt replays and per rules (lazy derived values, a grade
 * that cannot change with time, decay factors shared between rules, capped scans that stop
 * early, text tests answered per text): each case is checked against the reference interpreter and a
 * hand-worked answer.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle, Condition, Event, Lead, Rule as ScoringModelFileRule } from '../../extension/engine/generated/rules';
import { compileRules, evaluate, type Outcome } from '../../extension/engine/index';
import { TextGroup } from '../../extension/engine/operators';
import { referenceEvaluate } from '../support/reference-engine';
import {
  ago, DAY, event, HOUR, MINUTE, makeBundle, makeLead, model, NOW, perRule, persona, stage, whenRule, type BundleParts,
} from '../support/bundles';

function both(bundle: Bundle, lead: Lead): Outcome {
  const ours = evaluate(compileRules(bundle), lead, NOW);
  expect(ours).toEqual(referenceEvaluate(bundle, lead, NOW));
  return ours;
}

const clicks = (...daysAgo: number[]) => daysAgo.map((d) => event('email_click', ago(d * DAY)));
const recentClicks: Condition = { event: 'email_click', within: '3d' };

describe('replays with derived values', () => {
  it('hide the grade and persona from scoring rules while scores are redone (they are missing while models run)', () => {
    // A time-dependent model whose rule reads the grade: missing while models run, so the
    // `exists: false` rule always holds, in the evaluation and in every replayed time.
    const parts: BundleParts = {
      models: [model('eng', [
        whenRule('recent', recentClicks, 50),
        whenRule('no-grade-yet', { field: 'grade', exists: false }, 10),
      ])],
      grade: { from: 'email', bands: [{ grade: 'A' }] },
      stages: [stage('subscriber'), stage('hot', { all: [{ field: 'score.eng', gte: 60 }, { field: 'grade', eq: 'A' }] })],
    };
    const outcome = both(makeBundle(parts), makeLead({ email: 'a@b.example', events: clicks(10, 2, 1) }));
    expect(outcome.stage).toBe('hot');
    expect(outcome.score.eng).toBe(60);
    // At each click the 3-day window holds a click: 50 + 10 >= 60 at every event time, so the
    // stage was entered at the first click (were the grade visible, replays would score 50).
    expect(outcome.stageEnteredAt).toBe(ago(10 * DAY));
  });

  it('recompute the grade at replayed times when it reads a time-dependent score', () => {
    const parts: BundleParts = {
      models: [model('eng', [whenRule('recent', recentClicks, 70)])],
      grade: { from: 'score.eng', bands: [{ grade: 'A', gte: 60 }, { grade: 'F' }] },
      stages: [stage('subscriber'), stage('graded', { field: 'grade', eq: 'A' })],
    };
    // Clicks 20 and 1 days ago: at both event times the 3-day window holds a click (grade A).
    expect(both(makeBundle(parts), makeLead({ events: clicks(20, 1) })).stageEnteredAt).toBe(ago(20 * DAY));
    // A page view 10 days ago is an event time at which the window is empty: grade F, so entered 1 day ago.
    const lead = makeLead({ events: [...clicks(20, 1), event('page_view', ago(10 * DAY))] });
    expect(both(makeBundle(parts), lead).stageEnteredAt).toBe(ago(1 * DAY));
  });

  it('keep a grade read from a model that cannot change with time, and redo the scores the stage reads', () => {
    const parts: BundleParts = {
      models: [
        model('fit', [whenRule('big', { field: 'company.employees', gte: 100 }, 50)]),
        model('eng', [whenRule('recent', recentClicks, 30)]),
      ],
      grade: { from: 'score.fit', bands: [{ grade: 'A', gte: 50 }, { grade: 'F' }] },
      stages: [stage('subscriber'), stage('mql', { all: [{ field: 'grade', eq: 'A' }, { field: 'score.total', gte: 80 }] })],
    };
    const lead = makeLead({ company: { employees: 500 }, events: [...clicks(20, 1), event('page_view', ago(10 * DAY))] });
    const outcome = both(makeBundle(parts), lead);
    expect([outcome.grade, outcome.stage, outcome.score.total]).toEqual(['A', 'mql', 80]);
    expect(outcome.stageEnteredAt).toBe(ago(1 * DAY));
  });

  it('redo the persona when the stage reads it and it depends on a time-dependent score', () => {
    const parts: BundleParts = {
      models: [model('eng', [whenRule('recent', recentClicks, 30)])],
      personas: [persona('engaged', { field: 'score.eng', gte: 30 })],
      stages: [stage('subscriber'), stage('warm', { field: 'persona', eq: 'engaged' })],
    };
    const lead = makeLead({ events: [...clicks(30, 2), event('page_view', ago(1 * DAY)), event('page_view', ago(5 * DAY))] });
    const outcome = both(makeBundle(parts), lead);
    expect([outcome.persona, outcome.stage]).toEqual(['engaged', 'warm']);
    expect(outcome.stageEnteredAt).toBe(ago(2 * DAY));
  });
});

describe('per rules', () => {
  it('stop a capped scan past the cap with the same contribution, for positive and negative points', () => {
    const parts: BundleParts = {
      models: [model('eng', [
        perRule('up', { event: 'email_click' }, 4, 10),
        perRule('down', { event: 'email_click' }, -4, 10),
        perRule('up-counted', { event: 'email_click', count: { gte: 2 } }, 4, 10),
      ], { decay: { halfLife: '30d' }, min: -100 })],
    };
    const outcome = both(makeBundle(parts), makeLead({ events: clicks(90, 60, 30, 1, 0) }));
    expect(outcome.fired).toEqual([
      { model: 'eng', rule: 'up', points: 10 },
      { model: 'eng', rule: 'up-counted', points: 10 },
      { model: 'eng', rule: 'down', points: -10 },
    ]);
  });

  it('share decay factors between rules of a model but not between bundles or half-lives', () => {
    const a = makeBundle({ models: [
      model('slow', [perRule('all', { event: 'email_click' }, 10), perRule('recent', { event: 'email_click', within: '45d' }, 10)], { decay: { halfLife: '30d' } }),
      model('fast', [perRule('all', { event: 'email_click' }, 10)], { decay: { halfLife: '15d' } }),
    ] });
    const b = makeBundle({ models: [model('eng', [perRule('all', { event: 'email_click' }, 10)], { decay: { halfLife: '60d' } })] });
    const lead = makeLead({ events: clicks(30, 60) });
    const compiledA = compileRules(a);
    const compiledB = compileRules(b);
    // Alternate the bundles: each keeps its own lead events, so no factor leaks between them.
    for (let i = 0; i < 2; i++) {
      expect(evaluate(compiledA, lead, NOW)).toEqual(referenceEvaluate(a, lead, NOW));
      expect(evaluate(compiledB, lead, NOW)).toEqual(referenceEvaluate(b, lead, NOW));
    }
    const scores = evaluate(compiledA, lead, NOW).score;
    expect(scores).toEqual({ total: 8 + 5 + 3, slow: 8 + 5, fast: 3 }); // 5 + 2.5 | 5 | 2.5 + 0.625
    expect(evaluate(compiledB, lead, NOW).score.eng).toBe(12); // 7.07 + 5
  });
});

describe('matches', () => {
  it('answers the same for a text seen before, across leads, lists and more texts than it remembers', () => {
    const bundle = makeBundle({ models: [model('fit', [whenRule('cto', { field: 'title', matches: '^cto\\b' }, 10)])] });
    const compiled = compileRules(bundle);
    const scoreOf = (title: unknown) => evaluate(compiled, makeLead({ title } as Partial<Lead>), NOW).score.fit;
    expect([scoreOf('CTO at Acme'), scoreOf('  cto'), scoreOf('Acme CTO'), scoreOf('CTO at Acme')]).toEqual([10, 10, 0, 10]);
    for (let i = 0; i < 1500; i++) expect(scoreOf(i % 2 === 0 ? `CTO ${i}` : `VP ${i}`)).toBe(i % 2 === 0 ? 10 : 0);
    expect([scoreOf('CTO at Acme'), scoreOf('Acme CTO'), scoreOf(['Acme CTO', 'cto']), scoreOf(['Acme CTO'])]).toEqual([10, 0, 10, 0]);
    const lead = makeLead({ title: 'Cto, founder' } as Partial<Lead>);
    expect(evaluate(compiled, lead, NOW)).toEqual(referenceEvaluate(bundle, lead, NOW));
  });
});

describe('text tests of one event prop', () => {
  it('answer each test for itself, whatever the case, and as the reference does on texts seen before', () => {
    const views = (...urls: unknown[]) => urls.map((url, i) => ({ ...event('page_view', ago((i + 1) * DAY)), url }) as Event);
    const bundle = makeBundle({
      models: [model('eng', [
        perRule('pricing', { event: 'page_view', where: { field: 'url', contains: '/pricing' } }, 1),
        perRule('docs', { event: 'page_view', where: { field: 'url', contains: '/docs/' } }, 10),
        perRule('home', { event: 'page_view', where: { field: 'url', endsWith: '.example/' } }, 100),
        perRule('not-pricing', { event: 'page_view', where: { field: 'url', ne: 'https://a.example/pricing' } }, 1000),
      ])],
    });
    const compiled = compileRules(bundle);
    const scoreOf = (...urls: unknown[]) => {
      const lead = makeLead({ events: views(...urls) });
      const outcome = evaluate(compiled, lead, NOW);
      expect(outcome).toEqual(referenceEvaluate(bundle, lead, NOW));
      return outcome.score.eng;
    };
    expect(scoreOf('https://a.example/pricing', 'https://a.example/docs/x', 'https://a.example/')).toBe(2111);
    expect(scoreOf(' HTTPS://A.EXAMPLE/PRICING ', 'https://a.example/Docs/y', 'https://A.example/')).toBe(2111);
    expect(scoreOf('https://a.example/pricing', 'https://a.example/pricing', ['https://a.example/docs/'], 42)).toBe(2002);
    // More texts than remembered, with texts seen before in between: answers never mix up.
    for (let i = 0; i < 1500; i++) {
      const url = i % 2 === 0 ? `https://a.example/docs/${i}` : `https://a.example/pricing?${i}`;
      expect(scoreOf(url, 'https://a.example/')).toBe(i % 2 === 0 ? 2110 : 2101);
    }
  });
});

describe('TextGroup', () => {
  /** A group of two tests that count their calls. */
  function counted() {
    const calls: [number, number] = [0, 0];
    const group = new TextGroup();
    const a = group.add((text) => (calls[0]++, String(text).startsWith('a')), 'a');
    const b = group.add((text) => (calls[1]++, String(text).endsWith('b')), 'b');
    return { group, calls, a, b };
  }

  it('shares one test between copies with the same key, and keeps tests without a key apart', () => {
    const group = new TextGroup();
    const first = group.add((text) => text === 'x', 'eq x');
    expect(group.add(() => false, 'eq x')).toBe(first);
    const own = group.add((text) => text === 'y', undefined);
    expect(group.add((text) => text === 'z', undefined)).not.toBe(own);
    expect([group.test('x', first), group.test('x', own), group.test('y', own), group.test('y', first)]).toEqual([true, false, true, false]);
  });

  it('answers a text it has seen from memory, and each test once per text', () => {
    const { group, calls, a, b } = counted();
    const texts = ['ab', 'a', 'b', 'xb', 'ab', 'b'];
    const answers = texts.map((text) => [group.test(text, a), group.test(text, b), group.test(text, a)]);
    expect(answers).toEqual(texts.map((text) => [text.startsWith('a'), text.endsWith('b'), text.startsWith('a')]));
    expect(calls).toEqual([4, 4]); // four distinct texts
  });

  it('stops remembering texts that do not repeat, answers the same meanwhile, and tries again later', () => {
    const { group, calls, a, b } = counted();
    for (let i = 0; i < 1024; i++) expect(group.test(`a${i}`, a)).toBe(true); // fills the memo, nothing repeats
    expect(calls[0]).toBe(1024);
    // Not remembering now: a text asked again is answered again, but tests of one text still share a row.
    for (let i = 0; i < 3; i++) expect([group.test('ab', a), group.test('ab', b), group.test('xb', a)]).toEqual([true, true, false]);
    expect(calls).toEqual([1024 + 6, 3]);
    for (let i = 0; i < 4096; i++) group.test(`b${i}`, b); // the pause runs out
    calls[0] = calls[1] = 0;
    for (let i = 0; i < 3; i++) expect([group.test('ab', a), group.test('xb', b), group.test('b', a)]).toEqual([true, true, false]);
    expect(calls).toEqual([2, 1]); // remembered again
  });

  it('keeps remembering when texts repeat', () => {
    const { group, calls, a } = counted();
    for (let round = 0; round < 4; round++) for (let i = 0; i < 600; i++) group.test(`a${i}`, a);
    expect(calls[0]).toBe(600); // 2,400 asks of 600 texts: each answered once
    // 1,100 texts, each asked twice in a row of 500: the memo fills up and starts over, still remembering.
    calls[0] = 0;
    for (let round = 0; round < 11; round++) {
      for (let pass = 0; pass < 2; pass++) for (let j = 0; j < 500; j++) group.test(`a${(round * 100 + j) % 1100}`, a);
    }
    expect(calls[0]).toBeLessThan(2000); // of 11,000 asks (1,324: 1,100 texts and a few asked again after the memo started over)
    calls[0] = 0;
    for (let i = 0; i < 10; i++) group.test(i % 2 === 0 ? 'a5' : 'a6', a);
    expect(calls[0]).toBeLessThanOrEqual(2);
  });
});

describe('matches on one field', () => {
  it('answer each pattern for itself when a field has several (copies of one pattern share answers)', () => {
    const bundle = makeBundle({
      models: [model('fit', [
        whenRule('cto', { field: 'title', matches: '^cto\\b' }, 1),
        whenRule('data', { field: 'title', matches: 'data' }, 10),
        whenRule('cto-again', { any: [{ field: 'title', matches: '^cto\\b' }, { field: 'email', matches: 'cto' }] }, 100),
      ])],
      personas: [persona('data-cto', { all: [{ field: 'title', matches: 'data' }, { field: 'title', matches: '^cto\\b' }] })],
    });
    const compiled = compileRules(bundle);
    const check = (title: unknown, fit: number, persona: string | null) => {
      const lead = makeLead({ title, email: 'x@y.example' } as Partial<Lead>);
      const outcome = evaluate(compiled, lead, NOW);
      expect([outcome.score.fit, outcome.persona]).toEqual([fit, persona]);
      expect(outcome).toEqual(referenceEvaluate(bundle, lead, NOW));
    };
    check('CTO, Data', 111, 'data-cto');
    check('Data CTO', 10, null);
    check(' cto ', 101, null);
    check(['Data lead', 'CTO'], 111, 'data-cto'); // any element, each pattern on its own
    // More texts than remembered, alternating with one seen before: answers never mix up.
    for (let i = 0; i < 1500; i++) check(i % 2 === 0 ? `CTO ${i}` : `data ${i}`, i % 2 === 0 ? 101 : 10, null);
    check('CTO, Data', 111, 'data-cto');
  });
});

describe('replays of conditions that can only start to hold', () => {
  const converted: Condition = {
    all: [{ field: 'email', exists: true }, { event: 'form_submit', where: { field: 'form', ne: 'newsletter' }, count: { gte: 2 } }],
  };
  const forms = (...spec: [number, string][]) => spec.map(([d, form]) => event('form_submit', ago(d * DAY), { form }));

  it('enter at the first event time at which they hold (from their matching events, without a replay)', () => {
    const bundle = makeBundle({ stages: [stage('subscriber'), stage('lead', converted)] });
    const lead = makeLead({
      email: 'a@b.example',
      events: [...forms([50, 'newsletter'], [40, 'contact'], [30, 'newsletter'], [20, 'demo'], [10, 'contact'], [5, 'newsletter']),
        event('page_view', ago(45 * DAY)), event('page_view', ago(20 * DAY))],
    });
    expect(both(bundle, lead).stageEnteredAt).toBe(ago(20 * DAY));
  });

  it('start with the event that brings a count to one that holds, the latest part of an all, the earliest of an any', () => {
    const views = (...daysAgo: number[]) => daysAgo.map((d) => event('page_view', ago(d * DAY)));
    const lead = makeLead({
      email: 'a@b.example',
      title: 'CTO',
      events: [...forms([50, 'newsletter'], [40, 'contact'], [30, 'contact'], [30, 'demo'], [10, 'contact']), ...views(45, 35, 20, 20, 15)],
    });
    for (const [when, entered] of [
      [{ event: 'form_submit', count: { gt: 2 } }, 30], // the third form: the first of two at 30 days
      [{ event: 'form_submit', count: { gte: 4 } }, 30], // the fourth: the second of the two
      [{ event: 'form_submit', count: { gte: -1 } }, 50], // holds with no events at all: from the first event on
      [{ event: 'form_submit', count: { gte: 4.5 } }, 10], // five forms
      [{ event: 'form_submit', count: { gte: 0 } }, 50], // from the first event on
      [{ event: 'page_view', count: { gte: 4 } }, 20],
      [{ all: [{ event: 'page_view', count: { gte: 2 } }, { event: 'form_submit', where: { field: 'form', eq: 'contact' } }] }, 35],
      [{ any: [{ event: 'page_view', count: { gte: 4 } }, { event: 'form_submit', where: { field: 'form', eq: 'demo' } }] }, 30],
      [{ any: [{ field: 'title', eq: 'ceo' }, { event: 'page_view', count: { gte: 2 } }] }, 35],
      [{ any: [{ field: 'title', eq: 'cto' }, { event: 'page_view', count: { gte: 2 } }] }, 50],
      [{ all: [{ field: 'title', eq: 'cto' }, { event: 'webinar_attended' }, { event: 'page_view' }] }, null], // never
    ] as [Condition, number | null][]) {
      const bundle = makeBundle({ stages: [stage('subscriber'), stage('lead', when)] });
      const outcome = both(bundle, lead);
      expect([outcome.stage, outcome.stageEnteredAt]).toEqual(entered === null ? ['subscriber', ago(50 * DAY)] : ['lead', ago(entered * DAY)]);
    }
  });

  it('are walked back like any other when a count can stop holding (count eq)', () => {
    const once: Condition = { event: 'form_submit', count: { eq: 1 } };
    const bundle = makeBundle({ stages: [stage('subscriber'), stage('once', once)] });
    // One form 10 days ago: held from then; a later second form would end it, so never two here.
    expect(both(bundle, makeLead({ events: forms([10, 'contact']) })).stageEnteredAt).toBe(ago(10 * DAY));
    const lead = makeLead({ events: [...forms([10, 'contact']), event('page_view', ago(5 * DAY))] });
    expect(both(bundle, lead).stageEnteredAt).toBe(ago(10 * DAY));
  });
});

describe('replays decided from score lower bounds', () => {
  // `when` rules exact, per rules by the decayed events surely in their windows (never more
  // than they add): a lower bound of the score, checked against the exact replay.
  const eng = (extra: ScoringModelFileRule[] = []) => model('eng', [
    whenRule('recent', { event: 'email_click', within: '5d' }, 40),
    perRule('clicks', { event: 'email_click', within: '90d' }, 10, 30),
    ...extra,
  ], { decay: { halfLife: '30d' } });
  const events = [...clicks(60, 40, 12, 4, 3, 1), event('page_view', ago(2 * DAY)), event('page_view', ago(8 * DAY))];

  for (const [name, condition, entered] of [
    ['score.total gte (the `when` rule alone decides it at every click)', { field: 'score.total', gte: 40 }, 60],
    ['score.eng gt', { field: 'score.eng', gt: 45 }, 60],
    ['a bound that cannot decide (40 < 55): exact scores, 40 + 10 + 6.3 at 40 days', { field: 'score.eng', gte: 55 }, 40],
    ['not around a score test', { not: { field: 'score.eng', lt: 20 } }, 60],
    ['any with an event test (70 reached 3 days ago, page views after)', { any: [{ field: 'score.total', gte: 70 }, { event: 'page_view', within: '1d' }] }, 3],
  ] as [string, Condition, number][]) {
    it(`agree with the exact replay: ${name}`, () => {
      const bundle = makeBundle({ models: [eng()], stages: [stage('subscriber'), stage('hot', condition)] });
      const outcome = both(bundle, makeLead({ events }));
      expect([outcome.stage, outcome.stageEnteredAt]).toEqual(['hot', ago(entered * DAY)]);
    });
  }

  it('bound a per rule by its newest matching events (with a count test: by 0)', () => {
    const parts = (count: boolean): BundleParts => ({
      models: [model('eng', [perRule('clicks', { event: 'email_click', where: { field: 'campaign', ne: 'spam' }, ...(count ? { count: { gte: 1 } } : {}) }, 10, 25)], { decay: { halfLife: '30d' } })],
      stages: [stage('subscriber'), stage('hot', { field: 'score.eng', gte: 15 })],
    });
    // 20 days ago 7.9 + 10 = 18 holds; at the spam click 10 days ago 6.3 + 7.9 = 14 does not;
    // 1 day ago 5.1 + 6.4 + 10 = 22 holds again (the three newest clicks are all of them here).
    const click = (d: number, campaign: string) => event('email_click', ago(d * DAY), { campaign });
    const lead = makeLead({ events: [click(30, 'fall'), click(20, 'fall'), click(10, 'spam'), click(1, 'winter')] });
    for (const count of [false, true]) {
      const outcome = both(makeBundle(parts(count)), lead);
      expect([outcome.stage, outcome.stageEnteredAt]).toEqual(['hot', ago(1 * DAY)]);
    }
  });

  it('do not bound a model whose per rules can take points away (the exact replay decides)', () => {
    const bundle = makeBundle({
      models: [eng([perRule('views', { event: 'page_view' }, -3)])],
      stages: [stage('subscriber'), stage('hot', { field: 'score.total', gte: 40 })],
    });
    const outcome = both(bundle, makeLead({ events }));
    expect([outcome.stage, outcome.stageEnteredAt]).toEqual(['hot', ago(60 * DAY)]);
  });
});

describe('copies of one event test', () => {
  it('share what they remember only when their `where` is the same (JSON writes Infinity and -Infinity alike)', () => {
    const bundle = makeBundle({
      models: [model('m', [perRule('big', { event: 'page_view', where: { field: 'n', gt: Infinity } }, 10)])],
      stages: [stage('subscriber'), stage('any', { event: 'page_view', where: { field: 'n', gt: -Infinity } })],
    });
    const outcome = both(bundle, makeLead({ events: [event('page_view', ago(DAY), { n: 5 })] }));
    expect([outcome.score.m, outcome.stage]).toEqual([0, 'any']);
  });

  it('bound the scores of models with different half-lives counting the same events, each with its own decay', () => {
    const views = (id: string, halfLife: string) => model(id, [perRule('views', { event: 'page_view', within: '30d' }, 4, 20)], { decay: { halfLife } });
    const bundle = makeBundle({
      models: [views('slow', '30d'), views('fast', '3d')],
      stages: [stage('subscriber'), stage('busy', { field: 'score.total', gte: 12 })],
    });
    const lead = makeLead({ events: [20, 12, 9, 6, 4, 3, 2, 1].map((d) => event('page_view', ago(d * DAY))) });
    const outcome = both(bundle, lead);
    expect(outcome.stage).toBe('busy');
    expect(outcome.score.slow!).toBeGreaterThan(outcome.score.fast!);
  });
});

describe('replays over stretches of event times', () => {
  // A stage whose condition can stop holding (a window) is asked, walking back, whether it held
  // over a whole stretch of event times at once; these cases put events on the windows' edges.
  const views = (...daysAgo: number[]) => daysAgo.map((d) => event('page_view', ago(d * DAY)));
  const daily = (from: number) => views(...Array.from({ length: from + 1 }, (_, i) => from - i));
  const busy = (count: Record<string, unknown>): BundleParts => ({
    stages: [stage('subscriber'), stage('busy', { event: 'page_view', within: '3d', count } as Condition)],
  });

  it('count a window whose edge falls on an event as the engine does (it is left out)', () => {
    // A view a day from 10 days ago to now: a 3-day window ending on a view holds it and the
    // two before (the one 3 days back sits on the edge), so two or more from 9 days ago on.
    expect(both(makeBundle(busy({ gte: 2 })), makeLead({ events: daily(10) })).stageEnteredAt).toBe(ago(9 * DAY));
    expect(both(makeBundle(busy({ between: [2, 3] })), makeLead({ events: daily(10) })).stageEnteredAt).toBe(ago(9 * DAY));
    expect(both(makeBundle(busy({ gte: 3 })), makeLead({ events: daily(10) })).stageEnteredAt).toBe(ago(8 * DAY));
  });

  it('find the last time the condition failed inside a long stretch', () => {
    // No views 5 and 4 days ago: the window ending 3 days ago holds one view, so the stage
    // was entered again 2 days ago.
    const lead = makeLead({ events: views(10, 9, 8, 7, 6, 3, 2, 1, 0) });
    expect(both(makeBundle(busy({ gte: 2 })), lead).stageEnteredAt).toBe(ago(2 * DAY));
    expect(both(makeBundle(busy({ between: [2, 3] })), lead).stageEnteredAt).toBe(ago(2 * DAY));
    // `ne` can hold at a stretch's two ends and not between them, so a stretch is never proved
    // from its ends: the counts at 9, 8, 7 and 5.5 days ago and now are 1, 2, 3, 3 and 1.
    expect(both(makeBundle(busy({ ne: 2 })), makeLead({ events: views(9, 8, 7, 5.5, 0) })).stageEnteredAt).toBe(ago(7 * DAY));
  });

  it('bound decayed per rules and negative `when` rules over a stretch exactly like the reference', () => {
    const parts: BundleParts = {
      models: [
        model('fit', [whenRule('big', { field: 'company.employees', gte: 100 }, 5)]),
        model('eng', [
          perRule('clicks', { event: 'email_click', within: '14d' }, 10, 40),
          perRule('docs', { event: 'page_view', within: '10d', where: { field: 'url', contains: '/docs/' } }, 2, 10),
          whenRule('quiet', { not: { event: 'page_view', within: '2d' } }, -5),
        ], { decay: { halfLife: '7d' } }),
      ],
      stages: [stage('subscriber'), stage('hot', { field: 'score.total', gte: 20 })],
    };
    const events = [
      ...clicks(30, 12, 11, 9, 8, 6, 5, 3, 2, 1),
      ...[13, 10, 7, 4, 1].map((d) => event('page_view', ago(d * DAY + HOUR), { url: d % 2 === 0 ? '/docs/setup' : '/pricing' })),
    ];
    const lead = makeLead({ company: { employees: 500 }, events });
    const outcome = both(makeBundle(parts), lead);
    expect(outcome.stage).toBe('hot');
    // Held over a stretch of several clicks before now, not only at the last event.
    expect(Date.parse(outcome.stageEnteredAt!)).toBeLessThanOrEqual(Date.parse(ago(5 * DAY)));
    // Every event a minute later (the windows' edges move past other events): still the reference's answer.
    const shifted = makeLead({ ...lead, events: events.map((e) => ({ ...e, at: ago(Date.parse(NOW) - Date.parse(e.at) - MINUTE) })) });
    expect(both(makeBundle(parts), shifted).stage).toBe('hot');
  });
});
