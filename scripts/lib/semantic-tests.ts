/**
 * Checks of rules/tests (DESIGN 3.9): what a case expects must name things that exist (rules,
 * personas, stages, grades, commitments, score models), and expected scores must be reachable.
 */
import { listNames, type SemanticContext } from './semantic-context';
import { describeRange, fullInterval, intersect, isEmpty, type Interval } from './semantic-ranges';
import { checkStageName } from './semantic-sla';
import { didYouMean } from './rules-suggest';
import type { DataPath } from './schema-validator';

export function checkTests(ctx: SemanticContext): void {
  const ruleIds = [...ctx.ruleIds.keys()];
  const models = [...ctx.models.keys()];
  for (const file of ctx.tests) {
    file.data.cases.forEach((testCase, index) => {
      const path: DataPath = ['cases', index];
      const expect = testCase.expect;
      if (typeof testCase.lead.stage === 'string') checkStageName(ctx, file, [...path, 'lead', 'stage'], testCase.lead.stage);
      for (const list of ['fired', 'notFired'] as const) {
        (expect[list] ?? []).forEach((id, i) => {
          if (ctx.ruleIds.has(id)) return;
          ctx.report(file, [...path, 'expect', list, i], 'unknown-rule', `unknown rule ${id}${didYouMean(id, ruleIds, '; ', '') || ': no scoring model has a rule with this id'}`);
        });
      }
      if (typeof expect.persona === 'string' && !ctx.personaIds.includes(expect.persona)) {
        const hint = didYouMean(expect.persona, ctx.personaIds, '; ', '');
        ctx.report(file, [...path, 'expect', 'persona'], 'unknown-persona', `unknown persona ${expect.persona}${hint || `: personas are ${listNames(ctx.personaIds)} (null for none)`}`);
      }
      if (expect.stage !== undefined) checkStageName(ctx, file, [...path, 'expect', 'stage'], expect.stage);
      if (expect.grade !== undefined && !ctx.grades.includes(expect.grade)) {
        ctx.report(file, [...path, 'expect', 'grade'], 'unknown-grade', `unknown grade ${expect.grade}: the grade bands are ${listNames(ctx.grades)}${didYouMean(expect.grade, ctx.grades, '; ', '')}`);
      }
      for (const id of Object.keys(expect.sla ?? {})) {
        if (ctx.commitmentIds.includes(id)) continue;
        const hint = didYouMean(id, ctx.commitmentIds, '; ', '');
        ctx.report(file, [...path, 'expect', 'sla', id], 'unknown-commitment', `unknown commitment ${id}${hint || `: commitments are ${listNames(ctx.commitmentIds)}`}`, { key: true });
      }
      for (const [id, expected] of Object.entries(expect.score ?? {})) {
        const where: DataPath = [...path, 'expect', 'score', id];
        const range = ctx.scoreRanges.get(id);
        if (!range) {
          const hint = didYouMean(id, ['total', ...models], '; ', '');
          ctx.report(file, where, 'unknown-model', `unknown score model ${id}${hint || `: scores are total and ${listNames(models)}`}`, { key: true });
          continue;
        }
        if (expected === undefined) continue;
        if (isEmpty(intersect(fullInterval(range), expectedInterval(expected)))) {
          ctx.report(file, where, 'unreachable-threshold', `the expected score ${id} can never happen: ${id === 'total' ? 'score.total' : `score.${id}`} ranges ${describeRange(range)}`);
        }
      }
    });
  }
}

function expectedInterval(expected: number | { gt?: number; gte?: number; lt?: number; lte?: number }): Interval {
  if (typeof expected === 'number') return { lo: { value: expected, inclusive: true }, hi: { value: expected, inclusive: true }, integer: false };
  const lo = expected.gt !== undefined ? { value: expected.gt, inclusive: false } : { value: expected.gte ?? Number.NEGATIVE_INFINITY, inclusive: true };
  const hi = expected.lt !== undefined ? { value: expected.lt, inclusive: false } : { value: expected.lte ?? Number.POSITIVE_INFINITY, inclusive: true };
  return { lo, hi, integer: false };
}
