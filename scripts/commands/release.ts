// `leadpact release`: everything an admin publishes for one rules version, built from one commit:
// the signed rules bundle, the Chrome and Firefox zips with that bundle embedded, the sources zip
// for store review, SHA256SUMS and a release note, in .output/release/<version>/.
//
// The release is made from the commit (HEAD), never from the work tree: the tree is exported
// with `git archive` into a temporary folder and every step (validate, test, build, wxt zip) runs
// there with SOURCE_DATE_EPOCH set to the commit's time, so the sources zip holds exactly what
// was built and rebuilding it gives the same extension files.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { signBundle, verifyBundleSignature } from '../../extension/lib/signature';
import { CliError, parseCommandArgs, type Command } from '../lib/command';
import { readPrivateKey } from '../lib/keys';
import { repoRoot } from '../lib/paths';
import { changelogEntry, hasChangelogText, releaseNote, sha256Sums } from '../lib/release-notes';
import { normalizeZip, readZip, ZipReadError } from '../lib/release-zip';
import { bundleVersionOf, expiryFrom } from './sign';

const usage = `Usage: leadpact release [dir] [--key <file>] [--expires <90d | instant>] [--out-dir <dir>] [--skip-browsers] [--check-rebuild] [--force]

Releases the committed state (HEAD) of the repository: validate, test, build and sign the rules
bundle, \`wxt zip\` for Chrome and \`wxt zip -b firefox\` (with the sources zip), SHA256SUMS and a
release note from rules/CHANGELOG.md, all into <out-dir>/<rules version>/. Uncommitted changes
are not released. Zips are rewritten deterministically (sorted entries, SOURCE_DATE_EPOCH times).

dir              the repository (default: this one); must be the top of a git work tree
--key            the Ed25519 private key (PEM); default: the LEADPACT_SIGNING_KEY variable
--expires        how long the signature is accepted (default 90d), or an ISO instant
--out-dir        default: <dir>/.output/release
--skip-browsers  only the signed bundle, checksums and note (no extension builds)
--check-rebuild  before publishing, unpack the sources zip alone and build Chrome and Firefox from
                 it as a store reviewer would (NODE_ENV unset); any file that differs from the
                 zips fails the release
--force          replace an existing release folder for the same version
Exit code: 0 when released, 1 when a step fails (nothing is written), 2 on bad usage or no key.`;

/** A step that failed with output worth showing (already one problem per line). */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly output = '',
  ) {
    super(message);
  }
}

interface RunResult {
  code: number;
  output: string;
}

/** Runs a program, stdout and stderr interleaved into one captured text. */
function runCaptured(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: NodeJS.ReadableStream }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
    if (options.stdin) options.stdin.pipe(child.stdin!);
    child.on('error', (error) => reject(new StepFailure(`cannot run ${command} (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

async function git(repoDir: string, args: string[]): Promise<string> {
  const result = await runCaptured('git', args, { cwd: repoDir });
  if (result.code !== 0) throw new StepFailure(`git ${args[0]} failed`, result.output);
  return result.output;
}

/** The last lines of a tool's output, without colours, progress spinners or stack frames. */
export function outputTail(output: string, maxLines = 60): string {
  const lines = output
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .split(/\r?\n|\r/)
    .filter((line) => line.trim() !== '' && !/^\s+at\s/.test(line));
  return lines.slice(-maxLines).join('\n');
}

/** SOURCE_DATE_EPOCH from the environment when it is a whole number, else the commit's time. */
async function sourceDateEpoch(repoDir: string, commit: string): Promise<number> {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  return Number((await git(repoDir, ['log', '-1', '--format=%ct', commit])).trim());
}

/** The commit exported into `stage`, with the repository's node_modules linked in. */
async function exportCommit(repoDir: string, commit: string, stage: string): Promise<void> {
  const archive = spawn('git', ['archive', '--format=tar', commit], { cwd: repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let archiveError = '';
  archive.stderr.on('data', (chunk: Buffer) => (archiveError += chunk.toString('utf8')));
  const archiveDone = new Promise<number>((resolve) => archive.on('close', (code) => resolve(code ?? 1)));
  const extract = await runCaptured('tar', ['-x', '-f', '-', '-C', stage], { cwd: stage, stdin: archive.stdout });
  const archiveCode = await archiveDone;
  if (archiveCode !== 0) throw new StepFailure('git archive failed', archiveError);
  if (extract.code !== 0) throw new StepFailure('tar could not unpack the commit', extract.output);
  // WXT reads .env, .env.production, .env.firefox, ... into the build, but the sources zip leaves
  // dotfiles out (zip.excludeSources), so store review could not rebuild what we publish.
  const envFiles = (await readdir(stage)).filter((name) => name.startsWith('.env')).sort();
  if (envFiles.length > 0) {
    throw new StepFailure(`${envFiles.join(', ')} committed: WXT builds ${envFiles.length === 1 ? 'it' : 'them'} in, but the sources zip leaves dotfiles out, so the release could not be rebuilt from it (remove ${envFiles.length === 1 ? 'it' : 'them'}, or list ${envFiles.length === 1 ? 'it' : 'them'} in zip.includeSources)`);
  }
  // The dependencies are the repository's (package-lock.json is part of the commit and the sources zip).
  const modules = path.join(repoDir, 'node_modules');
  if (!existsSync(path.join(modules, 'wxt'))) throw new StepFailure(`${modules} has no wxt: run npm ci first`);
  await symlink(modules, path.join(stage, 'node_modules'), 'dir');
}

/**
 * The environment the tools run in: only what finding programs and temporary files needs, plus
 * SOURCE_DATE_EPOCH and NODE_ENV=production. Nothing else leaks into the build (a NODE_ENV=test
 * from a test runner makes Vite and Preact emit development code with absolute paths; a VITE_*
 * variable would be inlined), and the tools never see the private key or store secrets.
 */
export function toolEnvironment(epoch: number, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA']) {
    if (from[name] !== undefined) env[name] = from[name];
  }
  return { ...env, SOURCE_DATE_EPOCH: String(epoch), NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' };
}

const leadpactArgs = (command: string, ...rest: string[]) => [path.join('scripts', 'bin', 'leadpact.js'), command, ...rest];

/** Runs a tool in the stage; a non-zero exit is a StepFailure carrying its output. */
async function inStage(stage: string, env: NodeJS.ProcessEnv, what: string, args: string[]): Promise<string> {
  const result = await runCaptured(process.execPath, args, { cwd: stage, env });
  if (result.code !== 0) throw new StepFailure(what, result.output);
  return result.output;
}

async function readZipFile(file: string): Promise<Map<string, Uint8Array>> {
  return readZipBytes(new Uint8Array(await readFile(file)), path.basename(file));
}

/** The files of a zip; one that cannot be read is a StepFailure naming it. */
function readZipBytes(bytes: Uint8Array, name: string): Map<string, Uint8Array> {
  try {
    return readZip(bytes);
  } catch (error) {
    if (error instanceof ZipReadError) throw new StepFailure(`${name}: ${error.message}`);
    throw error;
  }
}

/** The zip WXT just wrote in `outputDir` whose name ends with `suffix`. */
async function findZip(outputDir: string, suffix: string): Promise<string> {
  const names = (await readdir(outputDir)).filter((name) => name.endsWith(suffix));
  if (names.length !== 1) throw new StepFailure(`expected one *${suffix} in ${outputDir}, found ${names.length}`);
  return path.join(outputDir, names[0]!);
}

/** The extension must carry the bundle that was signed: its hash appears in a script of the zip. */
function assertEmbedsBundle(files: ReadonlyMap<string, Uint8Array>, zipName: string, bundleHash: string, packageVersion: string): void {
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) throw new StepFailure(`${zipName}: no manifest.json`);
  let manifest: { version?: string };
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as { version?: string };
  } catch {
    throw new StepFailure(`${zipName}: manifest.json is not JSON`);
  }
  if (manifest.version !== packageVersion) throw new StepFailure(`${zipName}: manifest version ${manifest.version} is not the package version ${packageVersion}`);
  const needle = Buffer.from(bundleHash, 'utf8');
  const found = [...files].some(([name, bytes]) => name.endsWith('.js') && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).includes(needle));
  if (!found) throw new StepFailure(`${zipName}: no script embeds the signed bundle (hash ${bundleHash}); the extension was built from other rules`);
}

/** Names of the files that differ between a released zip's files and a rebuild's (missing, extra or other bytes). */
export function rebuildDifferences(released: ReadonlyMap<string, Uint8Array>, rebuilt: ReadonlyMap<string, Uint8Array>): string[] {
  const differences: string[] = [];
  for (const [name, bytes] of released) {
    const other = rebuilt.get(name);
    if (!other) differences.push(`${name} (not rebuilt)`);
    else if (!Buffer.from(other.buffer, other.byteOffset, other.length).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))) differences.push(`${name} (other bytes)`);
  }
  for (const name of rebuilt.keys()) if (!released.has(name)) differences.push(`${name} (only in the rebuild)`);
  return differences.sort();
}

async function filesUnder(dir: string, prefix = ''): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const name = `${prefix}${entry.name}`;
    if (entry.isDirectory()) for (const [sub, bytes] of await filesUnder(path.join(dir, entry.name), `${name}/`)) files.set(sub, bytes);
    else files.set(name, new Uint8Array(await readFile(path.join(dir, entry.name))));
  }
  return files;
}

/**
 * What a store reviewer does with the sources zip: unpack it alone (the dependencies are this
 * repository's node_modules, the same package-lock.json), `wxt build` for each browser with
 * SOURCE_DATE_EPOCH and NODE_ENV unset, and compare every file with the released zip's. Returns
 * how many files were compared.
 */
async function checkSourcesRebuild(stage: string, epoch: number, sourcesZip: Uint8Array, released: Record<'chrome-mv3' | 'firefox-mv2', Uint8Array>): Promise<number> {
  const dir = await mkdtemp(path.join(stage, '.rebuild-'));
  for (const [name, bytes] of readZipBytes(sourcesZip, 'the sources zip')) {
    const target = path.resolve(dir, name);
    if (!target.startsWith(`${dir}${path.sep}`)) throw new StepFailure(`the sources zip names a file outside its folder: ${name}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  await symlink(realpathSync(path.join(stage, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  const env = toolEnvironment(epoch);
  delete env.NODE_ENV; // as a reviewer's shell would have it
  let compared = 0;
  for (const [browser, outputDir] of [['chrome', 'chrome-mv3'], ['firefox', 'firefox-mv2']] as const) {
    await inStage(dir, env, `wxt build -b ${browser} from the sources zip failed`, [path.join('node_modules', 'wxt', 'bin', 'wxt.mjs'), 'build', '-b', browser]);
    const rebuilt = await filesUnder(path.join(dir, '.output', outputDir));
    const differences = rebuildDifferences(readZip(released[outputDir]), rebuilt);
    if (differences.length > 0) {
      throw new StepFailure(`the ${browser} build from the sources zip differs from the released zip in ${differences.length} file${differences.length === 1 ? '' : 's'}: ${differences.slice(0, 10).join(', ')}${differences.length > 10 ? ', ...' : ''}`);
    }
    compared += rebuilt.size;
  }
  return compared;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const release: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    { key: { type: 'string' }, expires: { type: 'string' }, 'out-dir': { type: 'string' }, 'skip-browsers': { type: 'boolean' }, 'check-rebuild': { type: 'boolean' }, force: { type: 'boolean' } },
    usage,
  );
  if (!args) return 0;
  if (args.positionals.length > 1) throw new CliError(`one repository at a time\n${usage}`);
  const started = performance.now();
  const say = (text: string) => process.stdout.write(text);

  // Refuse before any work: no key, or an expiry that cannot be used.
  const expires = expiryFrom(args.values.expires ?? '90d', Date.now());
  const key = await readPrivateKey(args.values.key);

  const repoDir = path.resolve(args.positionals[0] ?? repoRoot);
  let top: string;
  try {
    top = (await git(repoDir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new CliError(`${repoDir}: not a git work tree; leadpact release builds from a commit`);
  }
  if (realpathSync(path.resolve(top)) !== realpathSync(repoDir)) throw new CliError(`${repoDir}: run release at the top of the git work tree (${top})`);
  const commit = (await git(repoDir, ['rev-parse', '--verify', 'HEAD^{commit}']).catch(() => {
    throw new CliError(`${repoDir}: no commit to release`);
  })).trim();
  const epoch = await sourceDateEpoch(repoDir, commit);
  const outDir = path.resolve(args.values['out-dir'] ?? path.join(repoDir, '.output', 'release'));
  const browsers = !args.values['skip-browsers'];
  if (args.values['check-rebuild'] && !browsers) throw new CliError('--check-rebuild rebuilds the extension zips: it cannot go with --skip-browsers');
  const checkRebuild = args.values['check-rebuild'] === true;

  say(`release: commit ${commit.slice(0, 12)}, SOURCE_DATE_EPOCH=${epoch} (${new Date(epoch * 1000).toISOString()}), key ${key.source}\n`);
  const uncommitted = (await git(repoDir, ['status', '--porcelain=v1', '--untracked-files=no'])).split('\n').filter(Boolean).length;
  if (uncommitted > 0) say(`note: ${uncommitted} uncommitted change${uncommitted === 1 ? '' : 's'} in the work tree ${uncommitted === 1 ? 'is' : 'are'} not part of this release\n`);

  const env = toolEnvironment(epoch);

  const total = browsers ? (checkRebuild ? 9 : 8) : 6;
  let index = 0;
  const step = async <T>(label: string, run: () => Promise<T>, detail?: (value: T) => string): Promise<T> => {
    index++;
    say(`[${index}/${total}] ${label} ... `);
    const t0 = performance.now();
    try {
      const value = await run();
      say(`ok (${seconds(performance.now() - t0)})${detail ? `: ${detail(value)}` : ''}\n`);
      return value;
    } catch (error) {
      say('failed\n');
      if (error instanceof StepFailure) {
        const tail = outputTail(error.output);
        if (tail) process.stderr.write(`${tail}\n`);
        throw new CliError(`${label}: ${error.message}; nothing released`, 1);
      }
      if (error instanceof CliError) throw new CliError(`${label}: ${error.message}; nothing released`, error.exitCode);
      throw error;
    }
  };

  const stage = await mkdtemp(path.join(os.tmpdir(), 'leadpact-release-'));
  let partial: string | null = null;
  try {
    await step('export the commit (git archive)', () => exportCommit(repoDir, commit, stage));
    await step('validate the rules', () => inStage(stage, env, 'the rules have errors', leadpactArgs('validate')));
    await step('test the rules (rules/tests)', () => inStage(stage, env, 'rules tests failed', leadpactArgs('test')));

    const bundleFile = path.join(stage, '.output', 'rules', 'bundle.json');
    const built = await step(
      'build the rules bundle',
      async () => {
        await inStage(stage, env, 'the bundle could not be built', leadpactArgs('build', '--out', bundleFile));
        const bytes = new Uint8Array(await readFile(bundleFile));
        const version = bundleVersionOf(bytes, 'bundle.json');
        const { name, hash } = JSON.parse(new TextDecoder().decode(bytes)) as { name: string; hash: string };
        if (!/^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(version)) throw new StepFailure(`rules version "${version}" cannot name a release folder`);
        const changelogFile = path.join(stage, 'rules', 'CHANGELOG.md');
        const changelog = changelogEntry(existsSync(changelogFile) ? await readFile(changelogFile, 'utf8') : '', version);
        if (changelog === null) throw new StepFailure(`rules/CHANGELOG.md has no entry for ${version} (add "## [${version}] - <date>")`);
        // As version-check judges it: the release note is made of this entry.
        if (!hasChangelogText(changelog)) throw new StepFailure(`rules/CHANGELOG.md: the entry for ${version} is empty (say what changed under "## [${version}]")`);
        const target = path.join(outDir, version);
        if (existsSync(target) && !args.values.force) throw new StepFailure(`${target} exists; pass --force to replace it`);
        return { bytes, version, name, hash, changelog, target };
      },
      (b) => `${b.name} ${b.version}, ${b.hash}`,
    );

    const signed = await step(
      'sign the bundle',
      async () => {
        const { signature, publicKey } = await signBundle(built.bytes, built.version, expires, key.pkcs8);
        const signatureText = `${JSON.stringify(signature, null, 2)}\n`;
        // Checked as the extension will check it, before anything is published.
        const check = await verifyBundleSignature({ bundleBytes: built.bytes, signatureText, publicKey, bundleVersion: built.version, now: Date.now() });
        if (!check.ok) throw new StepFailure(`the new signature does not verify (${check.reason}: ${check.message})`);
        return { signature, publicKey, signatureText };
      },
      (s) => `key ${s.signature.keyId}, expires ${expires}`,
    );

    const packageJson = JSON.parse(await readFile(path.join(stage, 'package.json'), 'utf8')) as { name: string; version: string };
    const artifacts = new Map<string, Uint8Array>([
      ['bundle.json', built.bytes],
      ['bundle.json.sig', new TextEncoder().encode(signed.signatureText)],
    ]);
    let zips: { chrome: string; firefox: string; sources: string } | null = null;
    if (browsers) {
      const wxt = path.join('node_modules', 'wxt', 'bin', 'wxt.mjs');
      const outputDir = path.join(stage, '.output');
      const chrome = await step(
        'Chrome MV3 zip (wxt zip)',
        async () => {
          await inStage(stage, env, 'wxt zip failed', [wxt, 'zip']);
          const file = await findZip(outputDir, '-chrome.zip');
          const files = await readZipFile(file);
          assertEmbedsBundle(files, path.basename(file), built.hash, packageJson.version);
          return { name: path.basename(file), bytes: normalizeZip(new Uint8Array(await readFile(file)), epoch), count: files.size };
        },
        (z) => `${z.name}, ${z.count} files`,
      );
      const firefox = await step(
        'Firefox zip and sources zip (wxt zip -b firefox)',
        async () => {
          await inStage(stage, env, 'wxt zip -b firefox failed', [wxt, 'zip', '-b', 'firefox']);
          const file = await findZip(outputDir, '-firefox.zip');
          const files = await readZipFile(file);
          assertEmbedsBundle(files, path.basename(file), built.hash, packageJson.version);
          const sourcesFile = await findZip(outputDir, '-sources.zip');
          const sources = await readZipFile(sourcesFile);
          for (const needed of ['package.json', 'package-lock.json', 'wxt.config.ts']) {
            if (!sources.has(needed)) throw new StepFailure(`${path.basename(sourcesFile)} lacks ${needed}; it could not be rebuilt`);
          }
          return {
            name: path.basename(file),
            bytes: normalizeZip(new Uint8Array(await readFile(file)), epoch),
            count: files.size,
            sourcesName: path.basename(sourcesFile),
            sourcesBytes: normalizeZip(new Uint8Array(await readFile(sourcesFile)), epoch),
            sourcesCount: sources.size,
          };
        },
        (z) => `${z.name}, ${z.count} files; ${z.sourcesName}, ${z.sourcesCount} files`,
      );
      if (checkRebuild) {
        await step(
          'rebuild from the sources zip alone (Chrome and Firefox)',
          () => checkSourcesRebuild(stage, epoch, firefox.sourcesBytes, { 'chrome-mv3': chrome.bytes, 'firefox-mv2': firefox.bytes }),
          (count) => `${count} files identical`,
        );
      }
      artifacts.set(chrome.name, chrome.bytes);
      artifacts.set(firefox.name, firefox.bytes);
      artifacts.set(firefox.sourcesName, firefox.sourcesBytes);
      zips = { chrome: chrome.name, firefox: firefox.name, sources: firefox.sourcesName };
    }

    await step(
      'release note, SHA256SUMS, write',
      async () => {
        const note = releaseNote({
          rulesName: built.name,
          rulesVersion: built.version,
          bundleHash: built.hash,
          extensionName: packageJson.name,
          extensionVersion: packageJson.version,
          commit,
          sourceDateEpoch: epoch,
          keyId: signed.signature.keyId,
          publicKey: signed.publicKey,
          expires,
          changelog: built.changelog,
          artifacts,
          zips,
        });
        const files = new Map(artifacts);
        files.set('RELEASE-NOTES.md', new TextEncoder().encode(note));
        files.set('SHA256SUMS', new TextEncoder().encode(sha256Sums(files)));
        // Written beside the target and renamed into place: never half a release.
        await mkdir(outDir, { recursive: true });
        partial = await mkdtemp(path.join(outDir, `.${built.version}.partial-`));
        for (const [name, bytes] of files) await writeFile(path.join(partial, name), bytes);
        await chmod(partial, 0o755);
        await rm(built.target, { recursive: true, force: true });
        await rename(partial, built.target);
        partial = null;
      },
      () => {
        const relative = path.relative(process.cwd(), built.target);
        return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : built.target;
      },
    );

    say(`released ${built.name} ${built.version} (extension ${packageJson.version}) in ${seconds(performance.now() - started)}: ${built.target}\n`);
    return 0;
  } finally {
    await rm(stage, { recursive: true, force: true });
    if (partial) await rm(partial, { recursive: true, force: true });
  }
};

export default release;
