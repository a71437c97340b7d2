import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command takes its arguments (after the command name) and returns its exit code. */
export type Command = (argv: string[]) => Promise<number>;

/** Where a command that tests drive in-process writes, and the folder relative paths start from. */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
}

/** This process's streams and working folder. */
export function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/** An expected failure (bad input, bad usage): printed as one line, never with a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed values of `options`: strings or booleans (arrays with `multiple`), absent when not given. */
export type ParsedValues<T extends Options> = {
  [K in keyof T]?: T[K] extends { type: 'string'; multiple: true }
    ? string[]
    : T[K] extends { type: 'string' }
      ? string
      : T[K] extends { type: 'boolean'; multiple: true }
        ? boolean[]
        : boolean;
};

/** Parses a command's options; unknown options and bad values become a CliError with the usage. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = true,
): { values: ParsedValues<T>; positionals: string[] } | null {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
      return null;
    }
    return parsed as { values: ParsedValues<T>; positionals: string[] };
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `--now` and other instants: ISO 8601 with a zone (2026-11-20T12:00:00Z), or a date (UTC
 * midnight); the current time when absent. Every command reads instants the same way.
 */
export function parseInstantOption(text: string | undefined, flag = '--now'): number {
  if (text === undefined) return Date.now();
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CliError(`${flag} must be an ISO 8601 instant with a zone, e.g. 2026-11-20T12:00:00Z; got "${text}"`);
  return ms;
}

/** `--format` and other closed choices: the value (or the default), else a CliError naming them. */
export function parseChoice<T extends string>(text: string | undefined, choices: readonly T[], fallback: T, flag = '--format'): T {
  const value = text ?? fallback;
  if (!(choices as readonly string[]).includes(value)) {
    const named = choices.length === 2 ? choices.join(' or ') : choices.join(', ');
    throw new CliError(`${flag} must be ${named}, not "${value}"`);
  }
  return value as T;
}
