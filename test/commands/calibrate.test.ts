import { describe, expect, it } from 'vitest';
import { compileRules } from '../../extension/engine';
import type { Lead } from '../../extension/engine/generated/rules';
import { adjustedZScores, calibrate, equivalenceZ, readOutcome, twoProportionZ } from '../../scripts/lib/calibrate';
import { mulberry32 } from '../../scripts/lib/prng';
import { makeBundle, model, NOW_MS, stage, whenRule } from '../support/bundles';


const rules = compileRules(
  makeBundle({
    models: [
      model('fit', [
        whenRule('big-company', { field: 'company.employees', gte: 1000 }, 30),
        whenRule('software', { field: 'company.industry', eq: 'software' }, 10),
        whenRule('free-mail', { field: 'email', endsWith: '@freemail.example' }, 15),
        whenRule('unicorn', { field: 'title', eq: 'Chief Unicorn Officer' }, 5),
        whenRule('nobody', { field: 'title', eq: 'nobody at all' }, 5),
      ]),
    ],
    stages: [stage('subscriber'), stage('mql', { field: 'score.total', gte: 40 })],
  }),
);

/**
 * Leads with planted truths: a big company quadruples the chance to convert, a free-mail address
 * cuts it to a tenth, the industry makes no difference, unicorns are too rare to tell.
 */
function plantedLeads(count: number, seed: number): Lead[] {
  // mulberry32: the planted data is the same on every run.
  const random = mulberry32(seed);
  const leads: Lead[] = [];
  for (let i = 0; i < count; i++) {
    const big = random() < 0.3;
    const software = random() < 0.5;
    const freeMail = random() < 0.2;
    const unicorn = random() < 0.002;
    let p = big ? 0.4 : 0.1;
    if (freeMail) p /= 10;
    const lead: Lead = {
      id: `lead-${i}`,
      email: `person${i}@${freeMail ? 'freemail' : 'company'}.example`,
      title: unicorn ? 'Chief Unicorn Officer' : 'Analyst',
      company: { employees: big ? 5000 : 50, industry: software ? 'Software' : 'Retail' },
      properties: i % 50 === 0 ? {} : { converted: random() < p },
    };
    leads.push(lead);
  }
  return leads;
}

describe('calibrate on leads with planted effects', () => {
  it('finds the useful, the useless and the harmful rule, and leaves the rare ones unjudged', async () => {
    const leads = plantedLeads(6000, 7);
    const report = await calibrate({ rules, leads, outcomeField: 'properties.converted', now: NOW_MS });
    expect(report.leads).toBe(6000);
    expect(report.withoutOutcome).toBe(120);
    const verdicts = Object.fromEntries(report.rules.map((r) => [r.rule, r.verdict]));
    expect(verdicts).toEqual({
      'big-company': 'useful',
      software: 'no-signal',
      'free-mail': 'wrong-direction',
      unicorn: 'insufficient-data',
      nobody: 'never-fires',
    });
    const big = report.rules.find((r) => r.rule === 'big-company')!;
    expect(big.lift!).toBeGreaterThan(1.5);
    const software = report.rules.find((r) => r.rule === 'software')!;
    expect(Math.abs(software.lift! - 1)).toBeLessThan(0.15);

    // The counts agree with a direct count over the leads.
    const known = leads.filter((l) => typeof (l.properties as { converted?: boolean }).converted === 'boolean');
    const bigLeads = known.filter((l) => (l.company?.employees ?? 0) >= 1000);
    expect(big.fired).toBe(bigLeads.length);
    expect(big.firedPositive).toBe(bigLeads.filter((l) => (l.properties as { converted: boolean }).converted).length);

    // The most evident suggestions first; the useful rule is not questioned.
    const kinds = report.suggestions.map((s) => `${s.kind}:${s.subject}`);
    expect(kinds).toContain('wrong-direction:fit/free-mail');
    expect(kinds).toContain('no-signal:fit/software');
    expect(kinds.some((k) => k.includes('big-company'))).toBe(false);
    const evidence = report.suggestions.map((s) => s.evidence);
    expect(evidence).toEqual([...evidence].sort((a, b) => b - a));
  });

  it('measures the MQL stage with precision and recall counted by hand', async () => {
    const leads = plantedLeads(3000, 11);
    const report = await calibrate({ rules, leads, outcomeField: 'properties.converted', now: NOW_MS });
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const lead of leads) {
      const converted = (lead.properties as { converted?: boolean }).converted;
      if (converted === undefined) continue;
      const total =
        ((lead.company?.employees ?? 0) >= 1000 ? 30 : 0) +
        (lead.company?.industry === 'Software' ? 10 : 0) +
        (lead.email!.endsWith('@freemail.example') ? 15 : 0) +
        (lead.title === 'Chief Unicorn Officer' ? 5 : 0);
      const mql = total >= 40;
      if (mql && converted) tp++;
      else if (mql) fp++;
      else if (converted) fn++;
    }
    expect(report.mql).toMatchObject({ stage: 'mql', truePositives: tp, falsePositives: fp, falseNegatives: fn });
    expect(report.mql!.precision).toBeCloseTo(tp / (tp + fp), 10);
    expect(report.mql!.recall).toBeCloseTo(tp / (tp + fn), 10);
    // The curve is ordered by threshold, and recall never rises as the threshold does.
    const recalls = report.thresholds.map((t) => t.recall);
    expect(recalls).toEqual([...recalls].sort((a, b) => b - a));
  });
});

describe('statistics', () => {
  it('computes a two-proportion z by the textbook formula', () => {
    // 60/100 vs 40/100: pooled 0.5, se sqrt(0.25 * 0.02) = 0.0707..., z = 0.2 / 0.0707 = 2.828
    expect(twoProportionZ(60, 100, 40, 100)).toBeCloseTo(2.8284, 3);
    expect(twoProportionZ(0, 0, 4, 10)).toBeNull();
    expect(twoProportionZ(0, 10, 0, 10)).toBeNull();
  });

  it('shows equivalence only with enough data', () => {
    expect(equivalenceZ(200, 1000, 200, 1000)!).toBeGreaterThan(1.645);
    expect(equivalenceZ(2, 10, 2, 10)!).toBeLessThan(1.645);
    expect(equivalenceZ(400, 1000, 200, 1000)!).toBeLessThan(0);
  });

  it('reads outcomes from booleans, numbers and words, and nothing else', () => {
    const lead = (value: unknown): Lead => ({ id: 'x', properties: { won: value } }) as Lead;
    expect(readOutcome(lead(true), 'properties.won')).toBe(true);
    expect(readOutcome(lead(0), 'properties.won')).toBe(false);
    expect(readOutcome(lead(' Closed Won '), 'properties.won')).toBe(true);
    expect(readOutcome(lead('lost'), 'properties.won')).toBe(false);
    expect(readOutcome(lead('maybe'), 'properties.won')).toBeNull();
    expect(readOutcome(lead(null), 'properties.won')).toBeNull();
    expect(readOutcome(lead('customer'), 'properties.missing')).toBeNull();
    expect(readOutcome({ id: 'x', stage: 'Customer' } as Lead, 'stage', 'customer')).toBe(true);
    expect(readOutcome({ id: 'x', stage: 'sql' } as Lead, 'stage', 'customer')).toBe(false);
  });
});

describe('adjusted z (logistic regression over the rules)', () => {
  /**
   * Rule 0 halves the odds; rule 1 has no effect of its own but fires mostly with rule 0; rule 2
   * multiplies the odds by e (coefficient 1). Outcomes are drawn from that model.
   */
  function correlated(count: number, seed: number) {
    const random = mulberry32(seed);
    const firings: Array<{ rules: number[]; positive: boolean }> = [];
    for (let i = 0; i < count; i++) {
      const a = random() < 0.4;
      const b = a ? random() < 0.8 : random() < 0.1;
      const c = random() < 0.5;
      const eta = -1 + (a ? Math.log(0.5) : 0) + (c ? 1 : 0);
      const positive = random() < 1 / (1 + Math.exp(-eta));
      firings.push({ rules: [a ? 0 : -1, b ? 1 : -1, c ? 2 : -1].filter((r) => r >= 0), positive });
    }
    return firings;
  }

  it('separates a rule that merely fires with a harmful one from the harmful one', () => {
    const firings = correlated(20_000, 3);
    const [harmful, bystander, useful] = adjustedZScores(firings, [true, true, true]) as number[];
    expect(harmful).toBeLessThan(-4);
    expect(Math.abs(bystander!)).toBeLessThan(2);
    expect(useful).toBeGreaterThan(10);
    // On its own the bystander looks harmful.
    const fired = firings.filter((f) => f.rules.includes(1));
    const notFired = firings.filter((f) => !f.rules.includes(1));
    const marginal = twoProportionZ(fired.filter((f) => f.positive).length, fired.length, notFired.filter((f) => f.positive).length, notFired.length)!;
    expect(marginal).toBeLessThan(-4);
  });

  it('recovers the coefficient behind the data: z equals the estimate over its standard error', () => {
    // One rule with coefficient 1 and an intercept of -1: the fitted odds ratio is the empirical one (ridge aside).
    const firings = correlated(20_000, 5).map((f) => ({ rules: f.rules.filter((r) => r === 2), positive: f.positive }));
    const [z] = adjustedZScores(firings, [false, false, true]).slice(2) as number[];
    const on = firings.filter((f) => f.rules.length);
    const off = firings.filter((f) => !f.rules.length);
    const p1 = on.filter((f) => f.positive).length / on.length;
    const p0 = off.filter((f) => f.positive).length / off.length;
    const logOdds = Math.log(p1 / (1 - p1)) - Math.log(p0 / (1 - p0));
    const se = Math.sqrt(1 / (p1 * (1 - p1) * on.length) + 1 / (p0 * (1 - p0) * off.length));
    expect(z).toBeCloseTo(logOdds / se, 1);
  });

  it('leaves out rules not judged, and gives up on too few leads', () => {
    const firings = correlated(2_000, 9);
    const z = adjustedZScores(firings, [true, false, true]);
    expect(z[1]).toBeNull();
    expect(typeof z[0]).toBe('number');
    expect(adjustedZScores(firings.slice(0, 2), [true, true, true])).toEqual([null, null, null]);
  });
});
