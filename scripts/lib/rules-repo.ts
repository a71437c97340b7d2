/**
 * Loads a rules repository: finds the files by the layout, reads each one safely, checks its
 * schema comment, kind and schema, then (when every file matches its schema) the semantic checks,
 * and builds the bundle when nothing is wrong. Everything wrong becomes a located diagnostic;
 * nothing here throws for bad rules.
 */
import type { Bundle } from '../../extension/engine/generated/rules';
import { sortDiagnostics, type Diagnostic } from './diagnostics';
import { buildBundle } from './rules-bundle';
import { expectedSchemaLine, KIND_NOUNS, placeFile, REQUIRED_FILES, RULES_KINDS, type RulesKind } from './rules-layout';
import type { RulesSource } from './rules-source';
import { runSemanticChecks } from './semantic-checks';
import type { RulesFile } from './semantic-context';
import { explainFailure } from './schema-messages';
import { validateWithSchema } from './schema-validator';
import { fileTooLargeMessage, MAX_DIAGNOSTICS_PER_FILE, MAX_FILE_BYTES, parseYamlFile, type ParsedYaml } from './yaml-file';

export interface LoadedFile {
  /** Relative to the repository root: 'rules/scoring/fit.yaml'. */
  path: string;
  kind: RulesKind;
  /** The parsed data; undefined when the file could not be read as YAML. */
  data: unknown;
  doc?: ParsedYaml;
  /** Parsed, with the right schema comment and kind, and matching its schema. */
  valid: boolean;
}

export interface LoadOptions {
  /** The commit recorded in the bundle (build passes `git rev-parse HEAD` for a clean tree). */
  commit?: string | null;
  /** The rules folder inside the repository; 'rules' unless a test says otherwise. */
  rulesSubdir?: string;
}

export interface LoadResult {
  files: LoadedFile[];
  diagnostics: Diagnostic[];
  /** null when there is any error (warnings do not count). */
  bundle: Bundle | null;
  /** false when schema errors stopped the semantic checks (they need every file to match its schema). */
  semanticChecksRan: boolean;
}

/** At most this many files are read at once (a git source runs one process per file). */
const READ_CONCURRENCY = 8;

export async function loadRules(source: RulesSource, opts: LoadOptions = {}): Promise<LoadResult> {
  const rulesSubdir = opts.rulesSubdir ?? 'rules';
  const diagnostics: Diagnostic[] = [];
  const toRead: Array<{ path: string; kind: RulesKind }> = [];
  for (const path of await source.list()) {
    const placement = placeFile(path, rulesSubdir);
    if (placement.type === 'rules') toRead.push({ path, kind: placement.kind });
    else if (placement.type === 'misplaced') diagnostics.push(at(path, 1, 1, 'misplaced-file', placement.message));
  }

  const files = await mapLimited(toRead, READ_CONCURRENCY, async ({ path, kind }) => {
    const problems: Diagnostic[] = [];
    const file = await loadFile(source, path, kind, problems);
    return { file, problems };
  });
  for (const { problems } of files) diagnostics.push(...problems);
  const loaded = files.map(({ file }) => file);

  const present = new Set(loaded.map((f) => f.path));
  const required = Object.keys(REQUIRED_FILES).map((name) => `${rulesSubdir}/${name}`);
  for (const path of required) {
    if (!present.has(path)) {
      diagnostics.push(at(path, 1, 1, 'missing-file', `missing ${path}: a rules repository has ${Object.keys(REQUIRED_FILES).join(', ')}`));
    }
  }

  let semanticChecksRan = false;
  const valid = loaded.filter((f): f is LoadedFile & { doc: ParsedYaml } => f.valid && f.doc !== undefined);
  const rulesFiles: RulesFile[] = valid.map((f) => ({ path: f.path, kind: f.kind, data: f.data, doc: f.doc }));
  if (!hasErrors(diagnostics)) {
    semanticChecksRan = true;
    diagnostics.push(...runSemanticChecks(rulesFiles));
  }
  const bundle = hasErrors(diagnostics) ? null : buildBundle(rulesFiles, opts.commit ?? null);
  return { files: loaded, diagnostics: capPerFile(sortDiagnostics(diagnostics)), bundle, semanticChecksRan };
}

/**
 * At most MAX_DIAGNOSTICS_PER_FILE findings per file, then one line saying so: a generated file
 * with 2,000 copies of one mistake should not bury the rest of the output.
 */
function capPerFile(sorted: Diagnostic[]): Diagnostic[] {
  const counts = new Map<string, number>();
  const kept: Diagnostic[] = [];
  for (const d of sorted) {
    const count = (counts.get(d.file) ?? 0) + 1;
    counts.set(d.file, count);
    if (count <= MAX_DIAGNOSTICS_PER_FILE) kept.push(d);
    else if (count === MAX_DIAGNOSTICS_PER_FILE + 1) {
      // The YAML reader and the schema stage end their own lists with this line already.
      kept.push(d.code === 'too-many-problems' ? d : at(d.file, d.line, d.col, 'too-many-problems', `too many problems in this file; only the first ${MAX_DIAGNOSTICS_PER_FILE} are shown`));
    }
  }
  return kept;
}

async function loadFile(source: RulesSource, path: string, kind: RulesKind, problems: Diagnostic[]): Promise<LoadedFile> {
  const file: LoadedFile = { path, kind, data: undefined, valid: false };
  // Refused before reading when the source can tell the size (parseYamlFile refuses it too).
  let bytes: Uint8Array;
  try {
    const size = source.size ? await source.size(path) : undefined;
    if (size !== undefined && size > MAX_FILE_BYTES) {
      problems.push(at(path, 1, 1, 'file-too-large', fileTooLargeMessage(size)));
      return file;
    }
    bytes = await source.read(path);
  } catch (error) {
    // A file that vanished or cannot be read (permissions, a dangling link) is a finding, not a crash.
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(at(path, 1, 1, 'unreadable-file', `cannot read the file${code ? ` (${code})` : ''}`));
    return file;
  }
  const parsed = parseYamlFile(path, bytes);
  if (!parsed.ok) {
    problems.push(...parsed.diagnostics);
    return file;
  }
  const doc = parsed.doc;
  file.doc = doc;
  file.data = doc.data;

  const expected = expectedSchemaLine(path, kind);
  const firstLine = doc.source.slice(0, (doc.source.indexOf('\n') + 1 || doc.source.length + 1) - 1).replace(/\r$/, '');
  let ok = true;
  if (firstLine.trimEnd() !== expected) {
    problems.push(at(path, 1, 1, 'schema-line', `the first line must be "${expected}" so editors check the file as you type`));
    ok = false;
  }

  const declared = (doc.data as { kind?: unknown } | null)?.kind;
  if (typeof declared === 'string' && declared !== kind && (RULES_KINDS as readonly string[]).includes(declared)) {
    const { line, col } = doc.locate(['kind']);
    problems.push(at(path, line, col, 'kind-mismatch', `kind ${declared} does not belong here: ${path} holds a ${KIND_NOUNS[kind]} (kind: ${kind})`));
    return file;
  }

  const failures = validateWithSchema(kind, doc.data);
  for (const failure of failures.slice(0, MAX_DIAGNOSTICS_PER_FILE)) {
    const message = explainFailure(failure, kind);
    const { line, col } = doc.locate(message.path, { key: message.key });
    problems.push(at(path, line, col, message.code, message.message));
  }
  if (failures.length > MAX_DIAGNOSTICS_PER_FILE) {
    problems.push(at(path, problems[problems.length - 1]!.line, 1, 'too-many-problems', `too many problems in this file; only the first ${MAX_DIAGNOSTICS_PER_FILE} are shown`));
  }
  file.valid = ok && failures.length === 0;
  return file;
}

function at(file: string, line: number, col: number, code: string, message: string): Diagnostic {
  return { file, line, col, message, severity: 'error', code };
}

function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Promise.all over `items` with at most `limit` running at once, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
