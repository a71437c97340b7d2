import { describe, expect, test } from 'vitest';
import { formatDuration } from '../../../extension/ui/duration';

describe('formatDuration: one way to write a duration, for the extension, leadpact score and the report', () => {
  test('writes minutes alone under an hour, 0m for nothing', () => {
    expect(formatDuration(0)).toBe('0m');
    expect(formatDuration(45)).toBe('45m');
    expect(formatDuration(59)).toBe('59m');
    expect(formatDuration(45, true)).toBe('45m');
    expect(formatDuration(59, true)).toBe('59m');
  });

  test('writes wall-clock time in hours and minutes under a day, dropping a zero minute', () => {
    expect(formatDuration(60)).toBe('1h');
    expect(formatDuration(61)).toBe('1h 1m');
    expect(formatDuration(200)).toBe('3h 20m');
    expect(formatDuration(180)).toBe('3h');
    expect(formatDuration(1439)).toBe('23h 59m');
  });

  test('writes wall-clock time from a day up in days of 24 hours and hours, dropping a zero hour', () => {
    expect(formatDuration(1440)).toBe('1d');
    expect(formatDuration(1441)).toBe('1d');
    expect(formatDuration(1500)).toBe('1d 1h');
    expect(formatDuration(3120)).toBe('2d 4h');
    expect(formatDuration(2880)).toBe('2d');
  });

  test('writes business time in business hours (bh), never in days, with minutes below 10 hours', () => {
    expect(formatDuration(60, true)).toBe('1bh');
    expect(formatDuration(61, true)).toBe('1bh 1m');
    expect(formatDuration(200, true)).toBe('3bh 20m');
    expect(formatDuration(599, true)).toBe('9bh 59m');
    expect(formatDuration(600, true)).toBe('10bh');
    expect(formatDuration(605, true)).toBe('10bh');
    expect(formatDuration(1439, true)).toBe('23bh');
    expect(formatDuration(1440, true)).toBe('24bh');
    expect(formatDuration(1777, true)).toBe('29bh');
    expect(formatDuration(3000, true)).toBe('50bh');
    expect(formatDuration(69_682, true)).toBe('1161bh');
  });

  test('writes business hours with another unit where the words around say what they are', () => {
    expect(formatDuration(1777, true, 'h')).toBe('29h');
    expect(formatDuration(200, true, 'h')).toBe('3h 20m');
    expect(formatDuration(3000, true, 'h')).toBe('50h');
    expect(formatDuration(45, true, 'h')).toBe('45m');
    expect(formatDuration(3000, false, 'h')).toBe('2d 2h'); // wall time keeps its days
  });

  test('rounds to whole minutes first', () => {
    expect(formatDuration(59.4)).toBe('59m');
    expect(formatDuration(59.6)).toBe('1h');
    expect(formatDuration(59.6, true)).toBe('1bh');
    expect(formatDuration(1439.5)).toBe('1d');
    expect(formatDuration(0.4)).toBe('0m');
  });

  test('leaves the sign to the caller: a negative amount reads 0m', () => {
    expect(formatDuration(-5)).toBe('0m');
    expect(formatDuration(-90, true)).toBe('0m');
    expect(formatDuration(-0.4)).toBe('0m');
  });
});
