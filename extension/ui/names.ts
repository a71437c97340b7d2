/**
 * Accessible names of the badge (DESIGN 7). They live on the button inside the shadow root, never
 * on the page-visible host element.
 */
import type { EstimateView, LeadView } from '../lib/protocol';
import { formatScore } from './format';
import { mostUrgent, readSla, slaPhrase } from './sla';

/** "Lead score 72, grade B, MQL, first touch due in 1h 35m" (a met or late clock is left out). */
export function leadBadgeName(lead: LeadView, receivedAt: number, now: number): string {
  const parts = [`Lead score ${formatScore(lead.total)}`];
  if (lead.grade) parts.push(`grade ${lead.grade}`);
  if (lead.stage) parts.push(lead.stage.label);
  const urgent = mostUrgent(lead.sla.map((sla) => readSla(sla, receivedAt, now)));
  if (urgent) parts.push(slaPhrase(urgent));
  return parts.join(', ');
}

/** "Not in your leads: estimated fit 45, grade C". */
export function estimateBadgeName(estimate: EstimateView): string {
  if (estimate.fit === null) return 'Not in your leads: no fit estimate';
  const grade = estimate.grade ? `, grade ${estimate.grade}` : '';
  return `Not in your leads: estimated fit ${formatScore(estimate.fit)}${grade}`;
}

/** The visible text of the neutral badge: "Fit ~45 (C)". */
export function estimateBadgeText(estimate: EstimateView): string {
  if (estimate.fit === null) return 'Fit ?';
  return `Fit ~${formatScore(estimate.fit)}${estimate.grade ? ` (${estimate.grade})` : ''}`;
}
