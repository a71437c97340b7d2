// `leadpact sign [bundle]`: a detached Ed25519 signature over the bundle's exact bytes, its
// version and an expiry.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDuration } from '../../extension/engine';
import { signBundle } from '../../extension/lib/signature';
import { CliError, parseCommandArgs, parseInstantOption, type Command } from '../lib/command';
import { readPrivateKey } from '../lib/keys';
import { repoRoot } from '../lib/paths';

const usage = `Usage: leadpact sign [bundle] [--key <file>] [--expires <90d | instant>] [--out <file>]

Signs a bundle built by \`leadpact build\` (default .output/rules/bundle.json) and writes
<bundle>.sig. The key comes from --key or the LEADPACT_SIGNING_KEY variable (PEM text).
--expires: how long the signature is accepted (default 90d), or an ISO instant.`;

export function bundleVersionOf(bytes: Uint8Array, file: string): string {
  let bundle: unknown;
  try {
    bundle = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new CliError(`${file}: not a JSON rules bundle`);
  }
  const version = (bundle as { kind?: unknown; version?: unknown } | null)?.version;
  if ((bundle as { kind?: unknown } | null)?.kind !== 'bundle' || typeof version !== 'string') {
    throw new CliError(`${file}: not a rules bundle (expected kind: bundle with a version); run leadpact build`);
  }
  return version;
}

export function expiryFrom(text: string, now: number): string {
  let at: number;
  // An instant is read as every command reads one (a zone is required); else a duration.
  if (/^\d{4}-\d\d-\d\d/.test(text)) at = parseInstantOption(text, '--expires');
  else {
    try {
      const duration = parseDuration(text);
      if (duration.business) throw new Error('business hours');
      at = now + duration.minutes * 60_000;
    } catch {
      throw new CliError(`--expires ${text}: give a duration such as 90d or 12w, or an ISO instant`);
    }
  }
  if (at <= now) throw new CliError(`--expires ${text}: the expiry must be in the future`);
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const sign: Command = async (argv) => {
  const args = parseCommandArgs(argv, { key: { type: 'string' }, expires: { type: 'string' }, out: { type: 'string' } }, usage);
  if (!args) return 0;
  if (args.positionals.length > 1) throw new CliError(`one bundle at a time\n${usage}`);
  const file = args.positionals[0] ?? path.join(repoRoot, '.output/rules/bundle.json');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new CliError(`${file}: cannot read the bundle (${(error as NodeJS.ErrnoException).code ?? String(error)}); run leadpact build first`);
  }
  const version = bundleVersionOf(bytes, file);
  const expires = expiryFrom(args.values.expires ?? '90d', Date.now());
  const { pkcs8, source } = await readPrivateKey(args.values.key);
  const { signature, publicKey } = await signBundle(bytes, version, expires, pkcs8);
  const out = args.values.out ?? `${file}.sig`;
  await writeFile(out, `${JSON.stringify(signature, null, 2)}\n`);
  process.stdout.write(`signed ${file} (version ${version}) with key ${signature.keyId} from ${source}\nsignature ${out}, expires ${expires}\npublic key ${publicKey}\n`);
  return 0;
};

export default sign;
