// `evaluate(..., { clocks: false })` (used by `leadpact diff`) must give the same scores, grade,
// persona, stage and fired rules as a full evaluation, and only leave out the clocks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Lead } from '../../extension/engine/generated/rules';
import { compileRules, evaluate } from '../../extension/engine/index';
import { dirSource } from '../../scripts/lib/rules-source';
import { loadRules } from '../../scripts/lib/rules-repo';
import { repoRoot } from '../../scripts/lib/paths';

const NOW = Date.parse('2026-11-20T12:00:00Z');

describe('evaluate with clocks: false', () => {
  it('agrees with the full evaluation on the sample leads, without stage entry and SLA', async () => {
    const { bundle } = await loadRules(dirSource(repoRoot));
    const rules = compileRules(bundle!);
    const leads = readFileSync(new URL('../../rules/samples/leads.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 600)
      .map((line) => JSON.parse(line) as Lead);
    let withClocks = 0;
    for (const lead of leads) {
      const full = evaluate(rules, lead, NOW);
      const quick = evaluate(rules, lead, NOW, { clocks: false });
      const { stageEnteredAt, sla, ...rest } = full;
      expect(quick).toEqual({ ...rest, stageEnteredAt: null, sla: [] });
      if (stageEnteredAt !== null && sla.length) withClocks++;
    }
    // The sample really exercises what the option leaves out.
    expect(withClocks).toBeGreaterThan(50);
  });
});
