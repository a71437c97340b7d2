/**
 * The impact of a rules change on a set of leads: every lead scored by the base rules and by the
 * new rules at the same `now`, summed up as stage, persona and grade moves, score distributions
 * per model, and the leads that move most with the rules that explain their move.
 *
 * When the SLA definitions differ, the clocks are run too (stage entry replay and SLA states, a
 * dearer evaluation) and the impact counts each commitment's clocks by state under both rule sets.
 *
 * One pass, streaming: only the scores (numbers, for percentiles) and the few top movers are kept,
 * so 100k leads never sit in memory as objects.
 */
import type { Bundle, Lead } from '../../extension/engine/generated/rules';
import { compileRules, evaluate, type CompiledRules, type EvaluateOptions, type Fired, type Outcome } from '../../extension/engine/index';
import { parseLeadRecord } from '../../extension/engine/lead-record';
import { canonicalJson } from './canonical-json';
import { CliError } from './command';
import { InputReadError, parseJsonLine, type InputFormat } from './lead-input';
import { exportFormat, openInputFile, openNamedExport, readLeadRecords } from './lead-source';

const NO_CLOCKS: EvaluateOptions = { clocks: false };

/** "No stage", "no persona", "no grade" in matrices (a lead the rules do not place). */
export const NONE = '(none)';
/** The column of leads the base could not score: the base had no (valid) rules. */
export const NO_RULES = '(no rules)';

export interface ScoreStats {
  count: number;
  mean: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export interface Histogram {
  /** Lower bounds of the buckets; the bucket holds lo <= score < next lo (the last one is closed). */
  bounds: number[];
  width: number;
  before: number[] | null;
  after: number[];
}

export interface ModelShift {
  model: string;
  label: string;
  before: ScoreStats | null;
  after: ScoreStats | null;
  /** Leads whose score for this model changed. */
  changed: number;
  histogram: Histogram;
}

export interface FiredDifference {
  model: string;
  rule: string;
  before: number | null;
  after: number | null;
}

export interface Mover {
  id: string;
  before: Pick<Outcome, 'score' | 'stage' | 'grade' | 'persona'> | null;
  after: Pick<Outcome, 'score' | 'stage' | 'grade' | 'persona'>;
  delta: number;
  fired: FiredDifference[];
}

/** One SLA commitment's clocks on the leads, by state (ok, warning, breached, met, late). */
export interface SlaShift {
  commitment: string;
  label: string;
  /** null: the base rules have no such commitment. */
  before: Record<string, number> | null;
  /** null: the new rules have no such commitment. */
  after: Record<string, number> | null;
}

export interface Impact {
  now: string;
  leads: number;
  /** false when the base had no rules to score with (every lead comes from NO_RULES). */
  compared: boolean;
  /** from → to → count, only cells with leads; ordered by the stage order in the rules. */
  stages: Matrix;
  personas: Matrix;
  grades: Matrix;
  models: ModelShift[];
  /** Leads whose outcome (any score, stage, grade or persona) changed. */
  changedLeads: number;
  movers: Mover[];
  /**
   * The SLA clocks, when the SLA definitions changed (null when they did not, or without a base):
   * per commitment, then how many leads' clocks changed (state or due time).
   */
  sla: { commitments: SlaShift[]; changedLeads: number } | null;
}

export interface Matrix {
  /** Row and column labels in display order. */
  order: string[];
  cells: Array<{ from: string; to: string; count: number }>;
  /** Leads whose value changed. */
  moved: number;
}

/** An accumulator's state as plain data (structured-clone safe), for merging parallel runs. */
export interface ImpactPart {
  count: number;
  changed: number;
  stageCells: Array<[string, number]>;
  personaCells: Array<[string, number]>;
  gradeCells: Array<[string, number]>;
  scoresBefore: Record<string, Float64Array>;
  scoresAfter: Record<string, Float64Array>;
  changedPerModel: Record<string, number>;
  movers: Array<{ rank: [number, number]; id: string; mover: Mover }>;
  /** `before|after \0 commitment \0 state` → leads; empty without clocks. */
  slaCells: Array<[string, number]>;
  slaChanged: number;
}

export interface ImpactOptions {
  now: number;
  /** How many top movers to keep (default 10). */
  topMovers?: number;
}

/** Scores leads under both rule sets one at a time; `result()` summarises. */
export class ImpactAccumulator {
  private readonly before: CompiledRules | null;
  private readonly after: CompiledRules;
  private readonly now: number;
  private readonly top: number;
  private readonly stageCells = new Map<string, number>();
  private readonly personaCells = new Map<string, number>();
  private readonly gradeCells = new Map<string, number>();
  private readonly models: string[];
  private readonly scoresBefore = new Map<string, number[]>();
  private readonly scoresAfter = new Map<string, number[]>();
  private readonly changedPerModel = new Map<string, number>();
  private readonly stageRank: Map<string, number>;
  private readonly moverList: Array<{ rank: [number, number]; mover: () => Mover; id: string }> = [];
  private readonly bundles: { before: Bundle | null; after: Bundle };
  private count = 0;
  private changed = 0;
  /** Whether the SLA definitions differ, so the clocks are run and compared. */
  private readonly clocks: boolean;
  private readonly slaCells = new Map<string, number>();
  private slaChanged = 0;

  constructor(before: Bundle | null, after: Bundle, options: ImpactOptions) {
    this.before = before ? compileRules(before) : null;
    this.after = compileRules(after);
    this.now = options.now;
    this.top = options.topMovers ?? 10;
    const ids = new Set<string>(['total']);
    for (const bundle of [before, after]) for (const model of bundle?.models ?? []) ids.add(model.id);
    this.models = [...ids];
    for (const id of this.models) {
      this.scoresBefore.set(id, []);
      this.scoresAfter.set(id, []);
      this.changedPerModel.set(id, 0);
    }
    this.stageRank = new Map(after.lifecycle.stages.map((stage, index) => [stage.id, index + 1]));
    this.bundles = { before, after };
    this.clocks = before !== null && clockRules(before) !== clockRules(after);
  }

  add(lead: Lead): void {
    this.count++;
    // Scores, grades, personas and stages need no clocks (stage entry replay, SLA); a changed SLA does.
    const options = this.clocks ? undefined : NO_CLOCKS;
    const a = evaluate(this.after, lead, this.now, options);
    const b = this.before ? evaluate(this.before, lead, this.now, options) : null;
    if (this.clocks && b) {
      for (const state of b.sla) bump(this.slaCells, `before\u0000${state.id}\u0000${state.state}`);
      for (const state of a.sla) bump(this.slaCells, `after\u0000${state.id}\u0000${state.state}`);
      const clock = (o: Outcome) => o.sla.map((state) => `${state.id} ${state.state} ${state.dueAt}`).join('\n');
      if (clock(a) !== clock(b)) this.slaChanged++;
    }
    bump(this.stageCells, cell(b ? b.stage : undefined, a.stage));
    bump(this.personaCells, cell(b ? b.persona : undefined, a.persona));
    bump(this.gradeCells, cell(b ? b.grade : undefined, a.grade));
    let differs = !b || b.stage !== a.stage || b.persona !== a.persona || b.grade !== a.grade;
    for (const model of this.models) {
      const after = a.score[model];
      const before = b?.score[model];
      if (after !== undefined) this.scoresAfter.get(model)!.push(after);
      if (before !== undefined) this.scoresBefore.get(model)!.push(before);
      if (b && before !== after) {
        this.changedPerModel.set(model, this.changedPerModel.get(model)! + 1);
        differs = true;
      }
    }
    if (differs) this.changed++;
    if (b && differs) this.considerMover(lead.id, b, a);
  }

  /** Largest stage jump first, then the largest change of the total score, then id. */
  private considerMover(id: string, b: Outcome, a: Outcome): void {
    const stageJump = Math.abs((this.stageRank.get(a.stage ?? '') ?? 0) - (this.stageRank.get(b.stage ?? '') ?? 0));
    const delta = Math.abs((a.score.total ?? 0) - (b.score.total ?? 0));
    this.insertMover([stageJump, delta], id, () => toMover(id, b, a));
  }

  private insertMover(rank: [number, number], id: string, mover: () => Mover): void {
    const list = this.moverList;
    if (this.top === 0) return;
    if (list.length >= this.top) {
      const last = list[list.length - 1]!;
      if (compareRank(rank, id, last.rank, last.id) >= 0) return;
      list.pop();
    }
    let index = list.findIndex((entry) => compareRank(rank, id, entry.rank, entry.id) < 0);
    if (index === -1) index = list.length;
    list.splice(index, 0, { rank, mover, id });
  }

  /** What this accumulator has seen, as plain data (sent from a worker thread to be merged). */
  part(): ImpactPart {
    const record = (map: Map<string, number[]>) => Object.fromEntries([...map].map(([k, v]) => [k, Float64Array.from(v)]));
    return {
      count: this.count,
      changed: this.changed,
      stageCells: [...this.stageCells],
      personaCells: [...this.personaCells],
      gradeCells: [...this.gradeCells],
      scoresBefore: record(this.scoresBefore),
      scoresAfter: record(this.scoresAfter),
      changedPerModel: Object.fromEntries(this.changedPerModel),
      movers: this.moverList.map((entry) => ({ rank: entry.rank, id: entry.id, mover: entry.mover() })),
      slaCells: [...this.slaCells],
      slaChanged: this.slaChanged,
    };
  }

  /** Adds another accumulator's part (same rule sets, other leads). */
  absorb(part: ImpactPart): void {
    this.count += part.count;
    this.changed += part.changed;
    for (const [map, cells] of [[this.stageCells, part.stageCells], [this.personaCells, part.personaCells], [this.gradeCells, part.gradeCells]] as const) {
      for (const [key, n] of cells) map.set(key, (map.get(key) ?? 0) + n);
    }
    for (const model of this.models) {
      for (const v of part.scoresBefore[model] ?? []) this.scoresBefore.get(model)!.push(v);
      for (const v of part.scoresAfter[model] ?? []) this.scoresAfter.get(model)!.push(v);
      this.changedPerModel.set(model, this.changedPerModel.get(model)! + (part.changedPerModel[model] ?? 0));
    }
    for (const { rank, id, mover } of part.movers) this.insertMover(rank, id, () => mover);
    for (const [key, n] of part.slaCells) this.slaCells.set(key, (this.slaCells.get(key) ?? 0) + n);
    this.slaChanged += part.slaChanged;
  }

  result(): Impact {
    const stageOrder = [NO_RULES, NONE, ...this.bundles.after.lifecycle.stages.map((s) => s.id)];
    const baseStages = this.bundles.before?.lifecycle.stages.map((s) => s.id) ?? [];
    for (const id of baseStages) if (!stageOrder.includes(id)) stageOrder.push(id);
    const personaOrder = [NO_RULES, ...this.bundles.after.personas.personas.map((p) => p.id)];
    for (const p of this.bundles.before?.personas.personas ?? []) if (!personaOrder.includes(p.id)) personaOrder.push(p.id);
    personaOrder.push(NONE);
    const gradeOrder = [NO_RULES, ...this.bundles.after.lifecycle.grade.bands.map((b) => b.grade)];
    for (const band of this.bundles.before?.lifecycle.grade.bands ?? []) if (!gradeOrder.includes(band.grade)) gradeOrder.push(band.grade);
    gradeOrder.push(NONE);

    const labels = new Map<string, string>([['total', 'Total']]);
    const limits = new Map<string, { min?: number; max?: number }>();
    for (const bundle of [this.bundles.before, this.bundles.after]) {
      for (const model of bundle?.models ?? []) {
        labels.set(model.id, model.label);
        limits.set(model.id, { min: model.min, max: model.max });
      }
    }
    const models = this.models.map((model): ModelShift => {
      const before = this.before ? this.scoresBefore.get(model)! : null;
      const after = this.scoresAfter.get(model)!;
      return {
        model,
        label: labels.get(model) ?? model,
        before: before && before.length ? stats(before) : null,
        after: after.length ? stats(after) : null,
        changed: this.changedPerModel.get(model)!,
        histogram: histogram(before, after, limits.get(model)),
      };
    });
    return {
      now: new Date(this.now).toISOString(),
      leads: this.count,
      compared: this.before !== null,
      stages: matrix(this.stageCells, stageOrder),
      personas: matrix(this.personaCells, personaOrder),
      grades: matrix(this.gradeCells, gradeOrder),
      models,
      changedLeads: this.changed,
      movers: this.moverList.map((entry) => entry.mover()),
      sla: this.clocks ? { commitments: this.slaShifts(), changedLeads: this.slaChanged } : null,
    };
  }

  private slaShifts(): SlaShift[] {
    const before = this.bundles.before?.sla?.commitments ?? [];
    const after = this.bundles.after.sla?.commitments ?? [];
    const ids = [...after.map((c) => c.id), ...before.map((c) => c.id).filter((id) => !after.some((c) => c.id === id))];
    const counts = (side: 'before' | 'after', id: string, exists: boolean): Record<string, number> | null => {
      if (!exists) return null;
      const out: Record<string, number> = {};
      for (const state of SLA_STATES) out[state] = this.slaCells.get(`${side}\u0000${id}\u0000${state}`) ?? 0;
      return out;
    };
    return ids.map((id) => ({
      commitment: id,
      label: after.find((c) => c.id === id)?.label ?? before.find((c) => c.id === id)?.label ?? id,
      before: counts('before', id, before.some((c) => c.id === id)),
      after: counts('after', id, after.some((c) => c.id === id)),
    }));
  }
}

/** SLA states in the order a report shows them. */
export const SLA_STATES = ['ok', 'warning', 'breached', 'met', 'late'] as const;

/**
 * What the SLA clocks depend on, comparable across two rule sets: the calendar and the
 * commitments without their words (key order, labels, descriptions and goals change no clock).
 */
function clockRules(bundle: Bundle): string {
  const commitments = (bundle.sla?.commitments ?? []).map(({ label: _label, description: _description, ...rest }) => rest);
  return canonicalJson({ calendar: bundle.sla?.calendar ?? null, commitments });
}

function compareRank(a: [number, number], aId: string, b: [number, number], bId: string): number {
  return b[0] - a[0] || b[1] - a[1] || (aId < bId ? -1 : aId > bId ? 1 : 0);
}

function toMover(id: string, b: Outcome, a: Outcome): Mover {
  const pick = (o: Outcome) => ({ score: o.score, stage: o.stage, grade: o.grade, persona: o.persona });
  return { id, before: pick(b), after: pick(a), delta: (a.score.total ?? 0) - (b.score.total ?? 0), fired: firedDifferences(b.fired, a.fired) };
}

/** The rules whose contribution differs between two outcomes, largest change first. */
export function firedDifferences(before: readonly Fired[], after: readonly Fired[]): FiredDifference[] {
  const byRule = new Map<string, FiredDifference>();
  for (const f of before) byRule.set(f.rule, { model: f.model, rule: f.rule, before: f.points, after: null });
  for (const f of after) {
    const entry = byRule.get(f.rule);
    if (entry) {
      entry.after = f.points;
      entry.model = f.model;
    } else byRule.set(f.rule, { model: f.model, rule: f.rule, before: null, after: f.points });
  }
  return [...byRule.values()]
    .filter((d) => d.before !== d.after)
    .sort((x, y) => Math.abs((y.after ?? 0) - (y.before ?? 0)) - Math.abs((x.after ?? 0) - (x.before ?? 0)) || (x.rule < y.rule ? -1 : 1));
}

function cell(before: string | null | undefined, after: string | null): string {
  return `${before === undefined ? NO_RULES : (before ?? NONE)}\u0000${after ?? NONE}`;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function matrix(cells: Map<string, number>, order: string[]): Matrix {
  const list = [...cells].map(([key, count]) => {
    const [from, to] = key.split('\u0000') as [string, string];
    return { from, to, count };
  });
  for (const { from, to } of list) for (const id of [from, to]) if (!order.includes(id)) order.push(id);
  const index = (id: string) => order.indexOf(id);
  list.sort((x, y) => index(x.from) - index(y.from) || index(x.to) - index(y.to));
  const used = new Set(list.flatMap((c) => [c.from, c.to]));
  return { order: order.filter((id) => used.has(id)), cells: list, moved: list.filter((c) => c.from !== c.to).reduce((n, c) => n + c.count, 0) };
}

export function stats(values: number[]): ScoreStats {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: Math.round((sum / sorted.length) * 10) / 10,
    median: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** Nearest-rank percentile (a value some lead really has). */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const NICE_WIDTHS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];

function histogram(before: number[] | null, after: number[], limit: { min?: number; max?: number } | undefined): Histogram {
  let lo = limit?.min ?? Infinity;
  let hi = limit?.max ?? -Infinity;
  for (const list of [before ?? [], after]) {
    for (const v of list) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 0;
  }
  const span = Math.max(1, hi - lo);
  const width = NICE_WIDTHS.find((w) => span / w <= 10) ?? Math.ceil(span / 10);
  const start = Math.floor(lo / width) * width;
  const buckets = Math.max(1, Math.floor((hi - start) / width) + 1);
  const bounds = Array.from({ length: buckets }, (_, i) => start + i * width);
  const fill = (list: number[]) => {
    const counts = new Array<number>(buckets).fill(0);
    for (const v of list) counts[Math.min(buckets - 1, Math.floor((v - start) / width))]!++;
    return counts;
  };
  return { bounds, width, before: before ? fill(before) : null, after: fill(after) };
}

// --- Reading leads ---------------------------------------------------------------------------------

/** A leads file opened for reading as `leadpact score` opens exports (gzip undone), and its format. */
export interface LeadsFile {
  shown: string;
  format: InputFormat;
  chunks: AsyncIterable<Buffer>;
  /** Bytes on disk (before decompression). */
  size: number | undefined;
  close(): Promise<void>;
}

/** Opens `file` (relative to `cwd`) with lead-source.ts: one stat and one open, gzip by magic bytes. */
export async function openLeadsFile(file: string, cwd: string): Promise<LeadsFile> {
  const opened = await openInputFile(file, { cwd });
  try {
    const { head, chunks } = await openNamedExport(opened.name, opened.chunks);
    const format = exportFormat(opened.name, head);
    // diff takes no --map, and lead records are what both rule sets score.
    if (format === 'csv') throw new CliError(`${opened.name}:1:1: not JSON Lines or a JSON array of lead records (diff does not read CSV; score it with a mapping first)`);
    return { shown: opened.name, format, chunks, size: opened.size, close: opened.close };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/**
 * The leads of an opened file, one by one, read as `leadpact score` reads them (readLeadRecords:
 * JSON Lines or a JSON array, `bundle` for its mapping presets). A record that is not a lead stops
 * the run with `file:line:col: message`.
 */
export async function* readLeads(input: LeadsFile, bundle: Bundle): AsyncGenerator<Lead> {
  try {
    for await (const batch of readLeadRecords({ name: input.shown, chunks: input.chunks }, { bundle })) {
      for (const item of batch) {
        if ('error' in item) throw new CliError(`${input.shown}:${item.line}:${item.col}: ${item.error}`);
        yield item.lead;
      }
    }
  } catch (error) {
    if (error instanceof InputReadError) throw new CliError(`${input.shown}: ${error.message}`, 1);
    throw error;
  } finally {
    await input.close();
  }
}

/** One line of a JSONL leads file (not blank): the lead, or a CliError naming file:line:col. */
export function parseLeadLine(text: string, line: number, shown: string): Lead {
  const item = parseJsonLine(text, line);
  if ('error' in item) throw new CliError(`${shown}:${line}:${item.col}: ${item.error}`);
  return leadOf(item.value, line, shown);
}

function leadOf(value: unknown, line: number, shown: string): Lead {
  const parsed = parseLeadRecord(value);
  if (!parsed.ok) throw new CliError(`${shown}:${line}:1: not a lead record: ${parsed.error}`); // as readLeadRecords words it
  return parsed.lead;
}
