// The text artifacts of a release: the changelog entry for the version, the release note and
// SHA256SUMS (the format `sha256sum -c` reads).
import { createHash } from 'node:crypto';
import { compareNames } from './release-zip';

/**
 * The body of `## [version]` (or `## version`) in a Keep a Changelog file, up to the next
 * second-level heading; null when the version has no entry.
 */
export function changelogEntry(changelog: string, version: string): string | null {
  const lines = changelog.replace(/\r\n?/g, '\n').split('\n');
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^##\\s+\\[?v?${escaped}\\]?(?:\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return null;
  let end = lines.findIndex((line, index) => index > start && /^##\s/.test(line));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n').trim();
}

/** Whether an entry's body says anything: more than `### Added`-style subheadings and link definitions. */
export function hasChangelogText(entry: string): boolean {
  return entry.split('\n').some((line) => line.trim() !== '' && !/^###\s/.test(line) && !/^\[[^\]]+\]:\s/.test(line));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One `<hex>  <name>` line per file, sorted by name. */
export function sha256Sums(files: ReadonlyMap<string, Uint8Array>): string {
  return [...files.keys()]
    .sort(compareNames)
    .map((name) => `${sha256Hex(files.get(name)!)}  ${name}\n`)
    .join('');
}

export interface ReleaseFacts {
  rulesName: string;
  rulesVersion: string;
  bundleHash: string;
  extensionName: string;
  extensionVersion: string;
  commit: string;
  sourceDateEpoch: number;
  keyId: string;
  publicKey: string;
  expires: string;
  changelog: string;
  /** The artifacts described in the note (not the note itself nor SHA256SUMS). */
  artifacts: ReadonlyMap<string, Uint8Array>;
  /** Zip names by role, absent with --skip-browsers. */
  zips: { chrome: string; firefox: string; sources: string } | null;
}

function size(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(2)} MB` : `${(bytes / 1000).toFixed(1)} kB`;
}

export function releaseNote(facts: ReleaseFacts): string {
  const when = new Date(facts.sourceDateEpoch * 1000).toISOString().replace('.000Z', 'Z');
  const rows = [...facts.artifacts.keys()]
    .sort(compareNames)
    .map((name) => `| ${name} | ${size(facts.artifacts.get(name)!.length)} | \`${sha256Hex(facts.artifacts.get(name)!)}\` |`);
  const lines = [
    `# ${facts.rulesName} ${facts.rulesVersion}`,
    '',
    `- Rules: version ${facts.rulesVersion}, bundle hash \`${facts.bundleHash}\``,
    facts.zips
      ? `- Extension: ${facts.extensionName} ${facts.extensionVersion} (Chrome MV3, Firefox MV2), with this rules bundle embedded`
      : `- Extension: ${facts.extensionName} ${facts.extensionVersion} (no browser builds in this release)`,
    `- Source: commit \`${facts.commit}\` (${when}, SOURCE_DATE_EPOCH=${facts.sourceDateEpoch})`,
    `- Signature: \`bundle.json.sig\`, key \`${facts.keyId}\`, expires ${facts.expires}`,
    `- Public key: \`${facts.publicKey}\``,
    '',
    '## Changes',
    '',
    facts.changelog,
    '',
    '## Files',
    '',
    '| file | size | sha256 |',
    '| --- | --- | --- |',
    ...rows,
    '',
    'Check them with `sha256sum -c SHA256SUMS`, and the bundle with',
    `\`leadpact verify bundle.json --public-key ${facts.publicKey}\`.`,
  ];
  if (facts.zips) {
    lines.push(
      '',
      '## Rebuilding from the sources (store review)',
      '',
      `Node 20.19 or later, npm 10 or later. Unzip \`${facts.zips.sources}\`, then:`,
      '',
      '```sh',
      'npm ci',
      `SOURCE_DATE_EPOCH=${facts.sourceDateEpoch} npx wxt build -b firefox   # or: npx wxt build (Chrome)`,
      '```',
      '',
      `The files in \`.output/firefox-mv2/\` (\`.output/chrome-mv3/\`) are byte for byte the files in`,
      `\`${facts.zips.firefox}\` (\`${facts.zips.chrome}\`).`,
    );
  }
  return `${lines.join('\n')}\n`;
}
