import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { changelogEntry, hasChangelogText, releaseNote, sha256Hex, sha256Sums } from '../../scripts/lib/release-notes';
import { toolEnvironment } from '../../scripts/commands/release';
import { dosStampOf, normalizeZip, readZip, writeDeterministicZip, zipDirectory } from '../../scripts/lib/release-zip';

const changelog = `# Changelog

## [Unreleased]

## [1.0.10] - 2026-11-22
### Fixed
- Ten.

## [1.0.1] - 2026-11-21
### Changed
- One.

## 1.0.0 - 2026-11-20
### Added
- First.
`;

describe('changelogEntry', () => {
  it('returns the body of the version heading up to the next heading', () => {
    expect(changelogEntry(changelog, '1.0.1')).toBe('### Changed\n- One.');
  });
  it('does not take 1.0.10 for 1.0.1', () => {
    expect(changelogEntry(changelog.replace(/## \[1\.0\.1\][\s\S]*?(?=## 1\.0\.0)/, ''), '1.0.1')).toBeNull();
  });
  it('reads a heading without brackets and the last section up to the end', () => {
    expect(changelogEntry(changelog, '1.0.0')).toBe('### Added\n- First.');
  });
  it('returns null when the version has no entry', () => {
    expect(changelogEntry(changelog, '2.0.0')).toBeNull();
  });
  it('reads CRLF files', () => {
    expect(changelogEntry(changelog.replace(/\n/g, '\r\n'), '1.0.10')).toBe('### Fixed\n- Ten.');
  });
});

describe('hasChangelogText', () => {
  it('wants more than subheadings and link definitions', () => {
    expect(hasChangelogText('### Fixed\n- Ten.')).toBe(true);
    expect(hasChangelogText('')).toBe(false);
    expect(hasChangelogText('### Added\n\n### Changed\n[1.0.1]: https://example.invalid/compare')).toBe(false);
    expect(hasChangelogText(changelogEntry(changelog, 'Unreleased')!)).toBe(false);
  });
});

describe('sha256Sums', () => {
  it('writes one "<hex>  <name>" line per file, sorted by name, as sha256sum -c reads them', () => {
    const files = new Map([
      ['b.zip', new Uint8Array([2])],
      ['a.json', new TextEncoder().encode('abc')],
    ]);
    // sha256("abc") and sha256([0x02]), the well-known test vectors.
    expect(sha256Sums(files)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.json\n' +
        'dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d986  b.zip\n',
    );
  });
});

describe('releaseNote', () => {
  it('names the rules and extension versions, the commit, the key and every artifact with its checksum', () => {
    const bundle = new TextEncoder().encode('{}\n');
    const note = releaseNote({
      rulesName: 'Acme rules',
      rulesVersion: '1.2.0',
      bundleHash: 'sha256-abc',
      extensionName: 'leadpact',
      extensionVersion: '0.3.0',
      commit: 'f'.repeat(40),
      sourceDateEpoch: 1_795_000_000,
      keyId: 'k1',
      publicKey: 'leadpact-ed25519:AAAA',
      expires: '2027-02-01T00:00:00Z',
      changelog: '### Changed\n- Senior titles score 25.',
      artifacts: new Map([['bundle.json', bundle]]),
      zips: { chrome: 'x-chrome.zip', firefox: 'x-firefox.zip', sources: 'x-sources.zip' },
    });
    expect(note).toMatch(/^# Acme rules 1\.2\.0\n/);
    expect(note).toContain('- Senior titles score 25.');
    expect(note).toContain('leadpact 0.3.0');
    expect(note).toContain('f'.repeat(40));
    expect(note).toContain(`| bundle.json | 0.0 kB | \`${sha256Hex(bundle)}\` |`);
    expect(note).toContain('SOURCE_DATE_EPOCH=1795000000 npx wxt build -b firefox');
  });
});

describe('deterministic zips', () => {
  const epoch = Date.UTC(2026, 10, 20, 10, 30, 14) / 1000;
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('gives the same bytes whatever the order the files were added in', () => {
    const a = new Map([
      ['manifest.json', new TextEncoder().encode('{"a":1}')],
      ['chunks/x.js', new TextEncoder().encode('x()')],
      ['background.js', new TextEncoder().encode('b()')],
    ]);
    const b = new Map([...a].reverse());
    expect(Buffer.from(writeDeterministicZip(a, epoch)).equals(Buffer.from(writeDeterministicZip(b, epoch)))).toBe(true);
  });

  it('stamps every entry with the UTC time of SOURCE_DATE_EPOCH, in any time zone', () => {
    const files = new Map([['a.txt', new TextEncoder().encode('a')]]);
    process.env.TZ = 'America/Los_Angeles';
    const west = writeDeterministicZip(files, epoch);
    process.env.TZ = 'Asia/Tokyo';
    const east = writeDeterministicZip(files, epoch);
    expect(Buffer.from(west).equals(Buffer.from(east))).toBe(true);
    expect(zipDirectory(west)).toEqual([{ name: 'a.txt', ...dosStampOf(epoch) }]);
  });

  it('rewrites a zip with unsorted entries, directory entries and build-time stamps', () => {
    const messy = zipSync({
      'z.js': [new TextEncoder().encode('z'), { mtime: new Date('2026-11-23T09:00:00Z') }],
      'dir/': new Uint8Array(0),
      'dir/a.css': [new TextEncoder().encode('a{}'), { mtime: new Date('2026-11-23T09:00:07Z') }],
    });
    const clean = normalizeZip(messy, epoch);
    expect(zipDirectory(clean)).toEqual([
      { name: 'dir/a.css', ...dosStampOf(epoch) },
      { name: 'z.js', ...dosStampOf(epoch) },
    ]);
    expect([...readZip(clean)].map(([name, bytes]) => [name, new TextDecoder().decode(bytes)])).toEqual([
      ['dir/a.css', 'a{}'],
      ['z.js', 'z'],
    ]);
  });
});

describe('toolEnvironment', () => {
  it('passes PATH and HOME, pins NODE_ENV and SOURCE_DATE_EPOCH, and drops secrets and build variables', () => {
    const env = toolEnvironment(1_795_000_000, { PATH: '/usr/bin', HOME: '/home/a', NODE_ENV: 'test', LEADPACT_SIGNING_KEY: 'PEM', VITE_API: 'x', CHROME_CLIENT_SECRET: 's' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/a', SOURCE_DATE_EPOCH: '1795000000', NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' });
  });
});
