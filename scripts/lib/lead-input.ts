/**
 * Reading lead exports for `leadpact score` one batch at a time: JSON Lines, a JSON array (streamed
 * with @streamparser/json, also an array inside an object such as `{ "results": [...] }`) and CSV
 * (csv-parse, rows as objects keyed by header). Nothing here holds more than one input chunk and
 * the records parsed from it, so a 1 GB export needs about as much memory as a 1 MB one.
 *
 * Every record carries the line it starts on; a record that cannot be read is an item with an
 * error (and a column when known) so the caller reports it and goes on. A few problems end the
 * input (`fatal`): JSON that stops being JSON cannot be resynchronised, unlike a JSON Lines file.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { parse as parseCsv, type CsvError } from 'csv-parse';

export type InputFormat = 'jsonl' | 'json' | 'csv';
export const INPUT_FORMATS: readonly InputFormat[] = ['jsonl', 'json', 'csv'];

export type InputItem =
  | { line: number; value: unknown }
  | { line: number; col: number; error: string; fatal?: boolean };

/** A JSON Lines line longer than this is reported and skipped rather than buffered. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** The format a file name promises: .jsonl/.ndjson, .json, .csv/.tsv/.txt; undefined otherwise. */
export function formatFromName(name: string): InputFormat | undefined {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  if (/\.(jsonl|ndjson|jsonlines)$/.test(lower)) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (/\.(csv|tsv)$/.test(lower)) return 'csv';
  return undefined;
}

/**
 * The format of an export from its first bytes: `[` is a JSON array; `{` is JSON Lines when the
 * first line is a whole JSON value, else one JSON document (an object holding the records);
 * anything else is CSV.
 */
export function sniffFormat(head: Uint8Array): InputFormat {
  let text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.search(/\S/);
  if (start === -1) return 'jsonl';
  if (text[start] === '[') return 'json';
  if (text[start] !== '{') return 'csv';
  const end = text.indexOf('\n', start);
  if (end === -1) return 'jsonl'; // one line so far: JSON Lines either way
  try {
    JSON.parse(text.slice(start, end));
    return 'jsonl';
  } catch {
    return 'json';
  }
}

/** The first chunk of a stream, and an iterable that yields it again followed by the rest. */
export async function peek(source: AsyncIterable<Buffer | string>): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : toBuffer(first.value);
  async function* chunks(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (first.done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toBuffer(next.value);
  }
  return { head, chunks: chunks() };
}

/**
 * `peek`, and for a gzip-compressed export (`leads.jsonl.gz`, by its magic bytes, not its name)
 * the decompressed stream: exports are often mailed or stored compressed.
 */
export async function openExport(source: AsyncIterable<Buffer | string>): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer>; gzip: boolean }> {
  const raw = await peek(guarded(source, 'cannot read the input'));
  if (raw.head.length < 2 || raw.head[0] !== 0x1f || raw.head[1] !== 0x8b) return { ...raw, gzip: false };
  const inflated = Readable.from(raw.chunks).pipe(createGunzip());
  return { ...(await peek(guarded(inflated, 'the gzip data is broken'))), gzip: true };
}

/** The input failed below the records (a disk error, broken compression): nothing after it can be read. */
export class InputReadError extends Error {
  override name = 'InputReadError';
}

async function* guarded(source: AsyncIterable<Buffer | string>, what: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) yield toBuffer(chunk);
  } catch (error) {
    if (error instanceof InputReadError) throw error;
    throw new InputReadError(`${what} (${error instanceof Error ? error.message : String(error)})`);
  }
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

// --- JSON Lines -----------------------------------------------------------------------------------

/** A non-blank line of a JSON Lines input (its text, not parsed yet), or why it cannot be read. */
export type LineItem = { line: number; text: string } | { line: number; col: number; error: string };

/**
 * The non-blank lines of a JSON Lines input, a batch per input chunk, each with its line number;
 * the byte-order mark is dropped and a line over MAX_LINE_BYTES is an error item (the rest go on).
 * `leadpact diff` hands these to worker threads to parse; readJsonLines parses them here.
 */
export async function* readLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LineItem[]> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let oversized = false;
  let line = 0;
  let first = true;
  const tooLong = (at: number): LineItem => ({ line: at, col: 1, error: `the line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB` });
  const lineItem = (bytes: Buffer, start: number, end: number): LineItem | undefined => {
    line++;
    let text = bytes.toString('utf8', start, end);
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.trim() === '') return undefined;
    return { line, text };
  };

  for await (const chunk of chunks) {
    const batch: LineItem[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      let item: LineItem | undefined;
      if (oversized) {
        line++;
        item = tooLong(line);
        oversized = false;
      } else if (carryBytes > 0) {
        carry.push(chunk.subarray(start, newline));
        const whole = Buffer.concat(carry);
        carry = [];
        carryBytes = 0;
        item = lineItem(whole, 0, whole.length);
      } else {
        item = lineItem(chunk, start, newline);
      }
      if (item) batch.push(item);
      start = newline + 1;
    }
    if (start < chunk.length && !oversized) {
      // Copy: the stream may reuse the chunk's memory.
      const rest = Buffer.from(chunk.subarray(start));
      carryBytes += rest.length;
      if (carryBytes > MAX_LINE_BYTES) {
        oversized = true;
        carry = [];
        carryBytes = 0;
      } else {
        carry.push(rest);
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (oversized) {
    yield [tooLong(line + 1)];
  } else if (carryBytes > 0) {
    const whole = Buffer.concat(carry);
    const item = lineItem(whole, 0, whole.length);
    if (item) yield [item];
  }
}

/** One item per non-blank line: the parsed value, or why the line is not JSON. */
export async function* readJsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<InputItem[]> {
  for await (const batch of readLines(chunks)) yield batch.map((item) => ('text' in item ? parseJsonLine(item.text, item.line) : item));
}

/** A line of JSON Lines parsed: its value, or where and why it is not JSON. */
export function parseJsonLine(text: string, line: number): InputItem {
  try {
    return { line, value: JSON.parse(text) };
  } catch (error) {
    return { line, ...describeJsonError(error, text) };
  }
}

/** `invalid JSON: ...` with the column V8 names (`at position 12`), without repeating it. */
function describeJsonError(error: unknown, text: string): { col: number; error: string } {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  const col = position ? Number(position[1]) + 1 : 1;
  const reason = message.replace(/\s*in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return { col, error: `invalid JSON (${reason || 'unreadable'}): ${JSON.stringify(shown)}` };
}

// --- A JSON document --------------------------------------------------------------------------------

/**
 * The records of a JSON document: the elements of the top-level array, or of the array at
 * `recordsPath` (dotted, e.g. `results` or `data.contacts`). Each record knows the line it starts on.
 */
export async function* readJsonArray(chunks: AsyncIterable<Buffer>, recordsPath = ''): AsyncGenerator<InputItem[]> {
  const keys = recordsPath === '' ? [] : recordsPath.split('.');
  const containerDepth = keys.length + 1;
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({ paths: [['$', ...keys, '*'].join('.')], keepStack: false });

  // Byte offsets to lines: the tokenizer reports absolute byte offsets, always increasing.
  let chunk: Buffer = Buffer.alloc(0);
  let chunkBase = 0;
  let scanned = 0;
  let line = 1;
  let lineStart = 0;
  const locate = (offset: number): { line: number; col: number } => {
    const target = Math.max(offset, chunkBase);
    for (let at = Math.max(scanned, chunkBase); at < target && at - chunkBase < chunk.length; at++) {
      if (chunk[at - chunkBase] === 10) {
        line++;
        lineStart = at + 1;
      }
    }
    scanned = Math.max(scanned, target);
    return { line, col: offset - lineStart + 1 };
  };

  let depth = 0;
  let sawRoot = false;
  let elementLine = 1;
  let batch: InputItem[] = [];
  let fatal: InputItem | undefined;

  tokenizer.onToken = (token) => {
    if (!sawRoot) {
      sawRoot = true;
      const wanted = keys.length === 0 ? TokenType.LEFT_BRACKET : TokenType.LEFT_BRACE;
      if (token.token !== wanted) {
        const at = locate(token.offset);
        throw new RecordsError(at, keys.length === 0
          ? 'a JSON export must be an array of records ([ {...}, {...} ]), or name where its records are (a mapping\'s recordsPath)'
          : `a JSON export read through recordsPath "${recordsPath}" must be an object`);
      }
    }
    if (depth === containerDepth && token.token !== TokenType.COMMA && token.token !== TokenType.RIGHT_BRACKET && token.token !== TokenType.RIGHT_BRACE) {
      elementLine = locate(token.offset).line;
    }
    if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) depth++;
    else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET) depth--;
    parser.write(token);
  };
  parser.onValue = ({ value }) => {
    batch.push({ line: elementLine, value });
  };
  let failure: unknown;
  tokenizer.onError = (error) => { failure ??= error; };
  parser.onError = (error) => { failure ??= error; };

  const fail = (error: unknown): InputItem => {
    if (error instanceof RecordsError) return { ...error.at, error: error.message, fatal: true };
    const message = error instanceof Error ? error.message : String(error);
    const absolute = /absolute position "?(\d+)"?/.exec(message);
    const at = locate(absolute ? Number(absolute[1]) : chunkBase + chunk.length);
    const reason = message.replace(/ at chunk position .*$/, '').replace(/ in state \w+$/, '');
    return { ...at, error: `invalid JSON (${reason}); the rest of the file is not read`, fatal: true };
  };

  for await (const next of chunks) {
    locate(chunkBase + chunk.length); // count the previous chunk's remaining line breaks
    chunkBase += chunk.length;
    chunk = next;
    try {
      tokenizer.write(next);
    } catch (error) {
      failure ??= error;
    }
    if (failure !== undefined) fatal = fail(failure);
    if (fatal) {
      batch.push(fatal);
      break;
    }
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (!fatal) {
    if (!sawRoot) {
      // An empty file holds no records.
    } else if (!parser.isEnded) {
      const at = locate(chunkBase + chunk.length);
      batch.push({ ...at, error: 'the JSON ends before its records are closed (a cut-off file?)', fatal: true });
    }
  }
  if (batch.length > 0) yield batch;
}

class RecordsError extends Error {
  constructor(
    readonly at: { line: number; col: number },
    message: string,
  ) {
    super(message);
  }
}

// --- CSV ----------------------------------------------------------------------------------------------

export interface CsvOptions {
  delimiter?: string;
  /** Called with the header row (trimmed) before the first record. */
  onHeader?: (header: string[]) => void;
}

/** The rows of a CSV export as objects keyed by header; a broken row becomes an error item. */
export async function* readCsv(chunks: AsyncIterable<Buffer>, options: CsvOptions = {}): AsyncGenerator<InputItem[]> {
  let batch: InputItem[] = [];
  const parser = parseCsv({
    bom: true,
    delimiter: options.delimiter ?? ',',
    columns: (header: string[]) => {
      const names = header.map((name) => String(name).trim());
      options.onHeader?.(names);
      return names;
    },
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      if (error) batch.push({ line: csvErrorLine(error), col: 1, error: describeCsvError(error) });
      return undefined;
    },
  });
  // csv-parse's stream is a thin shell over a synchronous core (`parser.api.parse`, what its own
  // sync API runs). Feeding the core directly, chunk by chunk, costs a third less than the stream
  // with `info: true`, keeps skipped rows in line order, and gives each record its line for free.
  const core = (parser as unknown as { api?: SyncCore }).api;
  if (typeof core?.parse !== 'function') {
    yield* readCsvStream(chunks, parser, () => batch.splice(0));
    return;
  }
  const push = (record: Record<string, string>) => {
    batch.push({ line: parser.info.lines, value: record });
  };
  const fail = (error: Error | undefined): boolean => {
    if (!error) return false;
    // What csv-parse cannot skip past (an unclosed quote at the end of the file, a bad option).
    const csvError = error as CsvError;
    batch.push({ line: typeof csvError.lines === 'number' ? csvError.lines : parser.info.lines, col: 1, error: describeCsvError(csvError), fatal: true });
    return true;
  };
  for await (const chunk of chunks) {
    if (fail(core.parse(chunk, false, push, noop))) break;
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (!batch.some((item) => 'fatal' in item)) fail(core.parse(undefined, true, push, noop));
  if (batch.length > 0) yield batch;
}

interface SyncCore {
  parse(chunk: Buffer | undefined, end: boolean, push: (record: Record<string, string>) => void, close: () => void): Error | undefined;
}

function noop(): void {}

/** The same through csv-parse's stream API, for a csv-parse whose core is not reachable. */
async function* readCsvStream(
  chunks: AsyncIterable<Buffer>,
  parser: ReturnType<typeof parseCsv>,
  takeSkipped: () => InputItem[],
): AsyncGenerator<InputItem[]> {
  const input = Readable.from(chunks, { objectMode: false });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let batch: InputItem[] = [];
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      batch.push(...takeSkipped(), { line: parser.info.lines, value: record });
      if (batch.length >= 256) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    const csvError = error as CsvError;
    batch.push(...takeSkipped(), { line: typeof csvError.lines === 'number' ? csvError.lines : 1, col: 1, error: describeCsvError(csvError), fatal: true });
  } finally {
    input.unpipe(parser);
    input.destroy();
  }
  batch.push(...takeSkipped());
  if (batch.length > 0) yield batch;
}

function csvErrorLine(error: CsvError): number {
  const lines = (error as { lines?: unknown }).lines;
  return typeof lines === 'number' && lines > 0 ? lines : 1;
}

/** csv-parse's message without its "Invalid Record Length:" style prefix repeated, in our words. */
function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const record = (error as { record?: unknown[] }).record;
      const columns = (error as { columns?: unknown[] }).columns;
      const got = Array.isArray(record) ? record.length : undefined;
      const want = Array.isArray(columns) ? columns.length : undefined;
      return got !== undefined && want !== undefined
        ? `broken CSV row: ${got} field${got === 1 ? '' : 's'} where the header has ${want}`
        : 'broken CSV row: the number of fields does not match the header';
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'broken CSV: a quoted field is never closed; the rest of the file is not read';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'broken CSV row: text after a closing quote (a stray " inside a field?)';
    default:
      return `broken CSV row: ${error.message.replace(/\s+/g, ' ').trim()}`;
  }
}
