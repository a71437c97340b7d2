// The one message protocol between the extension's contexts (STYLE: Bitwarden). Every message kind is
// declared once with its payload and its answer; the background parses every payload with zod where it
// arrives and checks who sent it. Content scripts run next to untrusted pages, so they may only send the
// kinds listed in `contentScriptKinds`; extension pages (popup, options) may send every kind.
import { z } from 'zod';

/** What a page shows about a person: the keys the lead store is indexed by, plus hints for a fit estimate. */
export const PersonQuery = z.strictObject({
  key: z.string().min(1).max(300),
  email: z.string().max(254).optional(),
  linkedin: z.string().max(100).optional(),
  name: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  title: z.string().max(300).optional(),
});
export type PersonQuery = z.infer<typeof PersonQuery>;

export const SlaView = z.strictObject({
  id: z.string(),
  label: z.string(),
  state: z.enum(['met', 'late', 'ok', 'warning', 'breached']),
  startedAt: z.string(),
  dueAt: z.string(),
  remainingMinutes: z.number().optional(),
  business: z.boolean(),
});
export type SlaView = z.infer<typeof SlaView>;

export const RejectReason = z.strictObject({ id: z.string(), label: z.string() });
export type RejectReason = z.infer<typeof RejectReason>;

/** Everything the badge and the card draw for a known lead (drawn only inside a closed shadow root). */
export const LeadView = z.strictObject({
  leadId: z.string(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  company: z.string().nullable(),
  total: z.number(),
  grade: z.string().nullable(),
  stage: z.strictObject({ id: z.string(), label: z.string() }).nullable(),
  stageEnteredAt: z.string().nullable(),
  stageHistory: z.array(z.strictObject({ stage: z.string(), label: z.string(), at: z.string().nullable() })),
  models: z.array(z.strictObject({ id: z.string(), label: z.string(), score: z.number() })),
  fired: z.array(z.strictObject({ model: z.string(), rule: z.string(), label: z.string(), points: z.number() })),
  persona: z.strictObject({ id: z.string(), label: z.string(), talkingPoints: z.array(z.string()) }).nullable(),
  sla: z.array(SlaView),
  /** Accept and reject are offered while the lead is an MQL. */
  canDecide: z.boolean(),
  /** The choices for a reject (lifecycle `rejectReasons`), so the card can ask for one. */
  rejectReasons: z.array(RejectReason),
  decision: z.strictObject({ decision: z.enum(['accept', 'reject']), reason: z.string().nullable(), at: z.string() }).nullable(),
  rulesVersion: z.string(),
});
export type LeadView = z.infer<typeof LeadView>;

/** For a person not in the lead store: a neutral badge with a fit estimate from what the page shows. */
export const EstimateView = z.strictObject({
  fit: z.number().nullable(),
  grade: z.string().nullable(),
  persona: z.strictObject({ id: z.string(), label: z.string() }).nullable(),
  fired: z.array(z.strictObject({ rule: z.string(), label: z.string(), points: z.number() })),
  rulesVersion: z.string(),
});
export type EstimateView = z.infer<typeof EstimateView>;

export const LookupResult = z.discriminatedUnion('found', [
  z.strictObject({ key: z.string(), found: z.literal(true), lead: LeadView }),
  z.strictObject({ key: z.string(), found: z.literal(false), estimate: EstimateView }),
]);
export type LookupResult = z.infer<typeof LookupResult>;

export const QueueItem = z.strictObject({
  leadId: z.string(),
  name: z.string().nullable(),
  company: z.string().nullable(),
  stage: z.string(),
  commitment: z.string(),
  state: z.enum(['ok', 'warning', 'breached']),
  dueAt: z.string(),
  remainingMinutes: z.number(),
  /** The commitment counts business hours (`<n>bh`): remainingMinutes are business minutes. */
  business: z.boolean(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/** The last remote-rules check (background/remote-rules.ts RemoteRulesState). */
export const RemoteRulesView = z.strictObject({
  url: z.string().nullable(),
  checkedAt: z.string().nullable(),
  outcome: z.enum(['off', 'updated', 'current', 'refused']),
  refusal: z.strictObject({ reason: z.string(), message: z.string(), at: z.string(), version: z.string().nullable() }).nullable(),
});
export type RemoteRulesView = z.infer<typeof RemoteRulesView>;

/** The CRM sync (crm-sync.ts): the last good sync, what it brought, and the last error. */
export const CrmSyncView = z.strictObject({
  endpoint: z.string().nullable(),
  lastSync: z.string().nullable(),
  lastCount: z.number().nullable(),
  skipped: z.number(),
  lastRemoved: z.number(),
  lastError: z.strictObject({ message: z.string(), at: z.string(), status: z.number().nullable() }).nullable(),
  failures: z.number(),
  nextAttemptAt: z.string().nullable(),
});
export type CrmSyncView = z.infer<typeof CrmSyncView>;

export const Status = z.strictObject({
  rulesVersion: z.string(),
  rulesSource: z.enum(['embedded', 'remote']),
  rulesNote: z.string().nullable(),
  leadCount: z.number(),
  lastImport: z.string().nullable(),
  lastSync: z.string().nullable(),
  queue: z.array(QueueItem),
  rejectReasons: z.array(RejectReason),
  /** Running clocks in all (the queue holds the most urgent of them). */
  queueTotal: z.number().optional(),
  /** Whose queue: the rep name from the options, or null for every lead. */
  queueOwner: z.string().nullable().optional(),
  /** What the last import brought (lastImport is its time). */
  lastImportInfo: z
    .strictObject({ source: z.enum(['samples', 'file']), name: z.string(), count: z.number(), mode: z.enum(['replace', 'merge', 'events']) })
    .nullable()
    .optional(),
  /** The remote rules: URL, when last checked, and why the last update was refused. */
  remoteRules: RemoteRulesView.optional(),
  /** The CRM sync's last good sync and last error (absent when the worker has no sync). */
  crmSync: CrmSyncView.optional(),
});
export type Status = z.infer<typeof Status>;

/** Each message kind: its request payload and its response. */
export const messages = {
  /** Content script: score the people on screen (batched: one message per animation frame). */
  lookup: { request: z.strictObject({ people: z.array(PersonQuery).min(1).max(200) }), response: z.strictObject({ results: z.array(LookupResult) }) },
  /** Content script (card) or popup: a rep accepts or rejects an MQL. */
  decide: {
    request: z.strictObject({ leadId: z.string().min(1).max(200), decision: z.enum(['accept', 'reject']), reason: z.string().max(64).nullable() }),
    response: z.strictObject({ ok: z.boolean(), error: z.string().optional() }),
  },
  /** Content script: a selector stopped matching (no personal data: the selector id only). */
  miss: { request: z.strictObject({ site: z.string().max(32), selector: z.string().max(64) }), response: z.strictObject({ ok: z.boolean() }) },
  /** Popup: versions, counts and "my SLA queue". */
  status: { request: z.strictObject({}), response: Status },
  /** Options page: the lead store changed (import, clear): drop cached outcomes. */
  leadsChanged: { request: z.strictObject({}), response: z.strictObject({ ok: z.boolean() }) },
  /** Options page: fetch and check the remote rules now (after the URL or keys changed). */
  checkRules: { request: z.strictObject({}), response: RemoteRulesView },
  /** Options page: "Sync now" for the CRM sync (ignores the backoff). */
  syncCrm: { request: z.strictObject({}), response: CrmSyncView },
} as const;

export type MessageKind = keyof typeof messages;
export type Request<K extends MessageKind> = z.infer<(typeof messages)[K]['request']>;
export type Response<K extends MessageKind> = z.infer<(typeof messages)[K]['response']>;

/** The kinds a content script may send; anything else from a tab is refused. */
export const contentScriptKinds: ReadonlySet<MessageKind> = new Set(['lookup', 'decide', 'miss']);

/** The envelope on the wire. */
export const Envelope = z.strictObject({ leadpact: z.literal(1), kind: z.enum(Object.keys(messages) as [MessageKind, ...MessageKind[]]), payload: z.unknown() });
export type Envelope = z.infer<typeof Envelope>;
