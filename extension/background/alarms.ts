// The one-shot alarm the CRM sync and the feedback webhook keep at their next due time (alarms
// survive the worker stopping; timers do not).
import { browser } from 'wxt/browser';

/**
 * Replaces the alarm `name` with one at `due` (epoch ms; not sooner than a second from now), or
 * just clears it when `due` is null. An alarm already set for that time is left as it is: every
 * worker start reschedules, and the same time would otherwise be cleared and created again.
 */
export async function setAlarmAt(name: string, due: number | null, now: () => number = Date.now): Promise<void> {
  const existing = await browser.alarms.get(name);
  if (due === null) {
    if (existing) await browser.alarms.clear(name);
    return;
  }
  const when = Math.max(due, now() + 1_000);
  if (existing && existing.periodInMinutes === undefined && existing.scheduledTime === when) return;
  if (existing) await browser.alarms.clear(name);
  await browser.alarms.create(name, { when });
}
