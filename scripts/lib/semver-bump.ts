/**
 * The versioning gate of DESIGN 6: a change to the rules needs a semver bump of
 * rules/leadpact.yaml `version` against the base (major when an id is removed or renamed, minor
 * when points, thresholds or conditions change, patch for labels and text only), and
 * rules/CHANGELOG.md needs an entry for the new version.
 */
import semver from 'semver';
import { changelogEntry, hasChangelogText } from './release-notes';
import { BUMP_ORDER, requiredBump, type Bump, type RuleChange } from './rules-changes';

export interface VersionCheckInput {
  baseRef: string;
  /** null when the base has no rules (or no readable version). */
  baseVersion: string | null;
  baseExists: boolean;
  headVersion: string | null;
  changes: readonly RuleChange[];
  /** The working tree's rules/CHANGELOG.md, null when there is none. */
  changelog: string | null;
  changelogPath: string;
}

export interface VersionProblem {
  /** 'version' problems point at leadpact.yaml's version, 'changelog' ones at the changelog. */
  where: 'version' | 'changelog';
  message: string;
}

export interface VersionCheckResult {
  ok: boolean;
  required: Bump | null;
  /** The bump the version actually got, null when unchanged or not comparable. */
  actual: Bump | null;
  /** The smallest version that passes, when the check fails on the version. */
  suggested: string | null;
  problems: VersionProblem[];
  /** What was checked, one line each, for people. */
  notes: string[];
}

export function checkVersion(input: VersionCheckInput): VersionCheckResult {
  const problems: VersionProblem[] = [];
  const notes: string[] = [];
  const { changes, baseVersion, headVersion } = input;
  const required = requiredBump(changes);
  let actual: Bump | null = null;
  let suggested: string | null = null;

  const head = headVersion === null ? null : semver.valid(headVersion);
  if (head === null) {
    problems.push({ where: 'version', message: `version ${headVersion === null ? 'is missing' : `"${headVersion}" is not a semantic version`}: write MAJOR.MINOR.PATCH, e.g. 1.4.0` });
    return { ok: false, required, actual, suggested, problems, notes };
  }
  const base = baseVersion === null ? null : semver.valid(baseVersion);

  if (!input.baseExists || base === null) {
    notes.push(input.baseExists
      ? `the rules at ${input.baseRef} have no readable version; any version is accepted`
      : `the rules did not exist at ${input.baseRef}: version ${head} starts the history`);
  } else if (changes.length === 0 && semver.eq(head, base)) {
    notes.push(`no rules change against ${input.baseRef}; version ${head} needs no bump`);
    return { ok: true, required, actual, suggested, problems, notes };
  } else if (semver.lte(head, base)) {
    suggested = required ? semver.inc(base, required) : null;
    problems.push({
      where: 'version',
      message: semver.eq(head, base)
        ? `version is still ${head} but the rules changed: ${explainNeed(required!, changes)}; set version to ${suggested}`
        : `version ${head} is lower than ${base} at ${input.baseRef}; versions only go up${suggested ? ` (next: ${suggested})` : ''}`,
    });
  } else {
    actual = bumpOf(base, head);
    if (required && BUMP_ORDER[actual] < BUMP_ORDER[required]) {
      suggested = semver.inc(base, required);
      problems.push({ where: 'version', message: `${base} → ${head} is a ${actual} bump, but ${explainNeed(required, changes)}; set version to ${suggested}` });
    } else {
      notes.push(`${base} → ${head} is a ${actual} bump${required ? `; the changes need at least ${required}` : ''}`);
      if (required && BUMP_ORDER[actual] > BUMP_ORDER[required]) notes.push(`(a ${required} bump, ${semver.inc(base, required)}, would have been enough)`);
    }
  }

  if (required) for (const level of ['major', 'minor', 'patch'] as const) {
    const those = changes.filter((c) => c.bump === level);
    if (those.length) notes.push(`${level}: ${those.slice(0, 8).map((c) => c.reason).join('; ')}${those.length > 8 ? `; ${those.length - 8} more` : ''}`);
  }

  // An unchanged version already failed above; its old entry proves nothing about this change.
  if (base !== null && semver.eq(head, base)) return { ok: false, required, actual, suggested, problems, notes };
  const entry = findChangelogEntry(input.changelog, head);
  if (input.changelog === null) {
    problems.push({ where: 'changelog', message: `${input.changelogPath} is missing: add it with a "## [${head}] - YYYY-MM-DD" entry saying what changed and why` });
  } else if (entry === 'missing') {
    problems.push({ where: 'changelog', message: `${input.changelogPath} has no entry for ${head}: add "## [${head}] - YYYY-MM-DD" with what changed and why` });
  } else if (entry === 'empty') {
    problems.push({ where: 'changelog', message: `the ${input.changelogPath} entry for ${head} is empty: say what changed and why` });
  } else notes.push(`${input.changelogPath} has an entry for ${head}`);

  return { ok: problems.length === 0, required, actual, suggested, problems, notes };
}

/** "a major bump is needed: persona practitioner removed" with the first few reasons. */
function explainNeed(required: Bump, changes: readonly RuleChange[]): string {
  const why = changes.filter((c) => c.bump === required);
  const list = why.slice(0, 3).map((c) => c.reason).join('; ');
  const more = why.length > 3 ? ` and ${why.length - 3} more` : '';
  const rule = required === 'major' ? 'an id was removed or renamed' : required === 'minor' ? 'points, thresholds or conditions changed' : 'labels or text changed';
  return `a ${required} bump is needed because ${rule} (${list}${more})`;
}

/** The bump from one version to a higher one: 1.2.3 → 2.0.0 is major; pre-releases count as their level. */
export function bumpOf(from: string, to: string): Bump {
  const a = semver.parse(from)!;
  const b = semver.parse(to)!;
  if (b.major !== a.major) return 'major';
  if (b.minor !== a.minor) return 'minor';
  return 'patch';
}

/**
 * Finds `## [1.4.0]` (Keep a Changelog) or `## 1.4.0` and says whether the entry has any text
 * before the next `## ` heading.
 */
export function findChangelogEntry(changelog: string | null, version: string): 'found' | 'empty' | 'missing' {
  const entry = changelog === null ? null : changelogEntry(changelog, version);
  if (entry === null) return 'missing';
  return hasChangelogText(entry) ? 'found' : 'empty';
}
