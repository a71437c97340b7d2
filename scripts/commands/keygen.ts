// `leadpact keygen`: an Ed25519 key pair for signing rules bundles.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatPublicKey, keyIdOf } from '../../extension/lib/signature';
import { CliError, parseCommandArgs, type Command } from '../lib/command';
import { assertNotCommittable, defaultKeysDir, pemOf } from '../lib/keys';

const usage = `Usage: leadpact keygen [--dir <folder>] [--name <name>]

Writes an Ed25519 key pair for \`leadpact sign\`:
  <folder>/<name>.key   the private key (PEM, readable by you only): keep it secret
  <folder>/<name>.pub   the public key, one line, for the options page or the managed policy
The folder defaults to $LEADPACT_KEYS_DIR or ~/.config/leadpact/keys; a folder inside a git work
tree is refused unless git ignores it. In CI, store the .key file's text as the secret
LEADPACT_SIGNING_KEY instead of a file.`;

const keygen: Command = async (argv) => {
  const args = parseCommandArgs(argv, { dir: { type: 'string' }, name: { type: 'string' } }, usage, false);
  if (!args) return 0;
  const dir = args.values.dir ?? defaultKeysDir();
  const subtle = globalThis.crypto.subtle;
  const pair = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey));
  const keyId = await keyIdOf(raw);
  const name = args.values.name ?? `leadpact-${keyId}`;
  if (!/^[\w.-]+$/.test(name)) throw new CliError(`--name ${name}: use letters, digits, dot, dash and underscore`);
  const keyFile = path.join(dir, `${name}.key`);
  const pubFile = path.join(dir, `${name}.pub`);
  assertNotCommittable(keyFile);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(keyFile, pemOf(pkcs8), { mode: 0o600, flag: 'wx' });
    await writeFile(pubFile, `${formatPublicKey(raw)}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${keyFile} or ${pubFile} exists already; choose another --name`);
    throw error;
  }
  process.stdout.write(`key id      ${keyId}\nprivate key ${keyFile} (mode 600)\npublic key  ${pubFile}\n\n${formatPublicKey(raw)}\n`);
  return 0;
};

export default keygen;
