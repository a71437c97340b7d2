// `leadpact generate-leads`: invented sample leads (scripts/lib/lead-generator.ts) as JSONL, or as
// a CRM-style CSV written through a mapping preset read backwards (for the score and import tests).
// Streams: 100k leads never sit in memory at once. Files are written to a temporary name and
// renamed, so a failed run never leaves half a file where a good one was.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Duplex, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Event, Lead, MappingFile } from '../../extension/engine/generated/rules';
import { CliError, parseChoice, parseCommandArgs, parseInstantOption, type Command } from '../lib/command';
import { generateLeads } from '../lib/lead-generator';
import { repoRoot, rulesDir } from '../lib/paths';
import { validateWithSchema } from '../lib/schema-validator';
import { parseYamlFile } from '../lib/yaml-file';

const DEFAULTS = { seed: '42', count: '2000', now: '2026-11-20T12:00:00Z', out: path.join('rules', 'samples', 'leads.jsonl') };
/** Below this many leads a run is quick enough to need no progress lines. */
const PROGRESS_FROM = 10_000;

const USAGE = `Usage: leadpact generate-leads [options]

Writes invented, deterministic sample leads (same seed, same bytes).

Options:
  --seed <n>        PRNG seed, an integer (default ${DEFAULTS.seed})
  --count <n>       how many leads (default ${DEFAULTS.count})
  --now <instant>   activity falls in the 180 days before it (default ${DEFAULTS.now})
  --format <f>      jsonl (default) or csv
  --map <id>        with --format csv: the mapping preset whose columns to write, e.g.
                    hubspot-contacts (one row per lead) or hubspot-activities (one row per event)
  --rules <dir>     where to find mappings/<id>.yaml (default rules/)
  --out <file>      where to write; "-" for standard output
                    (default ${DEFAULTS.out} for jsonl, standard output for csv)
`;

const generateLeadsCommand: Command = async (argv) => {
  const parsed = parseCommandArgs(
    argv,
    {
      seed: { type: 'string' },
      count: { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
      map: { type: 'string' },
      rules: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const seed = parseInteger('--seed', values.seed ?? DEFAULTS.seed, -(2 ** 31), 2 ** 31 - 1);
  const count = parseInteger('--count', values.count ?? DEFAULTS.count, 0, 10_000_000);
  const now = parseInstantOption(values.now ?? DEFAULTS.now);
  const format = parseChoice(values.format, ['jsonl', 'csv'] as const, 'jsonl');
  if (format === 'csv' && !values.map) throw new CliError('--format csv needs --map <mapping id>, e.g. --map hubspot-contacts');
  if (format === 'jsonl' && values.map) throw new CliError('--map only applies to --format csv');

  const leads = withProgress(generateLeads({ seed, count, now }), count);
  const out = values.out ?? (format === 'jsonl' ? path.join(repoRoot, DEFAULTS.out) : '-');

  if (format === 'jsonl') {
    await writeOutput(out, () => [Readable.from(jsonLines(leads))]);
  } else {
    const mapping = await loadMapping(values.rules ? path.resolve(values.rules) : rulesDir, values.map ?? '');
    const table = csvTable(mapping);
    await writeOutput(out, () => [
      Readable.from(table.rows(leads), { objectMode: true }),
      stringify({ header: true, columns: table.header, delimiter: mapping.delimiter ?? ',' }),
    ]);
  }
  return 0;
};

export default generateLeadsCommand;

function parseInteger(option: string, text: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new CliError(`${option} must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}

function* jsonLines(leads: Iterable<Lead>): Generator<string> {
  for (const lead of leads) yield `${JSON.stringify(lead)}\n`;
}

/** Passes the leads through, printing how far along it is on stderr for big runs. */
function* withProgress(leads: Iterable<Lead>, count: number): Generator<Lead> {
  if (count < PROGRESS_FROM) return yield* leads;
  const step = Math.max(10_000, Math.ceil(count / 10 / 10_000) * 10_000);
  let done = 0;
  for (const lead of leads) {
    yield lead;
    if (++done % step === 0 || done === count) process.stderr.write(`generate-leads: ${done.toLocaleString('en')}/${count.toLocaleString('en')} leads\n`);
  }
}

/** Streams into `out` through a temporary file renamed at the end; "-" is standard output. */
async function writeOutput(out: string, stages: () => [Readable, ...Duplex[]]): Promise<void> {
  if (out === '-') {
    await pipeline([...stages(), process.stdout as Writable], { end: false });
    return;
  }
  const target = path.resolve(out);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  try {
    await pipeline([...stages(), createWriteStream(temporary)]);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR' || code === 'EROFS' || code === 'ENOSPC') {
      throw new CliError(`cannot write ${out}: ${(error as Error).message}`, 1);
    }
    throw error;
  }
  process.stderr.write(`generate-leads: wrote ${path.relative(process.cwd(), target) || target}\n`);
}

async function loadMapping(dir: string, id: string): Promise<MappingFile> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) throw new CliError(`--map takes a mapping id such as hubspot-contacts, not "${id}"`);
  const file = path.join(dir, 'mappings', `${id}.yaml`);
  const shown = path.relative(process.cwd(), file) || file;
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'ENOENT' ? `no mapping "${id}": ${shown} does not exist` : `cannot read ${shown}: ${error.message}`);
  });
  const parsed = parseYamlFile(shown, new Uint8Array(bytes));
  if (!parsed.ok) {
    const first = parsed.diagnostics[0];
    throw new CliError(first ? `${first.file}:${first.line}:${first.col}: ${first.message}` : `${shown}: not readable as YAML`, 1);
  }
  const data = parsed.doc.data as { kind?: unknown };
  if (data?.kind !== 'mapping' || validateWithSchema('mapping', data).length > 0) {
    throw new CliError(`${shown} is not a valid mapping; run "leadpact validate" for the details`, 1);
  }
  return data as MappingFile;
}

// ---------------------------------------------------------------------------------------------
// Writing a lead the way a CRM export would hold it: the mapping preset, read backwards.

type Cell = string;

interface CsvTable {
  header: string[];
  rows(leads: Iterable<Lead>): Generator<Cell[]>;
}

/** The columns and rows of a CSV that `mapping` turns back into the same leads (or events). */
export function csvTable(mapping: MappingFile): CsvTable {
  const nullText = mapping.nulls?.[0] ?? '';
  const trueText = mapping.booleans?.true[0] ?? 'true';
  const falseText = mapping.booleans?.false[0] ?? 'false';
  const format = (value: unknown, type: string | undefined, split: string | undefined, back: Map<string, string>): Cell => {
    if (value === undefined || value === null) return nullText;
    if (Array.isArray(value)) return value.map((item) => back.get(JSON.stringify(item)) ?? String(item)).join(split ?? ';');
    const source = back.get(JSON.stringify(value));
    if (source !== undefined) return source;
    if (typeof value === 'boolean' && (type === 'boolean' || type === undefined)) return value ? trueText : falseText;
    return String(value);
  };

  if (mapping.records === 'events') return eventsTable(mapping, format);

  const columns = (mapping.columns ?? []).map((spec) => ({ ...spec, back: reverseValues(spec.values) }));
  const header = columns.flatMap((spec) => spec.columns ?? (spec.column ? [spec.column] : []));
  return {
    header,
    *rows(leads) {
      for (const lead of leads) {
        const row: Cell[] = [];
        for (const spec of columns) {
          const value = readField(lead, spec.field);
          if (spec.columns) row.push(...splitJoined(value, spec.columns.length, spec.join ?? ' ', nullText));
          else row.push(format(value, spec.type, spec.split, spec.back));
        }
        yield row;
      }
    },
  };
}

function eventsTable(
  mapping: MappingFile,
  format: (value: unknown, type: string | undefined, split: string | undefined, back: Map<string, string>) => Cell,
): CsvTable {
  const spec = mapping.events;
  if (!spec) throw new CliError(`mapping ${mapping.id} reads events but has no events section`, 1);
  const typeBack = reverseValues(spec.type.values);
  const none = new Map<string, string>();
  const header = [spec.lead, ...(spec.type.column ? [spec.type.column] : []), spec.at, ...(spec.props ?? []).map((p) => p.column)];
  return {
    header,
    *rows(leads) {
      for (const lead of leads) {
        const key = spec.leadKey === 'email' ? lead.email : lead.id;
        if (!key) continue; // an activity row must name its lead
        for (const event of lead.events ?? []) {
          if (spec.type.const && event.type !== spec.type.const) continue;
          const row: Cell[] = [key];
          if (spec.type.column) row.push(typeBack.get(JSON.stringify(event.type)) ?? event.type);
          row.push(event.at);
          for (const prop of spec.props ?? []) row.push(format((event as Event)[prop.prop], prop.type, undefined, none));
          yield row;
        }
      }
    },
  };
}

/** Our value (as JSON) to the first source spelling that maps to it: the CRM's own label. */
function reverseValues(values: Record<string, unknown> | undefined): Map<string, string> {
  const back = new Map<string, string>();
  for (const [source, ours] of Object.entries(values ?? {})) {
    if (ours === null) continue;
    const key = JSON.stringify(ours);
    if (!back.has(key)) back.set(key, source);
  }
  return back;
}

/** company.name, properties.budget_confirmed, id... read from a lead record. */
function readField(lead: Lead, field: string): unknown {
  let value: unknown = lead;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** "Anna de Jong" over [First Name, Last Name] → ["Anna", "de Jong"]: the last column takes the rest. */
function splitJoined(value: unknown, parts: number, join: string, nullText: string): Cell[] {
  const cells: Cell[] = Array.from({ length: parts }, () => nullText);
  if (typeof value !== 'string' || value === '') return cells;
  const words = value.split(join);
  for (let i = 0; i < parts - 1 && words.length > 1; i++) cells[i] = words.shift() ?? nullText;
  cells[parts - 1] = words.join(join);
  return cells;
}
