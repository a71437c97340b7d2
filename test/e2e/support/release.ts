/**
 * A real release for the e2e tests, made the way an admin makes one: a clean clone of this
 * repository's HEAD, `leadpact keygen` and `leadpact release` run as commands (child processes),
 * and the released Chrome zip unpacked with fflate (not our own zip reader) for Chromium to load.
 *
 * The clone shares this repository's node_modules by symlink (the stand-in for `npm ci`); the key
 * and the release live in a temporary folder outside any work tree.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { REPO_ROOT } from '../../../scripts/demo/browser.ts';

const run = promisify(execFile);

export interface MadeRelease {
  /** The temporary folder holding the clone, the keys, the release and the unpacked zip. */
  readonly root: string;
  /** The private key file written by `leadpact keygen`. */
  readonly keyFile: string;
  /** The public key line written by `leadpact keygen` (what the options page takes). */
  readonly publicKey: string;
  /** <out-dir>/<rules version>/: bundle.json, bundle.json.sig, the zips, SHA256SUMS. */
  readonly releaseDir: string;
  /** The rules version released (and embedded in the zips). */
  readonly version: string;
  /** The Chrome zip's file name. */
  readonly chromeZip: string;
  /** The Chrome zip unpacked, ready for --load-extension. */
  readonly extensionDir: string;
  /** What `leadpact release` printed. */
  readonly output: string;
  /** Wall time of keygen + release, in seconds. */
  readonly seconds: number;
  /** Removes everything above. */
  remove(): void;
}

async function leadpact(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join('scripts', 'bin', 'leadpact.js'), ...args], {
      cwd,
      // The release keeps NODE_ENV and the rest of the test runner's environment out of its tools;
      // the key comes from --key, never from a variable inherited here.
      env: { ...process.env, LEADPACT_SIGNING_KEY: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '', code } = error as { stdout?: string; stderr?: string; code?: number };
    throw new Error(`leadpact ${args[0]} exited with ${code}:\n${(stdout + stderr).split('\n').slice(-40).join('\n')}`);
  }
}

/** Clone, keygen, release (Chrome, Firefox and sources zips) and unpack the Chrome zip. */
export async function makeRelease(): Promise<MadeRelease> {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'leadpact-e2e-release-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    const clone = join(root, 'clone');
    await run('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone]);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');

    const keysDir = join(root, 'keys');
    await leadpact(clone, ['keygen', '--dir', keysDir, '--name', 'e2e-release']);
    const keyFile = join(keysDir, 'e2e-release.key');
    const publicKey = readFileSync(join(keysDir, 'e2e-release.pub'), 'utf8').trim();

    const outDir = join(root, 'release');
    const output = await leadpact(clone, ['release', '--key', keyFile, '--out-dir', outDir]);
    const versions = readdirSync(outDir).filter((name) => !name.startsWith('.'));
    if (versions.length !== 1) throw new Error(`expected one release folder in ${outDir}, found ${versions.join(', ') || 'none'}:\n${output}`);
    const version = versions[0]!;
    const releaseDir = join(outDir, version);
    const chromeZip = readdirSync(releaseDir).find((name) => name.endsWith('-chrome.zip'));
    if (!chromeZip) throw new Error(`${releaseDir} has no *-chrome.zip:\n${output}`);

    const extensionDir = join(root, 'chrome');
    for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(join(releaseDir, chromeZip)))))) {
      if (name.endsWith('/')) continue;
      if (name.split('/').some((part) => part === '..' || part === '') || name.startsWith('/')) throw new Error(`${chromeZip}: unsafe entry name ${name}`);
      const target = join(extensionDir, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
    return { root, keyFile, publicKey, releaseDir, version, chromeZip, extensionDir, output, seconds: (Date.now() - started) / 1000, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
