/**
 * From an export file to lead records, the one way `leadpact score`, `report` and `calibrate` read
 * leads: the file (or `-` for standard input) is opened, gunzipped when compressed, its format
 * taken from --input-format, the file name or its first bytes, and every row made a lead record
 * through the mapping (a CSV without one uses the preset its header matches) or checked against
 * the lead record shape. The parsing itself is lead-input.ts; the mappings are score-mapping.ts.
 *
 * Leads come in batches (one per input chunk), so the caller can stream them; a row that cannot be
 * read or is not a lead record is an item with its line, column and message, reported in place.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { parseLeadRecord } from '../../extension/engine/lead-record';
import { CliError } from './command';
import { formatFromName, InputReadError, openExport, readCsv, readJsonArray, readJsonLines, sniffFormat, type InputFormat, type InputItem } from './lead-input';
import { detectMapping, headerProblem, type ResolvedMapping } from './score-mapping';

/** The name messages use for standard input. */
export const STDIN_NAME = '<stdin>';

/** How many input bytes are read at once. */
const CHUNK_BYTES = 256 * 1024;

export interface InputFile {
  /** For messages: the path as given, or `<stdin>`. */
  name: string;
  chunks: AsyncIterable<Buffer | string>;
  /** Bytes, when known (a regular file): progress shows a percentage. */
  size: number | undefined;
  close(): Promise<void>;
}

export interface OpenInputOptions {
  cwd: string;
  /** Read for `-`; without it `-` is a file name like any other. */
  stdin?: AsyncIterable<Buffer | string>;
}

/** Opens an export for reading; a missing file or a directory is a usage error (exit 2). */
export async function openInputFile(file: string, options: OpenInputOptions): Promise<InputFile> {
  if (file === '-' && options.stdin) return { name: STDIN_NAME, chunks: options.stdin, size: undefined, close: async () => {} };
  const absolute = path.resolve(options.cwd, file);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${error.message}`);
  });
  if (info.isDirectory()) throw new CliError(`${file} is a directory; give the export file`);
  const handle = await open(absolute, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${error.message}`);
  });
  const stream = handle.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: false });
  return {
    name: file,
    chunks: stream,
    size: info.isFile() ? info.size : undefined,
    close: async () => {
      stream.destroy();
      await handle.close().catch(() => {});
    },
  };
}

/**
 * `openExport` (gzip, first chunk) for an input by name: a failure before the first byte ends the
 * run as `name: message` (exit 1).
 */
export async function openNamedExport(name: string, chunks: AsyncIterable<Buffer | string>): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  return openExport(chunks).catch((error: unknown) => {
    throw error instanceof InputReadError ? new CliError(`${name}: ${error.message}`, 1) : error;
  });
}

/** The format of an export: as given, else from its file name (not for stdin), else from its first bytes. */
export function exportFormat(name: string, head: Uint8Array, given?: InputFormat): InputFormat {
  return given ?? (name === STDIN_NAME ? undefined : formatFromName(name)) ?? sniffFormat(head);
}

export type LeadItem =
  | { line: number; lead: Lead }
  | {
      line: number;
      col: number;
      error: string;
      /** Nothing after this item can be read. */
      fatal?: boolean;
      /** The CSV header does not fit: the mapping lacks a column, or (needsMap) there is no mapping. */
      header?: boolean;
      needsMap?: boolean;
    };

export interface LeadRecordOptions {
  bundle: Bundle;
  /** --map, resolved (a leads mapping); a CSV without one uses the preset its header matches. */
  mapping?: ResolvedMapping;
  /** --input-format; default: from the name, else from the content. */
  inputFormat?: InputFormat;
  /** A CSV's header picked this preset (only when no mapping was given). */
  onDetected?: (mapping: ResolvedMapping) => void;
}

/**
 * The lead records of an export, a batch per input chunk. Read failures below the rows (a disk
 * error, broken gzip) after the first chunk throw InputReadError; before it, a CliError.
 */
export async function* readLeadRecords(input: { name: string; chunks: AsyncIterable<Buffer | string> }, options: LeadRecordOptions): AsyncGenerator<LeadItem[]> {
  const { head, chunks } = await openNamedExport(input.name, input.chunks);
  const format = exportFormat(input.name, head, options.inputFormat);
  const { bundle } = options;
  let mapping = options.mapping;
  let headerError: string | undefined;
  /** No mapping for a CSV: a usage error, unlike a header that lacks a column. */
  let needsMap = false;
  let batches: AsyncGenerator<InputItem[]>;
  if (format === 'csv') {
    batches = readCsv(chunks, {
      delimiter: mapping?.program.mapping.delimiter ?? ',',
      onHeader: (header) => {
        if (!mapping) {
          mapping = detectMapping(header, bundle);
          if (mapping) options.onDetected?.(mapping);
          else {
            needsMap = true;
            headerError = `a CSV export needs a mapping from its columns to lead fields: --map <id> (${bundle.mappings.filter((m) => m.records === 'leads').map((m) => m.id).join(', ')}) or --map <file>`;
          }
        }
        if (mapping) headerError = headerProblem(header, mapping);
      },
    });
  } else {
    batches = format === 'json' ? readJsonArray(chunks, mapping?.program.mapping.recordsPath ?? '') : readJsonLines(chunks);
  }
  const headerItem = (): LeadItem => ({ line: 1, col: 1, error: headerError!, fatal: true, header: true, needsMap });
  try {
    for await (const batch of batches) {
      if (headerError !== undefined) {
        yield [headerItem()];
        return;
      }
      const leads: LeadItem[] = [];
      for (const item of batch) {
        if ('error' in item) {
          leads.push(item);
          if (item.fatal) break;
          continue;
        }
        const lead = toLead(item, mapping);
        leads.push(typeof lead === 'string' ? { line: item.line, col: 1, error: lead } : { line: item.line, lead });
      }
      yield leads;
      if (leads.some((item) => 'fatal' in item && item.fatal)) return;
    }
    // A header and no rows: the problem still stands.
    if (headerError !== undefined) yield [headerItem()];
  } finally {
    await batches.return(undefined);
  }
}

/** A row as a lead record: through the mapping, else checked against the lead record shape. */
function toLead(item: { line: number; value: unknown }, mapping: ResolvedMapping | undefined): Lead | string {
  if (mapping) {
    const result = mapping.program.toLead(item.value as Record<string, unknown>, item.line);
    return result.ok ? result.lead : result.error;
  }
  const result = parseLeadRecord(item.value);
  return result.ok ? result.lead : `not a lead record: ${result.error}`;
}
