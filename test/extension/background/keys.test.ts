import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadKeys, nameCompanyKey, normaliseDomain, normaliseEmail, normaliseLinkedinSlug } from '../../../extension/background/keys';

describe('lead keys', () => {
  it('folds case, accents, punctuation, spacing and legal forms out of name + company', () => {
    expect(nameCompanyKey('  Ada   Quinto ', 'Northwind Freight GmbH')).toBe('ada quinto|northwind freight');
    expect(nameCompanyKey('Zoë Ångström-Brønn', 'Café Société, SA')).toBe('zoe angstrom brønn|cafe societe');
    expect(nameCompanyKey('ＡＤＡ', 'Acme, Inc.')).toBe('ada|acme'); // full-width letters decompose to ASCII
    expect(nameCompanyKey('Ada', '')).toBeUndefined();
    expect(nameCompanyKey('', 'Acme')).toBeUndefined();
  });

  it('gives ASCII text the key the full fold would give it', () => {
    // ASCII skips the decomposition (nothing to decompose); the answer must not change.
    const fullFold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', minLength: 1 }), (name) => {
        const key = nameCompanyKey(name, 'Acme');
        const folded = fullFold(name);
        expect(key).toBe(folded ? `${folded}|acme` : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('normalises emails, slugs and domains', () => {
    expect(normaliseEmail(' Ada@Acme.IO ')).toBe('ada@acme.io');
    expect(normaliseEmail('not an address')).toBeUndefined();
    expect(normaliseLinkedinSlug('https://www.linkedin.com/in/Cl%C3%A9o-Marsh/?trk=x')).toBe('cléo-marsh');
    expect(normaliseDomain('https://www.Acme.io/about')).toBe('acme.io');
  });

  it('collects every key of a lead', () => {
    expect(leadKeys({ id: 'x', email: 'Ada@Acme.io', emails: ['ada@acme.io', 'a.q@acme.io'], linkedin: 'ada-q', name: 'Ada Q', company: { name: 'Acme Ltd', domain: 'acme.io' }, owner: ' Sam ' })).toEqual({
      emails: ['ada@acme.io', 'a.q@acme.io'],
      linkedin: 'ada-q',
      domain: 'acme.io',
      nameCompany: 'ada q|acme',
      owner: 'sam',
    });
  });
});
