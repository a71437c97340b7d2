/**
 * The invented people of the e2e pages. Dates are relative to the run (the extension scores with
 * the real clock), so the MQLs stay MQLs whatever the day. Every value marked STORE_ONLY appears
 * only in the lead store, never on the pages: finding one in a page-visible attribute or in the
 * light DOM would mean lead data leaked out of the closed badge.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lead } from '../../../extension/engine/generated/rules';

export const PEOPLE = {
  /** MQL (demo request, strong fit): accepted in the Gmail test. */
  ada: { name: 'Ada Quinto', email: 'ada.quinto@northwind-analytics.example', linkedin: 'ada-quinto-4b7c21', company: 'Northwind Analytics' },
  /** MQL (demo request, strong fit): rejected in the Gmail test. */
  dara: { name: 'Dara Lindqvist', email: 'dara.lindqvist@fjordmetrics.example', linkedin: 'dara-lindqvist', company: 'Fjord Metrics' },
  /** Known lead, only a newsletter reader (not an MQL). */
  bram: { name: 'Bram Okafor', email: 'bram.okafor@lumenfreight.example', linkedin: 'bram-okafor', company: 'Lumen Freight' },
  /** Not in the store: gets the neutral estimate badge. */
  cleo: { name: 'Cleo Marsh', email: 'cleo.marsh@harbor-robotics.example', linkedin: 'cleo-marsh-5e2a91', company: 'Harbor Robotics' },
  /** The mailbox owner: never badged. */
  owner: { name: 'Jonas Weber', email: 'jonas.weber@quillon.example' },
} as const;

/** Strings that exist only in the store (ids, titles not shown on any page). */
export const STORE_ONLY = ['e2e-ada-71c3', 'e2e-dara-52b9', 'e2e-bram-08d4', 'Zephyr Platform', 'Kestrel Insights'];

const DAY = 86_400_000;

export function fixtureLeads(now: number): Lead[] {
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
  return [
    {
      id: 'e2e-ada-71c3',
      email: PEOPLE.ada.email,
      linkedin: PEOPLE.ada.linkedin,
      name: PEOPLE.ada.name,
      title: 'VP Data Zephyr Platform',
      company: { name: PEOPLE.ada.company, domain: 'northwind-analytics.example', employees: 1200, industry: 'software', country: 'DE', revenue: 90_000_000 },
      createdAt: at(40),
      events: [
        { type: 'page_view', at: at(6), url: 'https://www.quillstack.example/pricing' },
        { type: 'content_download', at: at(5), asset: 'observability-guide' },
        { type: 'demo_requested', at: at(1) },
      ],
    },
    {
      id: 'e2e-dara-52b9',
      email: PEOPLE.dara.email,
      linkedin: PEOPLE.dara.linkedin,
      name: PEOPLE.dara.name,
      title: 'Head of Analytics Kestrel Insights',
      company: { name: PEOPLE.dara.company, domain: 'fjordmetrics.example', employees: 450, industry: 'fintech', country: 'SE' },
      createdAt: at(30),
      events: [
        { type: 'webinar_attended', at: at(4), webinar: 'data-contracts' },
        { type: 'demo_requested', at: at(2) },
      ],
    },
    {
      id: 'e2e-bram-08d4',
      email: PEOPLE.bram.email,
      linkedin: PEOPLE.bram.linkedin,
      name: PEOPLE.bram.name,
      title: 'Head of Growth',
      company: { name: PEOPLE.bram.company, domain: 'lumenfreight.example', employees: 60, industry: 'logistics', country: 'NL' },
      createdAt: at(90),
      events: [{ type: 'email_open', at: at(20), campaign: 'monthly-digest' }],
    },
  ] as Lead[];
}

/** Writes the leads as JSONL (the options page's "Import leads" input) and returns the path. */
export function writeLeadsFile(dir: string, now: number): string {
  const path = join(dir, 'leads.jsonl');
  writeFileSync(path, fixtureLeads(now).map((lead) => JSON.stringify(lead)).join('\n') + '\n');
  return path;
}
