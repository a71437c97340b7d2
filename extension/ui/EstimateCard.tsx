/** The card of a person who is not a lead: a fit estimate, what it rests on, and the fit rules that fired. */
import type { EstimateView, PersonQuery } from '../lib/protocol';
import { CardHeader, FiredRules } from './CardParts';
import { formatScore } from './format';
import { estimateHasEvidence } from './names';

const BASIS: ReadonlyArray<[keyof PersonQuery, string]> = [
  ['email', 'email address'],
  ['linkedin', 'LinkedIn profile'],
  ['name', 'name'],
  ['title', 'job title'],
  ['company', 'company'],
];

/** What the page showed about the person, in words: "email address, job title". */
export function estimateBasis(query: PersonQuery): string[] {
  return BASIS.filter(([field]) => typeof query[field] === 'string' && query[field] !== '').map(([, words]) => words);
}

export function EstimateCard({ estimate, query, onClose }: { estimate: EstimateView; query: PersonQuery; onClose(restoreFocus: boolean): void }) {
  const basis = estimateBasis(query);
  const known = estimateHasEvidence(estimate, query);
  return (
    <>
      <CardHeader title={query.name ?? query.email ?? 'Unknown person'} subtitle={[query.title, query.company].filter(Boolean).join(' · ')} onClose={onClose} />
      <p>
        <strong>Not in your leads.</strong>
      </p>
      <div class="summary">
        <span class="score">{known ? `~${formatScore(estimate.fit ?? 0)}` : '?'}</span>
        <span class="muted">{known ? 'estimated fit' : 'fit: not enough information'}</span>
        {known && estimate.grade && <span class="grade" aria-label={`grade ${estimate.grade}`}>{estimate.grade}</span>}
      </div>
      <p class="muted">
        Based only on what this page shows: {basis.length > 0 ? basis.join(', ') : 'nothing usable'}. Engagement and intent scores need a lead record.
      </p>
      {estimate.persona && (
        <>
          <h3>Likely persona</h3>
          <p>{estimate.persona.label}</p>
        </>
      )}
      <h3>Why</h3>
      <FiredRules rules={estimate.fired} />
      <footer>Rules version {estimate.rulesVersion}</footer>
    </>
  );
}
