/**
 * The weekly report's numbers (rendering is report-html.ts and report-md.ts): for one period, in
 * the rules' time zone,
 *
 * - the funnel: leads at each stage now, leads at or past it, and leads that entered it in the period;
 * - SLA compliance per commitment, over the clocks that started in the period: met, late,
 *   breached, still open; the breached leads with how late they are;
 * - each goal of sla.yaml in its own month or quarter (the one holding the period's last day):
 *   the count or conversion so far, the target, where an even pace would be by now and the pace
 *   still needed;
 * - the reps' decisions in the period: totals per rep and reject reasons by persona and by lead
 *   source (properties.lead_source).
 *
 * When a lead entered a stage is known from its outcome (the stage it is in now) and from the
 * reps' decision records (the stage on the card when they decided, and the stage an accept
 * recorded). A lead that went through a stage with no record of when is counted in the funnel
 * but not in a period's entries.
 */
import type { FeedbackRecord } from '../../extension/background/db';
import { isBusinessDuration } from '../../extension/engine/duration';
import { evaluate, type CompiledRules, type Outcome } from '../../extension/engine/index';
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { contains, dayNumber, periodDays, periodOf, zone, type Period, type Zone } from './period';

export interface FunnelRow {
  stage: string;
  label: string;
  /** Leads whose stage is this one now. */
  now: number;
  /** Leads at this stage or a later one. */
  reached: number;
  /** Leads that entered it in the period (when known). */
  entered: number;
}

export interface BreachedLead {
  leadId: string;
  name: string | null;
  owner: string | null;
  commitment: string;
  startedAt: string;
  dueAt: string;
  /** How far past the deadline: business minutes for a business-hours commitment, else wall minutes. */
  lateMinutes: number;
  businessTime: boolean;
}

export interface SlaRow {
  id: string;
  label: string;
  owner: string;
  within: string;
  started: number;
  met: number;
  late: number;
  breached: number;
  /** ok or warning: the clock still runs. */
  open: number;
  /** met / (met + late + breached); null when none is decided. */
  compliance: number | null;
  breachedLeads: BreachedLead[];
  /** Breaches still open from clocks that started before the period. */
  olderBreaches: number;
}

export type GoalStatus = 'met' | 'on-track' | 'behind' | 'no-data';

export interface GoalRow {
  id: string;
  label: string;
  owner: string;
  kind: 'count' | 'conversion';
  /** For a count: the stage; for a conversion: "from → to". */
  subject: string;
  period: Period;
  /** Share of the goal's period gone by at `now` (0..1). */
  elapsed: number;
  daysLeft: number;
  target: number;
  /** Count so far, or the conversion rate so far (null with an empty cohort). */
  actual: number | null;
  /** Conversion: converted / cohort. */
  numerator?: number;
  denominator?: number;
  /** Count goals: where an even pace would be now. */
  expectedByNow?: number;
  /** Count goals: what is still needed, and per week over the weeks left. */
  remaining?: number;
  neededPerWeek?: number;
  /** Conversion goals: more conversions needed in the cohort to reach the target rate. */
  conversionsNeeded?: number;
  status: GoalStatus;
}

export interface FeedbackTotals {
  who: string;
  accepted: number;
  rejected: number;
}

export interface CrossTab {
  /** Column keys (personas or lead sources), most frequent first. */
  columns: string[];
  rows: Array<{ reason: string; label: string; counts: Record<string, number>; total: number }>;
}

export interface WeeklyReport {
  project: string;
  rulesVersion: string;
  rulesHash: string;
  timezone: string;
  period: Period;
  now: string;
  /** The local date of `now`. */
  today: string;
  leads: number;
  funnel: FunnelRow[];
  sla: SlaRow[];
  goals: GoalRow[];
  feedback: {
    total: number;
    accepted: number;
    rejected: number;
    byRep: FeedbackTotals[];
    byPersona: CrossTab;
    bySource: CrossTab;
    /** Rules versions the reps decided under, in the period. */
    rulesVersions: Array<{ version: string; count: number }>;
    /** Decisions naming a lead that is not in the leads export. */
    unknownLeads: number;
  };
}

export interface ReportInput {
  bundle: Bundle;
  rules: CompiledRules;
  leads: readonly Lead[];
  feedback: readonly FeedbackRecord[];
  period: Period;
  now: number;
}

const NO_PERSONA = '(no persona)';
const NO_SOURCE = '(unknown)';

export function buildReport(input: ReportInput): WeeklyReport {
  const { bundle, period, now } = input;
  const timezone = bundle.project.timezone ?? bundle.sla.calendar.timezone;
  const local: Zone = zone(timezone);
  const today = local.dateOf(now);
  const stages = bundle.lifecycle.stages;
  const stageIndex = new Map(stages.map((s, i) => [s.id, i]));
  const index = (stage: string | null | undefined) => (stage == null ? -1 : (stageIndex.get(stage) ?? -1));

  const feedbackByLead = new Map<string, FeedbackRecord[]>();
  for (const record of input.feedback) {
    const list = feedbackByLead.get(record.leadId) ?? [];
    list.push(record);
    feedbackByLead.set(record.leadId, list);
  }

  const outcomes = new Map<string, { lead: Lead; outcome: Outcome }>();
  const funnel: FunnelRow[] = stages.map((s) => ({ stage: s.id, label: s.label ?? s.id, now: 0, reached: 0, entered: 0 }));
  /** Per stage: lead id -> local date it entered (known ones only). */
  const entries = stages.map(() => new Map<string, string>());
  /** Per lead: the highest stage known to be reached (outcome or an accept's recorded stage). */
  const highest = new Map<string, number>();

  const sla: SlaRow[] = bundle.sla.commitments.map((c) => ({
    id: c.id,
    label: c.label ?? c.id,
    owner: c.owner ?? bundle.sla.owner ?? 'joint',
    within: c.within,
    started: 0,
    met: 0,
    late: 0,
    breached: 0,
    open: 0,
    compliance: null,
    breachedLeads: [],
    olderBreaches: 0,
  }));
  const slaById = new Map(sla.map((row) => [row.id, row]));
  const businessTime = new Map(bundle.sla.commitments.map((c) => [c.id, isBusinessDuration(c.within)]));

  for (const lead of input.leads) {
    const outcome = evaluate(input.rules, lead, now);
    outcomes.set(lead.id, { lead, outcome });
    const current = index(outcome.stage);
    if (current >= 0) {
      funnel[current]!.now++;
      if (outcome.stageEnteredAt) entries[current]!.set(lead.id, local.dateOf(Date.parse(outcome.stageEnteredAt)));
    }
    let top = current;
    for (const record of feedbackByLead.get(lead.id) ?? []) {
      const shown = index(record.shown.stage);
      if (shown >= 0 && record.shown.stageEnteredAt && !entries[shown]!.has(lead.id)) {
        entries[shown]!.set(lead.id, local.dateOf(Date.parse(record.shown.stageEnteredAt)));
      }
      const recorded = index(record.stageRecorded);
      if (recorded >= 0) {
        if (!entries[recorded]!.has(lead.id)) entries[recorded]!.set(lead.id, local.dateOf(Date.parse(record.at)));
        top = Math.max(top, recorded);
      }
      top = Math.max(top, shown);
    }
    highest.set(lead.id, top);
    for (let i = 0; i <= top && i < funnel.length; i++) funnel[i]!.reached++;

    for (const clock of outcome.sla) {
      const row = slaById.get(clock.id);
      if (!row) continue;
      const startedInPeriod = contains(period, local.dateOf(Date.parse(clock.startedAt)));
      const startedBefore = local.dateOf(Date.parse(clock.startedAt)) < period.start;
      if (!startedInPeriod) {
        if (startedBefore && clock.state === 'breached') row.olderBreaches++;
        continue;
      }
      row.started++;
      if (clock.state === 'met') row.met++;
      else if (clock.state === 'late') row.late++;
      else if (clock.state === 'breached') {
        row.breached++;
        row.breachedLeads.push({
          leadId: lead.id,
          name: lead.name ?? null,
          owner: lead.owner ?? null,
          commitment: clock.id,
          startedAt: clock.startedAt,
          dueAt: clock.dueAt,
          lateMinutes: Math.max(0, -(clock.remainingMinutes ?? 0)),
          businessTime: businessTime.get(clock.id) ?? false,
        });
      } else row.open++;
    }
  }
  for (let i = 0; i < funnel.length; i++) {
    for (const date of entries[i]!.values()) if (contains(period, date)) funnel[i]!.entered++;
  }
  for (const row of sla) {
    const decided = row.met + row.late + row.breached;
    row.compliance = decided ? row.met / decided : null;
    row.breachedLeads.sort((a, b) => b.lateMinutes - a.lateMinutes || a.leadId.localeCompare(b.leadId));
  }

  const goals = (bundle.sla.goals ?? []).map((goal) => goalRow(goal, { period, today, now, local, entries, highest, index, owner: bundle.sla.owner ?? 'joint' }));

  // Decisions in the period.
  const inPeriod = input.feedback.filter((record) => contains(period, local.dateOf(Date.parse(record.at))));
  const reps = new Map<string, FeedbackTotals>();
  const versions = new Map<string, number>();
  const reasons = bundle.lifecycle.rejectReasons ?? [];
  const reasonLabel = new Map(reasons.map((r) => [r.id, r.label ?? r.id]));
  const byPersona = new Map<string, Map<string, number>>();
  const bySource = new Map<string, Map<string, number>>();
  let unknownLeads = 0;
  const bump = (table: Map<string, Map<string, number>>, reason: string, column: string) => {
    const row = table.get(reason) ?? new Map<string, number>();
    row.set(column, (row.get(column) ?? 0) + 1);
    table.set(reason, row);
  };
  for (const record of inPeriod) {
    const rep = reps.get(record.who) ?? { who: record.who, accepted: 0, rejected: 0 };
    if (record.decision === 'accept') rep.accepted++;
    else rep.rejected++;
    reps.set(record.who, rep);
    const version = record.rulesVersion || '(unknown)';
    versions.set(version, (versions.get(version) ?? 0) + 1);
    const known = outcomes.get(record.leadId);
    if (!known) unknownLeads++;
    if (record.decision !== 'reject' || !record.reason) continue;
    bump(byPersona, record.reason, record.shown.persona ?? NO_PERSONA);
    const source = (known?.lead.properties as Record<string, unknown> | undefined)?.lead_source;
    bump(bySource, record.reason, typeof source === 'string' && source !== '' ? source : NO_SOURCE);
  }
  const byRep = [...reps.values()].sort((a, b) => b.accepted + b.rejected - (a.accepted + a.rejected) || a.who.localeCompare(b.who));
  const accepted = byRep.reduce((n, r) => n + r.accepted, 0);
  const rejected = byRep.reduce((n, r) => n + r.rejected, 0);

  return {
    project: bundle.project.name,
    rulesVersion: bundle.version,
    rulesHash: bundle.hash ?? '',
    timezone,
    period,
    now: new Date(now).toISOString(),
    today,
    leads: input.leads.length,
    funnel,
    sla,
    goals,
    feedback: {
      total: inPeriod.length,
      accepted,
      rejected,
      byRep,
      byPersona: crossTab(byPersona, reasonLabel, reasons.map((r) => r.id)),
      bySource: crossTab(bySource, reasonLabel, reasons.map((r) => r.id)),
      rulesVersions: [...versions].map(([version, count]) => ({ version, count })).sort((a, b) => b.count - a.count),
      unknownLeads,
    },
  };
}

function crossTab(table: Map<string, Map<string, number>>, labels: Map<string, string>, order: string[]): CrossTab {
  const columnTotals = new Map<string, number>();
  for (const row of table.values()) for (const [column, n] of row) columnTotals.set(column, (columnTotals.get(column) ?? 0) + n);
  const columns = [...columnTotals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([column]) => column);
  const rank = (reason: string) => (order.includes(reason) ? order.indexOf(reason) : order.length);
  const rows = [...table]
    .map(([reason, counts]) => ({ reason, label: labels.get(reason) ?? reason, counts: Object.fromEntries(counts), total: [...counts.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || rank(a.reason) - rank(b.reason));
  return { columns, rows };
}

type Goal = NonNullable<Bundle['sla']['goals']>[number];

interface GoalContext {
  period: Period;
  today: string;
  now: number;
  local: Zone;
  entries: Array<Map<string, string>>;
  highest: Map<string, number>;
  index: (stage: string | null | undefined) => number;
  owner: string;
}

function goalRow(goal: Goal, c: GoalContext): GoalRow {
  // The goal's own period: the month or quarter holding the report period's last day.
  const goalPeriod = periodOf(goal.period, c.period.end);
  const length = periodDays(goalPeriod);
  const daysGone = Math.min(length, Math.max(0, dayNumber(c.today) - dayNumber(goalPeriod.start)));
  const elapsed = daysGone / length;
  const daysLeft = length - daysGone;
  const until = c.today < goalPeriod.end ? c.today : goalPeriod.end;
  const inGoal = (date: string) => date >= goalPeriod.start && date <= until;
  const base = { id: goal.id, label: goal.label ?? goal.id, owner: goal.owner ?? c.owner, period: goalPeriod, elapsed, daysLeft, target: goal.target };
  if (goal.count) {
    const stage = c.index(goal.count.stage);
    const actual = stage < 0 ? 0 : [...c.entries[stage]!.values()].filter(inGoal).length;
    const expectedByNow = goal.target * elapsed;
    const remaining = Math.max(0, goal.target - actual);
    const weeksLeft = daysLeft / 7;
    const status: GoalStatus = actual >= goal.target ? 'met' : actual >= expectedByNow ? 'on-track' : 'behind';
    return {
      ...base,
      kind: 'count',
      subject: goal.count.stage,
      actual,
      expectedByNow,
      remaining,
      neededPerWeek: remaining > 0 && weeksLeft > 0 ? remaining / weeksLeft : remaining > 0 ? Number.POSITIVE_INFINITY : 0,
      status,
    };
  }
  const conversion = goal.conversion ?? { from: '', to: '' };
  const from = c.index(conversion.from);
  const to = c.index(conversion.to);
  const cohort = from < 0 ? [] : [...c.entries[from]!].filter(([, date]) => inGoal(date)).map(([id]) => id);
  const converted = cohort.filter((id) => (c.highest.get(id) ?? -1) >= to).length;
  const actual = cohort.length ? converted / cohort.length : null;
  const conversionsNeeded = Math.max(0, Math.ceil(goal.target * cohort.length - 1e-9) - converted);
  const status: GoalStatus = actual === null ? 'no-data' : actual >= goal.target ? 'met' : 'behind';
  return { ...base, kind: 'conversion', subject: `${conversion.from} → ${conversion.to}`, actual, numerator: converted, denominator: cohort.length, conversionsNeeded, status };
}
