/**
 * Checks of the SLA (DESIGN 3.7) and of time zones: commitments and goals name real stages and
 * events, conversion goals go up the lifecycle, warnings come before deadlines, opening hours
 * open before they close, and every time zone exists.
 */
import { parseDuration, type Duration } from '../../extension/engine/duration';
import { checkCondition, reportUnknownEvent } from './semantic-conditions';
import { listNames, type RulesFile, type SemanticContext } from './semantic-context';
import { closest, didYouMean } from './rules-suggest';
import type { DataPath } from './schema-validator';

export function checkSla(ctx: SemanticContext): void {
  const file = ctx.sla;
  if (!file) return;
  const { calendar, commitments, goals = [] } = file.data;
  checkTimezone(ctx, file, ['calendar', 'timezone'], calendar.timezone);
  if (calendar.hours.from >= calendar.hours.to) {
    ctx.report(file, ['calendar', 'hours', 'from'], 'calendar-hours', `opening hours start at ${calendar.hours.from} but end at ${calendar.hours.to}: from must be before to`);
  }

  commitments.forEach((commitment, index) => {
    const path: DataPath = ['commitments', index];
    checkStageName(ctx, file, [...path, 'stage'], commitment.stage);
    const types = Array.isArray(commitment.until.event) ? commitment.until.event : [commitment.until.event];
    const known = types.filter((type, i) => {
      if (ctx.events.has(type)) return true;
      reportUnknownEvent(ctx, file, Array.isArray(commitment.until.event) ? [...path, 'until', 'event', i] : [...path, 'until', 'event'], type);
      return false;
    });
    if (commitment.until.where && known.length === types.length) {
      checkCondition(ctx, file, [...path, 'until', 'where'], commitment.until.where, { owner: 'commitment', eventTypes: known });
    }
    if (commitment.warn !== undefined) checkWarn(ctx, file, path, commitment.within, commitment.warn);
  });

  goals.forEach((goal, index) => {
    const path: DataPath = ['goals', index];
    if (goal.count) checkStageName(ctx, file, [...path, 'count', 'stage'], goal.count.stage);
    if (goal.conversion) {
      const { from, to } = goal.conversion;
      const fromOk = checkStageName(ctx, file, [...path, 'conversion', 'from'], from);
      const toOk = checkStageName(ctx, file, [...path, 'conversion', 'to'], to);
      if (fromOk && toOk && ctx.stageIds.indexOf(from) >= ctx.stageIds.indexOf(to)) {
        ctx.report(
          file,
          [...path, 'conversion', 'to'],
          'goal-stage-order',
          from === to
            ? `a conversion goes from one stage to a higher one; from and to are both ${from}`
            : `conversion from ${from} to ${to} goes down the lifecycle: ${to} comes before ${from} in rules/lifecycle.yaml`,
        );
      }
      if (goal.target > 1) {
        ctx.report(file, [...path, 'target'], 'goal-target', `a conversion target is a rate between 0 and 1 (0.25 for 25%); found ${goal.target}`);
      }
    }
  });
}

/** Reports an unknown stage id; true when the stage exists. */
export function checkStageName(ctx: SemanticContext, file: RulesFile, path: DataPath, stage: string): boolean {
  if (ctx.stageIds.includes(stage)) return true;
  ctx.report(file, path, 'unknown-stage', `unknown stage ${stage}${didYouMean(stage, ctx.stageIds, '; ', '') || `: stages are ${listNames(ctx.stageIds)}`}`);
  return false;
}

/** warn must be shorter than within, on the same clock (business hours or wall clock). */
function checkWarn(ctx: SemanticContext, file: RulesFile, path: DataPath, within: string, warn: string): void {
  const a = durationOf(within);
  const b = durationOf(warn);
  if (!a || !b) return;
  if (a.business !== b.business) {
    ctx.report(file, [...path, 'warn'], 'mixed-duration-units', `warn ${warn} and within ${within} run on different clocks: use bh for both, or wall-clock units (m, h, d, w) for both`);
    return;
  }
  if (b.minutes >= a.minutes) {
    ctx.report(file, [...path, 'warn'], 'warn-not-shorter', `warn ${warn} is not shorter than within ${within}: the clock would be in warning from the start`);
  }
}

/** The engine's reading of a duration; undefined when it has none (the schema already said why). */
function durationOf(text: string): Duration | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

let zones: string[] | undefined;

/** An IANA time zone the platform knows (aliases such as UTC included). */
export function checkTimezone(ctx: SemanticContext, file: RulesFile, path: DataPath, zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return;
  } catch {
    zones ??= Intl.supportedValuesOf('timeZone');
    const suggestion = closest(zone, zones);
    ctx.report(file, path, 'unknown-timezone', `unknown time zone ${zone}${suggestion ? `; did you mean ${suggestion}?` : ': use an IANA name such as Europe/Madrid'}`);
  }
}
