import { fakeBrowser } from './fake-env';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { setAlarmAt } from '../../../extension/background/alarms';

const NOW = Date.parse('2026-11-20T12:00:00Z');

beforeEach(() => fakeBrowser.reset());

describe('setAlarmAt', () => {
  test('sets a one-shot alarm at the due time, never sooner than a second from now', async () => {
    await setAlarmAt('a', NOW + 60_000, () => NOW);
    expect(await fakeBrowser.alarms.get('a')).toMatchObject({ name: 'a', scheduledTime: NOW + 60_000 });
    await setAlarmAt('a', NOW - 5_000, () => NOW); // overdue: as soon as allowed
    expect((await fakeBrowser.alarms.get('a'))?.scheduledTime).toBe(NOW + 1_000);
  });

  test('leaves an alarm already at that time alone, moves one at another time, and clears on null', async () => {
    await setAlarmAt('a', NOW + 60_000, () => NOW);
    const create = vi.spyOn(fakeBrowser.alarms, 'create');
    const clear = vi.spyOn(fakeBrowser.alarms, 'clear');
    await setAlarmAt('a', NOW + 60_000, () => NOW); // a worker start with nothing new
    expect(create).not.toHaveBeenCalled();
    expect(clear).not.toHaveBeenCalled();
    await setAlarmAt('a', NOW + 120_000, () => NOW);
    expect((await fakeBrowser.alarms.get('a'))?.scheduledTime).toBe(NOW + 120_000);
    expect(create).toHaveBeenCalledTimes(1);
    await setAlarmAt('a', null, () => NOW);
    expect(await fakeBrowser.alarms.get('a')).toBeFalsy();
    expect(clear).toHaveBeenCalledTimes(2); // moving it, then clearing it
    await setAlarmAt('b', null, () => NOW); // nothing to clear
    expect(clear).toHaveBeenCalledTimes(2);
  });
});
