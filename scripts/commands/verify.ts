// `leadpact verify <bundle>`: checks a bundle's signature exactly as the extension does.
import { readFile } from 'node:fs/promises';
import { verifyBundleSignature } from '../../extension/lib/signature';
import { CliError, parseCommandArgs, parseInstantOption, type Command } from '../lib/command';
import { bundleVersionOf } from './sign';

const usage = `Usage: leadpact verify <bundle> --public-key <key or file> [--sig <file>] [--now <instant>]

Checks <bundle>.sig (or --sig) against the public key (the leadpact-ed25519:... line or a .pub
file), the bundle's version and the expiry; exit 1 with the reason when it is refused.`;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

const verify: Command = async (argv) => {
  const args = parseCommandArgs(argv, { 'public-key': { type: 'string' }, sig: { type: 'string' }, now: { type: 'string' } }, usage);
  if (!args) return 0;
  const file = args.positionals[0];
  const keyArg = args.values['public-key'];
  if (!file || !keyArg) throw new CliError(`a bundle and --public-key are required\n${usage}`);
  const now = parseInstantOption(args.values.now);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new CliError(`${file}: cannot read the bundle (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const publicKey = keyArg.startsWith('leadpact-ed25519:') ? keyArg : await readText(keyArg, 'public key');
  const sigFile = args.values.sig ?? `${file}.sig`;
  const result = await verifyBundleSignature({
    bundleBytes: bytes,
    signatureText: await readText(sigFile, 'signature'),
    publicKey,
    bundleVersion: bundleVersionOf(bytes, file),
    now,
  });
  if (!result.ok) {
    process.stderr.write(`${sigFile}: refused (${result.reason}): ${result.message}\n`);
    return 1;
  }
  process.stdout.write(`${file}: good signature for version ${result.signature.version} by key ${result.signature.keyId}, expires ${result.signature.expires}\n`);
  return 0;
};

export default verify;
