/** Accept or reject an MQL from the card; a reject needs one of the lifecycle's `rejectReasons`. */
import { useRef, useState } from 'preact/hooks';
import type { LeadView, Request, Response } from '../lib/protocol';
import { formatDateTime } from './format';

export type DecideRequest = Request<'decide'>;
export type DecideResponse = Response<'decide'>;
export type Decide = (request: DecideRequest) => Promise<DecideResponse>;

type Status = { kind: 'idle' | 'saving' | 'done' | 'error'; text: string };

export function DecisionForm({ lead, decide }: { lead: LeadView; decide: Decide }) {
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle', text: '' });
  const reasonRef = useRef<HTMLSelectElement>(null);
  const saving = status.kind === 'saving';
  const reasonLabel = (id: string | null) => lead.rejectReasons.find((r) => r.id === id)?.label ?? id;

  async function submit(decision: 'accept' | 'reject') {
    if (decision === 'reject' && !reason) {
      setStatus({ kind: 'error', text: 'Choose a reason to reject this lead.' });
      reasonRef.current?.focus(); // null only while unmounting
      return;
    }
    setStatus({ kind: 'saving', text: 'Saving…' });
    try {
      const answer = await decide({ leadId: lead.leadId, decision, reason: decision === 'reject' ? reason : null });
      if (answer.ok) setStatus({ kind: 'done', text: decision === 'accept' ? 'Accepted.' : 'Rejected.' });
      else setStatus({ kind: 'error', text: `Not saved: ${answer.error ?? 'the extension refused it'}.` });
    } catch {
      setStatus({ kind: 'error', text: 'Not saved: the extension did not answer.' });
    }
  }

  const past = lead.decision;
  const at = formatDateTime(past?.at);
  return (
    <>
      {past && (
        <p>
          {past.decision === 'accept' ? 'Accepted' : `Rejected (${reasonLabel(past.reason) ?? 'no reason'})`}
          {at && ` on ${at}`}
        </p>
      )}
      {lead.canDecide && (
        <fieldset class="decision">
          <legend>
            <h3>Decision</h3>
          </legend>
          <div class="decision-row">
            <button type="button" class="primary" disabled={saving} onClick={() => void submit('accept')}>
              Accept
            </button>
          </div>
          <div class="decision-row">
            <label>
              Reject reason
              <select ref={reasonRef} value={reason} onChange={(event) => setReason(event.currentTarget.value)}>
                <option value="">Choose…</option>
                {lead.rejectReasons.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={saving} onClick={() => void submit('reject')}>
              Reject
            </button>
          </div>
        </fieldset>
      )}
      <p class={status.kind === 'error' ? 'status status-error' : 'status'} role="status">
        {status.text}
      </p>
    </>
  );
}
