// When the remote rules are checked: when the worker starts, on an alarm every hour (alarms
// survive the worker stopping; timers do not), and when the rep or an administrator changes the
// rules URL or keys. Listeners are added in the worker's first turn, as MV3 requires.
import { browser } from 'wxt/browser';
import { watchPolicy } from '../lib/policy';
import { watchRemoteRulesSettings } from '../lib/settings';
import { CHECK_PERIOD_MINUTES, REMOTE_RULES_ALARM, type RemoteRules } from './remote-rules';

export function scheduleRemoteRules(remote: RemoteRules, log: (message: string) => void): () => void {
  const checkNow = (why: string, maxAgeMs?: number) => {
    (maxAgeMs === undefined ? remote.check() : remote.checkIfStale(maxAgeMs)).catch((error: unknown) => log(`remote rules check (${why}) failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const onAlarm = (alarm: { name: string }) => {
    if (alarm.name === REMOTE_RULES_ALARM) checkNow('alarm');
  };
  const stops: Array<() => void> = [];
  try {
    browser.alarms.onAlarm.addListener(onAlarm);
    stops.push(() => browser.alarms.onAlarm.removeListener(onAlarm));
    // Re-creating an alarm with the same name would restart its period on every worker start.
    void browser.alarms
      .get(REMOTE_RULES_ALARM)
      .then(async (existing) => {
        if (!existing) await browser.alarms.create(REMOTE_RULES_ALARM, { periodInMinutes: CHECK_PERIOD_MINUTES, delayInMinutes: CHECK_PERIOD_MINUTES });
      })
      .catch((error: unknown) => log(`the remote rules alarm cannot be set: ${error instanceof Error ? error.message : String(error)}`));
  } catch (error) {
    log(`the remote rules alarm cannot be set: ${error instanceof Error ? error.message : String(error)}`);
  }
  stops.push(watchRemoteRulesSettings(() => checkNow('settings changed')));
  stops.push(watchPolicy(() => checkNow('policy changed')));
  // A start checks only when the last check is older than the alarm's period (or the URL changed).
  checkNow('start', CHECK_PERIOD_MINUTES * 60_000);
  return () => {
    for (const stop of stops) stop();
  };
}
