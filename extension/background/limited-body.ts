// Reading an HTTP response body with a size limit: the worker reads answers from servers it does
// not control (remote rules, the CRM), and a body far larger than expected must not fill its memory.

export type LimitedBody =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too-large' }
  | { ok: false; reason: 'cut-short'; message: string };

/**
 * The response body, if it is at most `limit` bytes: a larger declared Content-Length is refused
 * before reading, and the stream is cancelled as soon as it passes the limit.
 */
export async function readLimited(response: Response, limit: number): Promise<LimitedBody> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too-large' };
  }
  try {
    if (!response.body) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      return bytes.length > limit ? { ok: false, reason: 'too-large' } : { ok: true, bytes };
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { ok: true, bytes };
  } catch (error) {
    return { ok: false, reason: 'cut-short', message: error instanceof Error ? error.message : String(error) };
  }
}
