import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command takes its arguments (after the command name) and returns its exit code. */
export type Command = (argv: string[]) => Promise<number>;

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
