/**
 * Conditions (DESIGN 3.3, index.ts "Values", "Operators", "Events"): each is checked through a
 * one-rule scoring model, so the test goes through the public compileRules/evaluate API.
 */
import { describe, expect, it } from 'vitest';
import type { Condition, Lead } from '../../extension/engine/generated/rules';
import { compileRules, evaluate } from '../../extension/engine/index';
import { ago, DAY, event, HOUR, makeBundle, makeLead, model, NOW, NOW_MS, whenRule } from '../support/bundles';

/** Whether `when` holds for the lead at `now`: a rule worth 1 point in model `t` fires or not. */
function holds(when: Condition, lead: Record<string, unknown>, now: string | number = NOW): boolean {
  // Leads here may break the Lead type on purpose ("5" employees, a string company).
  const outcome = evaluate(compileRules(makeBundle({ models: [model('t', [whenRule('r', when, 1)])] })), makeLead(lead as Partial<Lead>), now);
  expect(outcome.fired.length).toBe(outcome.score.t); // fired exactly when it scored
  return outcome.score.t === 1;
}

describe('field tests on text', () => {
  it('eq ignores case and surrounding white space on both sides', () => {
    expect(holds({ field: 'title', eq: 'vp sales' }, { title: '  VP Sales\t' })).toBe(true);
    expect(holds({ field: 'title', eq: ' VP SALES ' }, { title: 'vp sales' })).toBe(true);
    expect(holds({ field: 'title', eq: 'vp  sales' }, { title: 'vp sales' })).toBe(false); // inner spaces count
  });

  it('eq compares anything but two strings strictly: 5 is not "5", true is not "true"', () => {
    expect(holds({ field: 'company.employees', eq: 5 }, { company: { employees: '5' } })).toBe(false);
    expect(holds({ field: 'company.employees', eq: '5' }, { company: { employees: 5 } })).toBe(false);
    expect(holds({ field: 'properties.budget_confirmed', eq: true }, { properties: { budget_confirmed: 'true' } })).toBe(false);
    expect(holds({ field: 'properties.budget_confirmed', eq: true }, { properties: { budget_confirmed: true } })).toBe(true);
    expect(holds({ field: 'company.employees', eq: 5 }, { company: { employees: 5 } })).toBe(true);
  });

  it('ne and notIn are the negations of eq and in on a present value', () => {
    expect(holds({ field: 'title', ne: 'cto' }, { title: ' CTO ' })).toBe(false);
    expect(holds({ field: 'title', ne: 'ceo' }, { title: 'CTO' })).toBe(true);
    expect(holds({ field: 'company.industry', notIn: ['software', 'SaaS'] }, { company: { industry: ' saas' } })).toBe(false);
    expect(holds({ field: 'company.industry', notIn: ['software', 'SaaS'] }, { company: { industry: 'retail' } })).toBe(true);
  });

  it('in matches any listed value, text ignoring case and white space, others strictly', () => {
    expect(holds({ field: 'company.industry', in: ['Software', ' FINTECH '] }, { company: { industry: 'fintech' } })).toBe(true);
    expect(holds({ field: 'company.employees', in: [10, 200] }, { company: { employees: 200 } })).toBe(true);
    expect(holds({ field: 'company.employees', in: ['200'] }, { company: { employees: 200 } })).toBe(false);
  });

  it('contains, startsWith and endsWith trim and lower-case both sides', () => {
    const lead = { title: '  Head of DATA Platform ' };
    expect(holds({ field: 'title', contains: 'DATA' }, lead)).toBe(true);
    expect(holds({ field: 'title', contains: ' data ' }, lead)).toBe(true); // the expected text is trimmed too
    expect(holds({ field: 'title', startsWith: 'head of' }, lead)).toBe(true);
    expect(holds({ field: 'title', endsWith: 'PLATFORM' }, lead)).toBe(true);
    expect(holds({ field: 'title', startsWith: 'data' }, lead)).toBe(false);
    expect(holds({ field: 'title', endsWith: 'head' }, lead)).toBe(false);
  });

  it('text operators do not hold on numbers or booleans', () => {
    expect(holds({ field: 'company.employees', contains: '2' }, { company: { employees: 200 } })).toBe(false);
    expect(holds({ field: 'company.employees', startsWith: '2' }, { company: { employees: 200 } })).toBe(false);
    expect(holds({ field: 'properties.budget_confirmed', matches: 'true' }, { properties: { budget_confirmed: true } })).toBe(false);
  });

  it('matches is a case-insensitive regular expression on the trimmed text', () => {
    expect(holds({ field: 'title', matches: '\\b(vp|chief)\\b' }, { title: 'Chief Data Officer' })).toBe(true);
    expect(holds({ field: 'title', matches: '^ceo$' }, { title: '  CEO  ' })).toBe(true);
    expect(holds({ field: 'title', matches: '\\bvp\\b' }, { title: 'MVP builder' })).toBe(false);
  });

  it('matches gives the same answer lead after lead (no state kept in the expression)', () => {
    const rules = compileRules(makeBundle({ models: [model('t', [whenRule('r', { field: 'title', matches: 'data' }, 1)])] }));
    const answers = ['data lead', 'data lead', 'Data engineer', 'sales'].map((title) =>
      evaluate(rules, makeLead({ title }), NOW).score.t);
    expect(answers).toEqual([1, 1, 1, 0]);
  });
});

describe('field tests on numbers and dates', () => {
  it('gt, gte, lt and lte compare numbers, bounds included or not as named', () => {
    const lead = { company: { employees: 200 } };
    expect(holds({ field: 'company.employees', gte: 200 }, lead)).toBe(true);
    expect(holds({ field: 'company.employees', gt: 200 }, lead)).toBe(false);
    expect(holds({ field: 'company.employees', lte: 200 }, lead)).toBe(true);
    expect(holds({ field: 'company.employees', lt: 200 }, lead)).toBe(false);
    expect(holds({ field: 'company.employees', gt: 199.5 }, lead)).toBe(true);
  });

  it('between is inclusive at both ends', () => {
    const between = { field: 'company.employees', between: [200, 999] } as Condition;
    expect(holds(between, { company: { employees: 199 } })).toBe(false);
    expect(holds(between, { company: { employees: 200 } })).toBe(true);
    expect(holds(between, { company: { employees: 999 } })).toBe(true);
    expect(holds(between, { company: { employees: 1000 } })).toBe(false);
  });

  it('ordering a number against text, or text against a number, does not hold', () => {
    expect(holds({ field: 'company.employees', gt: 10 }, { company: { employees: '200' } })).toBe(false);
    expect(holds({ field: 'company.employees', lt: '2026-01-01' }, { company: { employees: 200 } })).toBe(false);
    expect(holds({ field: 'properties.budget_confirmed', gt: 0 }, { properties: { budget_confirmed: true } })).toBe(false);
  });

  it('two texts compare as instants, whatever their offsets', () => {
    // 12:00+01:00 is 11:00Z, after 10:00Z.
    const lead = { properties: { signed_up: '2026-11-19T12:00:00+01:00' } };
    expect(holds({ field: 'properties.signed_up', gt: '2026-11-19T10:00:00Z' }, lead)).toBe(true);
    expect(holds({ field: 'properties.signed_up', lt: '2026-11-19T11:30:00Z' }, lead)).toBe(true);
    expect(holds({ field: 'properties.signed_up', gte: '2026-11-19T11:00:00Z' }, lead)).toBe(true);
    expect(holds({ field: 'properties.signed_up', gt: '2026-11-19T11:00:00Z' }, lead)).toBe(false);
    expect(holds({ field: 'properties.signed_up', between: ['2026-11-19', '2026-11-20'] }, lead)).toBe(true);
  });

  it('a date-time without an offset is UTC, a date is midnight UTC', () => {
    // 10:30 UTC, not 10:30 in the machine's zone.
    expect(holds({ field: 'properties.signed_up', gt: '2026-11-19T10:00:00Z' }, { properties: { signed_up: '2026-11-19T10:30:00' } })).toBe(true);
    expect(holds({ field: 'properties.signed_up', lt: '2026-11-19T10:31:00Z' }, { properties: { signed_up: '2026-11-19T10:30:00' } })).toBe(true);
    expect(holds({ field: 'properties.signed_up', lt: '2026-11-19T00:00:01Z' }, { properties: { signed_up: '2026-11-19' } })).toBe(true);
    expect(holds({ field: 'properties.signed_up', gte: '2026-11-19T00:00:00Z' }, { properties: { signed_up: '2026-11-19' } })).toBe(true);
  });

  it('an unparseable date, or a non-ISO one, never holds in either direction', () => {
    for (const signed_up of ['soon', 'Nov 19 2026', '19/11/2026']) {
      expect(holds({ field: 'properties.signed_up', gt: '2000-01-01T00:00:00Z' }, { properties: { signed_up } })).toBe(false);
      expect(holds({ field: 'properties.signed_up', lt: '2100-01-01T00:00:00Z' }, { properties: { signed_up } })).toBe(false);
    }
    expect(holds({ field: 'properties.signed_up', lt: 'someday' }, { properties: { signed_up: '2026-11-19' } })).toBe(false);
  });
});

describe('missing and null values', () => {
  const operators: Condition[] = [
    { field: 'title', eq: 'x' }, { field: 'title', ne: 'x' }, { field: 'title', in: ['x'] }, { field: 'title', notIn: ['x'] },
    { field: 'title', gt: 1 }, { field: 'title', gte: 1 }, { field: 'title', lt: 1 }, { field: 'title', lte: 1 },
    { field: 'title', between: [0, 1] }, { field: 'title', contains: 'x' }, { field: 'title', startsWith: 'x' },
    { field: 'title', endsWith: 'x' }, { field: 'title', matches: '.*' }, { field: 'title', exists: true },
  ] as Condition[];

  it('make every operator false, ne and notIn included', () => {
    for (const op of operators) {
      expect(holds(op, {}), JSON.stringify(op)).toBe(false);
      expect(holds(op, { title: null }), JSON.stringify(op)).toBe(false);
    }
  });

  it('make exists: false true, and exists: true false', () => {
    expect(holds({ field: 'title', exists: false }, {})).toBe(true);
    expect(holds({ field: 'title', exists: false }, { title: null })).toBe(true);
    expect(holds({ field: 'title', exists: false }, { title: '' })).toBe(false); // empty text exists
    expect(holds({ field: 'properties.tags', exists: true }, { properties: { tags: [] } })).toBe(true); // so does an empty list
  });

  it('a path through a missing, null or non-object parent is missing', () => {
    for (const company of [undefined, null, 'Acme', 42, []]) {
      const lead = company === undefined ? {} : { company };
      expect(holds({ field: 'company.employees', exists: false }, lead), String(company)).toBe(true);
      expect(holds({ field: 'company.employees', ne: 5 }, lead), String(company)).toBe(false);
    }
  });

  it('names inherited from Object or Array prototypes are not fields', () => {
    expect(holds({ field: 'constructor', exists: true }, {})).toBe(false);
    expect(holds({ field: 'company.toString', exists: true }, { company: { name: 'Acme' } })).toBe(false);
    // A list's length is its own property, so it is read like any other key.
    expect(holds({ field: 'properties.tags.length', eq: 1 }, { properties: { tags: ['a'] } })).toBe(true);
    expect(holds({ field: 'properties.tags.map', exists: true }, { properties: { tags: ['a'] } })).toBe(false);
    expect(holds({ field: 'title.length', exists: true }, { title: 'CEO' })).toBe(false);
    expect(holds({ field: 'properties.constructor', eq: 'x' }, { properties: { constructor: 'x' } })).toBe(true); // an own key is read
  });
});

describe('field tests on lists', () => {
  const lead = { properties: { tags: [' Evaluating ', 'newsletter', 7] } };

  it('contains means "has an element equal to", not a substring of an element', () => {
    expect(holds({ field: 'properties.tags', contains: 'evaluating' }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', contains: 'eval' }, lead)).toBe(false);
  });

  it('eq, in, startsWith, endsWith, matches and the orderings hold when any element does', () => {
    expect(holds({ field: 'properties.tags', eq: 'NEWSLETTER' }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', in: ['x', 'newsletter'] }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', startsWith: 'news' }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', endsWith: 'ING' }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', matches: '^eval' }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', gt: 6 }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', lt: 7 }, lead)).toBe(false);
    expect(holds({ field: 'properties.tags', between: [7, 7] }, lead)).toBe(true);
  });

  it('ne and notIn hold when no element matches', () => {
    expect(holds({ field: 'properties.tags', ne: 'newsletter' }, lead)).toBe(false);
    expect(holds({ field: 'properties.tags', ne: 'churned' }, lead)).toBe(true);
    expect(holds({ field: 'properties.tags', notIn: ['churned', 7] }, lead)).toBe(false);
    expect(holds({ field: 'properties.tags', notIn: ['churned', 8] }, lead)).toBe(true);
  });

  it('an empty list matches nothing, so ne and notIn hold', () => {
    const empty = { properties: { tags: [] } };
    expect(holds({ field: 'properties.tags', eq: 'x' }, empty)).toBe(false);
    expect(holds({ field: 'properties.tags', contains: 'x' }, empty)).toBe(false);
    expect(holds({ field: 'properties.tags', ne: 'x' }, empty)).toBe(true);
    expect(holds({ field: 'properties.tags', notIn: ['x'] }, empty)).toBe(true);
  });
});

describe('event tests', () => {
  const views = (...offsets: number[]) => offsets.map((ms) => event('page_view', ago(ms), { url: '/pricing' }));

  it('count events with now - within < at <= now: the window start is excluded, now included', () => {
    const test = { event: 'page_view', within: '1d' } as Condition;
    expect(holds(test, { events: views(DAY) })).toBe(false); // exactly one day ago: out
    expect(holds(test, { events: views(DAY - 1) })).toBe(true); // a millisecond later: in
    expect(holds(test, { events: views(0) })).toBe(true); // at now: in
  });

  it('never count events after now, with or without a window', () => {
    expect(holds({ event: 'page_view' }, { events: views(-1) })).toBe(false);
    expect(holds({ event: 'page_view', within: '1d' }, { events: views(-HOUR) })).toBe(false);
    expect(holds({ event: 'page_view', count: { eq: 1 } }, { events: views(-HOUR, HOUR, -DAY) })).toBe(true);
  });

  it('without within, count every past event', () => {
    expect(holds({ event: 'page_view', count: { eq: 3 } }, { events: views(400 * DAY, 30 * DAY, 0) })).toBe(true);
  });

  it('count defaults to at least one and takes any comparison', () => {
    const events = views(HOUR, 2 * HOUR, 3 * HOUR);
    expect(holds({ event: 'page_view' }, { events })).toBe(true);
    expect(holds({ event: 'page_view' }, { events: [] })).toBe(false);
    expect(holds({ event: 'page_view', count: { gte: 3 } }, { events })).toBe(true);
    expect(holds({ event: 'page_view', count: { gt: 3 } }, { events })).toBe(false);
    expect(holds({ event: 'page_view', count: { lt: 3 } }, { events })).toBe(false);
    expect(holds({ event: 'page_view', count: { lte: 3 } }, { events })).toBe(true);
    expect(holds({ event: 'page_view', count: { ne: 3 } }, { events })).toBe(false);
    expect(holds({ event: 'page_view', count: { between: [2, 3] } }, { events })).toBe(true);
    expect(holds({ event: 'page_view', count: { between: [4, 9] } }, { events })).toBe(false);
    expect(holds({ event: 'page_view', count: { eq: 0 } }, { events: [] })).toBe(true); // "never did it"
    expect(holds({ event: 'page_view', within: '90m', count: { eq: 1 } }, { events })).toBe(true);
  });

  it('where reads the event props, ignoring case and white space', () => {
    const events = [event('page_view', ago(HOUR), { url: ' /Pricing/Enterprise' }), event('page_view', ago(HOUR), { url: '/docs' })];
    expect(holds({ event: 'page_view', where: { field: 'url', startsWith: '/pricing' } }, { events })).toBe(true);
    expect(holds({ event: 'page_view', where: { field: 'url', contains: '/blog' } }, { events })).toBe(false);
    expect(holds({ event: 'page_view', where: { field: 'url', contains: '/' }, count: { eq: 2 } }, { events })).toBe(true);
    // A prop the event does not have is missing; a lead field is not visible inside where.
    expect(holds({ event: 'page_view', where: { field: 'form', exists: false }, count: { eq: 2 } }, { events })).toBe(true);
    expect(holds({ event: 'page_view', where: { field: 'title', eq: 'cto' } }, { title: 'CTO', events })).toBe(false);
  });

  it('a list of types counts each event of any of them once', () => {
    const events = [event('email_click', ago(HOUR)), event('call', ago(HOUR)), event('page_view', ago(HOUR))];
    expect(holds({ event: ['email_click', 'call', 'call'], count: { eq: 2 } }, { events })).toBe(true);
    expect(holds({ event: ['meeting_booked'] }, { events })).toBe(false);
  });

  it('an event type is an exact name', () => {
    expect(holds({ event: 'page_view' }, { events: [event('Page_View', ago(HOUR))] })).toBe(false);
  });

  it('ignores events that are not objects or whose at is missing or not ISO; reads any ISO offset', () => {
    const events = [null, 7, 'page_view', { type: 'page_view' }, { type: 'page_view', at: 'yesterday' },
      { type: 'page_view', at: NOW_MS - HOUR }, { type: 'page_view', at: '2026-11-20T12:30:00+01:00' }];
    // Only the last counts: 12:30+01:00 is 11:30Z, before now.
    expect(holds({ event: 'page_view', count: { eq: 1 } }, { events: events as Lead['events'] })).toBe(true);
    expect(holds({ event: 'page_view', within: '1h', count: { eq: 1 } }, { events: [{ type: 'page_view', at: '2026-11-20T11:30:00' }] })).toBe(true);
    expect(holds({ event: 'page_view' }, { events: null as unknown as Lead['events'] })).toBe(false);
    expect(holds({ event: 'page_view' }, { events: 'many' as unknown as Lead['events'] })).toBe(false);
  });

  it('counts events whatever their order in the lead', () => {
    const events = views(2 * HOUR, 30 * DAY, 0, 5 * DAY, HOUR);
    expect(holds({ event: 'page_view', within: '1w', count: { eq: 4 } }, { events })).toBe(true);
  });

  it('an event test nested inside where still looks at the lead\'s events', () => {
    const events = [event('form_submit', ago(HOUR), { form: 'demo' }), event('call', ago(2 * HOUR))];
    expect(holds({ event: 'form_submit', where: { event: 'call', within: '1d' } }, { events })).toBe(true);
    expect(holds({ event: 'form_submit', where: { event: 'meeting_booked' } }, { events })).toBe(false);
  });
});

describe('combinators and derived values', () => {
  const lead = { title: 'CTO', company: { employees: 50 } };

  it('all, any and not combine as and, or and negation', () => {
    expect(holds({ all: [{ field: 'title', eq: 'cto' }, { field: 'company.employees', gte: 50 }] }, lead)).toBe(true);
    expect(holds({ all: [{ field: 'title', eq: 'cto' }, { field: 'company.employees', gt: 50 }] }, lead)).toBe(false);
    expect(holds({ any: [{ field: 'title', eq: 'ceo' }, { field: 'company.employees', gt: 10 }] }, lead)).toBe(true);
    expect(holds({ any: [{ field: 'title', eq: 'ceo' }, { field: 'company.employees', gt: 50 }] }, lead)).toBe(false);
    expect(holds({ not: { field: 'title', eq: 'cto' } }, lead)).toBe(false);
    expect(holds({ not: { any: [{ all: [{ field: 'title', eq: 'ceo' }] }, { not: { field: 'title', exists: true } }] } }, lead)).toBe(true);
  });

  it('not of a test on a missing field holds (the test is false, so its negation is true)', () => {
    expect(holds({ not: { field: 'company.industry', eq: 'software' } }, lead)).toBe(true);
  });

  it('stage is never known to a condition, and score.total is not known inside the models', () => {
    expect(holds({ field: 'stage', exists: false }, { stage: 'subscriber' })).toBe(true);
    expect(holds({ field: 'score.total', exists: false }, {})).toBe(true);
    expect(holds({ field: 'grade', exists: false }, {})).toBe(true);
    expect(holds({ field: 'persona', exists: false }, {})).toBe(true);
  });

  it('a lead\'s own score, grade or stage properties are not the derived values', () => {
    expect(holds({ field: 'score.total', eq: 99 }, { score: { total: 99 } })).toBe(false);
    expect(holds({ field: 'grade', eq: 'A' }, { grade: 'A' })).toBe(false);
  });
});
