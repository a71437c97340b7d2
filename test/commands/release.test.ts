// `leadpact release` end to end, in a clone of this repository's HEAD (with the rules version set
// to 9.9.9 and a changelog entry for it, committed in the clone), so the test does not depend on
// the state of the work tree. The full release (two WXT builds) runs once, in beforeAll; the
// refusals stop before any build. The clone shares this repository's node_modules by symlink.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatPublicKey, verifyBundleSignature } from '../../extension/lib/signature';
import release, { rebuildDifferences } from '../../scripts/commands/release';
import { CliError } from '../../scripts/lib/command';
import { pemOf } from '../../scripts/lib/keys';
import { repoRoot } from '../../scripts/lib/paths';
import { sha256Hex } from '../../scripts/lib/release-notes';
import { dosStampOf, readZip, zipDirectory } from '../../scripts/lib/release-zip';

const run = promisify(execFile);
const VERSION = '9.9.9';
const ENTRY = '### Changed\n- Release rehearsal: senior titles score 25 instead of 20.';

let tmp: string;
let clone: string;
let keyFile: string;
let publicKey: string;
let outDir: string;
let releaseDir: string;
let epoch: number;
let output = '';
let exitCode: number;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Release Test', '-c', 'user.email=release-test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}

const setVersion = (version: string) => (text: string) => text.replace(/^version: .*$/m, `version: ${version}`);
/** A changelog entry before the first second-level heading. */
const addEntry = (version: string) => (text: string) => text.replace(/^## /m, `## [${version}] - 2026-11-23\n\n${ENTRY}\n\n## `);

/** Runs the command in-process; stdout and stderr go into `output`. */
async function releaseCapturing(argv: string[]): Promise<{ code: number | null; error: unknown; text: string }> {
  const chunks: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  try {
    return { code: await release(argv), error: null, text: chunks.join('') };
  } catch (error) {
    return { code: null, error, text: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function artifact(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path.join(releaseDir, name)));
}

beforeAll(async () => {
  vi.stubEnv('SOURCE_DATE_EPOCH', '');
  vi.stubEnv('LEADPACT_SIGNING_KEY', '');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'leadpact-release-test-'));
  clone = path.join(tmp, 'repo');
  git(tmp, 'clone', '--quiet', repoRoot, clone);
  await symlink(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  await edit(path.join(clone, 'rules', 'leadpact.yaml'), setVersion(VERSION));
  await edit(path.join(clone, 'rules', 'CHANGELOG.md'), addEntry(VERSION));
  git(clone, 'commit', '--quiet', '-am', `rules ${VERSION}`);
  git(clone, 'tag', 'base');
  epoch = Number(git(clone, 'log', '-1', '--format=%ct').trim());

  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  publicKey = formatPublicKey(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  keyFile = path.join(tmp, 'release.key');
  await writeFile(keyFile, pemOf(new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))), { mode: 0o600 });

});

afterAll(async () => {
  vi.unstubAllEnvs();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('leadpact release (Chrome, Firefox, sources)', () => {
  beforeAll(async () => {
    outDir = path.join(tmp, 'out');
    releaseDir = path.join(outDir, VERSION);
    const result = await releaseCapturing([clone, '--key', keyFile, '--out-dir', outDir, '--check-rebuild']);
    output = result.text;
    if (result.error) throw new Error(`release failed: ${String(result.error)}\n${output}`);
    exitCode = result.code!;
  }, 300_000);

  it('writes the bundle, its signature, three zips, the release note and SHA256SUMS into <out-dir>/<version>', async () => {
    expect(exitCode).toBe(0);
    const { version } = JSON.parse(await readFile(path.join(clone, 'package.json'), 'utf8')) as { version: string };
    expect((await readdir(releaseDir)).sort()).toEqual(
      ['RELEASE-NOTES.md', 'SHA256SUMS', 'bundle.json', 'bundle.json.sig', `leadpact-${version}-chrome.zip`, `leadpact-${version}-firefox.zip`, `leadpact-${version}-sources.zip`].sort(),
    );
    // Nothing left beside it (the partial folder is renamed into place).
    expect(await readdir(outDir)).toEqual([VERSION]);
  });

  it('prints one progress line per step and where the release went', () => {
    for (let step = 1; step <= 9; step++) expect(output).toMatch(new RegExp(`^\\[${step}/9\\] .+ \\.\\.\\. ok \\(\\d+\\.\\d s\\)`, 'm'));
    expect(output).toContain(`released Quillstack revenue rules ${VERSION}`);
  });

  it('lists every other file in SHA256SUMS with its sha256', async () => {
    const lines = (await readFile(path.join(releaseDir, 'SHA256SUMS'), 'utf8')).trimEnd().split('\n');
    const listed = lines.map((line) => line.split('  ')[1]);
    expect(listed).toEqual((await readdir(releaseDir)).filter((name) => name !== 'SHA256SUMS').sort());
    for (const line of lines) {
      const [hex, name] = line.split('  ');
      expect(sha256Hex(await artifact(name!)), name).toBe(hex);
    }
  });

  it('signs the bundle so the extension accepts it for this version only', async () => {
    const bundleBytes = await artifact('bundle.json');
    const signatureText = await readFile(path.join(releaseDir, 'bundle.json.sig'), 'utf8');
    const good = await verifyBundleSignature({ bundleBytes, signatureText, publicKey, bundleVersion: VERSION, now: Date.now() });
    expect(good).toMatchObject({ ok: true, signature: { version: VERSION } });
    // 90 days by default.
    const expires = Date.parse((good as { signature: { expires: string } }).signature.expires);
    expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(90);
    expect(await verifyBundleSignature({ bundleBytes, signatureText, publicKey, bundleVersion: '9.9.8', now: Date.now() })).toMatchObject({ ok: false, reason: 'version-mismatch' });
  });

  it('embeds the signed bundle in the Chrome MV3 and Firefox service workers', async () => {
    const bundle = JSON.parse(await readFile(path.join(releaseDir, 'bundle.json'), 'utf8')) as { version: string; hash: string };
    expect(bundle.version).toBe(VERSION);
    const { version } = JSON.parse(await readFile(path.join(clone, 'package.json'), 'utf8')) as { version: string };
    for (const [browser, manifestVersion] of [['chrome', 3], ['firefox', 2]] as const) {
      const files = readZip(await artifact(`leadpact-${version}-${browser}.zip`));
      const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json')!)) as { manifest_version: number; version: string };
      expect(manifest).toMatchObject({ manifest_version: manifestVersion, version });
      expect(new TextDecoder().decode(files.get('background.js')!), browser).toContain(bundle.hash);
      expect(files.has('samples/leads.jsonl')).toBe(true);
    }
  });

  it('writes zips with sorted entries, all stamped with the commit time', async () => {
    for (const name of (await readdir(releaseDir)).filter((file) => file.endsWith('.zip'))) {
      const entries = zipDirectory(await artifact(name));
      const names = entries.map((entry) => entry.name);
      expect(names, name).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(entries.map((entry) => `${entry.date}:${entry.time}`)), name).toEqual(new Set([`${dosStampOf(epoch).date}:${dosStampOf(epoch).time}`]));
    }
  });

  it("writes a release note with the version's changelog entry, the extension version and the commit", async () => {
    const note = await readFile(path.join(releaseDir, 'RELEASE-NOTES.md'), 'utf8');
    const { version } = JSON.parse(await readFile(path.join(clone, 'package.json'), 'utf8')) as { version: string };
    expect(note).toMatch(new RegExp(`^# Quillstack revenue rules ${VERSION.replace(/\./g, '\\.')}\n`));
    expect(note).toContain(ENTRY);
    expect(note).toContain(`leadpact ${version}`);
    expect(note).toContain(git(clone, 'rev-parse', 'HEAD').trim());
    expect(note).toContain(publicKey);
  });

  // The sources zip is what Firefox review rebuilds: --check-rebuild (in the release above)
  // unpacked it alone and built both browsers from it (rebuildDifferences is tested below).
  it('rebuilds, from the sources zip alone, the Firefox and Chrome extension files byte for byte (--check-rebuild)', async () => {
    const { version } = JSON.parse(await readFile(path.join(clone, 'package.json'), 'utf8')) as { version: string };
    const sources = readZip(await artifact(`leadpact-${version}-sources.zip`));
    expect(new TextDecoder().decode(sources.get('package-lock.json')!)).toBe(await readFile(path.join(clone, 'package-lock.json'), 'utf8'));
    expect([...sources.keys()].some((name) => name.startsWith('.git/') || name.startsWith('node_modules/') || name.startsWith('.output/'))).toBe(false);
    const chromeFiles = readZip(await artifact(`leadpact-${version}-chrome.zip`)).size;
    const firefoxFiles = readZip(await artifact(`leadpact-${version}-firefox.zip`)).size;
    expect(output).toMatch(new RegExp(`^\\[8/9\\] rebuild from the sources zip alone \\(Chrome and Firefox\\) \\.\\.\\. ok \\(\\d+\\.\\d s\\): ${chromeFiles + firefoxFiles} files identical$`, 'm'));
  });
});

describe('rebuildDifferences', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it('names files missing from the rebuild, only in it, or with other bytes; none when identical', () => {
    const released = new Map([['manifest.json', bytes('{"a":1}')], ['background.js', bytes('x')], ['icon.png', bytes('png')]]);
    expect(rebuildDifferences(released, new Map(released))).toEqual([]);
    const rebuilt = new Map([['manifest.json', bytes('{"a":2}')], ['background.js', bytes('x')], ['extra.js', bytes('y')]]);
    expect(rebuildDifferences(released, rebuilt)).toEqual(['extra.js (only in the rebuild)', 'icon.png (not rebuilt)', 'manifest.json (other bytes)']);
  });
});

describe('leadpact release refuses', () => {
  /** A commit on top of the base with `change` applied, checked out in the clone. */
  async function variant(change: () => Promise<void>): Promise<void> {
    git(clone, 'checkout', '--quiet', '--detach', 'base');
    await change();
    git(clone, 'add', 'rules');
    git(clone, 'commit', '--quiet', '-m', 'variant');
  }

  async function expectRefusal(argv: string[], code: number, message: RegExp): Promise<string> {
    const { error, text } = await releaseCapturing(argv);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(code);
    expect((error as CliError).message).toMatch(message);
    expect(text).not.toMatch(/^\s+at\s/m);
    return text;
  }

  it('--check-rebuild with --skip-browsers, before doing anything', async () => {
    await expectRefusal([clone, '--key', keyFile, '--skip-browsers', '--check-rebuild'], 2, /--check-rebuild rebuilds the extension zips: it cannot go with --skip-browsers/);
  });

  it('without a key, before doing anything', async () => {
    const out = path.join(tmp, 'out-nokey');
    await expectRefusal([clone, '--out-dir', out], 2, /no signing key: pass --key <file> or set LEADPACT_SIGNING_KEY/);
    expect(existsSync(out)).toBe(false);
  });

  it('when the rules do not validate, with the diagnostics', async () => {
    await variant(() => edit(path.join(clone, 'rules', 'leadpact.yaml'), (text) => `${text}bogus: 1\n`));
    const out = path.join(tmp, 'out-invalid');
    const text = await expectRefusal([clone, '--key', keyFile, '--out-dir', out], 1, /^validate the rules: the rules have errors; nothing released$/);
    expect(text).toMatch(/rules\/leadpact\.yaml:\d+:\d+: unknown key "bogus"/);
    expect(text).toMatch(/\[2\/8\] validate the rules \.\.\. failed/);
    expect(existsSync(out)).toBe(false);
  });

  it('when a rules test fails', async () => {
    await variant(() =>
      writeFile(
        path.join(clone, 'rules', 'tests', 'release-wrong.yaml'),
        [
          '# yaml-language-server: $schema=../../schema/tests.schema.json',
          'kind: tests',
          'now: 2026-11-20T12:00:00Z',
          'cases:',
          '  - name: A lead with no activity scores 200 (wrong on purpose)',
          '    lead: { id: t-release-wrong, email: nobody@example.invalid }',
          '    expect:',
          '      score: { total: 200 }',
          '',
        ].join('\n'),
      ),
    );
    const out = path.join(tmp, 'out-test');
    const text = await expectRefusal([clone, '--key', keyFile, '--out-dir', out], 1, /^test the rules \(rules\/tests\): rules tests failed; nothing released$/);
    expect(text).toContain('A lead with no activity scores 200');
    expect(existsSync(out)).toBe(false);
  });

  it('when the changelog entry for the version says nothing (as version-check judges it)', async () => {
    await variant(() => edit(path.join(clone, 'rules', 'CHANGELOG.md'), (text) => text.replace(ENTRY, '### Added')));
    const out = path.join(tmp, 'out-empty-entry');
    await expectRefusal([clone, '--key', keyFile, '--out-dir', out], 1, new RegExp(`the entry for ${VERSION.replace(/\./g, '\\.')} is empty`));
    expect(existsSync(out)).toBe(false);
  });

  it('when a .env file is committed (WXT would build it in; the sources zip leaves it out)', async () => {
    await variant(async () => {
      await writeFile(path.join(clone, '.env.production'), 'WXT_API=https://api.example.invalid\n');
      git(clone, 'add', '--force', '.env.production');
    });
    const out = path.join(tmp, 'out-env');
    await expectRefusal([clone, '--key', keyFile, '--out-dir', out], 1, /^export the commit \(git archive\): \.env\.production committed: WXT builds it in/);
    expect(existsSync(out)).toBe(false);
  });

  it('when rules/CHANGELOG.md has no entry for the version', async () => {
    await variant(() => edit(path.join(clone, 'rules', 'leadpact.yaml'), setVersion('9.9.10')));
    const out = path.join(tmp, 'out-changelog');
    await expectRefusal([clone, '--key', keyFile, '--out-dir', out, '--skip-browsers'], 1, /rules\/CHANGELOG\.md has no entry for 9\.9\.10/);
    expect(existsSync(out)).toBe(false);
  });

  it('to replace an existing release without --force (--skip-browsers: bundle, signature, note, sums)', async () => {
    await variant(async () => {
      await edit(path.join(clone, 'rules', 'leadpact.yaml'), setVersion('9.9.11'));
      await edit(path.join(clone, 'rules', 'CHANGELOG.md'), addEntry('9.9.11'));
    });
    const out = path.join(tmp, 'out-skip');
    const first = await releaseCapturing([clone, '--key', keyFile, '--out-dir', out, '--skip-browsers']);
    expect(first.error).toBeNull();
    expect(first.text).toMatch(/^\[6\/6\] /m);
    expect((await readdir(path.join(out, '9.9.11'))).sort()).toEqual(['RELEASE-NOTES.md', 'SHA256SUMS', 'bundle.json', 'bundle.json.sig']);
    await expectRefusal([clone, '--key', keyFile, '--out-dir', out, '--skip-browsers'], 1, /9\.9\.11 exists; pass --force to replace it/);
    const forced = await releaseCapturing([clone, '--key', keyFile, '--out-dir', out, '--skip-browsers', '--force']);
    expect(forced.error).toBeNull();
  }, 60_000);
});
