/**
 * The shape of a rules repository: which file holds which kind (one way only: by location, DESIGN
 * 2 and 3), each kind's schema, and the schema comment every file starts with.
 */
import path from 'node:path';

export type RulesKind = 'project' | 'fields' | 'scoring-model' | 'personas' | 'lifecycle' | 'sla' | 'mapping' | 'tests';

export const RULES_KINDS: readonly RulesKind[] = ['project', 'fields', 'scoring-model', 'personas', 'lifecycle', 'sla', 'mapping', 'tests'];

/** The files every repository has, by path inside rules/. */
export const REQUIRED_FILES: Readonly<Record<string, RulesKind>> = {
  'leadpact.yaml': 'project',
  'fields.yaml': 'fields',
  'personas.yaml': 'personas',
  'lifecycle.yaml': 'lifecycle',
  'sla.yaml': 'sla',
};

/** Folders holding one file per item, by folder inside rules/. */
const FOLDERS: Readonly<Record<string, RulesKind>> = { scoring: 'scoring-model', mappings: 'mapping', tests: 'tests' };

/** Example data that lives beside the rules but is not rules (lead exports for demos). */
const IGNORED_FOLDERS = ['samples/'];

export const WHERE_FILES_GO =
  'rules files are leadpact.yaml, fields.yaml, personas.yaml, lifecycle.yaml, sla.yaml, scoring/<id>.yaml, mappings/<id>.yaml and tests/<name>.yaml';

export type Placement =
  | { type: 'rules'; kind: RulesKind }
  /** Not a rules file and not meant to be (CHANGELOG.md, samples/): skipped silently. */
  | { type: 'ignored' }
  /** A YAML file where no rules file goes, or a .yml file: reported, not read. */
  | { type: 'misplaced'; message: string };

/** Where `file` (relative to the repository root, e.g. 'rules/scoring/fit.yaml') sits in the layout. */
export function placeFile(file: string, rulesSubdir = 'rules'): Placement {
  const prefix = `${rulesSubdir.replace(/\/+$/, '')}/`;
  if (!file.startsWith(prefix)) return { type: 'ignored' };
  const inside = file.slice(prefix.length);
  if (IGNORED_FOLDERS.some((folder) => inside.startsWith(folder))) return { type: 'ignored' };
  if (inside.endsWith('.yml')) return { type: 'misplaced', message: `rules files end in .yaml: rename ${path.posix.basename(inside)} to ${path.posix.basename(inside, '.yml')}.yaml` };
  if (!inside.endsWith('.yaml')) return { type: 'ignored' };
  const single = REQUIRED_FILES[inside];
  if (single && Object.hasOwn(REQUIRED_FILES, inside)) return { type: 'rules', kind: single };
  const slash = inside.indexOf('/');
  if (slash > 0 && inside.indexOf('/', slash + 1) === -1) {
    const folder = inside.slice(0, slash);
    const kind = Object.hasOwn(FOLDERS, folder) ? FOLDERS[folder] : undefined;
    if (kind) return { type: 'rules', kind };
  }
  return { type: 'misplaced', message: `not a place for a rules file: ${WHERE_FILES_GO}` };
}

export function schemaFileName(kind: RulesKind): string {
  return `${kind}.schema.json`;
}

/** The first line a file must have, with the schema path relative to the file (DESIGN 3). */
export function expectedSchemaLine(file: string, kind: RulesKind): string {
  const relative = path.posix.relative(path.posix.dirname(file), `schema/${schemaFileName(kind)}`);
  return `# yaml-language-server: $schema=${relative}`;
}

/** How a kind is named in messages. */
export const KIND_NOUNS: Readonly<Record<RulesKind, string>> = {
  project: 'project file',
  fields: 'fields file',
  'scoring-model': 'scoring model',
  personas: 'personas file',
  lifecycle: 'lifecycle file',
  sla: 'SLA file',
  mapping: 'mapping',
  tests: 'tests file',
};
