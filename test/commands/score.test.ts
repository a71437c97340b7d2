import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScore } from '../../scripts/commands/score';
import { CliError } from '../../scripts/lib/command';
import { loadRules } from '../../scripts/lib/rules-repo';
import { dirSource } from '../../scripts/lib/rules-source';
import { evaluate, type Outcome } from '../../extension/engine/index';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { generateLeads } from '../../scripts/lib/lead-generator';
import { TextSink } from '../support/text-sink';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const NOW = '2026-11-20T12:00:00Z';

let bundle: Bundle;
beforeAll(async () => {
  const loaded = await loadRules(dirSource(repoRoot));
  if (!loaded.bundle) throw new Error(`the repository rules do not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  bundle = loaded.bundle;
});

async function score(args: string[], options: { stdin?: string; columns?: number; cwd?: string } = {}) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await runScore(['--now', NOW, ...args], {
    stdin: (async function* () {
      if (options.stdin) yield Buffer.from(options.stdin);
    })(),
    stdout,
    stderr,
    stderrIsTTY: false,
    columns: options.columns,
    cwd: options.cwd ?? fixtures,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function usageError(args: string[]): Promise<CliError> {
  const error = await score(args).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return error;
}

const jsonLines = (text: string) => text.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Outcome);
const expected = (leads: unknown[]) => leads.map((lead) => evaluate(bundle, lead as Lead, NOW));
const fixtureLeads = async () =>
  (await readFile(path.join(fixtures, 'leads.jsonl'), 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Lead);
/** The summary line that closes every run. */
const summaryOf = (stderr: string) => stderr.trimEnd().split('\n').at(-1) ?? '';

describe('leadpact score: inputs', () => {
  it('scores every lead of a JSON Lines file, skipping blank lines, as the engine does', async () => {
    const { code, stdout, stderr } = await score(['leads.jsonl']);
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toEqual(expected(await fixtureLeads()));
    expect(summaryOf(stderr)).toMatch(/^leadpact score: 3 rows read, 3 scored, 0 skipped; by stage: subscriber 1, sal 1, sql 1; \d+\.\d+ s/);
  });

  it('scores a JSON array the same as the same leads in JSON Lines', async () => {
    const json = await score(['leads.json']);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe((await score(['leads.jsonl'])).stdout);
  });

  it('reads standard input with "-", telling JSON Lines from a JSON array by the content', async () => {
    const text = await readFile(path.join(fixtures, 'leads.jsonl'), 'utf8');
    const array = await readFile(path.join(fixtures, 'leads.json'), 'utf8');
    const fromLines = await score(['-'], { stdin: text });
    const fromArray = await score(['-'], { stdin: array });
    expect(jsonLines(fromLines.stdout)).toEqual(expected(await fixtureLeads()));
    expect(fromArray.stdout).toBe(fromLines.stdout);
  });

  it('reads a HubSpot contacts CSV through the preset its header matches', async () => {
    const { code, stdout, stderr } = await score(['hubspot-contacts.csv']);
    expect(code).toBe(0);
    expect(stderr).toContain('reading hubspot-contacts.csv through mapping hubspot-contacts (matched by its header)');
    expect(jsonLines(stdout)).toEqual(expected([
      {
        id: '501', name: 'Ada Okonkwo', email: 'ada@northwind.example', title: 'VP Data',
        company: { name: 'Northwind, Inc.', employees: 1200, industry: 'software', country: 'ES' },
        stage: 'mql', createdAt: '2026-03-14T09:23:00Z',
        properties: { budget_confirmed: true, tech_stack: ['snowflake', 'dbt'], marketing_consent: true },
      },
      { id: '502', name: 'Bo', email: 'bo@mailbox.example', title: 'Student', stage: 'subscriber', createdAt: '2026-10-01T00:00:00Z', properties: { marketing_consent: false } },
    ]));
  });

  it('reads a Salesforce report CSV through --map salesforce-contacts, recorded stage and its start included', async () => {
    const { code, stdout } = await score(['salesforce-contacts.csv', '--map', 'salesforce-contacts']);
    expect(code).toBe(0);
    const outcomes = jsonLines(stdout);
    expect(outcomes).toEqual(expected([
      {
        id: '003A1', name: 'Hal Ito', email: 'hal@fjordline.example', title: 'Director of Data Engineering',
        company: { name: 'Fjordline AS', employees: 450, country: 'NO' }, stage: 'sal', stageEnteredAt: '2026-11-19T08:30:00Z',
        createdAt: '2026-06-02T00:00:00Z', properties: { budget_confirmed: true },
      },
      {
        id: '003A2', name: 'Ivy Jansen', email: 'ivy@fjordline.example', title: 'Analyst', company: { name: 'Fjordline AS', country: 'DE' },
        stage: 'lead', createdAt: '2026-07-15T00:00:00Z', properties: { budget_confirmed: false },
      },
    ]));
    expect(outcomes.map((o) => o.id)).toEqual(['003A1', '003A2']);
  });

  it('attaches the rows of an activity export (--events) to the leads they name by email, as events', async () => {
    const { code, stdout, stderr } = await score(['hubspot-contacts.csv', '--events', 'hubspot-activities.csv']);
    const pricing = 'https://www.quillstack.example/pricing';
    const [ada, bo] = expected([
      {
        id: '501', name: 'Ada Okonkwo', email: 'ada@northwind.example', title: 'VP Data',
        company: { name: 'Northwind, Inc.', employees: 1200, industry: 'software', country: 'ES' },
        stage: 'mql', createdAt: '2026-03-14T09:23:00Z',
        properties: { budget_confirmed: true, tech_stack: ['snowflake', 'dbt'], marketing_consent: true },
        events: [
          { type: 'page_view', at: '2026-11-10T09:00:00Z', url: pricing },
          { type: 'page_view', at: '2026-11-18T09:00:00Z', url: pricing },
          { type: 'demo_requested', at: '2026-11-19T10:00:00Z' },
        ],
      },
      {
        id: '502', name: 'Bo', email: 'bo@mailbox.example', title: 'Student', stage: 'subscriber', createdAt: '2026-10-01T00:00:00Z',
        properties: { marketing_consent: false }, events: [{ type: 'email_open', at: '2026-11-15T08:00:00Z', campaign: 'winter-newsletter' }],
      },
    ]);
    expect(jsonLines(stdout)).toEqual([ada, bo]);
    expect(ada!.fired.some((f) => f.model === 'engagement')).toBe(true);
    // Two activity rows are bad: reported with the activity file's lines, and the run exits 1.
    expect(code).toBe(1);
    expect(stderr).toContain('hubspot-activities.csv:7:1: column "Activity Date": "last tuesday" is not a date');
    expect(stderr).toContain('hubspot-activities.csv:8:1: column "Activity Type": "Fax Sent" is not an event type');
    expect(stderr).toContain('leadpact score: hubspot-activities.csv: 7 activity rows read, 4 attached to scored leads, 2 skipped; 1 lead named by activities not among the scored leads');
  });

  it('refuses a leads mapping for --events-map and --events-map without --events', async () => {
    expect((await usageError(['hubspot-contacts.csv', '--events', 'hubspot-activities.csv', '--events-map', 'hubspot-contacts'])).message)
      .toMatch(/mapping hubspot-contacts maps rows to leads; --events-map needs an activity mapping/);
    expect((await usageError(['hubspot-contacts.csv', '--events-map', 'hubspot-activities'])).message).toBe('--events-map goes with --events <activity file>');
  });

  it('reads a CSV through a mapping file given to --map, with its own delimiter', async () => {
    const { code, stdout } = await score(['custom.csv', '--map', 'custom-map.yaml']);
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toEqual(expected([
      { id: 's-1', name: 'Jo Kim', email: 'jo@tidewater.example', title: 'Chief Data Officer', company: { employees: 2500 } },
      { id: 's-2', name: 'Lu Moreau', email: 'lu@tidewater.example', title: 'Intern', company: { employees: 2500 } },
    ]));
  });

  it('reads the records of a JSON object at the mapping\'s recordsPath', async () => {
    const { code, stdout } = await score(['hubspot-api.json', '--map', './hubspot-api-map.yaml']);
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toEqual(expected([
      { id: '901', email: 'dee@quay.example', title: 'Data Engineer', company: { employees: 85 } },
      { id: '902', email: 'eli@quay.example', title: 'CTO' },
    ]));
  });

  it('takes the format from --input-format over the file name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-score-'));
    try {
      await cp(path.join(fixtures, 'leads.jsonl'), path.join(dir, 'leads.txt'));
      const sniffed = await score([path.join(dir, 'leads.txt')]);
      const forced = await score([path.join(dir, 'leads.txt'), '--input-format', 'jsonl']);
      expect(sniffed.code).toBe(0);
      expect(forced.stdout).toBe(sniffed.stdout);
      const wrong = await score([path.join(dir, 'leads.txt'), '--input-format', 'json']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/leads\.txt:1:1: a JSON export must be an array of records/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a gzip-compressed export, and reports where broken compression cut it short', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-score-'));
    try {
      const packed = gzipSync(await readFile(path.join(fixtures, 'hubspot-contacts.csv')));
      await writeFile(path.join(dir, 'contacts.csv.gz'), packed);
      const whole = await score([path.join(dir, 'contacts.csv.gz')]);
      expect(whole.code).toBe(0);
      expect(whole.stdout).toBe((await score(['hubspot-contacts.csv'])).stdout);

      await writeFile(path.join(dir, 'cut.csv.gz'), packed.subarray(0, packed.length - 12));
      const cut = await score([path.join(dir, 'cut.csv.gz')]);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toContain('cut.csv.gz: the gzip data is broken (unexpected end of file)');
      expect(summaryOf(cut.stderr)).toContain('the rest of the input could not be read');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('scores nothing from an empty file and exits 0', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-score-'));
    try {
      for (const name of ['empty.jsonl', 'empty.json', 'empty.csv']) {
        await writeFile(path.join(dir, name), '');
        const { code, stdout, stderr } = await score([path.join(dir, name)]);
        expect({ name, code, stdout }).toEqual({ name, code: 0, stdout: '' });
        expect(summaryOf(stderr)).toMatch(/^leadpact score: 0 rows read, 0 scored, 0 skipped; \d+\.\d+ s$/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops after --limit leads', async () => {
    const { code, stdout, stderr } = await score(['leads.jsonl', '--limit', '2']);
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((o) => o.id)).toEqual(['t-1', 't-2']);
    expect(summaryOf(stderr)).toContain('stopped at --limit 2');
  });
});

describe('leadpact score: bad rows', () => {
  it('reports each bad JSON Lines row with its line and reason, scores the rest and exits 1', async () => {
    const { code, stdout, stderr } = await score(['bad-rows.jsonl']);
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((o) => o.id)).toEqual(['ok-1', 'ok-3']);
    expect(stderr.split('\n').slice(0, 5)).toEqual([
      'bad-rows.jsonl:2:49: invalid JSON (Expected double-quoted property name): "{\\"id\\":\\"broken-1\\",\\"email\\": \\"gus@orchard.example\\","',
      'bad-rows.jsonl:3:1: not a lead record: company.employees: expected a number or null, got the text "many"',
      'bad-rows.jsonl:4:1: not a lead record: a lead record is a JSON object, not a list',
      'bad-rows.jsonl:5:1: not a lead record: unknown field "emial" (lead fields: id, email, emails, linkedin, name, title, company, properties, events, stage, stageEnteredAt, createdAt, owner)',
      'bad-rows.jsonl:6:1: not a lead record: events[0].at: not an ISO date-time ("yesterday"; expected e.g. 2026-11-19T10:00:00Z)',
    ]);
    expect(summaryOf(stderr)).toMatch(/^leadpact score: 7 rows read, 2 scored, 5 skipped; by stage: subscriber 2; /);
  });

  it('reports broken CSV rows and values the mapping cannot read, by line', async () => {
    const { code, stdout, stderr } = await score(['hubspot-bad-rows.csv', '--map', 'hubspot-contacts']);
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((o) => o.id)).toEqual(['601', '604']);
    expect(stderr.split('\n').slice(0, 3)).toEqual([
      'hubspot-bad-rows.csv:3:1: broken CSV row: 4 fields where the header has 6',
      'hubspot-bad-rows.csv:4:1: column "Number of Employees": "twelve" is not a number',
      'hubspot-bad-rows.csv:5:1: column "Record ID" is empty, and field id is required',
    ]);
    expect(summaryOf(stderr)).toMatch(/^leadpact score: 5 rows read, 2 scored, 3 skipped/);
  });

  it('scores the records before a JSON array breaks off, then reports where and exits 1', async () => {
    const text = '[\n  {"id": "a-1"},\n  {"id": "a-2"},\n  {"id": ';
    const { code, stdout, stderr } = await score(['-', '--input-format', 'json'], { stdin: text });
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((o) => o.id)).toEqual(['a-1', 'a-2']);
    expect(stderr).toMatch(/^<stdin>:4:\d+: the JSON ends before its records are closed/m);
    expect(summaryOf(stderr)).toContain('the rest of the input could not be read');
  });

  it('refuses a CSV whose header lacks a column the mapping requires', async () => {
    const { code, stdout, stderr } = await score(['custom.csv', '--map', 'salesforce-contacts']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('custom.csv:1:1: the header has no column "Contact ID", which mapping salesforce-contacts requires');
  });

  it('asks for --map when no preset matches a CSV header (exit 2)', async () => {
    const { code, stderr } = await score(['custom.csv']);
    expect(code).toBe(2);
    expect(stderr).toContain('custom.csv:1:1: a CSV export needs a mapping from its columns to lead fields: --map <id> (hubspot-contacts, salesforce-contacts) or --map <file>');
  });
});

describe('leadpact score: output formats', () => {
  it('writes CSV: one row per lead with scores, grade, persona, stage and SLA columns', async () => {
    const { code, stdout } = await score(['leads.jsonl', '--format', 'csv']);
    expect(code).toBe(0);
    const rows = parseCsv(stdout, { columns: true }) as Record<string, string>[];
    const outcomes = expected(await fixtureLeads());
    expect(rows.map((row) => row.id)).toEqual(outcomes.map((o) => o.id));
    for (const [i, outcome] of outcomes.entries()) {
      const row = rows[i]!;
      expect(row['score.total']).toBe(String(outcome.score.total));
      for (const model of bundle.models) expect(row[`score.${model.id}`]).toBe(String(outcome.score[model.id]));
      expect([row.grade, row.persona, row.stage, row.stageEnteredAt]).toEqual([outcome.grade ?? '', outcome.persona ?? '', outcome.stage ?? '', outcome.stageEnteredAt ?? '']);
      for (const sla of outcome.sla) {
        expect([row[`sla.${sla.id}`], row[`sla.${sla.id}.dueAt`], row[`sla.${sla.id}.remainingMinutes`]]).toEqual([sla.state, sla.dueAt, String(sla.remainingMinutes ?? '')]);
      }
    }
    expect(rows[0]!.email).toBe('ada@northwind.example');
    expect(rows[2]!.name).toBe('');
    expect(Object.keys(rows[0]!)).not.toContain('fired');
  });

  it('escapes CSV cells a spreadsheet would run as formulas', async () => {
    const lead = { id: 'x-1', name: '=HYPERLINK("http://evil.example","click")', email: '@mention@b.example', title: 'Student' };
    const { stdout } = await score(['-', '--format', 'csv'], { stdin: `${JSON.stringify(lead)}\n` });
    const [row] = parseCsv(stdout, { columns: true }) as Record<string, string>[];
    expect(row!.name).toBe(`'${lead.name}`);
    expect(row!.email).toBe(`'${lead.email}`);
    expect(Number(row!['score.total'])).toBe(evaluate(bundle, lead as Lead, NOW).score.total);
  });

  it('writes a CSV header even when no lead is scored', async () => {
    const { stdout } = await score(['-', '--format', 'csv'], { stdin: '' });
    expect(stdout.split('\n')[0]).toMatch(/^id,email,name,score\.total,/);
  });

  it('prints a table with the lead, its scores, grade, persona, stage and SLA', async () => {
    const { code, stdout } = await score(['leads.jsonl', '--format', 'table']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['ID', 'Name / email', 'Total', ...bundle.models.map((m) => m.id), 'Grade', 'Persona', 'Stage', 'SLA']);
    const outcomes = expected(await fixtureLeads());
    const first = lines[1]!.split(/\s{2,}/);
    expect(first.slice(0, 3)).toEqual(['t-1', 'Ada Okonkwo', String(outcomes[0]!.score.total)]);
    expect(first).toContain(outcomes[0]!.stage);
    // A lead without a name shows its email.
    expect(lines[3]).toMatch(/^t-3\s+cy@harbor\.example\s/);
    // Every column starts where its title does.
    const at = lines[0]!.indexOf('Stage');
    expect(lines.slice(1).map((line) => line.slice(at).split(' ')[0])).toEqual(outcomes.map((o) => o.stage));
  });

  it('keeps control characters from the data out of the terminal', async () => {
    const lead = { id: 'x-1', name: 'Mallory\u001b[2J\u001b[31m\nNew line' };
    const { stdout } = await score(['-', '--format', 'table'], { stdin: `${JSON.stringify(lead)}\n` });
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(stdout).toContain('Mallory [2J [31m New line');
  });

  it('squeezes the table to the terminal width, cutting text with an ellipsis', async () => {
    const { stdout } = await score(['leads.jsonl', '--format', 'table'], { columns: 80 });
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(stdout).toContain('…');
  });

  it('adds the fired rules with their points in every format with --explain', async () => {
    const outcomes = expected(await fixtureLeads());
    const fired = outcomes[0]!.fired;
    expect(fired.length).toBeGreaterThan(1);
    const label = bundle.models.find((m) => m.id === fired[0]!.model)!.rules.find((r) => r.id === fired[0]!.rule)!.label;

    const jsonl = jsonLines((await score(['leads.jsonl', '--explain'])).stdout);
    expect(jsonl[0]!.fired[0]).toEqual({ ...fired[0], label });

    const csv = parseCsv((await score(['leads.jsonl', '--format', 'csv', '--explain'])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv[0]!.fired).toBe(fired.map((f) => `${f.model}/${f.rule} ${f.points < 0 ? f.points : `+${f.points}`}`).join('; '));

    const table = (await score(['leads.jsonl', '--format', 'table', '--explain'])).stdout.split('\n');
    expect(table[2]).toMatch(/^ {4}fired: /);
    const explained = table[2]!;
    expect(explained).toContain(`${fired[0]!.model}/${fired[0]!.rule} +${fired[0]!.points}`);
    expect(table[3]).toMatch(/^t-2\s/);
  });
});

describe('leadpact score: streaming', () => {
  it('waits for a slow reader instead of buffering the output, and leaves no listeners behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadpact-score-'));
    try {
      const file = path.join(dir, 'leads.jsonl');
      await writeFile(file, [...generateLeads({ seed: 3, count: 300, now: NOW })].map((lead) => `${JSON.stringify(lead)}\n`).join(''));
      let text = '';
      let buffered = 0;
      let drains = 0;
      const slow = new Writable({
        highWaterMark: 4096,
        write(chunk: Buffer, _encoding, done) {
          text += chunk.toString('utf8');
          buffered = Math.max(buffered, slow.writableLength);
          setImmediate(done);
        },
      });
      slow.on('drain', () => drains++);
      const stderr = new TextSink();
      const code = await runScore(['--now', NOW, file], { stdin: (async function* () {})(), stdout: slow, stderr, stderrIsTTY: false, columns: undefined, cwd: dir });
      expect(code).toBe(0);
      expect(text.trimEnd().split('\n')).toHaveLength(300);
      expect(drains).toBeGreaterThan(0);
      expect(slow.listenerCount('drain')).toBe(1); // ours above
      expect(slow.listenerCount('close')).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('leadpact score: rules and usage', () => {
  let brokenRules: string;
  beforeAll(async () => {
    brokenRules = await mkdtemp(path.join(tmpdir(), 'leadpact-score-rules-'));
    await cp(path.join(repoRoot, 'rules'), path.join(brokenRules, 'rules'), { recursive: true });
    const personas = path.join(brokenRules, 'rules', 'personas.yaml');
    await writeFile(personas, (await readFile(personas, 'utf8')).replace(/^kind: personas$/m, 'kind: personas\ncolour: blue'));
  });
  afterAll(async () => {
    await rm(brokenRules, { recursive: true, force: true });
  });

  it('prints the rules\' errors like validate and scores nothing (exit 1)', async () => {
    const { code, stdout, stderr } = await score(['leads.jsonl', '--rules', path.join(brokenRules, 'rules')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const shownPath = path.relative(fixtures, path.join(brokenRules, 'rules', 'personas.yaml')).split(path.sep).join('/');
    expect(stderr.startsWith(`${shownPath}:`)).toBe(true);
    expect(stderr).toMatch(/^\S*personas\.yaml:\d+:\d+: .*colour/m);
    expect(stderr).toMatch(/leadpact score: the rules in .* have 1 error; nothing was scored\n$/);
  });

  it('prints a mapping file\'s problems with their positions (exit 1)', async () => {
    const error = await usageError(['custom.csv', '--map', 'broken-map.yaml']);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('broken-map.yaml:8:20: unknown key "feild"');
  });

  it('refuses usage errors with exit code 2', async () => {
    expect((await usageError([])).exitCode).toBe(2);
    expect((await usageError(['leads.jsonl', '--format', 'xml'])).message).toBe('--format must be jsonl, csv, table, not "xml"');
    expect((await usageError(['leads.jsonl', '--now', 'yesterday'])).exitCode).toBe(2);
    expect((await usageError(['leads.jsonl', '--limit', '0'])).exitCode).toBe(2);
    expect((await usageError(['missing.jsonl'])).message).toBe('missing.jsonl does not exist');
    expect((await usageError(['leads.jsonl', '--map', 'marketo-leads'])).message).toMatch(/^no mapping "marketo-leads" in the rules \(presets: hubspot-activities, hubspot-contacts, salesforce-contacts\)/);
    expect((await usageError(['leads.jsonl', '--map', 'hubspot-activities'])).message).toMatch(/reads activity rows/);
  });
});
