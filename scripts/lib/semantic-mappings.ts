/**
 * Checks of mappings (DESIGN 3.8): columns fill real lead fields (company.* and properties.* as
 * declared in rules/fields.yaml, read with the declared type), and activity rows become declared
 * event types with declared props.
 */
import { reportUnknownEvent } from './semantic-conditions';
import { listNames, type SemanticContext } from './semantic-context';
import { checkStageName } from './semantic-sla';
import { didYouMean } from './rules-suggest';
import type { DataPath } from './schema-validator';

/** Lead record fields a column may fill directly (DESIGN 3.10); company.* and properties.* come from fields.yaml. */
export const LEAD_FIELDS = ['id', 'email', 'emails', 'linkedin', 'name', 'title', 'stage', 'stageEnteredAt', 'createdAt', 'owner'];

export function checkMappings(ctx: SemanticContext): void {
  const declaredNested = [...ctx.fields.keys()].filter((name) => name.startsWith('company.') || name.startsWith('properties.'));
  for (const file of ctx.mappings) {
    const mapping = file.data;
    (mapping.columns ?? []).forEach((column, index) => {
      const path: DataPath = ['columns', index, 'field'];
      const field = column.field;
      const nested = field.startsWith('company.') || field.startsWith('properties.');
      if (!nested && !LEAD_FIELDS.includes(field)) {
        const hint = didYouMean(field, [...LEAD_FIELDS, ...declaredNested], '; ', '');
        ctx.report(file, path, 'mapping-field', `${field} is not a lead field${hint || `: map to ${listNames(LEAD_FIELDS)}, company.* or properties.*`}`);
        return;
      }
      if (nested && !ctx.fields.has(field)) {
        const hint = didYouMean(field, declaredNested, '; ', '');
        ctx.report(file, path, 'unknown-field', `unknown field ${field}${hint || ': declare it under fields in rules/fields.yaml'}`);
        return;
      }
      const declared = ctx.fields.get(field);
      if (declared && column.type && column.type !== declared.type) {
        ctx.report(file, ['columns', index, 'type'], 'mapping-type', `${field} is a ${declared.type} field in rules/fields.yaml; read it with type: ${declared.type}`);
      }
      if (field === 'stage' && column.values) {
        for (const [from, to] of Object.entries(column.values)) {
          if (typeof to === 'string') checkStageName(ctx, file, ['columns', index, 'values', from], to);
        }
      }
    });

    const events = mapping.events;
    if (!events) continue;
    const types: string[] = [];
    if (events.type.const !== undefined) {
      if (ctx.events.has(events.type.const)) types.push(events.type.const);
      else reportUnknownEvent(ctx, file, ['events', 'type', 'const'], events.type.const);
    }
    for (const [from, to] of Object.entries(events.type.values ?? {})) {
      if (typeof to !== 'string') continue;
      if (ctx.events.has(to)) types.push(to);
      else reportUnknownEvent(ctx, file, ['events', 'type', 'values', from], to);
    }
    const props = new Set(types.flatMap((type) => [...(ctx.events.get(type)?.keys() ?? [])]));
    (events.props ?? []).forEach((prop, index) => {
      if (types.length === 0 || props.has(prop.prop)) return;
      const hint = didYouMean(prop.prop, props, '; ', '');
      const have = props.size ? `${types.length > 1 ? 'their' : 'its'} props are ${listNames([...props])}` : 'no props';
      ctx.report(file, ['events', 'props', index, 'prop'], 'unknown-prop', `unknown prop ${prop.prop} of ${listNames([...new Set(types)])} (${have})${hint}`);
    });
  }
}
