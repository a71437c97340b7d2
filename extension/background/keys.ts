// How a person is recognised: the normalised keys the lead store is indexed by. The same functions
// normalise what the page shows and what an import brings, so "Ada@Acme.io" on a page finds the
// lead exported as "ada@acme.io", and "Acme, Inc." finds "ACME".
import type { Lead } from '../engine/generated/rules';

export function normaliseEmail(value: string | null | undefined): string | undefined {
  const email = value?.trim().toLowerCase();
  return email && email.includes('@') ? email : undefined;
}

/** The slug of linkedin.com/in/<slug>, from a slug, a path or a full profile URL. */
export function normaliseLinkedinSlug(value: string | null | undefined): string | undefined {
  let slug = value?.trim();
  if (!slug) return undefined;
  const inPath = /(?:^|\/)in\/([^/?#]+)/i.exec(slug);
  if (inPath?.[1]) slug = inPath[1];
  slug = slug.replace(/[/?#].*$/, '');
  try {
    slug = decodeURIComponent(slug);
  } catch {
    // A stray % in a hand-typed slug: keep it as written.
  }
  slug = slug.toLowerCase();
  return slug || undefined;
}

export function normaliseDomain(value: string | null | undefined): string | undefined {
  let domain = value?.trim().toLowerCase();
  if (!domain) return undefined;
  domain = domain.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#:].*$/, '').replace(/^www\./, '');
  return domain || undefined;
}

export function emailDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  return at > 0 ? normaliseDomain(email!.slice(at + 1)) : undefined;
}

// Legal forms dropped from company names so "Northwind Freight GmbH" and "Northwind Freight" meet.
const legalForms = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'ltd', 'limited', 'plc', 'corp', 'corporation', 'co', 'company',
  'gmbh', 'ag', 'kg', 'ug', 'sa', 'sl', 'slu', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'ab', 'as', 'oy', 'aps',
]);

/** Text without any character outside ASCII: decomposing it and dropping marks changes nothing. */
const ASCII = /^[\x00-\x7f]*$/;

function foldText(value: string): string {
  return (ASCII.test(value) ? value : value.normalize('NFKD').replace(/\p{M}/gu, ''))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Initials written with dots ("S.A.", "B.V.", "S.L.U."), a word of their own. */
const DOTTED_INITIALS = /(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu;

/**
 * A company name without case, accents, punctuation, spacing or a trailing legal form. Dotted
 * initials are read as one word ("S.A." as "SA"), so "Café Société, S.A." meets "Café Société SA"
 * (`dotted: false` is how keys were made before: "cafe societe s a").
 */
function normaliseCompany(value: string, dotted = true): string {
  const text = dotted ? value.replace(DOTTED_INITIALS, (initials) => initials.replace(/\./g, '')) : value;
  const words = foldText(text).split(' ').filter(Boolean);
  while (words.length > 1 && legalForms.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** "name|company", folded: case, accents, punctuation, spacing and legal forms ignored. */
export function nameCompanyKey(name: string | null | undefined, company: string | null | undefined): string | undefined {
  return nameCompanyKeys(name, company)[0];
}

/**
 * The name + company keys to look a person up by: nameCompanyKey, and the key leads stored before
 * dotted initials were folded would carry ("...|cafe societe s a") when it differs, so those
 * leads are still found until they are imported again.
 */
export function nameCompanyLookupKeys(name: string | null | undefined, company: string | null | undefined): string[] {
  return nameCompanyKeys(name, company, true);
}

function nameCompanyKeys(name: string | null | undefined, company: string | null | undefined, withOlder = false): string[] {
  const person = name ? foldText(name) : '';
  const employer = company ? normaliseCompany(company) : '';
  if (!person || !employer) return [];
  const key = `${person}|${employer}`;
  if (!withOlder) return [key];
  const older = `${person}|${normaliseCompany(company!, false)}`;
  return older === key ? [key] : [key, older];
}

export function normaliseOwner(value: string | null | undefined): string | undefined {
  const owner = value?.trim().toLowerCase();
  return owner || undefined;
}

/** The index keys of one lead, stored next to it. */
export interface LeadKeys {
  emails: string[];
  linkedin?: string;
  domain?: string;
  nameCompany?: string;
  owner?: string;
}

export function leadKeys(lead: Lead): LeadKeys {
  const emails = new Set<string>();
  for (const raw of [lead.email, ...(Array.isArray(lead.emails) ? lead.emails : [])]) {
    const email = normaliseEmail(typeof raw === 'string' ? raw : undefined);
    if (email) emails.add(email);
  }
  const keys: LeadKeys = { emails: [...emails] };
  const linkedin = normaliseLinkedinSlug(lead.linkedin);
  if (linkedin) keys.linkedin = linkedin;
  const domain = normaliseDomain(lead.company?.domain);
  if (domain) keys.domain = domain;
  const nameCompany = nameCompanyKey(lead.name, lead.company?.name);
  if (nameCompany) keys.nameCompany = nameCompany;
  const owner = normaliseOwner(lead.owner);
  if (owner) keys.owner = owner;
  return keys;
}
