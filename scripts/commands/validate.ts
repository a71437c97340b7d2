// `leadpact validate [dir] [--format text|github|json]`: the rules repository checked against
// schema/ and then by the semantic checks, every problem as one located line; exit 1 on any error.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Bundle } from '../../extension/engine/generated/rules';
import { compileRules, RulesError } from '../../extension/engine/index';
import { CliError, parseChoice, parseCommandArgs, type Command } from '../lib/command';
import { formatDiagnostics, type Diagnostic, type DiagnosticFormat } from '../lib/diagnostics';
import { repoRoot } from '../lib/paths';
import { loadRules, type LoadResult } from '../lib/rules-repo';
import { dirSource, type RulesSource } from '../lib/rules-source';

const usage = `Usage: leadpact validate [dir] [--format text|github|json]

Checks a rules repository: every file against its schema in schema/, then what schemas cannot
say (unknown fields and events, operators that do not fit a field's type, duplicate ids, stages
out of order, unreachable thresholds, personas and stages that can never match, unknown owners,
unsafe regular expressions, bad durations).

dir       the repository (holding rules/) or the rules folder itself; default: this repository
--format  text (default): path:line:col: message
          github: workflow commands, so problems show as annotations on the pull request
          json: a list of { file, line, col, severity, code, message }
Exit code: 0 when there is no error (warnings allowed), 1 on any error, 2 on bad usage.`;

const FORMATS: readonly DiagnosticFormat[] = ['text', 'github', 'json'];

/** Where the rules are: the repository root and the rules folder inside it. */
export interface RulesLocation {
  repoDir: string;
  rulesSubdir: string;
}

export interface RulesSummary {
  name: string;
  version: string;
  files: number;
  models: number;
  rules: number;
  personas: number;
  stages: number;
}

export interface Validation {
  load: LoadResult;
  /** Loading's findings plus the engine's compile check, sorted. */
  diagnostics: Diagnostic[];
  /** The bundle, when there is no error. */
  bundle: Bundle | null;
  summary: RulesSummary | null;
}

/**
 * `dir` may be the repository (holding rules/) or the rules folder itself (holding
 * leadpact.yaml): the schema comments are relative to the repository, so that is the root.
 */
export async function locateRules(dir: string): Promise<RulesLocation> {
  const absolute = path.resolve(dir);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new CliError(`${dir}: no such directory`);
  if (!info.isDirectory()) throw new CliError(`${dir}: not a directory; give the repository (holding rules/) or its rules folder`);
  const isDir = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() === true;
  const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() === true;
  if (!(await isDir(path.join(absolute, 'rules'))) && (await isFile(path.join(absolute, 'leadpact.yaml')))) {
    return { repoDir: path.dirname(absolute), rulesSubdir: path.basename(absolute) };
  }
  return { repoDir: absolute, rulesSubdir: 'rules' };
}

/**
 * Loads and checks the rules, then compiles the bundle with the engine: validation and the
 * engine must agree, so rules the engine would refuse are an error here too.
 */
export async function validateSource(source: RulesSource, rulesSubdir = 'rules', commit: string | null = null): Promise<Validation> {
  const load = await loadRules(source, { rulesSubdir, commit });
  const diagnostics = [...load.diagnostics];
  let bundle = load.bundle;
  if (bundle) {
    try {
      compileRules(bundle);
    } catch (error) {
      if (!(error instanceof RulesError)) throw error;
      const file = `${rulesSubdir}/leadpact.yaml`;
      diagnostics.push({ file, line: 1, col: 1, severity: 'error', code: 'engine-refused', message: `the scoring engine refuses these rules: ${error.message}` });
      bundle = null;
    }
  }
  return { load, diagnostics, bundle, summary: bundle ? summarize(bundle, load.files.length) : null };
}

function summarize(bundle: Bundle, files: number): RulesSummary {
  return {
    name: bundle.name,
    version: bundle.version,
    files,
    models: bundle.models.length,
    rules: bundle.models.reduce((n, model) => n + model.rules.length, 0),
    personas: bundle.personas.personas.length,
    stages: bundle.lifecycle.stages.length,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "rules ok: Quillstack revenue rules 1.0.0, 11 files, 46 rules in 3 models, 5 personas, 7 stages". */
export function summaryLine(summary: RulesSummary, warnings: number): string {
  const counts = [
    plural(summary.files, 'file'),
    `${plural(summary.rules, 'rule')} in ${plural(summary.models, 'model')}`,
    plural(summary.personas, 'persona'),
    plural(summary.stages, 'stage'),
  ];
  if (warnings) counts.push(plural(warnings, 'warning'));
  return `rules ok: ${summary.name} ${summary.version}, ${counts.join(', ')}`;
}

/** "2 errors and 1 warning in 2 files"; "more than 20 errors..." when a file's list was cut off. */
export function failureLine(diagnostics: readonly Diagnostic[]): string {
  const cut = diagnostics.some((d) => d.code === 'too-many-problems');
  const shown = diagnostics.filter((d) => d.code !== 'too-many-problems');
  const errors = shown.filter((d) => d.severity === 'error').length;
  const warnings = shown.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  return `${cut ? 'more than ' : ''}${plural(errors, 'error')}${warnings ? ` and ${plural(warnings, 'warning')}` : ''} in ${plural(files, 'file')}`;
}

/**
 * What the command prints and returns. `display` turns a repository-relative path into the one
 * shown (relative to the working directory, so editors and GitHub can open it). The json format
 * keeps stdout to the list alone; its summary goes to stderr.
 */
export function renderValidation(
  validation: Validation,
  format: DiagnosticFormat,
  display: (file: string) => string = (file) => file,
): { stdout: string; stderr: string; exitCode: number } {
  const shown = validation.diagnostics.map((d) => ({ ...d, file: display(d.file) }));
  const failed = shown.some((d) => d.severity === 'error');
  const warnings = shown.filter((d) => d.severity === 'warning').length;
  const line = failed || !validation.summary ? failureLine(shown) : summaryLine(validation.summary, warnings);
  const body = formatDiagnostics(shown, format);
  if (format === 'json') return { stdout: body, stderr: `${line}\n`, exitCode: failed ? 1 : 0 };
  return { stdout: `${body}${line}\n`, stderr: '', exitCode: failed ? 1 : 0 };
}

/** Repository-relative path to one relative to the working directory (POSIX separators). */
export function displayFrom(repoDir: string, cwd = process.cwd()): (file: string) => string {
  return (file) => {
    const relative = path.relative(cwd, path.join(repoDir, ...file.split('/')));
    return (relative === '' ? '.' : relative).split(path.sep).join('/');
  };
}

const validate: Command = async (argv) => {
  const args = parseCommandArgs(argv, { format: { type: 'string', short: 'f' } }, usage);
  if (!args) return 0;
  if (args.positionals.length > 1) throw new CliError(`one directory at a time\n${usage}`);
  const format: DiagnosticFormat = parseChoice(args.values.format, FORMATS, 'text');
  const { repoDir, rulesSubdir } = await locateRules(args.positionals[0] ?? repoRoot);
  const validation = await validateSource(dirSource(repoDir, rulesSubdir), rulesSubdir);
  const { stdout, stderr, exitCode } = renderValidation(validation, format, displayFrom(repoDir));
  process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr);
  return exitCode;
};

export default validate;
