import { describe, expect, it } from 'vitest';
import {
  isMemberUrnHref,
  normaliseCompany,
  normaliseEmail,
  normaliseName,
  parseMailboxes,
  personKey,
  slugFromHref,
} from '../../extension/sites/person.ts';
import { companyFromHeadline } from '../../extension/sites/linkedin/headline.ts';

describe('normaliseEmail', () => {
  it.each([
    ['Ada.Quinto@Northwind-Analytics.example', 'ada.quinto@northwind-analytics.example'],
    ['  ada@northwind-analytics.example  ', 'ada@northwind-analytics.example'],
    ['<ada@northwind-analytics.example>', 'ada@northwind-analytics.example'],
    ['mailto:Ada@Northwind-Analytics.example?subject=Hi', 'ada@northwind-analytics.example'],
    ['noreply-94292212@plus.lumen.example', 'noreply-94292212@plus.lumen.example'],
    ['bram+crm@lumenfreight.example', 'bram+crm@lumenfreight.example'],
  ])('lowercases and trims %j to %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([[''], ['me'], ['ada@'], ['@northwind.example'], ['ada@northwind'], ['ada quinto@northwind.example'], ['a@b@c.example'], ['undisclosed-recipients:;'], [null], [undefined]])(
    'rejects %j as not an address',
    (raw) => {
      expect(normaliseEmail(raw)).toBeUndefined();
    },
  );
});

describe('parseMailboxes', () => {
  it('reads a display name written before an address in angle brackets', () => {
    expect(parseMailboxes('Ada Quinto <ada.quinto@northwind-analytics.example>')).toEqual([
      { email: 'ada.quinto@northwind-analytics.example', name: 'Ada Quinto' },
    ]);
  });

  it('reads several recipients after a localised label, with and without names', () => {
    expect(parseMailboxes('An: jonas@quillon.example; "Marsh, Cleo" <cleo@harbor-robotics.example>')).toEqual([
      { email: 'jonas@quillon.example' },
      { email: 'cleo@harbor-robotics.example', name: 'Marsh, Cleo' },
    ]);
  });

  it('finds nothing in text without an address', () => {
    expect(parseMailboxes('Ada Quinto')).toEqual([]);
  });
});

describe('normaliseName', () => {
  it.each([
    ['Ada Quinto', 'ada quinto'],
    ['  ADA   QUINTO ', 'ada quinto'],
    ['Cléo Märsh', 'cleo marsh'],
    ['⚡️Cleo Marsh 🤖', 'cleo marsh'],
    ['Karin Sjöqvist (f.d. Mäkinen)', 'karin sjoqvist'],
    ['Dr. Hanne Lund', 'hanne lund'],
    ['Ada Quinto, PhD', 'ada quinto'],
    ['Quinto, Ada', 'ada quinto'],
    ['Dominik S.', 'dominik s'],
    ["Siobhán O’Neill-Park", "siobhan o'neill-park"],
    ['', ''],
  ])('turns %j into %j', (raw, expected) => {
    expect(normaliseName(raw)).toBe(expected);
  });
});

describe('normaliseCompany', () => {
  it.each([
    ['Northwind Analytics GmbH', 'northwind analytics'],
    ['Northwind Analytics, Inc.', 'northwind analytics'],
    ['Bosch Center for Artificial Intelligence (BCAI)', 'bosch center for artificial intelligence'],
    ['The Lumen Freight Co', 'lumen freight'],
    ['Smith & Marsh AB', 'smith and marsh'],
  ])('turns %j into %j', (raw, expected) => {
    expect(normaliseCompany(raw)).toBe(expected);
  });
});

describe('slugFromHref', () => {
  it.each([
    ['/in/ada-quinto-4b7c21/', 'ada-quinto-4b7c21'],
    ['/in/ada-quinto-4b7c21', 'ada-quinto-4b7c21'],
    ['https://www.linkedin.com/in/Ada-Quinto?miniProfileUrn=urn%3Ali%3Afs_miniProfile%3AACoAAD1x', 'ada-quinto'],
    ['https://fi.linkedin.com/in/bram-okafor?trk=public_profile_browsemap-profile', 'bram-okafor'],
    ['https://www.linkedin.com/in/cl%C3%A9o-marsh-5e2a91', 'cléo-marsh-5e2a91'],
    ['https://www.linkedin.com/in/ada-quinto-4b7c21/overlay/contact-info/', 'ada-quinto-4b7c21'],
    ['https://linkedin.com/in/pietvos/#top', 'pietvos'],
  ])('reads the public slug of %j as %j', (href, slug) => {
    expect(slugFromHref(href)).toBe(slug);
  });

  it.each([
    ['/in/ACoAAD1x2y3z4a5b6c7d8e9f0gHiJkLmNoPqRsA/'],
    ['https://www.linkedin.com/in/ACoAAD1x2y3z4a5b6c7d8e9f0gHiJkLmNoPqRsA'],
    ['https://www.linkedin.com/sales/lead/ACwAAD1x2y3z4a5b6c7d8e9f0gHiJkLmNoPqRsA,NAME_SEARCH,q7Zx'],
    ['https://www.linkedin.com/company/northwind-analytics/'],
    ['https://www.linkedin.com/login?session_redirect=https%3A%2F%2Ffi%2Elinkedin%2Ecom%2Fin%2Fada-quinto'],
    ['https://example.com/in/ada-quinto/'],
    ['https://linkedin.com.evil.example/in/ada-quinto/'],
    ['javascript:alert(1)//in/ada'],
    ['/in/'],
    [''],
    [null],
  ])('gives no slug for %j', (href) => {
    expect(slugFromHref(href)).toBeUndefined();
  });

  it('recognises member URN links so they can be matched by name instead', () => {
    expect(isMemberUrnHref('/in/ACoAAD1x2y3z4a5b6c7d8e9f0gHiJkLmNoPqRsA/')).toBe(true);
    expect(isMemberUrnHref('/in/ada-quinto-4b7c21/')).toBe(false);
  });
});

describe('personKey', () => {
  it.each([
    [{ email: 'Ada@Northwind-Analytics.example', linkedin: 'ada-quinto', name: 'Ada Quinto' }, 'email:ada@northwind-analytics.example'],
    [{ linkedin: 'Ada-Quinto', name: 'Ada Quinto' }, 'linkedin:ada-quinto'],
    [{ name: 'Ada Quinto', company: 'Northwind Analytics GmbH' }, 'name:ada quinto|northwind analytics'],
    [{ name: 'Ada Quinto' }, 'name:ada quinto|'],
    [{ linkedin: 'ACoAAD1x2y3z4a5b6c7d8e9f0gHiJkLmNoPqRsA', name: 'Ada Quinto', company: 'Northwind' }, 'name:ada quinto|northwind'],
    [{ email: 'not an address', name: 'Ada Quinto' }, 'name:ada quinto|'],
  ])('keys %j as %j (strongest evidence first)', (person, key) => {
    expect(personKey(person)).toBe(key);
  });

  it('gives no key when nothing identifies the person', () => {
    expect(personKey({ company: 'Northwind Analytics', title: 'VP Marketing' })).toBeUndefined();
    expect(personKey({ name: '🤖' })).toBeUndefined();
  });
});

describe('companyFromHeadline', () => {
  it.each([
    ['VP Marketing at Northwind Analytics | Demand generation', 'Northwind Analytics'],
    ['Senior Consultant bei Northwind Analytics GmbH', 'Northwind Analytics GmbH'],
    ['Directora de marketing en Northwind Analytics', 'Northwind Analytics'],
    ['Data Scientist @ Northwind Analytics | Forecasting', 'Northwind Analytics'],
    ['Key Account Manager – Quillon Labs', 'Quillon Labs'],
    ['Founder - Harbor Robotics', 'Harbor Robotics'],
  ])('reads the company in %j as %j', (headline, company) => {
    expect(companyFromHeadline(headline)).toBe(company);
  });

  it.each([['Researcher.'], ['Student'], [''], [undefined]])('reads no company in %j', (headline) => {
    expect(companyFromHeadline(headline)).toBeUndefined();
  });
});
