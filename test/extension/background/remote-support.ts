// Signing keys, signed bundles and a fetch stub for the remote-rules tests.
import type { Bundle } from '../../../extension/engine/generated/rules';
import { signBundle } from '../../../extension/lib/signature';
import { HOUR, NOW_MS, testBundle } from './support';

export const RULES_URL = 'https://rules.acme.example/leadpact/bundle.json';
export const RULES_ORIGIN = 'https://rules.acme.example';

export interface SigningKey {
  pkcs8: Uint8Array<ArrayBuffer>;
  publicKey: string;
}

export async function makeKey(): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const { publicKey } = await signBundle(new Uint8Array(), '0.0.0', new Date(NOW_MS + HOUR).toISOString(), pkcs8);
  return { pkcs8, publicKey };
}

export interface Published {
  bundleBytes: Uint8Array;
  signatureText: string | null;
}

/** A bundle as `leadpact build` + `leadpact sign` would publish it. */
export async function publish(
  key: SigningKey,
  bundle: Bundle | string,
  options: { expires?: string; signedVersion?: string } = {},
): Promise<Published> {
  const bundleBytes = new TextEncoder().encode(typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
  const version = options.signedVersion ?? (typeof bundle === 'string' ? '9.9.9' : bundle.version);
  const expires = options.expires ?? new Date(NOW_MS + 30 * 24 * HOUR).toISOString();
  const { signature } = await signBundle(bundleBytes, version, expires, key.pkcs8);
  return { bundleBytes, signatureText: JSON.stringify(signature) };
}

export function remoteBundle(version: string, vpPoints?: number): Bundle {
  return testBundle({ version, ...(vpPoints === undefined ? {} : { vpPoints }) });
}

type Route = () => Response | Promise<Response>;

/** A fetch that answers from a table of URLs (404 otherwise) and records what was asked. */
export class FetchStub {
  readonly routes = new Map<string, Route>();
  readonly requested: string[] = [];

  serve(published: Published, url = RULES_URL): void {
    this.routes.set(url, () => new Response(published.bundleBytes.slice(), { headers: { 'content-type': 'application/json' } }));
    if (published.signatureText === null) this.routes.delete(`${url}.sig`);
    else {
      const text = published.signatureText;
      this.routes.set(`${url}.sig`, () => new Response(text));
    }
  }

  readonly fetch: typeof fetch = async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    this.requested.push(url);
    const route = this.routes.get(url);
    return route ? route() : new Response('not found', { status: 404 });
  };
}

/** A body of `total` bytes in 64 KiB chunks, without a length; counts how many chunks were pulled. */
export function endlessBody(total: number): { response: () => Response; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return {
    pulled: () => pulled,
    response: () => {
      pulled = 0;
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= total) return controller.close();
          pulled++;
          sent += chunk.length;
          controller.enqueue(chunk.slice());
        },
      });
      return new Response(stream);
    },
  };
}
