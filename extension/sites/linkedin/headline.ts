/**
 * The company in a LinkedIn headline ("VP Marketing at Northwind Analytics", "Jefa de ventas en
 * Lumen Freight", "Key Account Manager – Quillon Labs"), used when the page shows no company field.
 */

// Words that introduce the employer, by UI/user language: en, de, es/pt, fr, sv/da/no, it, nl, pt.
const AT_WORDS = [' at ', ' @ ', '@', ' bei ', ' en ', ' chez ', ' på ', ' presso ', ' bij ', ' na ', ' em ', ' hos '];
// Weaker: a dash between title and company, used only when no word above is present.
const DASHES = [' – ', ' — ', ' - '];

export function companyFromHeadline(headline: string | undefined): string | undefined {
  if (!headline) return undefined;
  const first = headline.split(/\s[|·•]\s|\s\|\||\|/)[0]?.trim() ?? '';
  const lower = first.toLowerCase();
  for (const separators of [AT_WORDS, DASHES]) {
    let best = -1;
    let sepLength = 0;
    for (const sep of separators) {
      const at = lower.indexOf(sep);
      if (at > 0 && (best === -1 || at < best)) {
        best = at;
        sepLength = sep.length;
      }
    }
    if (best > 0) {
      const company = first.slice(best + sepLength).replace(/^[\s,;:]+|[\s,;:.!]+$/g, '');
      if (company.length >= 2 && company.length <= 80) return company;
    }
  }
  return undefined;
}
