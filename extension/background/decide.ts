// A rep accepts or rejects an MQL. The decision goes to the feedback store with what the card
// showed (the weekly report counts rejection reasons and calibration reads the shown outcome);
// an accept also records the accepted stage on the lead.
import { evaluate } from '../engine/index';
import type { Request, Response } from '../lib/protocol';
import type { FeedbackRecord } from './db';
import { decidableStage } from './outcomes';
import type { RuleLabels } from './labels';
import type { ActiveRules } from './rules';
import type { LeadStore } from './store';

/** The manual stage an accept records: `sal` when the lifecycle has it as a manual stage. */
export function acceptedStage(labels: RuleLabels): string | null {
  return labels.stages.get('sal')?.manual ? 'sal' : null;
}

export async function decide(
  request: Request<'decide'>,
  deps: { store: LeadStore; rules: ActiveRules; who: string; now: number },
): Promise<Response<'decide'>> {
  const { store, rules, who, now } = deps;
  const { labels } = rules;
  if (request.decision === 'reject') {
    if (!request.reason) return { ok: false, error: 'a reject needs a reason' };
    if (!labels.rejectReasons.some((reason) => reason.id === request.reason)) return { ok: false, error: `unknown reject reason ${request.reason}` };
  } else if (request.reason !== null) {
    return { ok: false, error: 'an accept takes no reason' };
  }
  const stored = await store.getLead(request.leadId);
  if (!stored) return { ok: false, error: 'no such lead' };
  const outcome = evaluate(rules.compiled, stored.lead, now);
  if (outcome.stage !== decidableStage) {
    return { ok: false, error: `only an MQL can be accepted or rejected; this lead is ${outcome.stage ? labels.stages.get(outcome.stage)?.label ?? outcome.stage : 'in no stage'}` };
  }
  const at = new Date(now).toISOString();
  const stage = request.decision === 'accept' ? acceptedStage(labels) : null;
  const record: FeedbackRecord = {
    leadId: stored.id,
    decision: request.decision,
    reason: request.reason,
    who,
    at,
    rulesVersion: rules.version,
    rulesHash: rules.hash,
    shown: { score: outcome.score.total, grade: outcome.grade, stage: outcome.stage, stageEnteredAt: outcome.stageEnteredAt, persona: outcome.persona },
    stageRecorded: stage,
  };
  await store.recordDecision(record, stage ? { id: stage, at } : undefined);
  return { ok: true };
}
