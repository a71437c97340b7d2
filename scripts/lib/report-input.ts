/**
 * Reading the exports `leadpact report` and `leadpact calibrate` take: leads (JSON Lines, JSON or
 * CSV through a mapping, gzip-compressed or not, exactly as `leadpact score` reads them: through
 * lead-source.ts) and the extension's feedback export (JSON Lines or a JSON array of
 * FeedbackRecord, extension/background/db.ts).
 *
 * Both collect every record in memory: a report or a calibration looks at the whole history at
 * once, and a sales team's history is thousands of leads, not millions. A row that cannot be read
 * becomes a located problem (`file:line:col: message`); the caller prints them and decides.
 */
import path from 'node:path';
import { isIsoDateTime } from '../../extension/engine/lead-record';
import { compileRules, RulesError, type CompiledRules } from '../../extension/engine/index';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import type { FeedbackRecord } from '../../extension/background/db';
import { CliError } from './command';
import { formatDiagnostics } from './diagnostics';
import { formatFromName, InputReadError, peek, readJsonArray, readJsonLines, sniffFormat } from './lead-input';
import { openInputFile, readLeadRecords } from './lead-source';
import { loadRules } from './rules-repo';
import { dirSource } from './rules-source';
import { resolveMapping, type ResolvedMapping } from './score-mapping';

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col}: ${problem.message}`;
}

export interface Loaded<T> {
  records: T[];
  problems: Problem[];
  /** The rest of the file could not be read (broken JSON, a CSV header without a mapping). */
  stopped: boolean;
}

export interface LeadExportOptions {
  /** --map: a preset id or a mapping file; a CSV without it uses the preset its header matches. */
  map?: string;
  cwd: string;
}

/** Every lead of an export, read as `leadpact score` reads it. */
export async function readLeadExport(file: string, bundle: Bundle, options: LeadExportOptions): Promise<Loaded<Lead>> {
  const mapping: ResolvedMapping | undefined = options.map !== undefined ? await resolveMapping(options.map, bundle, options.cwd) : undefined;
  if (mapping && mapping.program.mapping.records !== 'leads') {
    throw new CliError(`${mapping.source} reads activity rows (records: events), not leads; give a leads mapping`);
  }
  const input = await openInputFile(file, { cwd: options.cwd });
  const result: Loaded<Lead> = { records: [], problems: [], stopped: false };
  try {
    for await (const batch of readLeadRecords({ name: file, chunks: input.chunks }, { bundle, mapping })) {
      for (const item of batch) {
        if ('lead' in item) {
          result.records.push(item.lead);
          continue;
        }
        result.problems.push({ file, line: item.line, col: item.col, message: item.error });
        if (item.fatal) result.stopped = true;
      }
    }
  } catch (error) {
    if (!(error instanceof InputReadError)) throw error;
    throw new CliError(`${file}: ${error.message}`, 1);
  } finally {
    await input.close();
  }
  return result;
}

const DECISIONS = new Set(['accept', 'reject']);

/**
 * Checks one feedback record (the extension's export); the record, or what is wrong with it.
 * Permissive where the extension may grow (extra keys are ignored), strict on what the report counts.
 */
export function parseFeedbackRecord(value: unknown, rejectReasons: ReadonlySet<string>): FeedbackRecord | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a feedback record is a JSON object';
  const record = value as Record<string, unknown>;
  const text = (key: string) => typeof record[key] === 'string' && (record[key] as string).length > 0;
  if (!text('leadId')) return 'leadId: missing or not text';
  if (!DECISIONS.has(record.decision as string)) return `decision: must be accept or reject, not ${JSON.stringify(record.decision ?? null)}`;
  if (record.decision === 'reject') {
    if (!text('reason')) return 'reason: a reject needs a reason';
    if (rejectReasons.size > 0 && !rejectReasons.has(record.reason as string)) {
      return `reason: "${String(record.reason)}" is not one of the rejectReasons in lifecycle.yaml (${[...rejectReasons].join(', ')})`;
    }
  }
  if (!text('who')) return 'who: missing or not text';
  if (typeof record.at !== 'string' || !isIsoDateTime(record.at)) return `at: not an ISO date-time with a zone (${JSON.stringify(record.at ?? null)})`;
  const shown = record.shown;
  if (shown === null || typeof shown !== 'object' || Array.isArray(shown)) return 'shown: missing (the outcome on the card when the rep decided)';
  return {
    leadId: record.leadId as string,
    decision: record.decision as 'accept' | 'reject',
    reason: record.decision === 'reject' ? (record.reason as string) : null,
    who: record.who as string,
    at: record.at,
    rulesVersion: typeof record.rulesVersion === 'string' ? record.rulesVersion : '',
    rulesHash: typeof record.rulesHash === 'string' ? record.rulesHash : '',
    shown: shown as FeedbackRecord['shown'],
    stageRecorded: typeof record.stageRecorded === 'string' ? record.stageRecorded : null,
  };
}

/** The feedback export: JSON Lines (what the options page writes) or a JSON array. */
export async function readFeedbackExport(file: string, bundle: Bundle, cwd: string): Promise<Loaded<FeedbackRecord>> {
  const reasons = new Set(bundle.lifecycle.rejectReasons?.map((reason) => reason.id) ?? []);
  const input = await openInputFile(file, { cwd });
  const result: Loaded<FeedbackRecord> = { records: [], problems: [], stopped: false };
  try {
    const { head, chunks } = await peek(input.chunks);
    const format = formatFromName(file) ?? sniffFormat(head);
    if (format === 'csv') throw new CliError(`${file}:1:1: a feedback export is JSON Lines or JSON (the extension's "Export feedback"), not CSV`);
    const batches = format === 'json' ? readJsonArray(chunks) : readJsonLines(chunks);
    try {
      reading: for await (const batch of batches) {
        for (const item of batch) {
          if ('error' in item) {
            result.problems.push({ file, line: item.line, col: item.col, message: item.error });
            if (item.fatal) {
              result.stopped = true;
              break reading;
            }
            continue;
          }
          const record = parseFeedbackRecord(item.value, reasons);
          if (typeof record === 'string') result.problems.push({ file, line: item.line, col: 1, message: `not a feedback record: ${record}` });
          else result.records.push(record);
        }
      }
    } finally {
      await batches.return(undefined);
    }
  } finally {
    await input.close();
  }
  return result;
}

/** The rules of a folder (default: this repository's rules/), compiled; their errors end the run. */
export async function loadCompiledRules(rulesDir: string, command: string, cwd: string): Promise<{ bundle: Bundle; rules: CompiledRules }> {
  const rulesSubdir = path.basename(rulesDir);
  const loaded = await loadRules(dirSource(path.dirname(rulesDir), rulesSubdir), { rulesSubdir });
  if (!loaded.bundle) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    throw new CliError(
      `${formatDiagnostics(errors, 'text').trimEnd()}\nleadpact ${command}: the rules in ${path.relative(cwd, rulesDir) || '.'} have ${errors.length} error${errors.length === 1 ? '' : 's'}`,
      1,
    );
  }
  try {
    return { bundle: loaded.bundle, rules: compileRules(loaded.bundle) };
  } catch (error) {
    if (error instanceof RulesError) throw new CliError(`the rules cannot be compiled: ${error.message}`, 1);
    throw error;
  }
}
