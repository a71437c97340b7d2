/**
 * Reads one rules file as YAML, whatever is thrown at it: every broken or hostile input becomes
 * located one-line diagnostics, never an exception, and every check is linear in the file size.
 *
 * The steps, each one refusing the file before the next, more expensive, one runs:
 *  1. size: files over MAX_FILE_BYTES are refused before anything looks at their content;
 *  2. text: NUL bytes, control characters and invalid UTF-8 are refused (a BOM is dropped);
 *  3. tokens: yaml's Lexer and Parser run one token at a time so that nesting deeper than
 *     MAX_DEPTH stops them at once (yaml's composer recurses per level, and its parser slows down
 *     with depth: an unclosed 100k-deep `[[[…` exhausts the heap inside `parseDocument`), so that
 *     anchors and aliases are found before any node exists, and so that reading stops early at a
 *     second document or in a flood of garbage;
 *  4. document: yaml's Composer builds at most two documents from those tokens; an iterative walk
 *     checks depth, aliases and duplicate keys, and `toJS({ maxAliasCount: 0 })` runs only on a
 *     document with no problem at all.
 *
 * This is what `parseDocument` does (Parser, then Composer), split open for the guards. Duplicate
 * keys are found by the walk with a hash map, not by yaml's `uniqueKeys`, which compares every key
 * with every other one: a 256 KB file of distinct keys takes seconds that way.
 */
import {
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  type CST,
  type Document,
  type ParsedNode,
  type Pair,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from './diagnostics';

export const MAX_FILE_BYTES = 256 * 1024;
/** Deepest allowed nesting of maps and sequences; the top-level map is depth 1. */
export const MAX_DEPTH = 32;
/** More problems than this in one file are cut off, with one line saying so. */
export const MAX_DIAGNOSTICS_PER_FILE = 20;

export interface YamlPath extends Array<string | number> {}

export interface ParsedYaml {
  file: string;
  data: unknown;
  /**
   * line/col (1-based) of the value at path, or of its key when `key` is true; falls back to the
   * nearest existing ancestor (its value) when the path does not exist. Sequence indexes may be
   * numbers or digit strings (as in JSON pointers); map keys may be numbers.
   */
  locate(path: YamlPath, opts?: { key?: boolean }): { line: number; col: number };
  /** The decoded text, without a byte-order mark: offsets and positions refer to it. */
  source: string;
}

export type ParseResult = { ok: true; doc: ParsedYaml } | { ok: false; diagnostics: Diagnostic[] };

type Position = { line: number; col: number };
/**
 * A problem found at a character offset of the decoded text. A garbage file can bring a quarter of
 * a million of them, so the message of yaml's own errors is only worked out for those shown.
 */
type Problem = { offset: number; code: string; message: string } | { offset: number; code: string; yamlError: YAMLError };

const ALIAS_MESSAGE = 'YAML anchors and aliases are not allowed in rules files';
const TAB_MESSAGE = 'tabs are not allowed for indentation; use spaces';
const EMPTY_MESSAGE = 'the file has no YAML content; a rules file holds one YAML mapping';
const DEPTH_MESSAGE = `nesting is deeper than ${MAX_DEPTH} levels of maps and lists`;

const COMPOSER_OPTIONS = {
  version: '1.2',
  // YAML 1.2 core schema, even under a `%YAML 1.1` directive: `yes`/`on` stay strings.
  schema: 'core',
  // `!!binary`, `!!set`, `!!timestamp` and other non-core tags become warnings (reported as errors).
  resolveKnownTags: false,
  // Keys are their source text (`1.0:` is "1.0"); maps and lists as keys are errors.
  stringKeys: true,
  uniqueKeys: false,
  // Raw one-line messages, without the source excerpt.
  prettyErrors: false,
  // Problems are reported as diagnostics; yaml must never print to the console itself.
  logLevel: 'silent',
} as const;

export function parseYamlFile(file: string, bytes: Uint8Array): ParseResult {
  // yaml builds an Error object for every problem it meets, and capturing stack traces makes a
  // file of 250,000 stray `]` take seconds; we never show those stacks anyway.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseChecked(file, bytes);
  } catch (error) {
    // Not expected to happen; if yaml ever throws, the caller still gets a one-line diagnostic.
    const message = error instanceof Error ? error.message : String(error);
    return fail([diagnostic(file, { line: 1, col: 1 }, 'yaml-syntax', `could not read the file as YAML: ${shorten(message)}`)]);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function parseChecked(file: string, bytes: Uint8Array): ParseResult {
  if (bytes.length > MAX_FILE_BYTES) {
    return fail([
      diagnostic(
        file,
        { line: 1, col: 1 },
        'file-too-large',
        fileTooLargeMessage(bytes.length),
      ),
    ]);
  }

  const decoded = decodeText(bytes);
  if (!decoded.ok) return fail([diagnostic(file, decoded.at, 'binary-content', decoded.message)]);
  const text = decoded.text;
  const lines = countLines(text);
  const at = (offset: number) => positionOf(lines, offset);

  const cst = parseTokens(text);
  if (cst.tooDeepAt !== undefined) return fail([diagnostic(file, at(cst.tooDeepAt), 'yaml-too-deep', DEPTH_MESSAGE)]);

  const composer = new Composer(COMPOSER_OPTIONS);
  const docs: Document.Parsed[] = [];
  for (const doc of composer.compose(cst.tokens, true, text.length)) {
    docs.push(doc);
    if (docs.length === 2) break;
  }
  const doc = docs[0];
  if (!doc) return fail([diagnostic(file, { line: 1, col: 1 }, 'yaml-empty', EMPTY_MESSAGE)]);

  let problems: Problem[] = cst.aliasOffsets.map((offset) => ({ offset, code: 'yaml-alias', message: ALIAS_MESSAGE }));
  const walk = walkDocument(doc);
  if (walk.tooDeepAt !== undefined) problems.push({ offset: walk.tooDeepAt, code: 'yaml-too-deep', message: DEPTH_MESSAGE });
  // Second guard: the token scan should already have seen every anchor and alias.
  if (cst.aliasOffsets.length === 0) {
    for (const offset of walk.aliasOffsets) problems.push({ offset, code: 'yaml-alias', message: ALIAS_MESSAGE });
  }
  for (const dup of walk.duplicates) {
    const first = at(dup.firstOffset);
    problems.push({
      offset: dup.offset,
      code: 'yaml-duplicate-key',
      message: `duplicate key ${quote(dup.key)} (first defined at line ${first.line}, column ${first.col})`,
    });
  }
  const aliasReported = problems.some((p) => p.code === 'yaml-alias');
  for (const error of doc.errors) {
    const problem = problemFromYamlError(error, text, aliasReported);
    if (problem) problems.push(problem);
  }
  for (const warning of doc.warnings) problems.push(problemFromYamlWarning(warning, text));
  const second = docs[1];
  if (second) {
    problems.push({
      offset: second.range[0],
      code: 'yaml-multi-document',
      message: 'a rules file holds exactly one YAML document; a second one starts here',
    });
  }
  if (problems.length === 0 && isEmptyDocument(doc)) {
    problems.push({ offset: 0, code: 'yaml-empty', message: EMPTY_MESSAGE });
  }

  if (cst.stoppedAt !== undefined) {
    const stoppedAt = cst.stoppedAt;
    problems = problems.filter((p) => p.offset < stoppedAt);
    problems.push({ offset: stoppedAt, code: 'too-many-problems', message: 'too many problems in this file; stopped reading here' });
  }
  if (problems.length > 0) return fail(toDiagnostics(file, problems, text, lines));

  const data: unknown = doc.toJS({ maxAliasCount: 0 });
  return {
    ok: true,
    doc: { file, data, source: text, locate: (path, opts) => locateNode(doc, path, opts?.key === true, at) },
  };
}

// ---------------------------------------------------------------------------------------------
// Step 2: bytes to text

type Decoded = { ok: true; text: string } | { ok: false; at: Position; message: string };

const TEXT_HINT = 'rules files must be UTF-8 text';

function decodeText(bytes: Uint8Array): Decoded {
  const bad = findNonText(bytes);
  if (bad) {
    // Everything before the offending byte is valid UTF-8, so it decodes to the text an editor shows.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad.index));
    const lineStart = before.lastIndexOf('\n') + 1;
    let line = 1;
    for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
    return { ok: false, at: { line, col: before.length - lineStart + 1 }, message: bad.message };
  }
  try {
    // fatal: a second guard against invalid UTF-8; the BOM, if any, is dropped (ignoreBOM: false).
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, at: { line: 1, col: 1 }, message: `the file is not valid UTF-8; ${TEXT_HINT}` };
  }
}

/**
 * The first byte that makes the file not plain UTF-8 text: a NUL, another control character than
 * tab, line feed and carriage return (ESC and C1 controls could drive a terminal showing our
 * messages), or a malformed, overlong or surrogate UTF-8 sequence.
 */
function findNonText(bytes: Uint8Array): { index: number; message: string } | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b === 0) return { index: i, message: `the file contains a NUL byte, so it looks binary; ${TEXT_HINT}` };
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) {
        return { index: i, message: `the file contains the control character ${codePoint(b)}; ${TEXT_HINT}` };
      }
      i++;
      continue;
    }
    let length: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min, cp] = [2, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [length, min, cp] = [3, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [length, min, cp] = [4, 0x10000, b & 0x07];
    else return invalidUtf8(i, b);
    if (i + length > n) return invalidUtf8(i, b);
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return invalidUtf8(i, b);
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return invalidUtf8(i, b);
    if (cp >= 0x80 && cp <= 0x9f && cp !== 0x85) {
      return { index: i, message: `the file contains the control character ${codePoint(cp)}; ${TEXT_HINT}` };
    }
    i += length;
  }
  return undefined;
}

function invalidUtf8(index: number, byte: number) {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  return { index, message: `the file is not valid UTF-8 (byte 0x${hex}); ${TEXT_HINT}` };
}

function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Step 3: tokens

const COLLECTION_TOKENS = new Set<string>(['block-map', 'block-seq', 'flow-collection']);
const SCALAR_MARKER = '\x1f';
/**
 * Past this many stray tokens, or anchors and aliases, the file is garbage and the rest of it is
 * not worth the time: reading stops there, and what was read is still composed and reported.
 */
const MAX_ERROR_TOKENS = 1000;
const MAX_ALIASES = 1000;
/** First characters of lexemes that may sit between flow entries: blanks, line breaks, comments. */
const IGNORED_BETWEEN_ENTRIES = new Set([' ', '\t', '\n', '\r', '#', '']);

type Tokens = {
  tokens: CST.Token[];
  aliasOffsets: number[];
  /** Nesting went past MAX_DEPTH here: nothing else is worth reporting. */
  tooDeepAt?: number;
  /** Reading stopped here; problems the cut itself causes (unclosed brackets…) start here too. */
  stoppedAt?: number;
};

/**
 * Lexes and parses to a CST one lexeme at a time. The parser keeps every open collection on its
 * stack, so the stack shows the nesting depth as it grows: past MAX_DEPTH we stop right there.
 */
function parseTokens(text: string): Tokens {
  const parser = new Parser();
  const result: Tokens = { tokens: [], aliasOffsets: [] };
  let afterScalarMarker = false;
  let errorTokens = 0;
  let documents = 0;
  let previous = '';
  for (const lexeme of new Lexer().lex(text, false)) {
    // After the scalar marker comes scalar content (a block scalar may start with `*` or `&`).
    if (!afterScalarMarker && (lexeme[0] === '*' || lexeme[0] === '&')) result.aliasOffsets.push(parser.offset);
    afterScalarMarker = lexeme === SCALAR_MARKER;
    // `[,,,…]`: each empty entry is an error the composer, not the parser, reports.
    if (lexeme === ',' && (previous === ',' || previous === '[' || previous === '{')) errorTokens++;
    if (!IGNORED_BETWEEN_ENTRIES.has(lexeme[0] ?? '')) previous = lexeme;
    for (const token of parser.next(lexeme)) {
      result.tokens.push(token);
      if (token.type === 'error') errorTokens++;
      else if (token.type === 'document') documents++;
    }
    // A second document is all that needs to be known about the rest of the file.
    if (documents >= 2) break;
    const stack = parser.stack;
    if (stack.length > MAX_DEPTH) {
      let depth = 0;
      for (const open of stack) {
        if (COLLECTION_TOKENS.has(open.type) && ++depth > MAX_DEPTH) return { ...result, tooDeepAt: open.offset };
      }
      // Not collections, but a stack this tall means something is badly nested all the same.
      const top = stack[stack.length - 1]!;
      if (stack.length > 4 * MAX_DEPTH) return { ...result, tooDeepAt: top.offset };
    }
    if (errorTokens > MAX_ERROR_TOKENS || result.aliasOffsets.length > MAX_ALIASES) {
      result.stoppedAt = parser.offset;
      break;
    }
  }
  for (const token of parser.end()) result.tokens.push(token);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Step 4: the document

type Walk = {
  tooDeepAt?: number;
  aliasOffsets: number[];
  duplicates: { key: string; offset: number; firstOffset: number }[];
};

/** One pass over every node, with an explicit stack (no recursion, whatever the input). */
function walkDocument(doc: Document.Parsed): Walk {
  const walk: Walk = { aliasOffsets: [], duplicates: [] };
  const pending: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  const visitPairs = (pairs: Pair[], depth: number) => {
    const seen = new Map<string, number>();
    for (const pair of pairs) {
      const key = pair.key;
      if (isScalar(key) && key.range) {
        const name = String(key.value);
        const first = seen.get(name);
        if (first === undefined) seen.set(name, key.range[0]);
        else walk.duplicates.push({ key: name, offset: key.range[0], firstOffset: first });
      }
      pending.push({ node: key, depth }, { node: pair.value, depth });
    }
  };
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, depth } = item;
    if (isAlias(node)) {
      walk.aliasOffsets.push(node.range?.[0] ?? 0);
      continue;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor) walk.aliasOffsets.push(node.range?.[0] ?? 0);
    }
    if (isMap(node) || isSeq(node) || isPair(node)) {
      const inner = depth + 1;
      if (inner > MAX_DEPTH) {
        const offset = offsetOf(node) ?? 0;
        walk.tooDeepAt = Math.min(walk.tooDeepAt ?? offset, offset);
        continue;
      }
      if (isPair(node)) visitPairs([node], inner); // `[a: 1]`: a one-pair map inside a sequence
      else if (isMap(node)) visitPairs(node.items as Pair[], inner);
      else for (const child of node.items) pending.push({ node: child, depth: inner });
    }
  }
  return walk;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  if (contents === null) return true;
  // A lone `---` (or only comments after it) composes to an empty null scalar.
  return isScalar(contents) && contents.value === null && contents.source === '';
}

function problemFromYamlError(error: YAMLError, text: string, aliasReported: boolean): Problem | undefined {
  const offset = error.pos[0];
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return { offset, code: 'yaml-tab', message: TAB_MESSAGE };
    case 'NON_STRING_KEY':
      return { offset, code: 'yaml-complex-key', message: 'map keys must be plain strings, not lists or maps' };
    case 'DUPLICATE_KEY':
      // Not reported with uniqueKeys off; the walk reports duplicates, naming the key.
      return undefined;
    case 'MULTIPLE_DOCS':
      return { offset, code: 'yaml-multi-document', message: 'a rules file holds exactly one YAML document' };
    case 'BAD_ALIAS':
    case 'ALIAS_PROPS':
      return aliasReported ? undefined : { offset, code: 'yaml-alias', message: ALIAS_MESSAGE };
    default:
      return { offset: Math.min(offset, text.length), code: 'yaml-syntax', yamlError: error };
  }
}

function problemFromYamlWarning(warning: YAMLError, text: string): Problem {
  const offset = warning.pos[0];
  if (warning.code === 'TAG_RESOLVE_FAILED') {
    const tag = shorten(text.slice(offset, warning.pos[1]).trim() || warning.message, 60);
    return {
      offset,
      code: 'yaml-tag',
      message: `unsupported YAML tag ${tag}; only the core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed`,
    };
  }
  return { offset, code: 'yaml-syntax', message: `YAML error: ${shorten(warning.message)}` };
}

/** Checks whose findings may be the parser's follow-on confusion after an earlier mistake. */
const PARSER_CODES = new Set(['yaml-syntax', 'yaml-tab', 'yaml-complex-key']);

/**
 * Sorts problems by position, turns a parser complaint about a line's tab indentation into the
 * clearer tab diagnostic, keeps one problem per line and check, and one parser complaint per line
 * (yaml reports several follow-on errors for one mistake), and cuts off after
 * MAX_DIAGNOSTICS_PER_FILE. A garbage file can bring a quarter of a million problems, so the loop
 * does little per problem and messages are built only when shown.
 */

function toDiagnostics(file: string, problems: Problem[], text: string, lines: LineCounter): Diagnostic[] {
  problems.sort((a, b) => a.offset - b.offset);
  const diagnostics: Diagnostic[] = [];
  // The line being looked at: [lineStart, lineEnd) offsets, its tab indentation, the checks shown.
  let lineStart = -1;
  let lineEnd = -1;
  let line = 0;
  let indentEnd = 0;
  let firstTab: number | undefined;
  const codesOnLine = new Set<string>();
  const offsetsOnLine = new Set<number>();
  let parserComplainedOnLine = false;
  for (const problem of problems) {
    let { offset, code } = problem;
    if (offset < lineStart || offset >= lineEnd) {
      const at = positionOf(lines, offset);
      line = at.line;
      lineStart = offset - at.col + 1;
      const nextLine = text.indexOf('\n', lineStart);
      lineEnd = nextLine === -1 ? Number.POSITIVE_INFINITY : nextLine + 1;
      firstTab = undefined;
      for (indentEnd = lineStart; text[indentEnd] === ' ' || text[indentEnd] === '\t'; indentEnd++) {
        if (text[indentEnd] === '\t') firstTab ??= indentEnd;
      }
      codesOnLine.clear();
      offsetsOnLine.clear();
      parserComplainedOnLine = false;
    }
    const fromParser = PARSER_CODES.has(code);
    // Only a problem found within the indentation (or right after it) is about the indentation.
    const inTabIndent = fromParser && firstTab !== undefined && offset <= indentEnd;
    if (inTabIndent) [offset, code] = [firstTab!, 'yaml-tab'];
    if (fromParser) {
      // The parser's first complaint on a line is the one to fix; the rest, and complaints where
      // a clearer check (an alias, say) already pointed, are its follow-on confusion.
      if (parserComplainedOnLine || offsetsOnLine.has(offset)) continue;
      parserComplainedOnLine = true;
    } else {
      if (codesOnLine.has(code)) continue;
      codesOnLine.add(code);
    }
    offsetsOnLine.add(offset);
    const at = { line, col: offset - lineStart + 1 };
    if (diagnostics.length === MAX_DIAGNOSTICS_PER_FILE) {
      const message = `too many problems in this file; only the first ${MAX_DIAGNOSTICS_PER_FILE} are shown`;
      diagnostics.push(diagnostic(file, at, 'too-many-problems', message));
      break;
    }
    const message = inTabIndent ? TAB_MESSAGE : 'message' in problem ? problem.message : `YAML syntax error: ${shorten(problem.yamlError.message)}`;
    diagnostics.push(diagnostic(file, at, code, message));
  }
  return diagnostics;
}

// ---------------------------------------------------------------------------------------------
// locate()

function locateNode(doc: Document.Parsed, path: YamlPath, wantKey: boolean, at: (offset: number) => Position): Position {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let found = offsetOf(node) ?? 0;
  for (const segment of path) {
    let next: unknown;
    let nextKey: unknown;
    if (isMap(node) || isPair(node)) {
      const pairs = isPair(node) ? [node] : (node.items as Pair[]);
      const pair = pairs.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return at(found);
      [next, nextKey] = [pair.value, pair.key];
    } else if (isSeq(node)) {
      const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
      next = Number.isInteger(index) && index >= 0 ? node.items[index] : undefined;
      if (next === undefined) return at(found);
    } else {
      return at(found);
    }
    node = next;
    keyNode = nextKey;
    // A key without a value (`? a`) has no value node: its key is the nearest thing.
    found = offsetOf(node) ?? offsetOf(keyNode) ?? found;
  }
  if (wantKey) return at(offsetOf(keyNode) ?? found);
  return at(found);
}

// ---------------------------------------------------------------------------------------------
// helpers

function offsetOf(node: unknown): number | undefined {
  if (isPair(node)) return offsetOf(node.key) ?? offsetOf(node.value);
  if (isAlias(node) || isScalar(node) || isMap(node) || isSeq(node)) return (node as ParsedNode).range?.[0];
  return undefined;
}

function countLines(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

function positionOf(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(Math.max(0, offset));
  return line === 0 ? { line: 1, col: 1 } : { line, col };
}

function diagnostic(file: string, at: Position, code: string, message: string): Diagnostic {
  return { file, line: at.line, col: at.col, message, severity: 'error', code };
}

function fail(diagnostics: Diagnostic[]): ParseResult {
  return { ok: false, diagnostics };
}

/** First line of a message, white space collapsed, cut to `max` characters. */
function shorten(message: string, max = 160): string {
  const line = (message.split(/\r?\n/, 1)[0] ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function quote(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 79)}…` : key);
}

/** The file-too-large finding's message, for a rules file of `bytes` bytes. */
export function fileTooLargeMessage(bytes: number): string {
  return `the file is ${formatSize(bytes)}, over the limit of ${formatSize(MAX_FILE_BYTES)} for a rules file`;
}

function formatSize(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
}
