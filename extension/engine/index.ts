/**
 * Leadpact's scoring engine: pure (no DOM, browser or Node APIs, no eval or Function) and
 * deterministic for a given `now`. It runs in the service worker, the options page and the CLI.
 *
 *   const rules = compileRules(bundle);       // once per bundle
 *   const outcome = evaluate(rules, lead, now);
 *
 * Semantics, beyond DESIGN.md sections 3 and 4 (the team's decisions where it is silent):
 *
 * Values
 * - A field is a dotted path into the lead (`company.employees`), read as own properties only.
 *   At lead level, `score.total`, `score.<model>`, `grade`, `persona` and `stage` are derived
 *   values from the evaluation so far (order: models, grade, persona, stage, SLA): a value not
 *   yet decided is missing (`score.<model>` is known after that model, `score.total` after all
 *   models; `stage` is therefore always missing in conditions). Inside an event test's `where`
 *   the fields are the event's props (`url`), nothing is derived; an event test nested in a
 *   `where` still looks at the lead's events.
 * - Instants (`at`, dates compared by gt/lt, stageEnteredAt, createdAt, `now` as text) are
 *   ISO 8601 only, read with Date.parse; a date-time without an offset is UTC (never the
 *   machine's zone). Anything else is unparseable.
 *
 * Operators
 * - Two strings compare after trim + lower case; anything else by strict equality (5 is not "5").
 * - gt/gte/lt/lte/between: numbers numerically; two strings as instants (unparseable: false);
 *   mixed types: false. contains/startsWith/endsWith: strings, both sides trimmed and lower-cased.
 *   matches: RegExp(pattern, 'i') against the trimmed string; non-strings: false.
 * - A missing or null value makes every operator false except `exists: false` (so `ne` and
 *   `notIn` are false too). An empty list exists.
 * - Lists: eq, in, contains (element equal to), gt/gte/lt/lte/between, startsWith, endsWith and
 *   matches hold when any element does; ne and notIn when no element matches.
 *
 * Events
 * - An event is used when it is an object whose `at` parses and is at or before `now`; the
 *   others are ignored everywhere (tests, replays, SLA stops). A test counts events of its
 *   type(s) with `now - within < at <= now` (without `within`: at <= now) that match `where`;
 *   `count` defaults to { gte: 1 }.
 *
 * Scores
 * - `when` rule: `points` when the condition holds. `per` rule: for each matching event,
 *   `points * 0.5 ** ((now - at) / halfLife)` with model decay, else `points`, summed in time
 *   order (ties in the lead's order); with a `count`, only when the count holds over the
 *   matching events; the total is capped by `max` on its size (sign * min(|total|, max)).
 * - A model's score: its contributions summed in rule order, clamped to min then max, then
 *   Math.round. score.total: the sum of model scores.
 * - `fired`: the `when` rules that held and the `per` rules that matched at least one event and
 *   whose count held (they contributed), with the contribution rounded to one decimal
 *   (Math.round(x * 10) / 10), sorted by that value descending, ties in model then rule order.
 *
 * Grade, persona, stage
 * - Grade: the value of lifecycle.grade.from; the first band whose bounds (gte and/or gt) hold;
 *   a band without bounds always holds; a value that is not a number meets no bound; no band: null.
 * - Persona: the first persona whose condition holds, else null.
 * - Stage: computed = the highest non-manual stage whose `when` holds (no `when`: holds);
 *   recorded = lead.stage when it is a stage id (exact match; otherwise ignored); the stage is
 *   the higher of the two by list index (the recorded one on a tie); null when neither exists.
 * - stageEnteredAt: when the recorded stage is the result, lead.stageEnteredAt as ISO (null if
 *   missing or unparseable). Otherwise a replay over the distinct times of the used events: the
 *   earliest event time t such that the stage's condition, with `now` := t and every derived
 *   value recomputed as of t, holds at t and at every later event time; `now` if it fails at the
 *   last event time; with no used events, createdAt (ISO), or `now` when createdAt is missing
 *   or unparseable.
 *
 * SLA
 * - Commitments of the lead's stage, when stageEnteredAt is known (otherwise none are reported):
 *   startedAt = stageEnteredAt; dueAt = start + within (business hours: addBusinessMinutes on
 *   sla.calendar, so a clock started out of hours starts at the next opening). The stop event is
 *   the earliest `until` event (matching its `where`) with start <= at <= now: `met` when
 *   at <= dueAt, else `late`, with stoppedAt. Without one: remaining = business minutes (bh) or
 *   wall minutes from now to dueAt, negative once past; remainingMinutes = Math.floor(remaining),
 *   and at most -1 once breached (due at closing and now after hours is 0 business minutes);
 *   `breached` when now > dueAt, else `warning` when `warn` is set and remaining <= its minutes,
 *   else `ok`.
 * - Durations: <n>m, <n>h, <n>d (24 h), <n>w (7 d); <n>bh (business hours) for SLAs only.
 */
import type { Bundle, Lead } from './generated/rules';
import { CompiledBundle, type CompiledRules, type Outcome } from './evaluate';
import { parseInstant } from './values';

export type { CompiledRules, Fired, Outcome } from './evaluate';
export type { SlaState, SlaStateName } from './sla';
export { RulesError } from './errors';
export { parseDuration, type Duration } from './duration';

/** Compiles a bundle into closures; throws RulesError on rules validation would reject. */
export function compileRules(bundle: Bundle): CompiledRules {
  return new CompiledBundle(bundle);
}

const compiledBundles = new WeakMap<Bundle, CompiledBundle>();

/** What an evaluation computes beyond scores, grade, persona and stage. */
export interface EvaluateOptions {
  /**
   * false: skip the stageEnteredAt replay and the SLA clocks (stageEnteredAt null, sla []), for
   * callers that only compare scores, grades, personas and stages (`leadpact diff`). Default true.
   */
  clocks?: boolean;
}

/** Scores one lead as of `now` (epoch ms, ISO text or Date). A Bundle is compiled once and cached. */
export function evaluate(rules: CompiledRules | Bundle, lead: Lead, now: number | string | Date, options?: EvaluateOptions): Outcome {
  let compiled: CompiledBundle;
  if (rules instanceof CompiledBundle) {
    compiled = rules;
  } else {
    const bundle = rules as Bundle;
    let cached = compiledBundles.get(bundle);
    if (!cached) {
      cached = new CompiledBundle(bundle);
      compiledBundles.set(bundle, cached);
    }
    compiled = cached;
  }
  return compiled.evaluate(lead, toEpochMs(now), options?.clocks !== false);
}

function toEpochMs(now: number | string | Date): number {
  const ms = typeof now === 'number' ? now : now instanceof Date ? now.getTime() : parseInstant(now);
  if (!Number.isFinite(ms)) throw new RangeError(`now must be a valid instant, got ${String(now)}`);
  return ms;
}
