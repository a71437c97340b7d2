/**
 * Duplicate ids. Models, rules, personas, stages, commitments and goals share one namespace (an id
 * names one thing in diffs, reports and the extension's explanations); reject reasons and mapping
 * presets each have their own. Every use of a duplicated id is reported, naming another.
 */
import type { DataPath } from './schema-validator';
import type { Declared, RulesFile, SemanticContext } from './semantic-context';

interface IdUse extends Declared {
  id: string;
  what: string;
  namespace: 'items' | 'reject reasons' | 'mappings';
}

export function checkDuplicateIds(ctx: SemanticContext): void {
  const groups = new Map<string, IdUse[]>();
  for (const use of idUses(ctx)) {
    const key = `${use.namespace}\u0000${use.id}`;
    const group = groups.get(key);
    if (group) group.push(use);
    else groups.set(key, [use]);
  }
  // Every use is reported, so a pull request adding a clashing id gets the error on its own file
  // as well as on the file that had the id first.
  for (const uses of groups.values()) {
    if (uses.length < 2) continue;
    uses.forEach((use, index) => {
      const other = uses[index === 0 ? 1 : 0]!;
      const more = uses.length > 2 ? ` (and ${uses.length - 2} more)` : '';
      ctx.report(use.file, use.path, 'duplicate-id', `duplicate id ${use.id}: also the id of the ${other.what} at ${ctx.where(other)}${more}`);
    });
  }
}

/** Every id declaration, files in path order and each file in document order. */
function idUses(ctx: SemanticContext): IdUse[] {
  const uses: IdUse[] = [];
  const add = (file: RulesFile, path: DataPath, id: string, what: string, namespace: IdUse['namespace'] = 'items') =>
    uses.push({ file, path, id, what, namespace });
  for (const model of ctx.modelFiles) {
    add(model, ['id'], model.data.id, 'scoring model');
    model.data.rules.forEach((rule, i) => add(model, ['rules', i, 'id'], rule.id, 'rule'));
  }
  if (ctx.personas) {
    const file = ctx.personas;
    file.data.personas.forEach((persona, i) => add(file, ['personas', i, 'id'], persona.id, 'persona'));
  }
  if (ctx.lifecycle) {
    const file = ctx.lifecycle;
    file.data.stages.forEach((stage, i) => add(file, ['stages', i, 'id'], stage.id, 'stage'));
    file.data.rejectReasons.forEach((reason, i) => add(file, ['rejectReasons', i, 'id'], reason.id, 'reject reason', 'reject reasons'));
  }
  if (ctx.sla) {
    const file = ctx.sla;
    file.data.commitments.forEach((commitment, i) => add(file, ['commitments', i, 'id'], commitment.id, 'commitment'));
    (file.data.goals ?? []).forEach((goal, i) => add(file, ['goals', i, 'id'], goal.id, 'goal'));
  }
  for (const mapping of ctx.mappings) add(mapping, ['id'], mapping.data.id, 'mapping', 'mappings');
  return uses.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
}
