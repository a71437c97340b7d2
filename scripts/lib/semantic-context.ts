/**
 * What the semantic checks share: the schema-valid files by kind, the names they declare (fields,
 * events, models, stages, personas, grades, teams), and one way to report a located finding.
 * Lookups go through Maps, never plain objects: a field may be called `constructor`.
 */
import type {
  FieldsFile,
  LifecycleFile,
  MappingFile,
  PersonasFile,
  ProjectFile,
  ScoringModelFile,
  SlaFile,
  TestsFile,
} from '../../extension/engine/generated/rules';
import type { Diagnostic, Severity } from './diagnostics';
import type { RulesKind } from './rules-layout';
import type { DataPath } from './schema-validator';
import type { ParsedYaml } from './yaml-file';

/** A file that parsed and matched its kind's schema. */
export interface RulesFile<T = unknown> {
  path: string;
  kind: RulesKind;
  data: T;
  doc: ParsedYaml;
}

/** The data of each kind's files. */
export interface KindData {
  project: ProjectFile;
  fields: FieldsFile;
  'scoring-model': ScoringModelFile;
  personas: PersonasFile;
  lifecycle: LifecycleFile;
  sla: SlaFile;
  mapping: MappingFile;
  tests: TestsFile;
}

/** The files in path order, with the first file of a kind and all files of a kind in that order. */
export function rulesByKind(files: readonly RulesFile[]) {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    sorted,
    one: <K extends RulesKind>(kind: K) => sorted.find((f) => f.kind === kind) as RulesFile<KindData[K]> | undefined,
    many: <K extends RulesKind>(kind: K) => sorted.filter((f) => f.kind === kind) as RulesFile<KindData[K]>[],
  };
}

export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'list';

/** What a condition may name: a declared field, an event prop, or a derived value. */
export interface ValueInfo {
  type: ValueType;
  /** The values a string may take (declared `values`, grade letters, persona or stage ids). */
  values?: readonly string[];
  derived?: 'score' | 'grade' | 'persona' | 'stage';
  /** For scores: the values the score can reach (integers within it). */
  range?: NumberRange;
  /** How the value is named in messages ("field company.employees", "prop url"). */
  label: string;
}

/** A closed or open range of numbers; integer: only whole numbers (scores are rounded). */
export interface NumberRange {
  lo: number;
  hi: number;
  integer: boolean;
}

/** Where something was declared, for "already used at rules/x.yaml:3:5". */
export interface Declared {
  file: RulesFile;
  path: DataPath;
}

export class SemanticContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly fields = new Map<string, { type: ValueType; values?: readonly string[] }>();
  /** Event types and their props' types (without `at`). */
  readonly events = new Map<string, Map<string, ValueType>>();
  readonly teams = new Set<string>();
  readonly models = new Map<string, RulesFile<ScoringModelFile>>();
  /** Reachable score of each model, and of score.total; filled by the score checks. */
  readonly scoreRanges = new Map<string, NumberRange>();
  readonly ruleIds = new Map<string, Declared>();
  readonly personaIds: string[] = [];
  readonly stageIds: string[] = [];
  readonly grades: string[] = [];
  readonly commitmentIds: string[] = [];

  constructor(
    readonly project: RulesFile<ProjectFile> | undefined,
    readonly fieldsFile: RulesFile<FieldsFile> | undefined,
    readonly modelFiles: RulesFile<ScoringModelFile>[],
    readonly personas: RulesFile<PersonasFile> | undefined,
    readonly lifecycle: RulesFile<LifecycleFile> | undefined,
    readonly sla: RulesFile<SlaFile> | undefined,
    readonly mappings: RulesFile<MappingFile>[],
    readonly tests: RulesFile<TestsFile>[],
  ) {
    for (const team of Object.keys(project?.data.teams ?? {})) this.teams.add(team);
    for (const [name, field] of Object.entries(fieldsFile?.data.fields ?? {})) {
      if (field) this.fields.set(name, { type: field.type, ...(field.values ? { values: field.values } : {}) });
    }
    for (const [type, event] of Object.entries(fieldsFile?.data.events ?? {})) {
      this.events.set(type, new Map(Object.entries(event?.props ?? {}).filter((e): e is [string, ValueType] => e[1] !== undefined)));
    }
    for (const model of modelFiles) {
      if (!this.models.has(model.data.id)) this.models.set(model.data.id, model);
      model.data.rules.forEach((rule, index) => {
        if (!this.ruleIds.has(rule.id)) this.ruleIds.set(rule.id, { file: model, path: ['rules', index, 'id'] });
      });
    }
    for (const persona of personas?.data.personas ?? []) this.personaIds.push(persona.id);
    for (const stage of lifecycle?.data.stages ?? []) this.stageIds.push(stage.id);
    for (const band of lifecycle?.data.grade.bands ?? []) this.grades.push(band.grade);
    for (const commitment of sla?.data.commitments ?? []) this.commitmentIds.push(commitment.id);
  }

  report(file: RulesFile, path: DataPath, code: string, message: string, opts: { key?: boolean; severity?: Severity } = {}): void {
    const { line, col } = file.doc.locate(path, { key: opts.key === true });
    this.diagnostics.push({ file: file.path, line, col, message, severity: opts.severity ?? 'error', code });
  }

  /** "rules/scoring/fit.yaml:12:9", for messages that point at a second place. */
  where(declared: Declared, key = false): string {
    const { line, col } = declared.file.doc.locate(declared.path, { key });
    return `${declared.file.path}:${line}:${col}`;
  }
}

/** "a, b and c" of names, shortened when the list is long. */
export function listNames(names: readonly string[], max = 12): string {
  if (names.length <= max) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? 'none');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
