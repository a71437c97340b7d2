/**
 * Which mapping turns an export into lead records for `leadpact score`: a preset from the rules
 * (`--map hubspot-contacts`), a mapping file (`--map ./exports/our-crm.yaml`, checked against
 * schema/mapping.schema.json like any rules file), or for a CSV without --map the preset whose
 * columns the header has.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileMapping, MappingError, type CompiledMapping } from '../../extension/engine/mapping';
import type { Bundle, MappingFile } from '../../extension/engine/generated/rules';
import { CliError } from './command';
import { formatDiagnostics, type Diagnostic } from './diagnostics';
import { explainFailure } from './schema-messages';
import { validateWithSchema } from './schema-validator';
import { MAX_FILE_BYTES, parseYamlFile } from './yaml-file';

export interface ResolvedMapping {
  program: CompiledMapping;
  /** Where it came from, for messages: `mapping hubspot-contacts` or the file's path. */
  source: string;
}

/** A `--map` value names a file when it has a path separator or a YAML extension. */
export function isMappingFile(value: string): boolean {
  return /[/\\]/.test(value) || /\.ya?ml$/i.test(value);
}

/**
 * The mapping named by `--map`. Throws CliError: exit 2 for an unknown preset, 1 for a file or
 * mapping that is wrong (its diagnostics as `path:line:col: message`, like validate).
 */
export async function resolveMapping(value: string, bundle: Bundle, cwd: string): Promise<ResolvedMapping> {
  if (!isMappingFile(value)) {
    const mapping = bundle.mappings.find((m) => m.id === value);
    if (!mapping) {
      const ids = bundle.mappings.map((m) => m.id);
      throw new CliError(`no mapping "${value}" in the rules (${ids.length > 0 ? `presets: ${ids.join(', ')}` : 'the rules have no mappings'}); pass a file path to use your own`);
    }
    return { program: compile(mapping, bundle, `mapping ${mapping.id}`), source: `mapping ${mapping.id}` };
  }
  const file = path.resolve(cwd, value);
  const shown = path.relative(cwd, file) || file;
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'ENOENT' ? `--map: ${shown} does not exist` : `--map: cannot read ${shown}: ${error.message}`);
  });
  if (bytes.length > MAX_FILE_BYTES) throw new CliError(`${shown}:1:1: the mapping file is over ${MAX_FILE_BYTES / 1024} KiB`, 1);
  const parsed = parseYamlFile(shown, new Uint8Array(bytes));
  if (!parsed.ok) throw diagnosticsError(parsed.diagnostics);
  const failures = validateWithSchema('mapping', parsed.doc.data);
  if (failures.length > 0) {
    throw diagnosticsError(failures.map((failure): Diagnostic => {
      const message = explainFailure(failure, 'mapping');
      const { line, col } = parsed.doc.locate(message.path, { key: message.key });
      return { file: shown, line, col, message: message.message, severity: 'error', code: message.code };
    }));
  }
  return { program: compile(parsed.doc.data as MappingFile, bundle, shown), source: shown };
}

function compile(mapping: MappingFile, bundle: Bundle, source: string): CompiledMapping {
  try {
    return compileMapping(mapping, { fields: bundle.fields });
  } catch (error) {
    if (error instanceof MappingError) throw new CliError(`${source}: ${error.message}`, 1);
    throw error;
  }
}

function diagnosticsError(diagnostics: Diagnostic[]): CliError {
  const text = formatDiagnostics(diagnostics, 'text').trimEnd().split('\n');
  // CliError prints `leadpact score: <message>`: the first line gets the prefix, the rest stay as they are.
  return new CliError(`the mapping has ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}:\n${text.join('\n')}`, 1);
}

/**
 * The lead preset whose columns a CSV header has: every required column present, then the largest
 * share of its columns present; none when the header holds fewer than half of a preset's columns
 * and fewer than four.
 */
export function detectMapping(header: readonly string[], bundle: Bundle): ResolvedMapping | undefined {
  const have = new Set(header);
  let best: { mapping: MappingFile; program: CompiledMapping; share: number } | undefined;
  for (const mapping of bundle.mappings) {
    if (mapping.records !== 'leads' || mapping.format !== 'csv') continue;
    let program: CompiledMapping;
    try {
      program = compileMapping(mapping, { fields: bundle.fields });
    } catch {
      continue;
    }
    if (!program.requiredColumns.every((column) => have.has(column))) continue;
    const found = program.sourceColumns.filter((column) => have.has(column)).length;
    const share = found / Math.max(1, program.sourceColumns.length);
    if ((share >= 0.5 || found >= 4) && (!best || share > best.share)) best = { mapping, program, share };
  }
  return best && { program: best.program, source: `mapping ${best.mapping.id}` };
}

/** The problem with a CSV header for a mapping: a required column missing, or none of its columns. */
export function headerProblem(header: readonly string[], resolved: ResolvedMapping): string | undefined {
  const have = new Set(header);
  const { program, source } = resolved;
  if (program.mapping.records !== 'leads') {
    return `${source} reads activity rows (records: events), not leads; score a leads export with a leads mapping`;
  }
  const missing = program.requiredColumns.filter((column) => !have.has(column));
  if (missing.length > 0) {
    return `the header has no column ${missing.map((c) => JSON.stringify(c)).join(', ')}, which ${source} requires`;
  }
  if (program.sourceColumns.length > 0 && !program.sourceColumns.some((column) => have.has(column))) {
    return `the header has none of the columns ${source} reads (${program.sourceColumns.slice(0, 4).map((c) => JSON.stringify(c)).join(', ')}, ...); is this the right --map?`;
  }
  return undefined;
}
