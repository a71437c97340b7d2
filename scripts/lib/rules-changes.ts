/**
 * What changed in the rules between two versions, item by item: every id-bearing thing in a rules
 * repository (a scoring rule, a persona, a stage, a field, a team...) becomes an item with its
 * owner, its logic (what decides outcomes) and its text (labels, descriptions, talking points).
 * `leadpact diff`, `version-check` and `approvals` all read the same list, so they never disagree
 * about what a pull request touches.
 *
 * Works on parsed files, not on the bundle, so a base whose rules do not validate (or do not exist)
 * still compares: broken parts are read defensively and whatever is not where it belongs is skipped.
 */
import { canonicalJson } from './canonical-json';
import type { LoadedFile } from './rules-repo';

export type ItemKind =
  | 'project' | 'team' | 'field' | 'event' | 'model' | 'rule' | 'grade' | 'grade-band' | 'persona' | 'stage'
  | 'reject-reason' | 'calendar' | 'commitment' | 'goal' | 'mapping' | 'tests';

/** How items are named in messages. */
export const ITEM_NOUNS: Readonly<Record<ItemKind, string>> = {
  project: 'project settings', team: 'team', field: 'field', event: 'event type', model: 'scoring model', rule: 'scoring rule',
  grade: 'grade source', 'grade-band': 'grade band', persona: 'persona', stage: 'stage', 'reject-reason': 'reject reason',
  calendar: 'SLA calendar', commitment: 'SLA commitment', goal: 'goal', mapping: 'mapping', tests: 'tests file',
};

/** Keys that are text only: changing them never changes an outcome (a patch bump). */
const TEXT_KEYS = new Set(['label', 'description', 'talkingPoints', 'name']);

export interface RuleItem {
  kind: ItemKind;
  id: string;
  /** 'rule:pricing-visits': unique in a repository (rule ids are unique across files, DESIGN 3.4). */
  key: string;
  file: string;
  /** The owning team id, 'joint', or null when nothing names an owner. */
  owner: string | null;
  label: string | null;
  /** Everything that decides outcomes (conditions, points, thresholds, order, the model a rule is in). */
  logic: Record<string, unknown>;
  /** Labels, descriptions, talking points. */
  text: Record<string, unknown>;
}

export type Bump = 'major' | 'minor' | 'patch';
export const BUMP_ORDER: Readonly<Record<Bump, number>> = { patch: 1, minor: 2, major: 3 };

/** One changed leaf: `points: 18 → 20`, `when.all[2].gte: 200 → 250`. */
export interface LeafChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface RuleChange {
  type: 'added' | 'removed' | 'edited' | 'renamed';
  kind: ItemKind;
  /** The id after the change (before, for removed items). */
  id: string;
  /** For renamed items: the id before. */
  fromId?: string;
  file: string;
  /** Owners before and after (the same team twice when unchanged; null sides absent). */
  owners: string[];
  label: string | null;
  before: RuleItem | null;
  after: RuleItem | null;
  /** What an edit touched. */
  aspects: Array<'logic' | 'text' | 'owner'>;
  /** The semver bump this change needs (DESIGN 6), and why in words. */
  bump: Bump;
  reason: string;
  /** Changed leaves of logic and text (edits and renames only), at most a handful shown by callers. */
  leaves: LeafChange[];
}

// --- Items ---------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Every item of a rules repository, by key, in file then document order. */
export function extractItems(files: readonly Pick<LoadedFile, 'path' | 'kind' | 'data'>[]): Map<string, RuleItem> {
  const items = new Map<string, RuleItem>();
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const add = (kind: ItemKind, id: unknown, file: string, owner: string | null, source: Obj, extraLogic: Obj = {}, skip: string[] = []) => {
    if (typeof id !== 'string' || id === '') return;
    const logic: Obj = { ...extraLogic };
    const text: Obj = {};
    for (const [key, value] of Object.entries(source)) {
      if (key === 'id' || key === 'owner' || key === 'kind' || skip.includes(key)) continue;
      (TEXT_KEYS.has(key) ? text : logic)[key] = value;
    }
    const item: RuleItem = { kind, id, key: `${kind}:${id}`, file, owner: asString(source.owner) ?? owner, label: asString(source.label), logic, text };
    if (!items.has(item.key)) items.set(item.key, item);
  };

  for (const { path, kind, data } of sorted) {
    if (!isObj(data)) continue;
    const fileOwner = asString(data.owner);
    switch (kind) {
      case 'project': {
        // The version is what version-check compares, not a change in itself.
        add('project', 'project', path, 'joint', { name: data.name, description: data.description, timezone: data.timezone });
        for (const [id, team] of Object.entries(isObj(data.teams) ? data.teams : {})) {
          if (isObj(team)) add('team', id, path, 'joint', { ...team, owner: 'joint' });
        }
        break;
      }
      case 'fields': {
        for (const [id, field] of Object.entries(isObj(data.fields) ? data.fields : {})) if (isObj(field)) add('field', id, path, fileOwner, field);
        for (const [id, event] of Object.entries(isObj(data.events) ? data.events : {})) if (isObj(event)) add('event', id, path, fileOwner, event);
        break;
      }
      case 'scoring-model': {
        const modelId = asString(data.id);
        add('model', modelId, path, fileOwner, data, {}, ['rules']);
        for (const rule of asArray(data.rules)) if (isObj(rule)) add('rule', rule.id, path, fileOwner, rule, { model: modelId });
        break;
      }
      case 'personas': {
        asArray(data.personas).forEach((persona, index) => {
          if (isObj(persona)) add('persona', persona.id, path, fileOwner, persona, { priority: index + 1 });
        });
        break;
      }
      case 'lifecycle': {
        const grade = isObj(data.grade) ? data.grade : {};
        add('grade', 'grade', path, fileOwner, { from: grade.from });
        asArray(grade.bands).forEach((band, index) => {
          if (isObj(band)) add('grade-band', band.grade, path, fileOwner, band, { position: index + 1 }, ['grade']);
        });
        asArray(data.stages).forEach((stage, index) => {
          if (isObj(stage)) add('stage', stage.id, path, fileOwner, stage, { position: index + 1 });
        });
        for (const reason of asArray(data.rejectReasons)) if (isObj(reason)) add('reject-reason', reason.id, path, fileOwner, reason);
        break;
      }
      case 'sla': {
        if (isObj(data.calendar)) add('calendar', 'calendar', path, fileOwner, data.calendar);
        for (const commitment of asArray(data.commitments)) if (isObj(commitment)) add('commitment', commitment.id, path, fileOwner, commitment);
        for (const goal of asArray(data.goals)) if (isObj(goal)) add('goal', goal.id, path, fileOwner, goal);
        break;
      }
      case 'mapping':
        add('mapping', data.id, path, fileOwner, data);
        break;
      case 'tests': {
        // Tests decide no outcome: the whole file is text (a patch), named after the file.
        const id = path.replace(/^.*\//, '').replace(/\.yaml$/, '');
        const { kind: _kind, ...rest } = data;
        const item: RuleItem = { kind: 'tests', id, key: `tests:${id}`, file: path, owner: null, label: null, logic: {}, text: rest };
        items.set(item.key, item);
        break;
      }
    }
  }
  return items;
}

// --- Comparing -----------------------------------------------------------------------------------

/** The changes from `before` to `after`, in the order a reviewer reads them: by file, then kind order, then id. */
export function compareItems(before: ReadonlyMap<string, RuleItem>, after: ReadonlyMap<string, RuleItem>): RuleChange[] {
  const changes: RuleChange[] = [];
  const removed: RuleItem[] = [];
  const added: RuleItem[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    if (!now) removed.push(old);
    else {
      const edit = compareEdited(old, now);
      if (edit) changes.push(edit);
    }
  }
  for (const [key, now] of after) if (!before.has(key)) added.push(now);

  // A removed and an added item of the same kind with the same logic is a rename (still major:
  // everything that named the old id, from CRM reports to tests, breaks).
  for (const old of [...removed]) {
    if (old.kind === 'tests') continue;
    const logic = canonicalJson(old.logic);
    const match = added.find((now) => now.kind === old.kind && canonicalJson(now.logic) === logic);
    if (!match) continue;
    removed.splice(removed.indexOf(old), 1);
    added.splice(added.indexOf(match), 1);
    changes.push({
      type: 'renamed', kind: old.kind, id: match.id, fromId: old.id, file: match.file, owners: owners(old, match), label: match.label,
      before: old, after: match, aspects: aspectsOf(old, match), bump: 'major',
      reason: `${ITEM_NOUNS[old.kind]} ${old.id} renamed to ${match.id}`, leaves: leafChanges(old, match),
    });
  }
  for (const old of removed) {
    const bump: Bump = old.kind === 'tests' ? 'patch' : 'major';
    changes.push({
      type: 'removed', kind: old.kind, id: old.id, file: old.file, owners: owners(old, null), label: old.label, before: old, after: null,
      aspects: [], bump, reason: `${ITEM_NOUNS[old.kind]} ${old.id} removed`, leaves: [],
    });
  }
  for (const now of added) {
    const bump: Bump = now.kind === 'tests' ? 'patch' : 'minor';
    changes.push({
      type: 'added', kind: now.kind, id: now.id, file: now.file, owners: owners(null, now), label: now.label, before: null, after: now,
      aspects: [], bump, reason: `${ITEM_NOUNS[now.kind]} ${now.id} added`, leaves: [],
    });
  }
  const kindOrder = Object.keys(ITEM_NOUNS);
  return changes.sort((a, b) =>
    compare(a.file, b.file) || kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || compare(a.id, b.id));
}

function compareEdited(old: RuleItem, now: RuleItem): RuleChange | null {
  const aspects = aspectsOf(old, now);
  if (aspects.length === 0) return null;
  const leaves = leafChanges(old, now);
  const logicOrOwner = aspects.includes('logic') || aspects.includes('owner');
  const bump: Bump = now.kind === 'tests' ? 'patch' : logicOrOwner ? 'minor' : 'patch';
  const what = aspects.includes('logic')
    ? describeLogic(leaves)
    : aspects.includes('owner') ? `owner ${old.owner ?? 'none'} → ${now.owner ?? 'none'}` : 'text only';
  return {
    type: 'edited', kind: now.kind, id: now.id, file: now.file, owners: owners(old, now), label: now.label, before: old, after: now,
    aspects, bump, reason: `${ITEM_NOUNS[now.kind]} ${now.id}: ${what}`, leaves,
  };
}

/** "points, thresholds or conditions" (DESIGN 6) in words, from the changed logic leaves. */
function describeLogic(leaves: readonly LeafChange[]): string {
  const logicLeaves = leaves.filter((leaf) => !leaf.path.startsWith('text.'));
  const parts = new Set<string>();
  for (const { path } of logicLeaves) {
    if (/^(points|max|min)$/.test(path) || /^decay/.test(path)) parts.add('points');
    else if (/^(priority|position)$/.test(path)) parts.add('order');
    else if (/(^|\.)(gte|gt|lte|lt|eq|ne|between|in|notIn|count|within|target)(\.|\[|$)/.test(path)) parts.add('thresholds');
    else parts.add('conditions');
  }
  return parts.size ? `${[...parts].join(', ')} changed` : 'logic changed';
}

function aspectsOf(old: RuleItem, now: RuleItem): Array<'logic' | 'text' | 'owner'> {
  const aspects: Array<'logic' | 'text' | 'owner'> = [];
  if (canonicalJson(old.logic) !== canonicalJson(now.logic)) aspects.push('logic');
  if (canonicalJson(old.text) !== canonicalJson(now.text)) aspects.push('text');
  if (old.owner !== now.owner) aspects.push('owner');
  return aspects;
}

function owners(old: RuleItem | null, now: RuleItem | null): string[] {
  const set = new Set<string>();
  for (const item of [old, now]) if (item?.owner) set.add(item.owner);
  return [...set];
}

/** Every leaf that differs between two items, logic first (`points`), then text (`text.label`). */
export function leafChanges(old: RuleItem, now: RuleItem): LeafChange[] {
  const out: LeafChange[] = [];
  walk(old.logic, now.logic, '', out);
  walk(old.text, now.text, 'text', out);
  if (old.owner !== now.owner) out.push({ path: 'owner', before: old.owner, after: now.owner });
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: LeafChange[]): void {
  if (out.length > 200) return;
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) walk(a[key], b[key], path ? `${path}.${key}` : key, out);
    return;
  }
  // Lists of conditions compare element by element only when the length stays; otherwise the
  // whole list is one change (an inserted condition shifts every index after it).
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some((x) => isObj(x) || Array.isArray(x))) {
    a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, out));
    return;
  }
  if (canonicalJsonSafe(a) !== canonicalJsonSafe(b)) out.push({ path, before: a, after: b });
}

function canonicalJsonSafe(value: unknown): string {
  return value === undefined ? 'undefined' : canonicalJson(value);
}

/** The largest bump a list of changes needs, null when nothing needs one. */
export function requiredBump(changes: readonly RuleChange[]): Bump | null {
  let best: Bump | null = null;
  for (const change of changes) if (!best || BUMP_ORDER[change.bump] > BUMP_ORDER[best]) best = change.bump;
  return best;
}

/** `18`, `"B"`, `[A, B]`, `—` for missing: short enough for one line of a summary. */
export function showValue(value: unknown, max = 60): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
