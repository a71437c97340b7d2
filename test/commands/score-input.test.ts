import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFromName, readCsv, readJsonArray, readJsonLines, sniffFormat, type InputItem } from '../../scripts/lib/lead-input';
import { slaSummary } from '../../scripts/lib/score-output';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function collect(batches: AsyncGenerator<InputItem[]>): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const batch of batches) items.push(...batch);
  return items;
}

/** Splits bytes at the given offsets (sorted, deduplicated, inside the buffer). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let start = 0;
  for (const cut of at) {
    parts.push(bytes.subarray(start, cut));
    start = cut;
  }
  parts.push(bytes.subarray(start));
  return parts.filter((p) => p.length > 0);
}

describe('format detection', () => {
  it('takes the format from the file name when it says', () => {
    expect(['a.jsonl', 'a.NDJSON', 'a.json', 'export.csv', 'x.tsv', 'leads.txt'].map(formatFromName)).toEqual(['jsonl', 'jsonl', 'json', 'csv', 'csv', undefined]);
  });

  it('tells a JSON array, JSON Lines, a JSON object document and CSV apart by their first bytes', () => {
    const sniff = (text: string) => sniffFormat(Buffer.from(text));
    expect(sniff('\ufeff  [\n{"id":"a"}]')).toBe('json');
    expect(sniff('{"id":"a"}\n{"id":"b"}\n')).toBe('jsonl');
    expect(sniff('{\n  "results": [\n')).toBe('json');
    expect(sniff('Record ID,Email\n1,a@b.example\n')).toBe('csv');
    expect(sniff('')).toBe('jsonl');
  });
});

describe('readJsonLines', () => {
  it('gives every line its number, skipping blank lines and a byte order mark', async () => {
    const items = await collect(readJsonLines(chunks('\ufeff{"id":"a"}\r\n\n  \n{"id":"b"}')));
    expect(items).toEqual([{ line: 1, value: { id: 'a' } }, { line: 4, value: { id: 'b' } }]);
  });

  it('reads the same items however the bytes are cut into chunks, multi-byte characters included', async () => {
    const text = '{"id":"ü-1","name":"Zoë Ørsted"}\n\n{"id":"2"}\n{broken\n["x"]\n{"id":"日本"}';
    const bytes = Buffer.from(text);
    const whole = await collect(readJsonLines(chunks(bytes)));
    expect(whole.map((item) => item.line)).toEqual([1, 3, 4, 5, 6]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bytes.length), { maxLength: 12 }), async (cuts) => {
        expect(await collect(readJsonLines(chunks(...split(bytes, cuts))))).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });
});

describe('readJsonArray', () => {
  it('gives each record the line it starts on, in a pretty-printed array', async () => {
    const text = '[\n  {\n    "id": "a"\n  },\n  {"id": "b"},\n\n  {\n    "id": "c"}\n]\n';
    const items = await collect(readJsonArray(chunks(text)));
    expect(items).toEqual([{ line: 2, value: { id: 'a' } }, { line: 5, value: { id: 'b' } }, { line: 7, value: { id: 'c' } }]);
  });

  it('reads the same records however the bytes are cut into chunks', async () => {
    const bytes = Buffer.from(JSON.stringify([{ id: 'ä', n: 1 }, { id: 'b', tags: ['x', 'ÿ'] }, 3, null], null, 2));
    const whole = await collect(readJsonArray(chunks(bytes)));
    expect(whole).toHaveLength(4);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bytes.length), { maxLength: 12 }), async (cuts) => {
        expect(await collect(readJsonArray(chunks(...split(bytes, cuts))))).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('ends with a located error when the JSON breaks or is not an array of records', async () => {
    expect(await collect(readJsonArray(chunks('[{"id":"a"},\n {"id": nope}]')))).toEqual([
      { line: 1, value: { id: 'a' } },
      { line: 2, col: 10, error: 'invalid JSON (Unexpected "o"); the rest of the file is not read', fatal: true },
    ]);
    expect(await collect(readJsonArray(chunks('{"id":"a"}')))).toEqual([
      { line: 1, col: 1, error: expect.stringMatching(/^a JSON export must be an array of records/), fatal: true },
    ]);
  });
});

describe('readCsv', () => {
  it('reads rows as objects keyed by the trimmed header, each with the line it ends on', async () => {
    let header: string[] = [];
    const items = await collect(readCsv(chunks('\ufeff Record ID ,Note\n1,"two\nlines"\n\n2,plain\n'), { onHeader: (h) => { header = h; } }));
    expect(header).toEqual(['Record ID', 'Note']);
    expect(items).toEqual([{ line: 3, value: { 'Record ID': '1', Note: 'two\nlines' } }, { line: 5, value: { 'Record ID': '2', Note: 'plain' } }]);
  });

  it('reports broken rows in line order among the good ones and goes on', async () => {
    const items = await collect(readCsv(chunks('a,b\n1,2\n3\n4,5,6\n9,10\n')));
    expect(items).toEqual([
      { line: 2, value: { a: '1', b: '2' } },
      { line: 3, col: 1, error: 'broken CSV row: 1 field where the header has 2' },
      { line: 4, col: 1, error: 'broken CSV row: 3 fields where the header has 2' },
      { line: 5, value: { a: '9', b: '10' } },
    ]);
  });

  it('uses the mapping\'s delimiter', async () => {
    expect(await collect(readCsv(chunks('a;b\n1;2,5\n'), { delimiter: ';' }))).toEqual([{ line: 2, value: { a: '1', b: '2,5' } }]);
  });
});

describe('SLA summaries in the table', () => {
  it('says how long is left or how long ago the deadline passed, in business hours for business-hours clocks', () => {
    const base = { startedAt: '2026-11-19T09:00:00Z', dueAt: '2026-11-20T09:00:00Z' };
    expect(slaSummary([])).toBe('-');
    expect(slaSummary([{ ...base, id: 'first-touch', state: 'warning', remainingMinutes: 95 }], new Set(['first-touch']))).toBe('first-touch warning, 1bh 35m left');
    expect(slaSummary([{ ...base, id: 'meeting', state: 'breached', remainingMinutes: -1500 }])).toBe('meeting breached 1d 1h ago');
    // Business hours never turn into days; from 10 up they drop their minutes, as days drop theirs.
    expect(slaSummary([{ ...base, id: 'first-touch', state: 'breached', remainingMinutes: -725 }], new Set(['first-touch']))).toBe('first-touch breached 12bh ago');
    expect(slaSummary([{ ...base, id: 'first-touch', state: 'ok', remainingMinutes: 3000 }], new Set(['first-touch']))).toBe('first-touch ok, 50bh left');
    expect(slaSummary([{ ...base, id: 'meeting', state: 'ok', remainingMinutes: 3000 }])).toBe('meeting ok, 2d 2h left');
    expect(slaSummary([{ ...base, id: 'a', state: 'met', stoppedAt: base.startedAt }, { ...base, id: 'b', state: 'ok', remainingMinutes: 30 }])).toBe('a met; b ok, 30m left');
  });
});
