// The one-shot alarm the CRM sync and the feedback webhook keep at their next due time (alarms
// survive the worker stopping; timers do not).
import { browser } from 'wxt/browser';

/** Replaces the alarm `name` with one at `due` (epoch ms; not sooner than a second from now), or just clears it when `due` is null. */
export async function setAlarmAt(name: string, due: number | null): Promise<void> {
  await browser.alarms.clear(name);
  if (due !== null) await browser.alarms.create(name, { when: Math.max(due, Date.now() + 1_000) });
}
