/**
 * The rules bundle (schema/bundle.schema.json): every file the engine needs, as parsed, in one
 * deterministic JSON document identified by its version and content hash. Tests files stay out:
 * the extension never runs them.
 */
import { createHash } from 'node:crypto';
import type { Bundle } from '../../extension/engine/generated/rules';
import { canonicalJson } from './canonical-json';
import type { RulesKind } from './rules-layout';
import { rulesByKind, type KindData, type RulesFile } from './semantic-context';
import { bundleSchemaProblem } from './schema-validator';

/** Builds the bundle from files that passed validation; throws when a required file is missing. */
export function buildBundle(files: readonly RulesFile[], commit: string | null): Bundle {
  const byKind = rulesByKind(files);
  const one = <K extends RulesKind>(kind: K): KindData[K] => {
    const file = byKind.one(kind);
    if (!file) throw new Error(`cannot build a bundle without a ${kind} file`);
    return structuredClone(file.data);
  };
  const many = <K extends RulesKind>(kind: K): KindData[K][] => byKind.many(kind).map((f) => structuredClone(f.data));

  const project = one('project');
  const models = many('scoring-model');
  for (const model of models) inheritOwner(model.rules, model.owner);
  const personas = one('personas');
  inheritOwner(personas.personas, personas.owner);
  const lifecycle = one('lifecycle');
  inheritOwner(lifecycle.stages, lifecycle.owner);
  const sla = one('sla');
  inheritOwner(sla.commitments, sla.owner);
  inheritOwner(sla.goals ?? [], sla.owner);

  const unhashed: Omit<Bundle, 'hash'> = {
    kind: 'bundle',
    format: 1,
    name: project.name,
    version: project.version,
    commit,
    project,
    fields: one('fields'),
    models,
    personas,
    lifecycle,
    sla,
    mappings: many('mapping'),
  };
  const bundle: Bundle = { ...unhashed, hash: bundleHash(unhashed) };
  const problem = bundleSchemaProblem(bundle);
  // Every part already matched its own schema, so this is a bug in the builder, not bad rules.
  if (problem) throw new Error(`the built bundle does not match schema/bundle.schema.json: ${problem}`);
  return bundle;
}

/** 'sha256-' + hex sha256 of the canonical JSON of the bundle without its `hash` key. */
export function bundleHash(bundle: Omit<Bundle, 'hash'> | Bundle): string {
  const { hash: _ignored, ...rest } = bundle as Bundle;
  return `sha256-${createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex')}`;
}

/** "A rule without owner inherits its file's" (DESIGN 3.1). */
function inheritOwner(items: Array<{ owner?: string }>, owner: string | undefined): void {
  if (owner === undefined) return;
  for (const item of items) item.owner ??= owner;
}
