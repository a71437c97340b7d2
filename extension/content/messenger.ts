/**
 * The content script's end of the message protocol (lib/protocol.ts), without zod. lib/messaging.ts
 * validates answers with zod, which would more than double every content script (see
 * scripts/bench/content.ts). The trust runs one way: the background parses every request from a tab
 * with zod and checks the sender; what comes back here comes from our own service worker, so this
 * side checks the Reply envelope and the shape of the fields the badge draws, and drops what does
 * not fit instead of drawing it.
 */
import type { EstimateView, LeadView, LookupResult, PersonQuery, Request, Response } from '../lib/protocol';

/** `browser.runtime.sendMessage`, or a fake in tests. */
export type SendRuntimeMessage = (message: unknown) => Promise<unknown>;

/** The kinds a content script may send (protocol `contentScriptKinds`). */
export type ContentKind = 'lookup' | 'decide' | 'miss';

export class ContentMessageError extends Error {
  constructor(
    readonly kind: ContentKind,
    message: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = 'ContentMessageError';
  }
}

export interface Messenger {
  lookup(people: PersonQuery[]): Promise<LookupResult[]>;
  decide(request: Request<'decide'>): Promise<Response<'decide'>>;
  miss(report: Request<'miss'>): Promise<void>;
}

type Rec = Record<string, unknown>;

/** A plain object (not null, not an array): the one shape check of the zod-free readers here and in site-switch.ts. */
export function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isNullableString = (value: unknown): value is string | null => value === null || isString(value);
const isArrayOf = <T>(value: unknown, item: (v: unknown) => v is T): value is T[] => Array.isArray(value) && value.every(item);
const isIdLabel = (v: unknown): v is { id: string; label: string } => isRecord(v) && isString(v.id) && isString(v.label);

const SLA_STATES = new Set(['met', 'late', 'ok', 'warning', 'breached']);

function isSla(v: unknown): boolean {
  return (
    isRecord(v) &&
    isString(v.id) &&
    isString(v.label) &&
    isString(v.state) &&
    SLA_STATES.has(v.state) &&
    isString(v.startedAt) &&
    isString(v.dueAt) &&
    (v.remainingMinutes === undefined || isNumber(v.remainingMinutes)) &&
    typeof v.business === 'boolean'
  );
}

function isFiredRule(v: unknown): boolean {
  return isRecord(v) && isString(v.rule) && isString(v.label) && isNumber(v.points) && (v.model === undefined || isString(v.model));
}

export function isLeadView(v: unknown): v is LeadView {
  if (!isRecord(v)) return false;
  const persona = v.persona;
  const decision = v.decision;
  return (
    isString(v.leadId) &&
    isNullableString(v.name) &&
    isNullableString(v.title) &&
    isNullableString(v.company) &&
    isNumber(v.total) &&
    isNullableString(v.grade) &&
    (v.stage === null || isIdLabel(v.stage)) &&
    isNullableString(v.stageEnteredAt) &&
    isArrayOf(v.stageHistory, (s): s is unknown => isRecord(s) && isString(s.stage) && isString(s.label) && isNullableString(s.at)) &&
    isArrayOf(v.models, (m): m is unknown => isIdLabel(m) && isNumber((m as Rec).score)) &&
    isArrayOf(v.fired, (f): f is unknown => isFiredRule(f) && isString((f as Rec).model)) &&
    (persona === null || (isIdLabel(persona) && isArrayOf((persona as Rec).talkingPoints, isString))) &&
    isArrayOf(v.sla, (s): s is unknown => isSla(s)) &&
    typeof v.canDecide === 'boolean' &&
    isArrayOf(v.rejectReasons, isIdLabel) &&
    (decision === null ||
      (isRecord(decision) && (decision.decision === 'accept' || decision.decision === 'reject') && isNullableString(decision.reason) && isString(decision.at))) &&
    isString(v.rulesVersion)
  );
}

export function isEstimateView(v: unknown): v is EstimateView {
  return (
    isRecord(v) &&
    (v.fit === null || isNumber(v.fit)) &&
    isNullableString(v.grade) &&
    (v.persona === null || isIdLabel(v.persona)) &&
    isArrayOf(v.fired, (f): f is unknown => isFiredRule(f)) &&
    isString(v.rulesVersion)
  );
}

export function isLookupResult(v: unknown): v is LookupResult {
  if (!isRecord(v) || !isString(v.key)) return false;
  if (v.found === true) return isLeadView(v.lead);
  if (v.found === false) return isEstimateView(v.estimate);
  return false;
}

/** Sends protocol envelopes through `send` and checks what comes back. */
export function createMessenger(send: SendRuntimeMessage): Messenger {
  async function call<K extends ContentKind>(kind: K, payload: Request<K>): Promise<unknown> {
    const reply: unknown = await send({ leadpact: 1, kind, payload });
    if (!isRecord(reply) || reply.leadpact !== 1) throw new ContentMessageError(kind, 'no valid answer from the background');
    if (reply.ok === false) throw new ContentMessageError(kind, isString(reply.error) ? reply.error.slice(0, 300) : 'refused');
    if (reply.ok !== true) throw new ContentMessageError(kind, 'no valid answer from the background');
    return reply.response;
  }
  return {
    async lookup(people) {
      const response = await call('lookup', { people });
      if (!isRecord(response) || !Array.isArray(response.results)) throw new ContentMessageError('lookup', 'the answer does not match the protocol');
      // A result that does not fit is dropped: its person gets no badge (counted as a miss by the runner).
      return response.results.filter(isLookupResult);
    },
    async decide(request) {
      const response = await call('decide', request);
      if (!isRecord(response) || typeof response.ok !== 'boolean') throw new ContentMessageError('decide', 'the answer does not match the protocol');
      return isString(response.error) ? { ok: response.ok, error: response.error.slice(0, 300) } : { ok: response.ok };
    },
    async miss(report) {
      await call('miss', report);
    },
  };
}
