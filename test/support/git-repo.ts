/**
 * Throwaway git repositories for the rules change gates: a temporary folder holding a copy of
 * test/fixtures/rules-repo, a base commit, then whatever edits a test makes. Commands run
 * in-process through the CLI's `main` with stdout and stderr captured.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { main } from '../../scripts/cli';

export const FIXTURE_REPO = fileURLToPath(new URL('../fixtures/rules-repo/', import.meta.url));
export const NOW = '2026-11-20T12:00:00Z';

export class TempRepo {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'leadpact-git-'));
    this.git('init', '-q', '-b', 'main');
  }

  /** Runs git in the repository with a fixed identity (no global config needed) and returns stdout. */
  git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=Leadpact Test', '-c', 'user.email=test@leadpact.test', '-c', 'commit.gpgsign=false', ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Copies the fixture rules repository (rules/ and leads.jsonl) into the working tree. */
  copyFixture(): this {
    cpSync(FIXTURE_REPO, this.dir, { recursive: true });
    return this;
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), 'utf8');
  }

  write(file: string, text: string): this {
    mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    writeFileSync(path.join(this.dir, file), text);
    return this;
  }

  /** Replaces `from` with `to` in a file; throws when `from` is not there (a test that edits nothing proves nothing). */
  edit(file: string, from: string | RegExp, to: string): this {
    const text = this.read(file);
    const next = text.replace(from, to);
    if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
    return this.write(file, next);
  }

  remove(file: string): this {
    rmSync(path.join(this.dir, file), { force: true });
    return this;
  }

  /** Commits everything in the working tree; returns the commit id. */
  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** Sets the rules version and adds a changelog entry for it. */
  bumpVersion(version: string, entry = 'Changed the rules.'): this {
    this.edit('rules/leadpact.yaml', /^version: .*$/m, `version: ${version}`);
    return this.edit('rules/CHANGELOG.md', '# Changelog\n', `# Changelog\n\n## [${version}] - 2026-11-23\n\n- ${entry}\n`);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A repository whose base commit (HEAD) holds the fixture rules. */
export function fixtureRepo(): TempRepo {
  const repo = new TempRepo().copyFixture();
  repo.commit('base: fixture rules');
  return repo;
}

/**
 * For a test file: a function making repositories, each removed after the test that made it:
 * `repo()` as fixtureRepo (the fixture rules at HEAD), `repo('empty')` a new repository without
 * commits. Call it at the top level of the file.
 */
export function useFixtureRepos(): (kind?: 'fixture' | 'empty') => TempRepo {
  const repos: TempRepo[] = [];
  afterEach(() => {
    for (const repo of repos.splice(0)) repo.cleanup();
  });
  return (kind = 'fixture') => {
    const repo = kind === 'empty' ? new TempRepo() : fixtureRepo();
    repos.push(repo);
    return repo;
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `leadpact <argv>` in this process (no new Node, no tsx start-up) and captures its output. */
export async function run(argv: string[], stdin?: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  const stdinDescriptor = stdin === undefined ? undefined : Object.getOwnPropertyDescriptor(process, 'stdin');
  if (stdin !== undefined) {
    const { Readable } = await import('node:stream');
    Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(stdin)]), configurable: true });
  }
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    if (stdinDescriptor) Object.defineProperty(process, 'stdin', stdinDescriptor);
  }
}
