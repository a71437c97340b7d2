/**
 * Accessible names of the badge (DESIGN 7). They live on the button inside the shadow root, never
 * on the page-visible host element.
 */
import type { EstimateView, LeadView, PersonQuery } from '../lib/protocol';
import { formatScore } from './format';
import { slaPhrase, urgentSla } from './sla';

/**
 * "Lead score 72, grade B, MQL, first touch due in 1h 35m" (a met or late clock is left out).
 * `urgent`: the lead's most urgent clock at `now`, when the caller has already read it.
 */
export function leadBadgeName(lead: LeadView, receivedAt: number, now: number, urgent = urgentSla(lead.sla, receivedAt, now)): string {
  const parts = [`Lead score ${formatScore(lead.total)}`];
  if (lead.grade) parts.push(`grade ${lead.grade}`);
  if (lead.stage) parts.push(lead.stage.label);
  if (urgent) parts.push(slaPhrase(urgent));
  return parts.join(', ');
}

/**
 * Whether an estimate rests on anything: a fit rule fired, or the page showed a title or a company
 * (then a low fit is a finding). Without either, a fit of 0 only says "nothing known", and the badge
 * must not read it as a bad fit.
 */
export function estimateHasEvidence(estimate: EstimateView, query?: Pick<PersonQuery, 'title' | 'company'>): boolean {
  if (estimate.fit === null) return false;
  if (estimate.fired.length > 0) return true;
  return Boolean(query?.title?.trim() || query?.company?.trim());
}

/** "Not in your leads: estimated fit 45, grade C". */
export function estimateBadgeName(estimate: EstimateView, query?: Pick<PersonQuery, 'title' | 'company'>): string {
  if (estimate.fit === null) return 'Not in your leads: no fit estimate';
  if (!estimateHasEvidence(estimate, query)) return 'Not in your leads: not enough information to estimate fit';
  const grade = estimate.grade ? `, grade ${estimate.grade}` : '';
  return `Not in your leads: estimated fit ${formatScore(estimate.fit)}${grade}`;
}

/** The visible text of the neutral badge: "Fit ~45 (C)", or "Fit ?" when nothing is known. */
export function estimateBadgeText(estimate: EstimateView, query?: Pick<PersonQuery, 'title' | 'company'>): string {
  if (estimate.fit === null || !estimateHasEvidence(estimate, query)) return 'Fit ?';
  return `Fit ~${formatScore(estimate.fit)}${estimate.grade ? ` (${estimate.grade})` : ''}`;
}

const SHORT_LABEL = 6;

/**
 * The short stage code on the badge face ("MQL", "SAL", "Lead", "Opp"): the badge sits in narrow
 * columns (Gmail's sender, Outlook's list), so the full label goes to the card and the accessible
 * name. A short label is kept as it is; a short id ("mql") is an acronym, uppercased; a label of
 * several words gives its initials; a single long word its first syllable ("Opportunity" → "Opp").
 */
export function stageCode(stage: { id: string; label: string }): string {
  const label = stage.label.trim();
  if (label.length > 0 && label.length <= SHORT_LABEL) return label;
  const id = stage.id.trim();
  if (/^[\p{L}\p{N}]{2,4}$/u.test(id)) return id.toUpperCase();
  const words = label.split(/[\s_-]+/u).filter(Boolean);
  if (words.length >= 2) return words.map((word) => Array.from(word)[0]!.toUpperCase()).join('').slice(0, 4);
  const word = words[0] ?? id;
  const syllable = /^[^aeiouy]*[aeiouy]+[^aeiouy]+/iu.exec(word)?.[0] ?? word;
  return Array.from(syllable).slice(0, 4).join('');
}
