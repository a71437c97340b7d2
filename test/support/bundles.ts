/**
 * Small rule bundles for engine tests: a minimal valid project, fields, lifecycle and SLA,
 * each part replaceable, plus helpers for models, rules, leads and events.
 */
import type {
  Bundle, Condition, Event, EventTest, Lead, LifecycleFile, PersonasFile, Rule, ScoringModelFile, SlaFile,
} from '../../extension/engine/generated/rules';

/** The moment most engine tests are evaluated at: Friday 2026-11-20 12:00 UTC (13:00 in Madrid). */
export const NOW = '2026-11-20T12:00:00.000Z';
export const NOW_MS = Date.parse(NOW);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** An ISO instant `ms` milliseconds before NOW (negative: after). */
export function ago(ms: number, from: number = NOW_MS): string {
  return new Date(from - ms).toISOString();
}

export type Stage = LifecycleFile['stages'][number];
export type Persona = PersonasFile['personas'][number];
export type Commitment = SlaFile['commitments'][number];
export type Band = LifecycleFile['grade']['bands'][number];

export function whenRule(id: string, when: Condition, points: number): Rule {
  return { id, label: id, when, points };
}

export function perRule(id: string, per: EventTest, points: number, max?: number): Rule {
  return max === undefined ? { id, label: id, per, points } : { id, label: id, per, points, max };
}

export function model(id: string, rules: Rule[], extra: Partial<ScoringModelFile> = {}): ScoringModelFile {
  return { kind: 'scoring-model', id, label: id, owner: 'marketing', rules: rules as ScoringModelFile['rules'], ...extra };
}

export function persona(id: string, when: Condition): Persona {
  return { id, label: id, when };
}

export function stage(id: string, when?: Condition, manual = false): Stage {
  return { id, label: id, ...(when ? { when } : {}), ...(manual ? { manual: true } : {}) };
}

export function commitment(id: string, stageId: string, until: string | string[], within: string, warn?: string, where?: Condition): Commitment {
  return {
    id,
    label: id,
    stage: stageId,
    until: { event: until as Commitment['until']['event'], ...(where ? { where } : {}) },
    within,
    ...(warn ? { warn } : {}),
  };
}

export const MADRID_CALENDAR: SlaFile['calendar'] = {
  timezone: 'Europe/Madrid',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: { from: '09:00', to: '18:00' },
  holidays: ['2026-12-25'],
};

export interface BundleParts {
  models?: ScoringModelFile[];
  personas?: Persona[];
  stages?: Stage[];
  grade?: LifecycleFile['grade'];
  commitments?: Commitment[];
  calendar?: SlaFile['calendar'];
}

/**
 * A bundle with one stage (`subscriber`, always held), grade from score.total (A >= 80,
 * B >= 60, C >= 40, F), no personas, no models and no commitments unless given.
 */
export function makeBundle(parts: BundleParts = {}): Bundle {
  return {
    kind: 'bundle',
    format: 1,
    name: 'Test rules',
    version: '1.0.0',
    hash: `sha256-${'0'.repeat(64)}`,
    commit: null,
    project: {
      kind: 'project',
      name: 'Test rules',
      version: '1.0.0',
      timezone: 'Europe/Madrid',
      teams: {
        marketing: { label: 'Marketing', members: ['alice'] },
        sales: { label: 'Sales', members: ['carol'] },
      },
    },
    fields: {
      kind: 'fields',
      fields: {
        email: { type: 'string', label: 'Email' },
        title: { type: 'string', label: 'Job title' },
        'company.employees': { type: 'number', label: 'Employees' },
        'company.industry': { type: 'string', label: 'Industry' },
        'properties.budget_confirmed': { type: 'boolean', label: 'Budget confirmed' },
        'properties.tags': { type: 'list', label: 'Tags' },
        'properties.signed_up': { type: 'date', label: 'Signed up' },
      },
      events: {
        page_view: { label: 'Page view', props: { url: 'string' } },
        email_click: { label: 'Email click', props: { campaign: 'string' } },
        form_submit: { label: 'Form submitted', props: { form: 'string' } },
        email_sent: { label: 'Email sent' },
        call: { label: 'Call' },
        meeting_booked: { label: 'Meeting booked' },
      },
    },
    models: parts.models ?? [],
    personas: { kind: 'personas', personas: (parts.personas ?? []) as PersonasFile['personas'] },
    lifecycle: {
      kind: 'lifecycle',
      grade: parts.grade ?? {
        from: 'score.total',
        bands: [{ grade: 'A', gte: 80 }, { grade: 'B', gte: 60 }, { grade: 'C', gte: 40 }, { grade: 'F' }],
      },
      stages: (parts.stages ?? [stage('subscriber')]) as LifecycleFile['stages'],
      rejectReasons: [{ id: 'no-budget', label: 'No budget' }],
    },
    sla: { kind: 'sla', calendar: parts.calendar ?? MADRID_CALENDAR, commitments: parts.commitments ?? [] },
    mappings: [],
  };
}

export function makeLead(fields: Partial<Lead> & Record<string, unknown> = {}): Lead {
  return { id: 'lead-1', ...fields } as Lead;
}

export function event(type: string, at: string, props: Record<string, string | number | boolean | null> = {}): Event {
  return { type, at, ...props };
}
