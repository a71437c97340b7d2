// Typed messages between the extension's contexts over runtime messaging (protocol.ts declares the
// kinds). Requests travel in the Envelope; answers travel in a Reply so a refusal or a failure is
// told apart from an answer without leaking anything: a refused sender learns only "refused".
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { messages, type MessageKind, type Request, type Response } from './protocol';

// zod v4 compiles a fast path with the Function constructor unless told not to; MV3 pages forbid that.
// Set here because every context that sends or routes messages imports this module first.
z.config({ jitless: true });

/** What the background answers: the response, or a one-line error with no data in it. */
export const Reply = z.union([
  z.strictObject({ leadpact: z.literal(1), ok: z.literal(true), response: z.unknown() }),
  z.strictObject({ leadpact: z.literal(1), ok: z.literal(false), error: z.string().max(300) }),
]);
export type Reply = z.infer<typeof Reply>;

/** The background answered with an error, or with something that is not the declared response. */
export class MessageError extends Error {
  constructor(
    readonly kind: MessageKind,
    message: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = 'MessageError';
  }
}

/** Sends one message to the background and returns its validated response. */
export async function sendMessage<K extends MessageKind>(kind: K, payload: Request<K>): Promise<Response<K>> {
  const raw: unknown = await browser.runtime.sendMessage({ leadpact: 1, kind, payload });
  const reply = Reply.safeParse(raw);
  if (!reply.success) throw new MessageError(kind, 'no valid answer from the background');
  if (!reply.data.ok) throw new MessageError(kind, reply.data.error);
  const response = messages[kind].response.safeParse(reply.data.response);
  if (!response.success) throw new MessageError(kind, 'the answer does not match the protocol');
  return response.data as Response<K>;
}

export interface MessageSenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

/** Takes any incoming message and its sender, answers with a Reply. */
export type Route = (message: unknown, sender: MessageSenderInfo) => Promise<Reply>;

/**
 * Wires a router to runtime messages in the background. The answer goes through `sendResponse`
 * and the listener returns true: that works in every Chromium and Firefox version, while
 * returning a Promise is only understood by Firefox and recent Chromium. Without `sendResponse`
 * (the fake browser in tests) the Promise itself is returned.
 */
export function onMessage(route: Route): () => void {
  const listener = (message: unknown, sender: MessageSenderInfo, sendResponse?: (reply: Reply) => void) => {
    const answer = route(message, sender);
    if (typeof sendResponse !== 'function') return answer;
    void answer.then(sendResponse);
    return true;
  };
  browser.runtime.onMessage.addListener(listener as never);
  return () => browser.runtime.onMessage.removeListener(listener as never);
}
