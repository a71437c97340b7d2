import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileRules, evaluate, type Outcome } from '../extension/engine/index';
import type { Bundle, Lead } from '../extension/engine/generated/rules';
import generateLeadsCommand from '../scripts/commands/generate-leads';
import { generateLeads, MAX_EVENTS_PER_LEAD } from '../scripts/lib/lead-generator';
import { loadRules } from '../scripts/lib/rules-repo';
import { dirSource } from '../scripts/lib/rules-source';
import { validateWithSchema } from '../scripts/lib/schema-validator';

const repo = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = path.join(repo, 'rules/samples/leads.jsonl');
/** The defaults of `leadpact generate-leads`, and the moment rules/tests and the demo use. */
const NOW = '2026-11-20T12:00:00Z';

describe('generateLeads', () => {
  it('gives the same leads for the same seed, and lead i whatever the count', () => {
    const first = [...generateLeads({ seed: 7, count: 40, now: NOW })];
    expect([...generateLeads({ seed: 7, count: 40, now: NOW })]).toEqual(first);
    expect([...generateLeads({ seed: 7, count: 10, now: NOW })]).toEqual(first.slice(0, 10));
    const other = [...generateLeads({ seed: 8, count: 40, now: NOW })];
    expect(other.filter((lead, i) => JSON.stringify(lead) === JSON.stringify(first[i]))).toEqual([]);
  });

  it('refuses a seed or count that is not a whole number, and a bad now', () => {
    expect(() => generateLeads({ seed: 1.5, count: 1, now: NOW }).next()).toThrow(/seed/);
    expect(() => generateLeads({ seed: 1, count: -1, now: NOW }).next()).toThrow(/count/);
    expect(() => generateLeads({ seed: 1, count: 1, now: 'yesterday' }).next()).toThrow(/not a date/);
  });

  it('reads a now without a zone as UTC, whatever the machine\'s zone', () => {
    const utc = [...generateLeads({ seed: 3, count: 5, now: '2026-11-20T12:00:00Z' })];
    const previous = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: Date.parse would move the zone-less time by 14 hours
    try {
      expect([...generateLeads({ seed: 3, count: 5, now: '2026-11-20T12:00:00' })]).toEqual(utc);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});

describe('the committed sample lead set', () => {
  let leads: Lead[];
  let outcomes: Outcome[];
  let bundle: Bundle;

  beforeAll(async () => {
    const text = await readFile(SAMPLE, 'utf8');
    leads = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Lead);
    const loaded = await loadRules(dirSource(repo));
    if (!loaded.bundle) throw new Error(`the sample rules do not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
    bundle = loaded.bundle;
    const rules = compileRules(bundle);
    outcomes = leads.map((lead) => evaluate(rules, lead, NOW));
  });

  describe('drift', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'leadpact-generator-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('is exactly what generate-leads writes with its defaults (run it and commit the file when the generator changes)', async () => {
      const out = path.join(dir, 'leads.jsonl');
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(await generateLeadsCommand(['--out', out])).toBe(0);
      } finally {
        vi.restoreAllMocks();
      }
      const [fresh, committed] = await Promise.all([readFile(out), readFile(SAMPLE)]);
      expect(fresh.length).toBe(committed.length);
      expect(fresh.equals(committed)).toBe(true);
    });
  });

  it('holds 2,000 lead records that match schema/lead.schema.json, with 0 to 60 events each', () => {
    expect(leads).toHaveLength(2000);
    expect(new Set(leads.map((lead) => lead.id)).size).toBe(2000);
    const asTests = { kind: 'tests', now: NOW, cases: leads.map((lead) => ({ name: lead.id, lead, expect: { stage: 'lead' } })) };
    expect(validateWithSchema('tests', asTests)).toEqual([]);
    const counts = leads.map((lead) => lead.events?.length ?? 0);
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBe(MAX_EVENTS_PER_LEAD);
  });

  it('invents every company: work addresses are on .example or .test domains', () => {
    const freeMail = /@(gmail\.com|outlook\.com|hotmail\.com|yahoo\.com|icloud\.com|proton\.me|gmx\.de)$/;
    const emails = leads.flatMap((lead) => [lead.email, ...(lead.emails ?? [])]).filter((e): e is string => typeof e === 'string');
    expect(emails.filter((e) => !freeMail.test(e) && !/\.(example|test)$/.test(e))).toEqual([]);
    expect(leads.filter((lead) => lead.company?.domain && !/\.(example|test)$/.test(lead.company.domain))).toEqual([]);
  });

  it('reaches every stage and every persona (and no persona), in a funnel that narrows', () => {
    const stages = tally(outcomes.map((o) => o.stage ?? 'none'));
    for (const stage of bundle.lifecycle.stages) expect(stages.get(stage.id) ?? 0, `stage ${stage.id}`).toBeGreaterThan(0);
    const personas = tally(outcomes.map((o) => o.persona ?? 'none'));
    for (const persona of bundle.personas.personas) expect(personas.get(persona.id) ?? 0, `persona ${persona.id}`).toBeGreaterThan(0);
    expect(personas.get('none') ?? 0).toBeGreaterThan(0);

    const count = (id: string) => stages.get(id) ?? 0;
    const beforeMql = count('subscriber') + count('lead');
    expect(count('mql')).toBeLessThan(beforeMql);
    expect(count('sal')).toBeLessThan(count('mql'));
    expect(count('sql')).toBeLessThan(count('mql'));
    expect(count('customer')).toBeLessThan(count('sql') + count('opportunity'));
  });

  it('shows every SLA state, and every grade', () => {
    const states = tally(outcomes.flatMap((o) => o.sla.map((s) => s.state)));
    for (const state of ['ok', 'warning', 'breached', 'met', 'late']) expect(states.get(state) ?? 0, `SLA ${state}`).toBeGreaterThan(0);
    const grades = tally(outcomes.map((o) => o.grade ?? 'none'));
    for (const band of bundle.lifecycle.grade.bands) expect(grades.get(band.grade) ?? 0, `grade ${band.grade}`).toBeGreaterThan(0);
  });

  it('makes every scoring rule fire for some lead', () => {
    const fired = new Set(outcomes.flatMap((o) => o.fired.map((f) => `${f.model}/${f.rule}`)));
    const never = bundle.models.flatMap((model) => model.rules.map((rule) => `${model.id}/${rule.id}`)).filter((id) => !fired.has(id));
    expect(never).toEqual([]);
  });
});

function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
