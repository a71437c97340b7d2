/**
 * Pure helpers that turn what a page shows into a stable person identity.
 * No DOM here: the site modules do the reading, these do the normalising.
 */
import type { PersonRef } from './types.ts';

// Local part: the RFC 5322 "atext" set plus dots; domain: letter/digit labels, a letter TLD.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

// Finds address-shaped substrings in free text ("Ada <ada@x.example>", "An: a@x.example; b@y.example").
const EMAIL_IN_TEXT = /[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[\p{L}\p{N}.-]+\.[\p{L}a-z0-9-]{2,63}/giu;

/** Lowercased address, or undefined when the value is not a plausible single address. */
export function normaliseEmail(raw: string | null | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let s = raw.trim();
  if (/^mailto:/i.test(s)) s = s.slice(7).split('?')[0] ?? '';
  s = s.replace(/^[<"'\s]+|[>"'\s]+$/g, '');
  if (s.length === 0 || s.length > 254) return undefined;
  s = s.toLowerCase();
  return EMAIL.test(s) ? s : undefined;
}

export interface Mailbox {
  email: string;
  name?: string;
}

/**
 * Every address in a piece of text, with the display name when it is written as
 * `Name <address>` (the name is what sits between the previous `,` `;` `:` `>` and the `<`).
 */
export function parseMailboxes(text: string | null | undefined): Mailbox[] {
  if (!text) return [];
  const out: Mailbox[] = [];
  for (const match of text.matchAll(EMAIL_IN_TEXT)) {
    const email = normaliseEmail(match[0].replace(/^\.+|\.+$/g, ''));
    if (!email) continue;
    const before = text.slice(0, match.index);
    let name: string | undefined;
    const lt = before.trimEnd();
    if (lt.endsWith('<')) {
      const head = lt.slice(0, -1).trimEnd();
      let candidate: string;
      const open = head.endsWith('"') ? head.lastIndexOf('"', head.length - 2) : -1;
      if (open >= 0) {
        candidate = head.slice(open + 1, -1); // "Marsh, Cleo" <cleo@...>: the quotes hold the name, commas included
      } else {
        const cut = Math.max(head.lastIndexOf(','), head.lastIndexOf(';'), head.lastIndexOf(':'), head.lastIndexOf('>'));
        candidate = head.slice(cut + 1).replace(/["']/g, '');
      }
      candidate = candidate.replace(/\s+/g, ' ').trim();
      if (candidate && !candidate.includes('@')) name = candidate;
    }
    out.push(name ? { email, name } : { email });
  }
  return out;
}

// Letters after a comma that are credentials, not a given name ("Ada Quinto, PhD").
const CREDENTIALS = new Set([
  'phd', 'mba', 'md', 'cpa', 'cfa', 'pmp', 'msc', 'bsc', 'ma', 'ba', 'jr', 'sr', 'ii', 'iii', 'cissp', 'pe', 'esq', 'dipl-ing',
]);
const HONORIFICS = new Set(['dr', 'prof', 'mr', 'mrs', 'ms', 'mx', 'sir', 'dame', 'ing', 'dipl']);

function foldDiacritics(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '');
}

/**
 * A name as a comparison key: diacritics folded, lowercased, emoji, symbols, bracketed notes
 * ("(f.d. Mäkinen)"), honorifics and trailing credentials dropped; "Quinto, Ada" becomes
 * "ada quinto". Returns '' when nothing name-like is left.
 */
export function normaliseName(raw: string | null | undefined): string {
  if (typeof raw !== 'string') return '';
  let s = foldDiacritics(raw).replace(/[’‘`´]/g, "'");
  s = s.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ');
  const segments = s.split(',').map((seg) => seg.trim()).filter(Boolean);
  const kept = segments.filter((seg, i) => i === 0 || !seg.split(/\s+/).every((t) => CREDENTIALS.has(t.toLowerCase().replace(/\./g, ''))));
  if (kept.length === 2) s = `${kept[1]} ${kept[0]}`; // directory style "Last, First"
  else s = kept.join(' ');
  s = s.toLowerCase().replace(/[^\p{L}\p{N}\s'-]+/gu, ' ').replace(/(^|\s)['-]+|['-]+(?=\s|$)/g, ' ');
  const tokens = s.split(/\s+/).filter(Boolean);
  while (tokens.length > 1 && HONORIFICS.has(tokens[0] ?? '')) tokens.shift();
  return tokens.join(' ');
}

const LEGAL_SUFFIXES = new Set([
  'inc', 'incorporated', 'ltd', 'limited', 'llc', 'llp', 'plc', 'gmbh', 'ag', 'ab', 'asa', 'sa', 'sas', 'sarl', 'bv', 'nv',
  'oy', 'oyj', 'spa', 'srl', 'corp', 'corporation', 'co', 'kg', 'pty', 'pte', 'kk', 'se', 'sl', 'aps', 'as',
]);

/** A company as a comparison key: "Northwind Analytics GmbH" and "northwind analytics" agree. */
export function normaliseCompany(raw: string | null | undefined): string {
  if (typeof raw !== 'string') return '';
  let s = foldDiacritics(raw).toLowerCase().replace(/\([^)]*\)/g, ' ').replace(/&/g, ' and ');
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
  const tokens = s.split(/\s+/).filter(Boolean);
  while (tokens.length > 1 && LEGAL_SUFFIXES.has(tokens[tokens.length - 1] ?? '')) tokens.pop();
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  return tokens.join(' ');
}

// Member URNs ("ACoAA..."; Sales Navigator "ACwAA...") sit where a public slug would; they are not slugs.
const MEMBER_URN = /^AC[a-zA-Z]AA[A-Za-z0-9_-]{10,}$/;
const PUBLIC_SLUG = /^[\p{L}\p{N}][\p{L}\p{N}-]{1,99}$/u;

/**
 * The public profile slug of a LinkedIn `/in/` link: accepts "/in/slug/", "in" links on any
 * `*.linkedin.com` host, with query or hash, percent-encoded letters; returns it lowercased.
 * Member URNs and non-LinkedIn hosts give undefined.
 */
export function slugFromHref(href: string | null | undefined): string | undefined {
  if (typeof href !== 'string' || href.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(href.trim(), 'https://www.linkedin.com/');
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  if (host !== 'linkedin.com' && !host.endsWith('.linkedin.com')) return undefined;
  const segment = /^\/in\/([^/]+)/.exec(url.pathname)?.[1];
  if (!segment) return undefined;
  let slug: string;
  try {
    slug = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  if (MEMBER_URN.test(slug)) return undefined;
  slug = slug.normalize('NFC').toLowerCase();
  return PUBLIC_SLUG.test(slug) ? slug : undefined;
}

/** True when the `/in/` segment of a LinkedIn link is a member URN rather than a public slug. */
export function isMemberUrnHref(href: string | null | undefined): boolean {
  if (typeof href !== 'string') return false;
  const segment = /\/in\/([^/?#]+)/.exec(href)?.[1];
  return segment !== undefined && MEMBER_URN.test(segment);
}

/**
 * The stable identity of a person, strongest evidence first: email, then LinkedIn slug, then
 * name plus company. Undefined when there is nothing to key on.
 */
export function personKey(person: PersonRef): string | undefined {
  const email = normaliseEmail(person.email);
  if (email) return `email:${email}`;
  const slug = person.linkedin?.trim().toLowerCase();
  if (slug && PUBLIC_SLUG.test(slug) && !MEMBER_URN.test(person.linkedin ?? '')) return `linkedin:${slug}`;
  const name = normaliseName(person.name);
  if (name) return `name:${name}|${normaliseCompany(person.company)}`;
  return undefined;
}
