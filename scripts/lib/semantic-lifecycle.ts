/**
 * Checks of personas and the lifecycle (DESIGN 3.5, 3.6) that schemas cannot express: grade bands
 * that can be reached, stages in lifecycle order, and personas and stages that can match at all.
 */
import { canonicalJson } from './canonical-json';
import { checkCondition, derivedValue, type Verdict } from './semantic-conditions';
import { listNames, type NumberRange, type RulesFile, type SemanticContext } from './semantic-context';
import { describeRange } from './semantic-ranges';
import { didYouMean } from './rules-suggest';
import type { DataPath } from './schema-validator';

/** The usual funnel, lowest first: repositories may leave stages out or add their own, not reorder these. */
export const WELL_KNOWN_STAGES = ['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'];

export function checkPersonas(ctx: SemanticContext): void {
  const file = ctx.personas;
  if (!file) return;
  const seen = new Map<string, number>();
  file.data.personas.forEach((persona, index) => {
    const path: DataPath = ['personas', index, 'when'];
    const verdict = checkCondition(ctx, file, path, persona.when, { owner: 'persona' });
    reportNever(ctx, file, verdict, path, `persona ${persona.id} can never match`);
    // First match wins: a later persona with the very same condition is never chosen.
    const key = canonicalJson(persona.when);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const first = file.data.personas[earlier]!;
      ctx.report(
        file,
        path,
        'shadowed-persona',
        `persona ${persona.id} can never match: persona ${first.id} (${ctx.where({ file, path: ['personas', earlier, 'id'] })}) comes first with the same condition`,
        { key: true },
      );
    } else seen.set(key, index);
  });
}

export function checkStages(ctx: SemanticContext): void {
  const file = ctx.lifecycle;
  if (!file) return;
  let highest: { id: string; rank: number } | undefined;
  file.data.stages.forEach((stage, index) => {
    const rank = WELL_KNOWN_STAGES.indexOf(stage.id);
    if (rank !== -1) {
      if (highest && rank < highest.rank) {
        ctx.report(
          file,
          ['stages', index, 'id'],
          'stage-order',
          `stage ${stage.id} comes after ${highest.id}; stages go lowest first, and the usual ones keep the order ${WELL_KNOWN_STAGES.join(', ')}`,
        );
      } else highest = { id: stage.id, rank };
    }
    const path: DataPath = ['stages', index, 'when'];
    if (stage.when) {
      if (stage.manual) {
        ctx.report(file, path, 'manual-stage-when', `stage ${stage.id} is manual, so its when is never used: manual stages are only recorded, never computed`, {
          key: true,
          severity: 'warning',
        });
      }
      const verdict = checkCondition(ctx, file, path, stage.when, { owner: 'stage' });
      reportNever(ctx, file, verdict, path, `stage ${stage.id} can never be reached`);
    } else if (!stage.manual && index > 0) {
      ctx.report(
        file,
        ['stages', index, 'id'],
        'never-matches',
        `stage ${stage.id} can never be reached: it has no when and is not manual (only the first stage may have neither)`,
      );
    }
  });
}

function reportNever(ctx: SemanticContext, file: RulesFile, verdict: Verdict, path: DataPath, what: string): void {
  if (!verdict.never || verdict.reported) return;
  ctx.report(file, verdict.path ?? path, 'never-matches', `${what}: ${verdict.reason ?? 'its condition can never hold'}`);
}

export { reportNever };

/**
 * grade.from names a number (a numeric field or a score); bands are highest first, each but the
 * last with one bound, the last with none; every band must be reachable.
 */
export function checkGrade(ctx: SemanticContext): void {
  const file = ctx.lifecycle;
  if (!file) return;
  const { from, bands } = file.data.grade;
  const range = gradeSourceRange(ctx, file, from);

  const seen = new Map<string, number>();
  bands.forEach((band, index) => {
    const earlier = seen.get(band.grade);
    if (earlier !== undefined) {
      ctx.report(file, ['grade', 'bands', index, 'grade'], 'duplicate-grade', `grade ${band.grade} is already band ${earlier + 1}`);
    } else seen.set(band.grade, index);
  });

  // Every value below `ceiling` is still free for later bands (earlier bands took the rest).
  let ceiling: { value: number; inclusive: boolean; grade: string; source: string } | undefined;
  const domain = range ?? { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY, integer: false };
  bands.forEach((band, index) => {
    const path: DataPath = ['grade', 'bands', index];
    const last = index === bands.length - 1;
    const bounds = (['gte', 'gt'] as const).filter((op) => band[op] !== undefined);
    if (bounds.length === 2) {
      ctx.report(file, [...path, 'gt'], 'grade-band-bound', `band ${band.grade} has both gte and gt; give it one bound`, { key: true });
      return;
    }
    const op = bounds[0];
    if (!op) {
      if (!last) {
        ctx.report(file, path, 'grade-band-bound', `band ${band.grade} has no bound (gte or gt); only the last band may leave it out`);
        return;
      }
      if (ceiling && !holdsBelow(domain, ceiling)) {
        ctx.report(
          file,
          path,
          'unreachable-grade',
          `grade ${band.grade} can never be given: band ${ceiling.grade} (${ceiling.source}) already takes every ${from}, which ranges ${describeRange(domain)}`,
        );
      }
      return;
    }
    const bound = band[op]!;
    const source = `${op} ${bound}`;
    if (last) {
      ctx.report(file, [...path, op], 'grade-band-bound', `the last band (${band.grade}) must have no bound: it takes every value below the others`, { key: true });
      return;
    }
    if (range && !reaches(domain, op, bound)) {
      ctx.report(file, [...path, op], 'unreachable-threshold', `band ${band.grade} (${source}) can never hold: ${from} ranges ${describeRange(domain)} (the points and caps of its rules)`);
      return;
    }
    // Earlier bands took every value from the ceiling up; this band needs something below it.
    const shadowed = ceiling && (op === 'gte' ? !(bound < ceiling.value || (bound === ceiling.value && !ceiling.inclusive)) : !(bound < ceiling.value));
    if (ceiling && shadowed) {
      ctx.report(
        file,
        [...path, op],
        'unreachable-grade',
        `band ${band.grade} (${source}) can never hold: band ${ceiling.grade} (${ceiling.source}) comes first and takes every value it would; bands go highest first`,
      );
      return;
    }
    if (!ceiling || bound < ceiling.value) ceiling = { value: bound, inclusive: op === 'gte', grade: band.grade, source };
    else if (bound === ceiling.value && op === 'gte') ceiling = { ...ceiling, inclusive: true };
  });
}

/** Whether some value of the domain is below the ceiling (not taken by an earlier band). */
function holdsBelow(domain: NumberRange, ceiling: { value: number; inclusive: boolean }): boolean {
  const lowest = domain.integer ? Math.ceil(domain.lo) : domain.lo;
  return ceiling.inclusive ? lowest < ceiling.value : lowest <= ceiling.value;
}

function reaches(domain: NumberRange, op: 'gte' | 'gt', bound: number): boolean {
  if (op === 'gte') return domain.integer ? Math.floor(domain.hi) >= bound : domain.hi >= bound;
  return domain.integer ? Math.floor(domain.hi) > bound : domain.hi > bound;
}

/** The range grade.from can take (scores only), after checking it names a number. */
function gradeSourceRange(ctx: SemanticContext, file: RulesFile, from: string): NumberRange | undefined {
  const path: DataPath = ['grade', 'from'];
  const derived = derivedValue(ctx, from);
  if (derived === 'unknown-model') {
    const candidates = ['score.total', ...[...ctx.models.keys()].map((id) => `score.${id}`)];
    ctx.report(file, path, 'unknown-model', `unknown score ${from}${didYouMean(from, candidates, '; ', '') || `: scores are ${listNames(candidates)}`}`);
    return undefined;
  }
  if (derived) {
    if (derived.derived !== 'score') {
      ctx.report(file, path, 'derived-not-allowed', `grade.from cannot be ${from}: it must be a number field or a score (score.total, score.<model>)`);
      return undefined;
    }
    return derived.range;
  }
  const field = ctx.fields.get(from);
  if (!field) {
    ctx.report(file, path, 'unknown-field', `unknown field ${from}${didYouMean(from, [...ctx.fields.keys(), 'score.total'], '; ', '') || ': declare it under fields in rules/fields.yaml'}`);
    return undefined;
  }
  if (field.type !== 'number') {
    ctx.report(file, path, 'grade-from-type', `grade.from must be a number field or a score; ${from} is a ${field.type} field`);
  }
  return undefined;
}
