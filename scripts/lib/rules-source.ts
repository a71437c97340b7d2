/**
 * Where rules files come from: a directory on disk (`leadpact validate`, `build`) or a git commit
 * read straight from the object store (`leadpact diff --base <ref>`, `version-check`), so that
 * comparing against a base never touches the working tree.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CliError } from './command';

const run = promisify(execFile);

export interface RulesSource {
  /** Shown to people: a directory path, or `<ref>` for a git source. */
  label: string;
  /** Every file under the rules folder, as paths relative to the repository root ('rules/scoring/fit.yaml'). */
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
  /** The file's size in bytes without reading it, so oversized files are refused before being read. */
  size?(path: string): Promise<number>;
}

/** Rules from `<repoDir>/<rulesSubdir>` on disk. Symbolic links to directories are not followed. */
export function dirSource(repoDir: string, rulesSubdir = 'rules'): RulesSource {
  const root = path.resolve(repoDir);
  const absolute = (file: string) => path.join(root, ...file.split('/'));
  return {
    label: path.join(root, rulesSubdir),
    async list() {
      const files: string[] = [];
      const pending = [toPosix(rulesSubdir)];
      for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
        const entries = await readdir(absolute(dir), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
          throw error;
        });
        for (const entry of entries) {
          const relative = `${dir}/${entry.name}`;
          if (entry.isDirectory()) pending.push(relative);
          else if (entry.isFile()) files.push(relative);
          else if (entry.isSymbolicLink() && (await stat(absolute(relative)).catch(() => undefined))?.isFile()) files.push(relative);
        }
      }
      return files.sort();
    },
    async read(file) {
      return new Uint8Array(await readFile(absolute(file)));
    },
    async size(file) {
      const info = await lstat(absolute(file));
      return info.isSymbolicLink() ? (await stat(absolute(file))).size : info.size;
    },
  };
}

/**
 * Rules as committed at `ref` in the git repository at `repoDir`, read with `git ls-tree` and
 * `git cat-file`: no checkout, no change to the working tree or the index. A ref without a rules
 * folder lists no files; an unknown ref is a CliError.
 */
export function gitSource(repoDir: string, ref: string, rulesSubdir = 'rules'): RulesSource {
  const cwd = path.resolve(repoDir);
  const folder = toPosix(rulesSubdir).replace(/\/+$/, '');
  let sizes: Map<string, number> | undefined;
  let commit: Promise<string> | undefined;

  const git = async (args: string[], maxBuffer = 64 * 1024 * 1024) =>
    (await run('git', args, { cwd, encoding: 'buffer', maxBuffer, windowsHide: true })).stdout;
  // Resolved once: every later read uses the commit id, so a moving branch cannot mix two versions.
  const resolve = () => (commit ??= resolveCommit(cwd, ref, git));

  return {
    label: ref,
    async list() {
      const id = await resolve();
      // --long adds each blob's size, so `size` needs no process per file. Paths are relative to
      // repoDir, which may be a folder inside the git repository.
      const out = (await git(['ls-tree', '-r', '-z', '--long', id, '--', `${folder}/`])).toString('utf8');
      sizes = new Map();
      for (const record of out.split('\0')) {
        // "<mode> SP <type> SP <object> SP+ <size> TAB <path>"
        const tab = record.indexOf('\t');
        if (tab === -1) continue;
        const [, type, , size] = record.slice(0, tab).split(/ +/);
        if (type !== 'blob') continue; // submodules (type commit) are not files
        sizes.set(record.slice(tab + 1), Number(size));
      }
      return [...sizes.keys()].sort();
    },
    async read(file) {
      const id = await resolve();
      return new Uint8Array(await git(['cat-file', 'blob', `${id}:./${file}`]));
    },
    async size(file) {
      if (!sizes) await this.list();
      const known = sizes?.get(file);
      if (known !== undefined) return known;
      const id = await resolve();
      return Number((await git(['cat-file', '-s', `${id}:./${file}`])).toString('utf8').trim());
    },
  };
}

async function resolveCommit(cwd: string, ref: string, git: (args: string[]) => Promise<Buffer>): Promise<string> {
  // A ref starting with '-' would be read by git as an option.
  if (!ref || ref.startsWith('-')) throw new CliError(`bad git ref "${ref}"`);
  try {
    return (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).toString('utf8').trim();
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError('git is not installed or not on the PATH');
    if (/not a git repository/i.test(stderr)) throw new CliError(`${cwd} is not a git repository`);
    throw new CliError(`unknown git ref "${ref}" in ${cwd}: no commit by that name`);
  }
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
