/**
 * The card of a known lead: who, scores per model, SLA and the accept/reject decision first (what a
 * rep acts on, visible without scrolling), then why (fired rules), persona and stage history.
 */
import type { LeadView } from '../lib/protocol';
import { DecisionForm, type Decide } from './DecisionForm';
import { CardHeader, FiredRules } from './CardParts';
import { formatDateTime, formatScore } from './format';
import { SlaShape } from './SlaShape';
import { readSla, slaStatusText } from './sla';

export interface LeadCardProps {
  lead: LeadView;
  receivedAt: number;
  now: number;
  decide: Decide;
  onClose(restoreFocus: boolean): void;
}

export function LeadCard({ lead, receivedAt, now, decide, onClose }: LeadCardProps) {
  const modelLabels = new Map(lead.models.map((m) => [m.id, m.label]));
  const readings = lead.sla.map((sla) => readSla(sla, receivedAt, now));
  const since = formatDateTime(lead.stageEnteredAt);
  return (
    <>
      <CardHeader title={lead.name ?? 'Unnamed lead'} subtitle={[lead.title, lead.company].filter(Boolean).join(' · ')} onClose={onClose} />
      <div class="summary">
        <span class="score">{formatScore(lead.total)}</span>
        <span class="muted">score</span>
        {lead.grade && <span class="grade" aria-label={`grade ${lead.grade}`}>{lead.grade}</span>}
        {lead.stage && <span class="pill">{lead.stage.label}</span>}
      </div>
      {lead.models.length > 0 && (
        <ul class="models" aria-label="Scores by model">
          {lead.models.map((m) => (
            <li key={m.id}>
              {m.label} <strong>{formatScore(m.score)}</strong>
            </li>
          ))}
        </ul>
      )}

      {readings.length > 0 && (
        <>
          <h3>SLA</h3>
          <ul class="slas">
            {readings.map((reading) => (
              <li key={reading.sla.id} class={`sla-${reading.state}`}>
                <SlaShape state={reading.state} />
                <span>
                  {reading.sla.label}: {slaStatusText(reading)}
                  {reading.minutes !== undefined && <span class="muted"> (due {formatDateTime(reading.sla.dueAt)}{reading.sla.business ? ', business hours' : ''})</span>}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}

      <DecisionForm lead={lead} decide={decide} />

      <h3>Why</h3>
      <FiredRules rules={lead.fired} scopeLabel={(model) => modelLabels.get(model) ?? model} />

      {lead.persona && (
        <>
          <h3>Persona</h3>
          <p>
            <strong>{lead.persona.label}</strong>
          </p>
          {lead.persona.talkingPoints.length > 0 && (
            <ul aria-label="Talking points">
              {lead.persona.talkingPoints.map((point, i) => (
                <li key={i}>{point}</li>
              ))}
            </ul>
          )}
        </>
      )}

      <h3>Stage</h3>
      <p>
        {lead.stage?.label ?? 'No stage'}
        {since && <span class="muted"> since {since}</span>}
      </p>
      {lead.stageHistory.length > 0 && (
        <ol aria-label="Stage history">
          {lead.stageHistory.map((step, i) => {
            const at = formatDateTime(step.at);
            return (
              <li key={i}>
                {step.label}
                {at && <span class="muted"> {at}</span>}
              </li>
            );
          })}
        </ol>
      )}

      <footer>Rules version {lead.rulesVersion}</footer>
    </>
  );
}
