import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../extension/background/db';
import type { Lead } from '../../extension/engine/generated/rules';
import { runCalibrate } from '../../scripts/commands/calibrate';
import { runGenerateHistory } from '../../scripts/commands/generate-history';
import type { CalibrationReport } from '../../scripts/lib/calibrate';
import { TextSink } from '../support/text-sink';

const NOW = '2026-11-20T12:00:00Z';
let dir: string;
let leads: Lead[];
let feedback: FeedbackRecord[];
let truths: { useful: string[]; useless: string[]; harmful: string[] };
let report: CalibrationReport;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'leadpact-history-'));
  const out = new TextSink();
  const err = new TextSink();
  expect(await runGenerateHistory(['--out', dir, '--now', NOW], { stdout: out, stderr: err, cwd: process.cwd() })).toBe(0);
  expect(err.text).toBe('');
  const lines = async (name: string) => (await readFile(path.join(dir, name), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
  leads = await lines('leads.jsonl');
  feedback = await lines('feedback.jsonl');
  truths = JSON.parse(await readFile(path.join(dir, 'truths.json'), 'utf8'));
  const json = new TextSink();
  expect(await runCalibrate(['--leads', path.join(dir, 'leads.jsonl'), '--outcome', 'properties.converted', '--now', NOW, '--format', 'json'], { stdout: json, stderr: new TextSink(), cwd: process.cwd() })).toBe(0);
  report = JSON.parse(json.text);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const verdict = (key: string) => report.rules.find((rule) => `${rule.model}/${rule.rule}` === key)?.verdict;

describe('sample history with planted truths', () => {
  it('gives every sample lead a true/false outcome', () => {
    expect(leads).toHaveLength(2000);
    expect(leads.every((lead) => typeof (lead.properties as Record<string, unknown> | undefined)?.converted === 'boolean')).toBe(true);
    const converted = leads.filter((lead) => (lead.properties as Record<string, unknown> | undefined)?.converted === true).length;
    expect(converted).toBeGreaterThan(100);
    expect(converted).toBeLessThan(600);
  });

  it('calibrate finds every planted useful rule useful', () => {
    expect(truths.useful.length).toBeGreaterThanOrEqual(2);
    for (const rule of truths.useful) expect([rule, verdict(rule)]).toEqual([rule, 'useful']);
  });

  it('calibrate finds the planted harmful rule wrong-direction and ranks it first among its suggestions', () => {
    expect(truths.harmful).toHaveLength(1);
    expect(verdict(truths.harmful[0]!)).toBe('wrong-direction');
    expect(report.suggestions[0]).toMatchObject({ kind: 'wrong-direction', subject: truths.harmful[0] });
  });

  it('calibrate calls no other rule wrong-direction, although several fire alongside the harmful one', () => {
    expect(report.rules.filter((rule) => rule.verdict === 'wrong-direction').map((rule) => `${rule.model}/${rule.rule}`)).toEqual(truths.harmful);
    // Email opens fire with content downloads: on their own they look harmful, with it held fixed they do not.
    const opens = report.rules.find((rule) => rule.rule === 'email-opens')!;
    expect(opens.z!).toBeLessThan(-1.96);
    expect(Math.abs(opens.adjustedZ!)).toBeLessThan(1.96);
  });

  it('calibrate never calls a planted useless rule useful or harmful, and shows most of them without signal', () => {
    for (const rule of truths.useless) {
      expect(['no-signal', 'unclear']).toContain(verdict(rule));
      const stats = report.rules.find((r) => `${r.model}/${r.rule}` === rule)!;
      expect(Math.abs(stats.lift! - 1)).toBeLessThan(0.12);
    }
    expect(truths.useless.filter((rule) => verdict(rule) === 'no-signal').length).toBeGreaterThanOrEqual(2);
  });

  it('writes feedback records in the extension shape, over several weeks, with lifecycle reasons', () => {
    expect(feedback.length).toBeGreaterThan(100);
    const reasons = new Set(['no-budget', 'wrong-persona', 'bad-timing', 'competitor', 'student-or-job-seeker', 'existing-customer', 'duplicate', 'not-reachable', 'no-data-team']);
    const ids = new Set(leads.map((lead) => lead.id));
    for (const record of feedback) {
      expect(Object.keys(record).sort()).toEqual(['at', 'decision', 'leadId', 'reason', 'rulesHash', 'rulesVersion', 'shown', 'stageRecorded', 'who'].sort());
      expect(ids.has(record.leadId)).toBe(true);
      if (record.decision === 'reject') {
        expect(reasons.has(record.reason!)).toBe(true);
        expect(record.stageRecorded).toBeNull();
      } else {
        expect(record.reason).toBeNull();
        expect(record.stageRecorded).toBe('sal');
      }
      expect(Date.parse(record.at)).toBeLessThan(Date.parse(NOW));
    }
    const weeks = new Set(feedback.map((record) => Math.floor((Date.parse(NOW) - Date.parse(record.at)) / (7 * 86_400_000))));
    expect(weeks.size).toBeGreaterThanOrEqual(6);
    expect(new Set(feedback.filter((r) => r.decision === 'reject').map((r) => r.reason)).size).toBeGreaterThanOrEqual(4);
  });

  it('records an accepted MQL at sal on the written lead, at the moment of the decision', () => {
    const accepted = feedback.filter((r) => r.decision === 'accept');
    const byId = new Map(leads.map((lead) => [lead.id, lead]));
    const recorded = accepted.filter((r) => byId.get(r.leadId)!.stage === 'sal' && byId.get(r.leadId)!.stageEnteredAt === r.at);
    expect(recorded.length).toBeGreaterThan(50);
  });

  it('is the same for the same seed', async () => {
    const again = await mkdtemp(path.join(tmpdir(), 'leadpact-history-'));
    try {
      expect(await runGenerateHistory(['--out', again, '--now', NOW], { stdout: new TextSink(), stderr: new TextSink(), cwd: process.cwd() })).toBe(0);
      for (const name of ['leads.jsonl', 'feedback.jsonl']) {
        expect(await readFile(path.join(again, name), 'utf8')).toBe(await readFile(path.join(dir, name), 'utf8'));
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  }, 60_000);
});
