/**
 * Both sides of a rules change: the base as committed at a git ref (read from git objects, no
 * checkout) and the working tree, each loaded and validated, with the item-by-item changes between
 * them. Shared by `diff`, `version-check` and `approvals`.
 */
import type { Diagnostic } from './diagnostics';
import { compareItems, extractItems, type RuleChange, type RuleItem } from './rules-changes';
import { loadRules, type LoadResult } from './rules-repo';
import { dirSource, gitSource } from './rules-source';

export interface RulesSide {
  /** The git ref, or 'working tree'. */
  label: string;
  /** false when the side has no rules files at all (a base from before the rules existed). */
  exists: boolean;
  load: LoadResult;
  items: Map<string, RuleItem>;
  /** rules/leadpact.yaml `version`, when it can be read. */
  version: string | null;
  errors: Diagnostic[];
}

export interface RulesComparison {
  base: RulesSide;
  head: RulesSide;
  changes: RuleChange[];
}

export interface CompareOptions {
  rulesSubdir?: string;
}

export async function compareWithBase(repoDir: string, baseRef: string, options: CompareOptions = {}): Promise<RulesComparison> {
  const rulesSubdir = options.rulesSubdir ?? 'rules';
  const [base, head] = await Promise.all([
    loadSide(baseRef, loadRules(gitSource(repoDir, baseRef, rulesSubdir), { rulesSubdir })),
    loadSide('working tree', loadRules(dirSource(repoDir, rulesSubdir), { rulesSubdir })),
  ]);
  return { base, head, changes: compareItems(base.items, head.items) };
}

async function loadSide(label: string, loading: Promise<LoadResult>): Promise<RulesSide> {
  const load = await loading;
  const exists = load.files.length > 0;
  const project = load.files.find((file) => file.kind === 'project')?.data as { version?: unknown } | undefined;
  return {
    label,
    exists,
    load,
    items: extractItems(load.files),
    version: typeof project?.version === 'string' ? project.version : null,
    errors: exists ? load.diagnostics.filter((d) => d.severity === 'error') : [],
  };
}
