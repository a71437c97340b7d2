// The background's front door: every runtime message is parsed (envelope, then payload) with the
// protocol's zod schemas where it arrives, and its sender is checked before any handler runs.
// Content scripts sit next to untrusted pages: they may only send `contentScriptKinds`, and only
// from the three sites' origins. Extension pages may send every kind. Anything else is refused
// with a logged reason and an answer that carries no data.
import type { Reply, Route, MessageSenderInfo } from '../lib/messaging';
import { contentScriptKinds, Envelope, messages, type MessageKind, type Request, type Response } from '../lib/protocol';
import type { SiteId } from '../lib/settings';

export interface MessageContext {
  /** `extension`: popup, options or another extension page; `content`: a content script on `site`. */
  from: 'extension' | 'content';
  site?: SiteId;
}

/** One handler per message kind, each typed by its own request and response. */
export type Handlers = { [K in MessageKind]: (request: Request<K>, context: MessageContext) => Promise<Response<K>> };

export interface SenderPolicy {
  extensionId: string;
  /** e.g. chrome-extension://<id> (no trailing slash). */
  extensionOrigin: string;
  siteOfOrigin(origin: string): SiteId | undefined;
  /** The rep's per-site switch: a switched-off site gets no answers either. */
  isSiteEnabled?(site: SiteId): Promise<boolean>;
  log?(message: string): void;
}

const refused: Reply = { leadpact: 1, ok: false, error: 'refused' };

export function createRouter(handlers: Handlers, policy: SenderPolicy): Route {
  const log = policy.log ?? ((message: string) => console.warn(`[leadpact] ${message}`));
  const refuse = (reason: string, sender: MessageSenderInfo): Reply => {
    // The sender's origin only: never the payload, which may hold personal data from the page.
    log(`refused a message from ${describe(sender)}: ${reason}`);
    return refused;
  };

  return async (message, sender) => {
    const envelope = Envelope.safeParse(message);
    if (!envelope.success) return refuse('not a Leadpact message (bad envelope or unknown kind)', sender);
    const { kind } = envelope.data;

    const context = await classifySender(sender, policy);
    if (typeof context === 'string') return refuse(`${kind}: ${context}`, sender);
    if (context.from === 'content') {
      if (!contentScriptKinds.has(kind)) return refuse(`${kind}: not a kind content scripts may send`, sender);
      if (context.site && policy.isSiteEnabled && !(await policy.isSiteEnabled(context.site))) {
        return refuse(`${kind}: ${context.site} is switched off in the options`, sender);
      }
    }

    const request = messages[kind].request.safeParse(envelope.data.payload);
    if (!request.success) return refuse(`${kind}: malformed payload (${request.error.issues[0]?.path.join('.') || 'payload'}: ${request.error.issues[0]?.message ?? 'invalid'})`, sender);

    try {
      const handler = handlers[kind] as (request: unknown, context: MessageContext) => Promise<unknown>;
      const response = messages[kind].response.safeParse(await handler(request.data, context));
      if (!response.success) {
        log(`${kind}: the handler's answer does not match the protocol: ${response.error.issues[0]?.path.join('.')} ${response.error.issues[0]?.message}`);
        return { leadpact: 1, ok: false, error: 'internal error' };
      }
      return { leadpact: 1, ok: true, response: response.data };
    } catch (error) {
      log(`${kind} failed: ${error instanceof Error ? error.message : String(error)}`);
      return { leadpact: 1, ok: false, error: 'internal error' };
    }
  };
}

/** Who sent a message: an extension page, a content script on one of our sites, or a refusal reason. */
async function classifySender(sender: MessageSenderInfo, policy: SenderPolicy): Promise<MessageContext | string> {
  if (sender.id !== policy.extensionId) return 'sender is not this extension';
  const url = parseUrl(sender.url);
  if (!url) return 'sender has no URL';
  const extensionPage = url.origin === policy.extensionOrigin || `${url.protocol}//${url.host}` === policy.extensionOrigin;
  if (extensionPage) {
    // An extension page in its own tab, or without a tab (popup, options in a dialog, worker).
    if (!sender.tab) return { from: 'extension' };
    const tabUrl = parseUrl(sender.tab.url);
    if (tabUrl && `${tabUrl.protocol}//${tabUrl.host}` === policy.extensionOrigin) return { from: 'extension' };
    return 'extension frame inside a web page';
  }
  if (!sender.tab) return 'not an extension page and not in a tab';
  const origin = url.origin;
  if (sender.origin !== undefined && sender.origin !== origin) return 'sender origin and URL disagree';
  const site = policy.siteOfOrigin(origin);
  if (!site) return `content script on ${origin}, which is not one of our sites`;
  // Our content scripts run in the top frame only (no allFrames), so a frame inside the page, or a
  // tab showing another site around it, is not one of ours.
  if (sender.frameId !== undefined && sender.frameId !== 0) return 'content script in a sub-frame';
  const tabUrl = parseUrl(sender.tab.url);
  if (tabUrl && policy.siteOfOrigin(tabUrl.origin) !== site) return `content script in a tab on ${tabUrl.origin}`;
  return { from: 'content', site };
}

function parseUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function describe(sender: MessageSenderInfo): string {
  const url = parseUrl(sender.url);
  const where = url ? `${url.protocol}//${url.host}` : 'no url';
  return `${sender.id === undefined ? 'unknown sender' : `sender ${sender.id}`} (${where}${sender.tab ? ', in a tab' : ''})`;
}
