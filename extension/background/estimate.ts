// A person the lead store does not know gets a neutral badge with a fit estimate: the rules run on
// a pseudo-lead made of what the page shows (title, company, email, LinkedIn slug) and no events,
// so only who they are counts, never what they did.
import { evaluate } from '../engine/index';
import type { Lead } from '../engine/generated/rules';
import type { EstimateView, PersonQuery } from '../lib/protocol';
import type { StoredLead } from './db';
import { emailDomain, normaliseEmail, normaliseLinkedinSlug } from './keys';
import { ruleKey } from './labels';
import type { ActiveRules } from './rules';

/**
 * `colleague`: a known lead at the company of the person's email domain. Its company record
 * (size, industry, country) is company data the team already holds, and makes the estimate a
 * fair one where the page shows only a name and an address.
 */
export function estimatePerson(person: PersonQuery, rules: ActiveRules, now: number, colleague?: StoredLead): EstimateView {
  const outcome = evaluate(rules.compiled, pseudoLead(person, colleague), now);
  const fitModel = rules.labels.fitModel;
  const persona = outcome.persona ? { id: outcome.persona, label: rules.labels.personas.get(outcome.persona)?.label ?? outcome.persona } : null;
  return {
    fit: fitModel === null ? null : (outcome.score[fitModel] ?? null),
    grade: outcome.grade,
    persona,
    fired: outcome.fired
      .filter((fired) => fired.model === fitModel)
      .map((fired) => ({ rule: fired.rule, label: rules.labels.rules.get(ruleKey(fired.model, fired.rule)) ?? fired.rule, points: fired.points })),
    rulesVersion: rules.version,
  };
}

export function pseudoLead(person: PersonQuery, colleague?: StoredLead): Lead {
  const lead: Lead = { id: `estimate:${person.key}`, events: [] };
  const email = normaliseEmail(person.email);
  if (email) lead.email = email;
  const linkedin = normaliseLinkedinSlug(person.linkedin);
  if (linkedin) lead.linkedin = linkedin;
  if (person.name?.trim()) lead.name = person.name.trim();
  if (person.title?.trim()) lead.title = person.title.trim();
  const company: NonNullable<Lead['company']> = { ...(colleague?.lead.company ?? {}) };
  if (person.company?.trim()) company.name = person.company.trim();
  const domain = emailDomain(email);
  if (domain && !company.domain) company.domain = domain;
  if (Object.keys(company).length > 0) lead.company = company;
  return lead;
}
