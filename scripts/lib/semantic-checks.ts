/**
 * The checks that schemas cannot express (DESIGN 3.2-3.9), run on files that all matched their
 * schemas. Each finding has a stable code (see the list in docs of `leadpact validate`) and sits
 * where the problem is. Order: what other checks rely on (score ranges) first.
 */
import type { Diagnostic } from './diagnostics';
import { checkCondition } from './semantic-conditions';
import { listNames, rulesByKind, SemanticContext, type RulesFile } from './semantic-context';
import { checkDuplicateIds } from './semantic-ids';
import { checkGrade, checkPersonas, checkStages, reportNever } from './semantic-lifecycle';
import { checkMappings } from './semantic-mappings';
import { modelRange, sumRanges } from './semantic-ranges';
import { checkSla, checkTimezone } from './semantic-sla';
import { checkTests } from './semantic-tests';
import { didYouMean } from './rules-suggest';
import type { DataPath } from './schema-validator';

export function runSemanticChecks(files: readonly RulesFile[]): Diagnostic[] {
  const { sorted, one, many } = rulesByKind(files);
  const ctx = new SemanticContext(
    one('project'),
    one('fields'),
    many('scoring-model'),
    one('personas'),
    one('lifecycle'),
    one('sla'),
    many('mapping'),
    many('tests'),
  );
  checkFieldNames(ctx);
  if (ctx.project) checkTimezone(ctx, ctx.project, ['timezone'], ctx.project.data.timezone);
  checkOwners(ctx, sorted);
  checkModels(ctx);
  checkDuplicateIds(ctx);
  checkGrade(ctx);
  checkPersonas(ctx);
  checkStages(ctx);
  checkSla(ctx);
  checkMappings(ctx);
  checkTests(ctx);
  return ctx.diagnostics;
}

/** Derived values have fixed names: a field may not take one (a condition could not tell them apart). */
function checkFieldNames(ctx: SemanticContext): void {
  const file = ctx.fieldsFile;
  if (!file) return;
  for (const name of Object.keys(file.data.fields)) {
    if (name === 'grade' || name === 'persona' || name === 'stage' || name === 'score' || name.startsWith('score.')) {
      ctx.report(file, ['fields', name], 'reserved-field', `${name} is a derived value (score.*, grade, persona, stage): choose another field name`, { key: true });
    }
  }
}

function checkModels(ctx: SemanticContext): void {
  for (const file of ctx.modelFiles) {
    const model = file.data;
    if (model.id === 'total') ctx.report(file, ['id'], 'reserved-id', 'a scoring model cannot be called total: score.total is the sum of all models');
    if (model.min !== undefined && model.max !== undefined && model.min > model.max) {
      ctx.report(file, ['min'], 'model-bounds', `min ${model.min} is above max ${model.max}`);
    }
    if (!ctx.scoreRanges.has(model.id)) ctx.scoreRanges.set(model.id, modelRange(model));
  }
  ctx.scoreRanges.set('total', sumRanges([...ctx.models.keys()].map((id) => ctx.scoreRanges.get(id)!)));

  for (const file of ctx.modelFiles) {
    file.data.rules.forEach((rule, index) => {
      const path: DataPath = ['rules', index, rule.per ? 'per' : 'when'];
      const condition = rule.per ?? rule.when;
      if (!condition) return;
      const verdict = checkCondition(ctx, file, path, condition, { owner: 'rule' });
      reportNever(ctx, file, verdict, path, `rule ${rule.id} can never fire`);
    });
  }
}

/** Every owner is a team from rules/leadpact.yaml, or joint. */
function checkOwners(ctx: SemanticContext, files: readonly RulesFile[]): void {
  const teams = [...ctx.teams];
  const check = (file: RulesFile, path: DataPath, owner: unknown) => {
    if (typeof owner !== 'string' || owner === 'joint' || ctx.teams.has(owner)) return;
    const hint = didYouMean(owner, [...teams, 'joint'], '; ', '');
    ctx.report(file, path, 'unknown-owner', `unknown owner ${owner}: owners are ${listNames(teams)} (the teams in rules/leadpact.yaml) or joint${hint}`);
  };
  const items: Record<string, readonly string[]> = {
    'scoring-model': ['rules'],
    personas: ['personas'],
    lifecycle: ['stages'],
    sla: ['commitments', 'goals'],
  };
  for (const file of files) {
    if (file.kind === 'project' || file.kind === 'tests') continue;
    const data = file.data as Record<string, unknown>;
    check(file, ['owner'], data.owner);
    for (const list of items[file.kind] ?? []) {
      const entries = data[list];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry: { owner?: unknown }, index) => check(file, [list, index, 'owner'], entry.owner));
    }
  }
}
