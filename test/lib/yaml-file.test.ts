import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../scripts/lib/diagnostics';
import {
  MAX_DEPTH,
  MAX_DIAGNOSTICS_PER_FILE,
  MAX_FILE_BYTES,
  parseYamlFile,
  type ParsedYaml,
} from '../../scripts/lib/yaml-file';

const FILE = 'rules/scoring/engagement.yaml';
const utf8 = (text: string) => new TextEncoder().encode(text);
const bytesOf = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...utf8(part)] : part)));

function parseOk(text: string | Uint8Array): ParsedYaml {
  const result = parseYamlFile(FILE, typeof text === 'string' ? utf8(text) : text);
  if (!result.ok) throw new Error(`expected a clean parse, got:\n${result.diagnostics.map(show).join('\n')}`);
  return result.doc;
}

function problems(text: string | Uint8Array): Diagnostic[] {
  const result = parseYamlFile(FILE, typeof text === 'string' ? utf8(text) : text);
  if (result.ok) throw new Error(`expected diagnostics, got data ${JSON.stringify(result.doc.data)}`);
  return result.diagnostics;
}

/** `line:col code` of every diagnostic: compact and easy to compare. */
const show = (d: Diagnostic) => `${d.line}:${d.col} ${d.code}`;

/** A small deterministic generator, so the random bytes are the same on every run. */
function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('parseYamlFile on well-formed files', () => {
  it('reads a rules file into plain data', () => {
    const doc = parseOk('# yaml-language-server: $schema=../schema/project.schema.json\nkind: project\nversion: 1.4.0\nteams: { sales: { members: [carol, dan] } }\n');
    expect(doc.data).toEqual({ kind: 'project', version: '1.4.0', teams: { sales: { members: ['carol', 'dan'] } } });
    expect(doc.file).toBe(FILE);
  });

  it('keeps YAML 1.2 core schema values: yes, no, on and off are strings, 010 is ten', () => {
    expect(parseOk('a: yes\nb: no\nc: on\nd: off\ne: true\nf: 010\ng: 0o10\nh: ~\n').data).toEqual({
      a: 'yes',
      b: 'no',
      c: 'on',
      d: 'off',
      e: true,
      f: 10,
      g: 8,
      h: null,
    });
  });

  it('keeps YAML 1.2 core schema values even under a %YAML 1.1 directive', () => {
    expect(parseOk('%YAML 1.1\n---\na: yes\n').data).toEqual({ a: 'yes' });
  });

  it('turns number, boolean and null keys into the strings written in the file', () => {
    expect(parseOk('1: a\n1.0: b\ntrue: c\nnull: d\n').data).toEqual({ '1': 'a', '1.0': 'b', true: 'c', null: 'd' });
  });

  it('accepts the core tags such as !!str', () => {
    expect(parseOk('a: !!str 10\nb: !!int "3"\n').data).toEqual({ a: '10', b: 3 });
  });

  it('drops a UTF-8 byte-order mark, and positions count from the text after it', () => {
    const doc = parseOk(bytesOf([0xef, 0xbb, 0xbf], 'kind: fields\nid: x\n'));
    expect(doc.data).toEqual({ kind: 'fields', id: 'x' });
    expect(doc.source.startsWith('kind')).toBe(true);
    expect(doc.locate(['kind'], { key: true })).toEqual({ line: 1, col: 1 });
  });

  it('reads accented letters and emoji', () => {
    expect(parseOk('label: Café 🚀 Zürich\n').data).toEqual({ label: 'Café 🚀 Zürich' });
  });

  it('reads Windows line endings', () => {
    expect(parseOk('a: 1\r\nb: [x, y]\r\n').data).toEqual({ a: 1, b: ['x', 'y'] });
  });

  it('accepts a single document between --- and ... markers', () => {
    expect(parseOk('---\na: 1\n...\n').data).toEqual({ a: 1 });
  });

  it('accepts tabs that separate rather than indent, and tabs inside block text', () => {
    expect(parseOk('a:\tb\nlist:\n  -\tx\ntext: |\n  one\n  \ttwo\n').data).toEqual({ a: 'b', list: ['x'], text: 'one\n\ttwo\n' });
  });

  it('does not mistake * or & inside strings and block text for aliases or anchors', () => {
    expect(parseOk('a: "*x"\nb: c*d&e\nc: |\n  *not an alias\n  &nor an anchor\n').data).toEqual({
      a: '*x',
      b: 'c*d&e',
      c: '*not an alias\n&nor an anchor\n',
    });
    // Unindented block text at the top level starts right at the `*`.
    expect(parseOk('--- |\n*not an alias\n').data).toBe('*not an alias\n');
  });

  it('accepts a file exactly at the size limit', () => {
    const head = 'a: "';
    const text = `${head}${'x'.repeat(MAX_FILE_BYTES - head.length - 2)}"\n`;
    expect(utf8(text).length).toBe(MAX_FILE_BYTES);
    expect((parseOk(text).data as { a: string }).a).toHaveLength(MAX_FILE_BYTES - head.length - 2);
  });

  it(`accepts nesting exactly ${MAX_DEPTH} levels deep`, () => {
    expect(parseOk(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`).data).toBeInstanceOf(Array);
    const block = Array.from({ length: MAX_DEPTH }, (_, i) => `${'  '.repeat(i)}a:`).join('\n');
    expect(parseOk(`${block} leaf\n`).data).toBeTypeOf('object');
  });
});

describe('parseYamlFile on oversized files', () => {
  it('refuses a 300 KB file at 1:1, saying its size and the limit', () => {
    const diags = problems(`a: "${'x'.repeat(300 * 1024)}"\n`);
    expect(diags.map(show)).toEqual(['1:1 file-too-large']);
    expect(diags[0]!.message).toMatch(/300\.0 KiB/);
    expect(diags[0]!.message).toMatch(/256 KiB/);
  });

  it('refuses an oversized file before parsing it: its other problems are not looked at', () => {
    const deepAndBinary = bytesOf('['.repeat(MAX_FILE_BYTES), [0, 0xff]);
    expect(problems(deepAndBinary).map(show)).toEqual(['1:1 file-too-large']);
  });

  it('refuses a file one byte over the limit', () => {
    expect(problems(new Uint8Array(MAX_FILE_BYTES + 1).fill(0x20)).map((d) => d.code)).toEqual(['file-too-large']);
  });
});

describe('parseYamlFile on binary content', () => {
  it('refuses a NUL byte at its line and column', () => {
    const diags = problems(bytesOf('a: 1\nbb: x', [0], 'y\n'));
    expect(diags.map(show)).toEqual(['2:6 binary-content']);
    expect(diags[0]!.message).toMatch(/NUL/);
  });

  it('refuses invalid UTF-8 at the offending byte, counting columns in characters', () => {
    // "é" before is valid (2 bytes, 1 column); the lone 0xE9 after is Latin-1, not UTF-8.
    const diags = problems(bytesOf('a: 1\nb: é caf', [0xe9], '\n'));
    expect(diags.map(show)).toEqual(['2:9 binary-content']);
    expect(diags[0]!.message).toMatch(/not valid UTF-8 \(byte 0xE9\)/);
  });

  it('refuses a multi-byte sequence cut off at the end of the file', () => {
    expect(problems(bytesOf('a: ', [0xf0, 0x9f, 0x9a])).map(show)).toEqual(['1:4 binary-content']);
  });

  it('refuses overlong encodings and encoded surrogates at their position', () => {
    expect(problems(bytesOf('a: ', [0xc0, 0xaf])).map(show)).toEqual(['1:4 binary-content']);
    expect(problems(bytesOf('a: ', [0xe0, 0x80, 0xaf])).map(show)).toEqual(['1:4 binary-content']);
    expect(problems(bytesOf('a: ', [0xed, 0xa0, 0x80])).map(show)).toEqual(['1:4 binary-content']);
  });

  it('refuses terminal control characters such as ESC and C1 CSI', () => {
    expect(problems('a: \u001b[31mred\n').map(show)).toEqual(['1:4 binary-content']);
    expect(problems('a: x\u009b31m\n').map(show)).toEqual(['1:5 binary-content']);
  });

  it('refuses random bytes full of NULs with a single diagnostic', () => {
    const random = seededBytes(42, 64 * 1024);
    for (let i = 0; i < random.length; i += 97) random[i] = 0;
    const diags = problems(random);
    expect(diags).toHaveLength(1);
    expect(diags[0]!.code).toBe('binary-content');
  });

  it('refuses a file of invalid UTF-8 with no NUL in it', () => {
    const latin1 = new Uint8Array(20_000).fill(0xe9);
    expect(problems(latin1).map(show)).toEqual(['1:1 binary-content']);
  });
});

describe('parseYamlFile on tabs', () => {
  const TAB_MESSAGE = 'tabs are not allowed for indentation; use spaces';

  it('reports a tab used for indentation at the tab, with a clear message', () => {
    const diags = problems('a:\n\tb: 1\n');
    expect(diags.map(show)).toEqual(['2:1 yaml-tab']);
    expect(diags[0]!.message).toBe(TAB_MESSAGE);
  });

  it('reports a tab after spaces in the indentation at the tab', () => {
    expect(problems('a:\n  \tb: 1\n').map(show)).toEqual(['2:3 yaml-tab']);
  });

  it('reports a tab-indented line in a list', () => {
    expect(problems('items:\n  - a\n\t- b\n').map(show)).toEqual(['3:1 yaml-tab']);
  });

  it('reports tab indentation that yaml itself calls a bad indent, as a tab problem', () => {
    expect(problems('a: |\n\tx\n').map(show)).toEqual(['2:1 yaml-tab']);
    expect(problems('a: [1,\n\t2]\n').map(show)).toEqual(['2:1 yaml-tab']);
  });
});

describe('parseYamlFile on anchors and aliases', () => {
  const ALIAS_MESSAGE = 'YAML anchors and aliases are not allowed in rules files';

  it('refuses an anchor and its alias, each at its own position', () => {
    const diags = problems('base: &b { points: 5 }\ncopy: *b\n');
    expect(diags.map(show)).toEqual(['1:7 yaml-alias', '2:7 yaml-alias']);
    expect(diags.every((d) => d.message === ALIAS_MESSAGE)).toBe(true);
  });

  it('refuses an anchor even when nothing refers to it', () => {
    expect(problems('a: &x 1\n').map(show)).toEqual(['1:4 yaml-alias']);
  });

  it('refuses a merge key built from an alias', () => {
    expect(problems('a: &b {x: 1}\nc:\n  <<: *b\n').map((d) => d.code)).toEqual(['yaml-alias', 'yaml-alias']);
  });

  it('refuses a billion-laughs file without expanding it', () => {
    let bomb = 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i <= 9; i++) bomb += `l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]\n`;
    const diags = problems(bomb);
    expect(new Set(diags.map((d) => d.code))).toEqual(new Set(['yaml-alias']));
    // One diagnostic per line: the anchors and aliases on a line are one problem.
    expect(diags.map((d) => d.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stops reading a file of 60,000 aliases after the first thousand, and says so', () => {
    const diags = problems(`a: [${'*x, '.repeat(60_000)}]\n`);
    expect(diags.map((d) => d.code)).toEqual(['yaml-alias', 'too-many-problems']);
    expect(diags[0]).toMatchObject({ line: 1, col: 5 });
    expect(diags[1]!.message).toBe('too many problems in this file; stopped reading here');
  });

  it("reports an alias used as a key once, without the parser's follow-on complaints", () => {
    expect(problems('x: 1\n*a\n*b : 2\n').map(show)).toEqual(['2:1 yaml-alias', '3:1 yaml-alias']);
  });
});

describe('parseYamlFile on duplicate keys', () => {
  it('reports the second key, naming it and where it was first defined', () => {
    const diags = problems('kind: fields\nemail: 1\ntitle: 2\nemail: 3\n');
    expect(diags.map(show)).toEqual(['4:1 yaml-duplicate-key']);
    expect(diags[0]!.message).toBe('duplicate key "email" (first defined at line 2, column 1)');
  });

  it('treats a quoted key and a plain key with the same text as the same key', () => {
    expect(problems('x:\n  a: 1\n  "a": 2\n').map(show)).toEqual(['3:3 yaml-duplicate-key']);
  });

  it('finds duplicates in flow maps', () => {
    expect(problems('teams: { sales: 1, sales: 2 }\n').map(show)).toEqual(['1:20 yaml-duplicate-key']);
  });

  it('allows the same key in different maps', () => {
    expect(parseOk('a: { id: 1 }\nb: { id: 2 }\n').data).toEqual({ a: { id: 1 }, b: { id: 2 } });
  });

  it('finds duplicates among 20,000 keys without comparing every pair', () => {
    // yaml's own uniqueKeys check is quadratic: this file would take seconds with it.
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`);
    keys.push('k7: again');
    const diags = problems(keys.join('\n'));
    expect(diags.map(show)).toEqual(['20001:1 yaml-duplicate-key']);
    expect(diags[0]!.message).toContain('"k7"');
  });
});

describe('parseYamlFile on deep nesting', () => {
  it(`refuses nesting one level deeper than ${MAX_DEPTH}, at the first level too deep`, () => {
    const diags = problems(`${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`);
    expect(diags.map(show)).toEqual([`1:${MAX_DEPTH + 1} yaml-too-deep`]);
    expect(diags[0]!.message).toContain(String(MAX_DEPTH));
  });

  it('refuses a 100,000-deep flow sequence cleanly', () => {
    const n = 100_000;
    expect(problems(`${'['.repeat(n)}${']'.repeat(n)}`).map(show)).toEqual([`1:${MAX_DEPTH + 1} yaml-too-deep`]);
  });

  it('refuses a 100,000-deep flow sequence that is never closed', () => {
    expect(problems('['.repeat(100_000)).map(show)).toEqual([`1:${MAX_DEPTH + 1} yaml-too-deep`]);
  });

  it('refuses 100,000 nested flow maps', () => {
    expect(problems('{a: '.repeat(50_000)).map((d) => d.code)).toEqual(['yaml-too-deep']);
  });

  it('refuses 100,000 compact nested lists on one line', () => {
    expect(problems(`${'- '.repeat(100_000)}x\n`).map((d) => d.code)).toEqual(['yaml-too-deep']);
  });

  it('refuses deep block nesting at the line of the first level too deep', () => {
    const block = Array.from({ length: MAX_DEPTH + 5 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(problems(`${block} leaf\n`).map(show)).toEqual([`${MAX_DEPTH + 1}:${MAX_DEPTH + 1} yaml-too-deep`]);
  });

  it('counts single-pair maps inside flow lists as levels too', () => {
    // `[a: [a: …]]` alternates lists and one-pair maps: 17 lists make 34 levels.
    const nested = (n: number) => `${'[a: '.repeat(n)}1${']'.repeat(n)}`;
    expect(parseOk(nested(MAX_DEPTH / 2)).data).toBeInstanceOf(Array);
    expect(problems(nested(MAX_DEPTH / 2 + 1)).map((d) => d.code)).toEqual(['yaml-too-deep']);
  });
});

describe('parseYamlFile on syntax errors', () => {
  it('reports yaml syntax errors at their line and column, each message on one line', () => {
    const diags = problems('a: [1, 2\nb: "x\n');
    expect(diags.map(show)).toEqual(['2:1 yaml-syntax', '3:1 yaml-syntax']);
    for (const d of diags) {
      expect(d.message).toMatch(/^YAML syntax error: /);
      expect(d.message).not.toMatch(/[\r\n]/);
      expect(d.severity).toBe('error');
    }
  });

  it('reports a nested mapping on one line', () => {
    const diags = problems('a: b: c\n');
    expect(diags.map(show)).toEqual(['1:4 yaml-syntax']);
    expect(diags[0]!.message).toContain('Nested mappings are not allowed in compact mappings');
  });

  it('reports an unknown tag, and a YAML 1.1 tag such as !!binary', () => {
    const diags = problems('a: !Ref x\nb: !!binary aGk=\n');
    expect(diags.map(show)).toEqual(['1:4 yaml-tag', '2:4 yaml-tag']);
    expect(diags[0]!.message).toContain('!Ref');
    expect(diags[1]!.message).toContain('!!binary');
  });

  it(`cuts off after ${MAX_DIAGNOSTICS_PER_FILE} problems with one line saying so`, () => {
    const diags = problems(']\n'.repeat(50_000));
    expect(diags).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(diags.at(-1)!.code).toBe('too-many-problems');
    expect(diags.slice(0, -1).map((d) => d.line)).toEqual(Array.from({ length: MAX_DIAGNOSTICS_PER_FILE }, (_, i) => i + 1));
  });

  it('reports a single line of 250,000 stray brackets once, and stops reading', () => {
    expect(problems(']'.repeat(250_000)).map((d) => d.code)).toEqual(['yaml-syntax', 'too-many-problems']);
  });

  it('reports a flow list of 250,000 commas once, and stops reading', () => {
    const diags = problems(`[${', '.repeat(125_000)}]`);
    expect(diags.map((d) => d.code)).toEqual(['yaml-syntax', 'too-many-problems']);
    // Read up to about the thousandth comma (two characters each), not to the end of the line.
    expect(diags[1]!.col).toBeLessThan(2100);
    expect(diags[0]!.message).toContain('Unexpected , in flow sequence');
  });
});

describe('parseYamlFile on keys that are not strings', () => {
  it('refuses a list as a key', () => {
    const diags = problems('? [a]\n: 1\n');
    expect(diags.map(show)).toEqual(['1:3 yaml-complex-key']);
  });

  it('refuses a map as a key, in block and flow style', () => {
    expect(problems('? {a: 1}\n: x\n').map((d) => d.code)).toEqual(['yaml-complex-key']);
    expect(problems('{[a]: 1}\n').map(show)).toEqual(['1:2 yaml-complex-key']);
  });
});

describe('parseYamlFile on several documents and on no document', () => {
  it('refuses a second document where it starts', () => {
    expect(problems('a: 1\n---\nb: 2\n').map(show)).toEqual(['2:1 yaml-multi-document']);
  });

  it('refuses a trailing empty document marker too', () => {
    expect(problems('a: 1\n---\n').map((d) => d.code)).toEqual(['yaml-multi-document']);
  });

  it('stops reading at the second document: what follows is not looked at', () => {
    const deepThirdDocument = `a: 1\n---\nb: 2\n---\n${'['.repeat(1000)}\n`;
    expect(problems(deepThirdDocument).map(show)).toEqual(['2:1 yaml-multi-document']);
  });

  it('stops at the second of 28,000 documents', () => {
    expect(problems('---\na: 1\n'.repeat(28_000)).map(show)).toEqual(['3:1 yaml-multi-document']);
  });

  it('reports an empty file at 1:1', () => {
    expect(problems('').map(show)).toEqual(['1:1 yaml-empty']);
  });

  it('reports a file of blank lines and comments, or a lone ---, as empty', () => {
    expect(problems('\n  \n# only a comment\n').map(show)).toEqual(['1:1 yaml-empty']);
    expect(problems('---\n').map(show)).toEqual(['1:1 yaml-empty']);
    expect(problems(bytesOf([0xef, 0xbb, 0xbf])).map(show)).toEqual(['1:1 yaml-empty']);
  });
});

describe('parseYamlFile on anything at all', () => {
  const token = fc.constantFrom('[', ']', '{', '}', ':', ': ', '- ', ' ', '  ', '\n', '\t', '&a ', '*a', '? ', '#', '"', "'", '|', '>', 'a', 'b', '1', ',', '---\n', '...\n', '!x ', '!!str ', '%YAML 1.2\n', '\\', 'é');

  it('never throws and answers with data or located one-line diagnostics', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
        const result = parseYamlFile(FILE, utf8(tokens.join('')));
        if (result.ok) return;
        expect(result.diagnostics.length).toBeGreaterThan(0);
        expect(result.diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS_PER_FILE + 1);
        for (const d of result.diagnostics) {
          expect(d.file).toBe(FILE);
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(d.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
          expect(d.message).not.toMatch(/[\r\n]|\bat .*\.js:\d+/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = parseYamlFile(FILE, bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('restores Error.stackTraceLimit after parsing, whether the file is good or bad', () => {
    const original = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 17;
      parseYamlFile(FILE, utf8('a: [1\n'));
      expect(Error.stackTraceLimit).toBe(17);
      parseYamlFile(FILE, utf8('a: 1\n'));
      expect(Error.stackTraceLimit).toBe(17);
    } finally {
      Error.stackTraceLimit = original;
    }
  });
});

describe('ParsedYaml.locate', () => {
  const source = [
    '# yaml-language-server: $schema=../../schema/scoring-model.schema.json', // 1
    'kind: scoring-model', // 2
    'id: engagement', // 3
    'rules:', // 4
    '  - id: pricing-visits', // 5
    '    when:', // 6
    '      all:', // 7
    '        - { field: url, contains: /pricing }', // 8
    '        - field: company.employees', // 9
    '          gte: 200', // 10
    '    points: 15', // 11
    '  - id: email-clicks', // 12
    '    points: 3', // 13
    '1: numbered', // 14
    'empty:', // 15
    '',
  ].join('\n');
  const doc = parseOk(source);

  it('finds the value at a path of keys and list indexes', () => {
    expect(doc.locate(['rules', 0, 'when', 'all', 1, 'field'])).toEqual({ line: 9, col: 18 });
  });

  it('finds the key at a path when asked for the key', () => {
    expect(doc.locate(['rules', 0, 'when', 'all', 1, 'field'], { key: true })).toEqual({ line: 9, col: 11 });
    expect(doc.locate(['rules'], { key: true })).toEqual({ line: 4, col: 1 });
  });

  it('finds keys and values inside flow maps', () => {
    expect(doc.locate(['rules', 0, 'when', 'all', 0, 'contains'])).toEqual({ line: 8, col: 35 });
    expect(doc.locate(['rules', 0, 'when', 'all', 0, 'contains'], { key: true })).toEqual({ line: 8, col: 25 });
  });

  it('finds a list and a list item at where their content starts', () => {
    expect(doc.locate(['rules'])).toEqual({ line: 5, col: 3 });
    expect(doc.locate(['rules', 1])).toEqual({ line: 12, col: 5 });
    expect(doc.locate(['rules', 0, 'when', 'all', 0])).toEqual({ line: 8, col: 11 });
  });

  it('gives the item itself for a list item asked for its key', () => {
    expect(doc.locate(['rules', 1], { key: true })).toEqual({ line: 12, col: 5 });
  });

  it('accepts list indexes written as digit strings, as in JSON pointers', () => {
    expect(doc.locate(['rules', '1', 'points'])).toEqual({ line: 13, col: 13 });
  });

  it('finds a key written as a number with a number in the path', () => {
    expect(doc.locate([1])).toEqual({ line: 14, col: 4 });
  });

  it('finds the root for an empty path, after the leading comment', () => {
    expect(doc.locate([])).toEqual({ line: 2, col: 1 });
  });

  it('falls back to the nearest existing ancestor for a missing key', () => {
    expect(doc.locate(['rules', 1, 'when', 'all'])).toEqual({ line: 12, col: 5 });
    expect(doc.locate(['rules', 1, 'when'], { key: true })).toEqual({ line: 12, col: 5 });
  });

  it('falls back to the list for an index past its end', () => {
    expect(doc.locate(['rules', 9, 'points'])).toEqual({ line: 5, col: 3 });
  });

  it('falls back to the scalar when the path goes on through it', () => {
    expect(doc.locate(['id', 'deeper'])).toEqual({ line: 3, col: 5 });
  });

  it('falls back to the root for an unknown top-level key', () => {
    expect(doc.locate(['nope'])).toEqual({ line: 2, col: 1 });
  });

  it('finds the key of an entry that has no value', () => {
    expect(doc.locate(['empty'], { key: true })).toEqual({ line: 15, col: 1 });
    expect(doc.locate(['empty']).line).toBe(15);
  });

  it('counts lines the same way with Windows line endings', () => {
    const crlf = parseOk(source.replace(/\n/g, '\r\n'));
    expect(crlf.locate(['rules', 0, 'when', 'all', 1, 'field'])).toEqual({ line: 9, col: 18 });
  });

  it('counts columns in UTF-16 code units after wide characters', () => {
    // The rocket is two UTF-16 code units, as in yaml's own offsets and in JavaScript strings.
    expect(parseOk('x: { "🚀": 1, k: 2 }\n').locate(['x', 'k'], { key: true })).toEqual({ line: 1, col: 15 });
  });
});
