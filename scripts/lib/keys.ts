// Where signing keys live and how they are read. Private keys never go where git would pick them
// up: the default folder is outside any repository, and a folder inside a work tree is refused
// unless git ignores it.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './command';

/** `$LEADPACT_KEYS_DIR`, else ~/.config/leadpact/keys. */
export function defaultKeysDir(): string {
  return process.env.LEADPACT_KEYS_DIR || path.join(os.homedir(), '.config', 'leadpact', 'keys');
}

/** Throws when `file` is inside a git work tree and git would not ignore it. */
export function assertNotCommittable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let probe = dir;
  while (!existsSync(probe)) probe = path.dirname(probe);
  let inside = false;
  try {
    inside = execFileSync('git', ['-C', probe, 'rev-parse', '--is-inside-work-tree'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'true';
  } catch {
    return; // not a repository (or no git): nothing would pick it up
  }
  if (!inside) return;
  try {
    execFileSync('git', ['-C', probe, 'check-ignore', '-q', path.resolve(file)], { stdio: 'ignore' });
  } catch {
    throw new CliError(`${file} is inside a git work tree and not ignored by git; keep private keys outside the repository (default ${defaultKeysDir()}) or in a CI secret`);
  }
}

/** Reads a private key: `--key <file>` or the LEADPACT_SIGNING_KEY variable (PEM text). */
export async function readPrivateKey(keyFile: string | undefined): Promise<{ pkcs8: Uint8Array<ArrayBuffer>; source: string }> {
  let pem: string;
  let source: string;
  if (keyFile) {
    source = keyFile;
    try {
      pem = await readFile(keyFile, 'utf8');
    } catch (error) {
      throw new CliError(`${keyFile}: cannot read the private key (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  } else if (process.env.LEADPACT_SIGNING_KEY) {
    source = 'LEADPACT_SIGNING_KEY';
    pem = process.env.LEADPACT_SIGNING_KEY;
  } else {
    throw new CliError('no signing key: pass --key <file> or set LEADPACT_SIGNING_KEY to the private key (PEM)');
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ed25519') throw new CliError(`${source}: a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; leadpact signs with Ed25519 (run leadpact keygen)`);
    return { pkcs8: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })), source };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${source}: not a PEM private key`);
  }
}

export function pemOf(pkcs8: Uint8Array): string {
  const body = Buffer.from(pkcs8).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\n`;
}
