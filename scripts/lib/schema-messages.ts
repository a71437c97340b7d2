/**
 * Turns an ajv failure into ONE short message placed where the problem is: at the unknown key,
 * at the bad value, or at the object missing something. ajv's own wording ("must NOT have
 * additional properties", "must match \"then\" schema") names neither the key nor the fix; the
 * messages here do, with a suggestion when a name looks like a typo.
 *
 * Schema places that need a special message are found by their address in schema/ (see
 * schemaPointer) or by a `$comment: leadpact:*` marker on the schema object.
 */
import type { ErrorObject } from 'ajv';
import { KIND_NOUNS, type RulesKind } from './rules-layout';
import { closest, didYouMean, humanList, quoteValue } from './rules-suggest';
import { schemaPointer, type DataPath, type SchemaFailure } from './schema-validator';

export interface SchemaMessage {
  path: DataPath;
  /** true: place the message at the key of `path` rather than at its value. */
  key: boolean;
  code: string;
  message: string;
}

const FIELD_OPERATORS = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'between', 'contains', 'startsWith', 'endsWith', 'matches', 'exists'];
const CONDITION_KEYS = ['field', 'event', 'all', 'any', 'not'];

/** Names for the items of lists and maps, by the key holding them. */
const ITEM_NOUNS: Readonly<Record<string, string>> = {
  rules: 'rule',
  personas: 'persona',
  stages: 'stage',
  rejectReasons: 'reject reason',
  commitments: 'commitment',
  goals: 'goal',
  columns: 'column',
  cases: 'case',
  bands: 'grade band',
  teams: 'team',
  fields: 'field',
  events: 'event',
  props: 'prop',
  members: 'member',
  talkingPoints: 'talking point',
  days: 'day',
  holidays: 'holiday',
  all: 'condition',
  any: 'condition',
  in: 'value',
  notIn: 'value',
  between: 'bound',
  emails: 'email',
  nulls: 'null spelling',
  true: 'spelling',
  false: 'spelling',
  fired: 'rule id',
  notFired: 'rule id',
  event: 'event type',
};

/** Maps whose keys are names chosen by the user: their items are called "team marketing". */
const NAMED_MAPS = new Set(['teams', 'fields', 'events']);

/** Objects named by their schema rather than by where they sit. */
const SCHEMA_NOUNS: Readonly<Record<string, string>> = {
  'condition.schema.json#/definitions/fieldTest': 'field test',
  'condition.schema.json#/definitions/eventTest': 'event test',
  'condition.schema.json#/definitions/count': 'count',
  'condition.schema.json#/definitions/allCondition': 'condition',
  'condition.schema.json#/definitions/anyCondition': 'condition',
  'condition.schema.json#/definitions/notCondition': 'condition',
  'scoring-model.schema.json#/definitions/rule': 'rule',
};

/** Patterns explained in words, by the address of the schema holding the pattern. */
const PATTERN_HINTS: Readonly<Record<string, (value: string) => string>> = {
  'condition.schema.json#/definitions/duration': (value) =>
    /^\s*\d+\s*bh\s*$/.test(value)
      ? `bad duration ${quoteValue(value)}: business hours (bh) are for SLA commitments only; use <n>m, <n>h, <n>d or <n>w`
      : `bad duration ${quoteValue(value)}: use <n>m, <n>h, <n>d or <n>w`,
  'sla.schema.json#/definitions/slaDuration': (value) => `bad duration ${quoteValue(value)}: use <n>bh, <n>m, <n>h, <n>d or <n>w`,
  'condition.schema.json#/definitions/id': (value) => `bad id ${quoteValue(value)}: use lower case letters, digits and single dashes, starting with a letter`,
  'condition.schema.json#/definitions/owner': (value) => `bad owner ${quoteValue(value)}: use a team id from rules/leadpact.yaml, or joint`,
  'condition.schema.json#/definitions/fieldTest/properties/field': (value) => `bad field name ${quoteValue(value)}: use a dotted path such as company.employees`,
  'condition.schema.json#/definitions/eventTypes/oneOf/0': (value) => `bad event type ${quoteValue(value)}: use lower case letters, digits and underscores`,
  'condition.schema.json#/definitions/eventTypes/oneOf/1/items': (value) => `bad event type ${quoteValue(value)}: use lower case letters, digits and underscores`,
  'project.schema.json#/properties/version': (value) => `bad version ${quoteValue(value)}: use a semantic version such as 1.4.0`,
  'bundle.schema.json#/properties/version': (value) => `bad version ${quoteValue(value)}: use a semantic version such as 1.4.0`,
  'project.schema.json#/properties/teams/additionalProperties/properties/github': (value) => `bad GitHub team ${quoteValue(value)}: use @org/team`,
  'project.schema.json#/properties/teams/additionalProperties/properties/members/items': (value) => `bad GitHub login ${quoteValue(value)}`,
  'sla.schema.json#/definitions/time': (value) => `bad time ${quoteValue(value)}: use HH:MM on a 24-hour clock, such as 09:00`,
  'lifecycle.schema.json#/properties/grade/properties/bands/items/properties/grade': (value) =>
    `bad grade ${quoteValue(value)}: use a capital letter, optionally followed by up to 3 letters, digits, + or -`,
  'mapping.schema.json#/properties/columns/items/properties/field': (value) => `bad field name ${quoteValue(value)}: use a dotted path such as company.employees`,
  'mapping.schema.json#/properties/events/properties/type/properties/const': (value) => `bad event type ${quoteValue(value)}: use lower case letters, digits and underscores`,
  'mapping.schema.json#/properties/events/properties/props/items/properties/prop': (value) => `bad prop name ${quoteValue(value)}: use letters, digits and underscores`,
};

/** Names chosen by the user as map keys, explained in words, by the address of the propertyNames schema. */
const NAME_HINTS: Readonly<Record<string, { what: string; rule: string }>> = {
  'project.schema.json#/properties/teams/propertyNames': { what: 'team id', rule: 'use lower case letters, digits and dashes, starting with a letter' },
  'fields.schema.json#/properties/fields/propertyNames': { what: 'field name', rule: 'use a dotted path such as company.employees' },
  'fields.schema.json#/properties/events/propertyNames': { what: 'event type', rule: 'use lower case letters, digits and underscores, starting with a letter' },
  'fields.schema.json#/properties/events/additionalProperties/properties/props/propertyNames': { what: 'prop name', rule: 'use letters, digits and underscores' },
};

/** Keys that may not appear together (a `false` schema in a then/else), by branch and key. */
const EXCLUSIVE_KEYS: Readonly<Record<string, string>> = {
  'then/when': 'a rule has either when (points once) or per (points per event), not both',
  'else/max': 'max caps the total of a per rule; a when rule adds its points once',
  'then/conversion': 'a goal has either count or conversion, not both',
  'then/column': 'a column takes either column or columns (several joined), not both',
};

/** Missing keys that mean "one of two shapes", by the address of the then/else holding `required`. */
const MISSING_SHAPE: Readonly<Record<string, string>> = {
  'scoring-model.schema.json#/definitions/rule/else': 'a rule needs when (adds points once) or per (adds points per event)',
  'sla.schema.json#/properties/goals/items/else': 'a goal needs count (leads entering a stage) or conversion (from one stage to another)',
  'mapping.schema.json#/properties/columns/items/else': 'a column needs column (or columns, to join several)',
  'mapping.schema.json#/then': 'a mapping with records: events needs events (how a row becomes an event)',
  'mapping.schema.json#/else': 'a mapping of leads needs columns (which column fills which lead field)',
};

export function explainFailure(failure: SchemaFailure, kind: RulesKind): SchemaMessage {
  const errors = failure.errors.filter((e) => e.keyword !== 'if');
  const error = pickError(errors);
  const relative = toDataPath(error.instancePath, failure.data);
  const path = [...failure.prefix, ...relative];
  const context: Context = { error, path, kind, errors };
  return explain(context);
}

interface Context {
  error: ErrorObject;
  path: DataPath;
  kind: RulesKind;
  errors: ErrorObject[];
}

/**
 * The error to explain. ajv lists a failed oneOf's branch errors before the oneOf error: the
 * branch of the value's type is the one meant ("event: [Page_View]" is a list with a bad item, not
 * a string). A propertyNames error follows the inner error that says why the name is bad.
 */
function pickError(errors: ErrorObject[]): ErrorObject {
  const oneOf = errors.find((e) => e.keyword === 'oneOf');
  if (oneOf) {
    const branches = errors.filter((e) => e !== oneOf && e.schemaPath.startsWith(`${oneOf.schemaPath}/`));
    const meant = branches.filter((e) => !(e.keyword === 'type' && e.instancePath === oneOf.instancePath));
    // One branch got past the type check: that is the shape meant.
    const meantBranches = new Set(meant.map((e) => e.schemaPath.slice(oneOf.schemaPath.length + 1).split('/')[0]));
    if (meant.length && meantBranches.size === 1) return meant[0]!;
    return oneOf;
  }
  // Otherwise ajv stopped at one error; for propertyNames it comes right before the wrapper.
  return errors[0]!;
}

function explain(context: Context): SchemaMessage {
  const { error, path } = context;
  const at = (message: string, code: string, key = false, where: DataPath = path): SchemaMessage => ({ path: where, key, code, message });
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const comment = typeof parent?.$comment === 'string' ? parent.$comment : undefined;
  const propertyNames = context.errors.find((e) => e.keyword === 'propertyNames');

  if (propertyNames && error !== propertyNames) return explainName(context, propertyNames);

  switch (error.keyword) {
    case 'required': {
      const unknown = unknownKeyMessage(error.data, parent, path, context);
      if (unknown) return unknown;
      if (comment === 'leadpact:unknown-condition') return at(unknownConditionMessage(error.data), 'unknown-condition');
      const shape = MISSING_SHAPE[schemaPointer(parent) ?? ''];
      if (shape) return at(shape, 'missing-key');
      const missing = String((error.params as { missingProperty?: string }).missingProperty);
      return at(`missing key ${quoteValue(missing)} in ${objectNoun(parent, path, context.kind)}`, 'missing-key');
    }
    case 'additionalProperties': {
      const unknown = unknownKeyMessage(error.data, parent, path, context);
      if (unknown) return unknown;
      return at(`unknown key in ${objectNoun(parent, path, context.kind)}`, 'unknown-key');
    }
    case 'minProperties':
    case 'maxProperties': {
      const unknown = unknownKeyMessage(error.data, parent, path, context);
      if (unknown) return unknown;
      if (comment === 'leadpact:one-operator') return at(oneOperatorMessage(error.data, parent), 'one-operator');
      const limit = Number((error.params as { limit?: number }).limit);
      return error.keyword === 'minProperties'
        ? at(`${subject(path, context.kind)} must not be empty`, 'out-of-range')
        : at(`${subject(path, context.kind)} takes at most ${limit} ${limit === 1 ? 'entry' : 'entries'}`, 'out-of-range');
    }
    case 'false schema': {
      const branch = /\/(then|else)\/properties\/([^/]+)\/false schema$/.exec(error.schemaPath);
      const message = branch ? EXCLUSIVE_KEYS[`${branch[1]}/${branch[2]}`] : undefined;
      return at(message ?? `${quoteValue(path[path.length - 1])} is not allowed here`, 'exclusive-keys', true);
    }
    case 'type':
      return at(typeMessage(error, path, context.kind), 'wrong-type');
    case 'oneOf': {
      const types = context.errors
        .filter((e) => e.keyword === 'type' && e.schemaPath.startsWith(`${error.schemaPath}/`))
        .map((e) => String((e.params as { type?: string }).type));
      return at(`${subject(path, context.kind)} must be ${humanList(types.map(typeName))}, not ${describeValue(error.data)}`, 'wrong-type');
    }
    case 'enum': {
      const allowed = ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => String(v));
      const value = error.data;
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return at(`${subject(path, context.kind)} must be ${humanList(allowed)}; found ${quoteValue(value)}${hint}`, 'bad-value');
    }
    case 'const': {
      const allowed = String((error.params as { allowedValue?: unknown }).allowedValue);
      if (path.length === 1 && path[0] === 'kind') {
        return at(`kind must be ${allowed} in this file (${KIND_NOUNS[context.kind]}); found ${quoteValue(error.data)}`, 'bad-value');
      }
      return at(`${subject(path, context.kind)} must be ${quoteValue(allowed)}; found ${quoteValue(error.data)}`, 'bad-value');
    }
    case 'pattern': {
      const value = String(error.data);
      const address = schemaPointer(parent) ?? '';
      const hint = PATTERN_HINTS[address];
      if (address === 'condition.schema.json#/definitions/duration' || address === 'sla.schema.json#/definitions/slaDuration') {
        return at(hint!(value), 'bad-duration');
      }
      if (hint) return at(hint(value), 'bad-format');
      const description = typeof parent?.description === 'string' ? `: ${parent.description.replace(/\.$/, '')}` : '';
      return at(`bad ${subject(path, context.kind)} ${quoteValue(value)}${description}`, 'bad-format');
    }
    case 'format': {
      const format = String((error.params as { format?: string }).format);
      const how =
        format === 'date'
          ? 'use YYYY-MM-DD'
          : format === 'date-time'
            ? 'use an ISO 8601 date and time with a zone, such as 2026-11-20T12:00:00Z'
            : `expected ${format}`;
      return at(`bad ${format === 'date-time' ? 'date and time' : format} ${quoteValue(error.data)}: ${how}`, 'bad-format');
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number((error.params as { limit?: number }).limit);
      const last = path[path.length - 1];
      if (last === 'between') return at('between takes two values: [lo, hi]', 'out-of-range');
      if (error.keyword === 'minItems') {
        return at(limit === 1 ? `${subject(path, context.kind)} must not be empty` : `${subject(path, context.kind)} needs at least ${limit} items`, 'out-of-range');
      }
      return at(`${subject(path, context.kind)} takes at most ${limit} items`, 'out-of-range');
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const items = Array.isArray(error.data) ? error.data : [];
      return at(`${subject(path, context.kind)} lists ${quoteValue(items[i])} twice`, 'duplicate-item', false, [...path, i]);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = (error.params as { limit?: number }).limit;
      const bound = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[error.keyword];
      return at(`${subject(path, context.kind)} must be ${bound} ${limit}; found ${quoteValue(error.data)}`, 'out-of-range');
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number((error.params as { limit?: number }).limit);
      if (error.keyword === 'minLength') return at(`${subject(path, context.kind)} must not be empty`, 'out-of-range');
      return at(`${subject(path, context.kind)} is too long: at most ${limit} characters`, 'out-of-range');
    }
    default:
      return at(`${subject(path, context.kind)} ${error.message ?? 'is invalid'}`, 'schema');
  }
}

/** A bad map key (team id, field name, event type, prop name): placed at the key. */
function explainName(context: Context, propertyNames: ErrorObject): SchemaMessage {
  const { error, path } = context;
  const name = String((propertyNames.params as { propertyName?: string }).propertyName);
  const where = [...path, name];
  const address = schemaPointer(error.parentSchema) ?? '';
  const hint = NAME_HINTS[address];
  if (error.keyword === 'not') {
    const meaning = name === 'joint' ? 'it means every team' : name === 'at' ? "it holds the event's time" : name === 'type' ? "it holds the event's type" : 'it has a meaning of its own';
    return { path: where, key: true, code: 'reserved-name', message: `${quoteValue(name)} is reserved (${meaning}); choose another ${hint?.what ?? 'name'}` };
  }
  return {
    path: where,
    key: true,
    code: 'bad-format',
    message: hint ? `bad ${hint.what} ${quoteValue(name)}: ${hint.rule}` : `bad name ${quoteValue(name)}`,
  };
}

/** "unknown key "pionts" in rule (did you mean points?)", placed at the key; undefined when no key is unknown. */
function unknownKeyMessage(data: unknown, parent: Record<string, unknown> | undefined, path: DataPath, context: Context): SchemaMessage | undefined {
  if (!parent || parent.additionalProperties !== false || data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
  const unknown = Object.keys(data).find((key) => !known.includes(key));
  if (unknown === undefined) return undefined;
  const isFieldTest = schemaPointer(parent) === 'condition.schema.json#/definitions/fieldTest';
  const isCount = schemaPointer(parent) === 'condition.schema.json#/definitions/count';
  const candidates = known.filter((key) => !Object.hasOwn(data, key));
  const suggestion = closest(unknown, candidates);
  const noun = objectNoun(parent, path, context.kind);
  let message: string;
  if (isFieldTest || isCount) {
    const operators = isFieldTest ? FIELD_OPERATORS : known;
    message = suggestion
      ? `unknown operator ${quoteValue(unknown)} in ${noun} (did you mean ${suggestion}?)`
      : `unknown operator ${quoteValue(unknown)} in ${noun}; operators are ${humanList(operators)}`;
  } else {
    message = `unknown key ${quoteValue(unknown)} in ${noun}${suggestion ? ` (did you mean ${suggestion}?)` : known.length <= 8 ? `; allowed keys are ${humanList(known)}` : ''}`;
  }
  return { path: [...path, unknown], key: true, code: 'unknown-key', message };
}

function unknownConditionMessage(data: unknown): string {
  const keys = data !== null && typeof data === 'object' ? Object.keys(data) : [];
  for (const key of keys) {
    const suggestion = closest(key, CONDITION_KEYS);
    if (suggestion) return `a condition needs one of field, event, all, any, not (did you mean ${suggestion} for ${quoteValue(key)}?)`;
  }
  return `a condition needs one of field, event, all, any, not${keys.length ? `; found ${humanList(keys.map((k) => quoteValue(k)), 'and')}` : ''}`;
}

function oneOperatorMessage(data: unknown, parent: Record<string, unknown> | undefined): string {
  const isFieldTest = schemaPointer(parent) === 'condition.schema.json#/definitions/fieldTest';
  const keys = data !== null && typeof data === 'object' ? Object.keys(data).filter((k) => k !== 'field') : [];
  const found = keys.length ? humanList(keys, 'and') : 'none';
  return isFieldTest
    ? `a field test needs exactly one operator (eq, ne, in, notIn, gt, gte, lt, lte, between, contains, startsWith, endsWith, matches or exists); found ${found}`
    : `a count needs exactly one operator (eq, ne, gt, gte, lt, lte or between); found ${found}`;
}

function typeMessage(error: ErrorObject, path: DataPath, kind: RulesKind): string {
  const expected = String((error.params as { type?: string }).type)
    .split(',')
    .map((t) => t.trim());
  const value = error.data;
  if (typeof value === 'number' && !Number.isFinite(value) && expected.includes('number')) {
    return `${subject(path, kind)} must be a finite number; found ${String(value)}`;
  }
  const address = schemaPointer(error.parentSchema) ?? '';
  if (address === 'condition.schema.json#/definitions/condition') {
    return `${subject(path, kind)} must be a condition (a mapping such as { field: title, contains: data }), not ${describeValue(value)}`;
  }
  if (path.length === 0) return `the file must be a YAML mapping (key: value lines), not ${describeValue(value)}`;
  return `${subject(path, kind)} must be ${humanList(expected.map(typeName))}, not ${describeValue(value)}`;
}

function typeName(type: string): string {
  switch (type) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping (key: value)';
    case 'array':
      return 'a list';
    case 'null':
      return 'null';
    default:
      return type;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text (${quoteValue(value, 40)})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
}

/** How the value at `path` is named: its key ("points"), or its list's item noun ("stage"). */
function subject(path: DataPath, kind: RulesKind): string {
  const last = path[path.length - 1];
  if (last === undefined) return `the ${KIND_NOUNS[kind]}`;
  if (typeof last === 'number') {
    const list = path[path.length - 2];
    const noun = typeof list === 'string' && Object.hasOwn(ITEM_NOUNS, list) ? ITEM_NOUNS[list] : undefined;
    return noun ?? `item ${last + 1} of ${String(list)}`;
  }
  const container = path[path.length - 2];
  if (typeof container === 'string' && NAMED_MAPS.has(container) && path.length === 2) return `${ITEM_NOUNS[container]} ${last}`;
  return last;
}

/** How the object at `path` is named in "unknown key ... in <noun>". */
function objectNoun(parent: Record<string, unknown> | undefined, path: DataPath, kind: RulesKind): string {
  const address = schemaPointer(parent) ?? '';
  if (Object.hasOwn(SCHEMA_NOUNS, address)) return SCHEMA_NOUNS[address]!;
  return subject(path, kind);
}

/** ajv's instancePath (a JSON pointer) as a path, with list indexes as numbers. */
function toDataPath(pointer: string, data: unknown): DataPath {
  if (!pointer) return [];
  const path: DataPath = [];
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = node !== null && typeof node === 'object' && Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}
