/**
 * JSON Schema validation of rules files with ajv, against schema/*.schema.json (the source of
 * truth for the formats).
 *
 * ajv runs with allErrors off: it stops at the first error, which is fast and keeps if/then/else
 * from reporting every branch it did not take. To still show more than one problem per file, a
 * file that fails is validated again in parts: its top level with the big lists left out, then each
 * item of those lists (each rule, persona, stage, case...) on its own. Each part gives at most one
 * error, so a file with three broken rules gets three messages, one per rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { schemaDir } from './paths';
import { schemaFileName, type RulesKind } from './rules-layout';

export type DataPath = (string | number)[];

/** One failed validation: ajv's errors (the first failure and the wrappers around it), found at `prefix`. */
export interface SchemaFailure {
  errors: ErrorObject[];
  /** Where in the file the validated part sits; ajv's instancePath is relative to it. */
  prefix: DataPath;
  /** The validated part itself. */
  data: unknown;
}

/** Lists and maps validated item by item when a file fails, by kind: where they sit, and the item schema. */
const ITEM_COLLECTIONS: Readonly<Record<RulesKind, ReadonlyArray<{ at: string; items: 'array' | 'map'; schema: string }>>> = {
  project: [{ at: 'teams', items: 'map', schema: '#/properties/teams/additionalProperties' }],
  fields: [
    { at: 'fields', items: 'map', schema: '#/properties/fields/additionalProperties' },
    { at: 'events', items: 'map', schema: '#/properties/events/additionalProperties' },
  ],
  'scoring-model': [{ at: 'rules', items: 'array', schema: '#/definitions/rule' }],
  personas: [{ at: 'personas', items: 'array', schema: '#/properties/personas/items' }],
  lifecycle: [
    { at: 'stages', items: 'array', schema: '#/properties/stages/items' },
    { at: 'rejectReasons', items: 'array', schema: '#/properties/rejectReasons/items' },
  ],
  sla: [
    { at: 'commitments', items: 'array', schema: '#/properties/commitments/items' },
    { at: 'goals', items: 'array', schema: '#/properties/goals/items' },
  ],
  mapping: [{ at: 'columns', items: 'array', schema: '#/properties/columns/items' }],
  tests: [{ at: 'cases', items: 'array', schema: '#/properties/cases/items' }],
};

interface Validators {
  ajv: Ajv;
  /** Every schema object (and sub-object) to its address, 'condition.schema.json#/definitions/fieldTest'. */
  pointers: WeakMap<object, string>;
  /** The raw schema files, by file name. */
  files: Map<string, Record<string, unknown>>;
}

let validators: Validators | undefined;

function load(): Validators {
  if (validators) return validators;
  const ajv = new Ajv({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: false,
    // parentSchema and data on each error: messages read the schema ($comment markers, property
    // lists for suggestions) and the offending value.
    verbose: true,
  });
  // ajv-formats is CommonJS with a default export; interop differs between tsx and vitest.
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => void;
  addFormats(ajv);
  // json-schema-to-typescript's keyword for the Condition union; no meaning for validation.
  ajv.addKeyword('tsType');
  const pointers = new WeakMap<object, string>();
  const files = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const schema = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as Record<string, unknown>;
    files.set(file, schema);
    recordPointers(schema, `${file}#`, pointers);
    ajv.addSchema(schema, file);
  }
  validators = { ajv, pointers, files };
  return validators;
}

function recordPointers(node: unknown, pointer: string, pointers: WeakMap<object, string>): void {
  if (node === null || typeof node !== 'object') return;
  pointers.set(node, pointer);
  for (const [key, child] of Object.entries(node)) recordPointers(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, pointers);
}

/** The address of a schema object ajv reported ('condition.schema.json#/definitions/fieldTest'). */
export function schemaPointer(schema: unknown): string | undefined {
  return schema !== null && typeof schema === 'object' ? load().pointers.get(schema) : undefined;
}

function validator(address: string): ValidateFunction {
  const validate = load().ajv.getSchema(address);
  if (!validate) throw new Error(`no schema at ${address}`);
  return validate;
}

/** Makes sure the schemas are loaded and compiled (so a benchmark can time validation alone). */
export function prepareSchemas(kinds: readonly RulesKind[]): void {
  for (const kind of kinds) {
    validator(schemaFileName(kind));
    for (const collection of ITEM_COLLECTIONS[kind]) validator(`${schemaFileName(kind)}${collection.schema}`);
    shallowValidator(kind);
  }
}

const shallowValidators = new Map<RulesKind, ValidateFunction>();

/** The kind's schema with the item lists' item schemas taken out (those items are validated one by one). */
function shallowValidator(kind: RulesKind): ValidateFunction {
  let validate = shallowValidators.get(kind);
  if (validate) return validate;
  const { ajv, files } = load();
  const schema = structuredClone(files.get(schemaFileName(kind))) as Record<string, any>;
  for (const collection of ITEM_COLLECTIONS[kind]) {
    const property = schema.properties?.[collection.at];
    if (!property) continue;
    if (collection.items === 'array') property.items = true;
    else property.additionalProperties = true;
  }
  // Added under a name in the same folder so its relative $refs (condition.schema.json#...) resolve.
  const key = `${kind}.shallow.json`;
  ajv.addSchema(schema, key);
  validate = ajv.getSchema(key)!;
  shallowValidators.set(kind, validate);
  return validate;
}

/**
 * Validates a file's data against its kind's schema: no failures when valid; otherwise one failure
 * for the top level (if it has a problem) and one per broken list item, in file order.
 */
export function validateWithSchema(kind: RulesKind, data: unknown): SchemaFailure[] {
  const whole = validator(schemaFileName(kind));
  if (whole(data)) return [];
  const firstTry: SchemaFailure = { errors: [...(whole.errors ?? [])], prefix: [], data };
  const failures: SchemaFailure[] = [];
  const shallow = shallowValidator(kind);
  if (!shallow(data)) failures.push({ errors: [...(shallow.errors ?? [])], prefix: [], data });
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const collection of ITEM_COLLECTIONS[kind]) {
      const items = (data as Record<string, unknown>)[collection.at];
      if (items === null || typeof items !== 'object') continue;
      if (collection.items === 'array' ? !Array.isArray(items) : Array.isArray(items)) continue;
      const validateItem = validator(`${schemaFileName(kind)}${collection.schema}`);
      for (const [key, item] of Object.entries(items)) {
        if (validateItem(item)) continue;
        const index = collection.items === 'array' ? Number(key) : key;
        failures.push({ errors: [...(validateItem.errors ?? [])], prefix: [collection.at, index], data: item });
      }
    }
  }
  // Cannot happen while the parts cover the whole schema; if they ever do not, the first error stands.
  return failures.length ? failures : [firstTry];
}

/** Validates a built bundle; returns ajv's message for the first problem, or null. */
export function bundleSchemaProblem(bundle: unknown): string | null {
  const validate = validator('bundle.schema.json');
  if (validate(bundle)) return null;
  const error = validate.errors?.[0];
  return error ? `${error.instancePath || '/'} ${error.message ?? 'is invalid'}` : 'invalid bundle';
}
