// The people-facing names of everything an outcome refers to by id, indexed once per bundle so
// turning an outcome into a view is lookups only.
import { isBusinessDuration } from '../engine/duration';
import type { Bundle } from '../engine/generated/rules';

export interface CommitmentLabel {
  label: string;
  /** The deadline is in business hours (`<n>bh`): remaining minutes count business minutes. */
  business: boolean;
}

export interface RuleLabels {
  models: ReadonlyArray<{ id: string; label: string }>;
  /** The fit model: `fit` when the bundle has it, else the first model (for estimates). */
  fitModel: string | null;
  rules: ReadonlyMap<string, string>;
  stages: ReadonlyMap<string, { label: string; index: number; manual: boolean }>;
  personas: ReadonlyMap<string, { label: string; talkingPoints: string[] }>;
  commitments: ReadonlyMap<string, CommitmentLabel>;
  rejectReasons: ReadonlyArray<{ id: string; label: string }>;
  stageOrder: readonly string[];
}

export function indexLabels(bundle: Bundle): RuleLabels {
  const models = bundle.models.map((model) => ({ id: model.id, label: model.label }));
  const rules = new Map<string, string>();
  for (const model of bundle.models) for (const rule of model.rules) rules.set(ruleKey(model.id, rule.id), rule.label);
  const stages = new Map(bundle.lifecycle.stages.map((stage, index) => [stage.id, { label: stage.label, index, manual: stage.manual === true }]));
  const personas = new Map(bundle.personas.personas.map((persona) => [persona.id, { label: persona.label, talkingPoints: persona.talkingPoints ?? [] }]));
  const commitments = new Map(
    (bundle.sla.commitments ?? []).map((commitment) => [commitment.id, { label: commitment.label, business: isBusinessDuration(commitment.within) }]),
  );
  return {
    models,
    fitModel: models.find((model) => model.id === 'fit')?.id ?? models[0]?.id ?? null,
    rules,
    stages,
    personas,
    commitments,
    rejectReasons: bundle.lifecycle.rejectReasons.map((reason) => ({ id: reason.id, label: reason.label })),
    stageOrder: bundle.lifecycle.stages.map((stage) => stage.id),
  };
}

/** Rule ids are unique across the repository, but keying by model too costs nothing and survives a bad bundle. */
export function ruleKey(model: string, rule: string): string {
  return `${model}\u0000${rule}`;
}

export function stageLabel(labels: RuleLabels, stage: string): string {
  return labels.stages.get(stage)?.label ?? stage;
}
