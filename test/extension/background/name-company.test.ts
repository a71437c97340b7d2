// People found by name plus company (LinkedIn messaging and Sales Navigator show no address and
// often no public slug): the company's legal form may be written with dots on one side and
// without on the other, and leads stored before dotted initials were folded are still found.
import './fake-env';
import { afterEach, describe, expect, test } from 'vitest';
import { LeadStore } from '../../../extension/background/store';
import { nameCompanyKey, nameCompanyLookupKeys } from '../../../extension/background/keys';
import { bob, freshDatabaseName } from './support';

const opened: LeadStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

async function storeWith(company: string): Promise<LeadStore> {
  const store = await LeadStore.open(freshDatabaseName());
  opened.push(store);
  await store.replaceLeads([bob({ id: 'lead-lucia', email: undefined, linkedin: undefined, name: 'Lucía Pérez', company: { name: company } })], { source: 'file', name: 'leads.jsonl' });
  return store;
}

const byName = (company: string) => ({ key: 'p', name: 'Lucia Perez', company });

describe('name plus company', () => {
  test('reads dotted initials as one word, so the legal form folds away either way it is written', () => {
    expect(nameCompanyKey('Lucía Pérez', 'Café Société, S.A.')).toBe('lucia perez|cafe societe');
    expect(nameCompanyKey('Lucía Pérez', 'Café Société SA')).toBe('lucia perez|cafe societe');
    expect(nameCompanyKey('Bram', 'Lumen Freight B.V.')).toBe('bram|lumen freight');
    expect(nameCompanyKey('Bram', 'Tiny S.L.U.')).toBe('bram|tiny');
    // Initials that are the name itself stay (a name is never folded away to nothing).
    expect(nameCompanyKey('Ada', 'A.B.C.')).toBe('ada|abc');
    expect(nameCompanyKey('Ada', 'U.S. Data Co.')).toBe('ada|us data');
  });

  test('asks for the key leads stored before carry only when it differs', () => {
    expect(nameCompanyLookupKeys('Ada', 'Acme SA')).toEqual(['ada|acme']);
    expect(nameCompanyLookupKeys('Ada', 'Acme S.A.')).toEqual(['ada|acme', 'ada|acme s a']);
    expect(nameCompanyLookupKeys('Ada', null)).toEqual([]);
  });

  test('finds a lead stored as "SA" from a page that writes "S.A.", and the other way round', async () => {
    expect((await (await storeWith('Café Société SA')).findPeople([byName('Café Société, S.A.')])).get('p')?.stored?.id).toBe('lead-lucia');
    expect((await (await storeWith('Café Société, S.A.')).findPeople([byName('Café Société SA')])).get('p')?.stored?.id).toBe('lead-lucia');
  });

  test('finds a lead whose stored key predates the folding of dotted initials', async () => {
    const store = await storeWith('Café Société, S.A.');
    // Rewrite the stored key the way an older version wrote it.
    const live = (await store.liveStore());
    const stored = (await store.db.get(live, 'lead-lucia'))!;
    await store.db.put(live, { ...stored, nameCompany: 'lucia perez|cafe societe s a' });
    expect((await store.findPeople([byName('Café Société, S.A.')])).get('p')?.stored?.id).toBe('lead-lucia');
  });
});
