import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  CalendarError,
  compileCalendar,
  isBusinessTime,
  localDate,
  nextOpening,
  type BusinessCalendarSpec,
} from '../../extension/engine/calendar';

// Expected instants are written by hand as ISO strings with the local offset of that date, so
// each can be checked against a wall calendar without trusting the code under test.
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};

const MADRID: BusinessCalendarSpec = {
  timezone: 'Europe/Madrid',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: { from: '09:00', to: '18:00' },
  holidays: ['2026-12-25'],
};
const madrid = compileCalendar(MADRID);
const madridAllDay = compileCalendar({
  timezone: 'Europe/Madrid',
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  hours: { from: '00:00', to: '24:00' },
});

describe('addBusinessMinutes', () => {
  it('carries a clock started on a Friday evening over the weekend to Monday afternoon', () => {
    // Fri 2026-11-20 19:00 CET is after closing; the clock starts Mon 2026-11-23 09:00 and
    // 8 business hours later it is Mon 17:00 CET (UTC+1).
    expect(addBusinessMinutes(madrid, at('2026-11-20T19:00+01:00'), 8 * 60)).toBe(at('2026-11-23T17:00+01:00'));
  });

  it('starts a clock begun before opening at the opening', () => {
    // Tue 2026-11-24 07:30 CET: the clock starts at 09:00, one hour later it is 10:00.
    expect(addBusinessMinutes(madrid, at('2026-11-24T07:30+01:00'), 60)).toBe(at('2026-11-24T10:00+01:00'));
  });

  it('counts straight through the day with no lunch break and is due at closing when it runs out there', () => {
    // Wed 2026-11-25 10:15 + 7h45m (465 min) = 18:00, exactly closing time.
    expect(addBusinessMinutes(madrid, at('2026-11-25T10:15+01:00'), 465)).toBe(at('2026-11-25T18:00+01:00'));
    // One more minute spills over to Thu 09:01.
    expect(addBusinessMinutes(madrid, at('2026-11-25T10:15+01:00'), 466)).toBe(at('2026-11-26T09:01+01:00'));
  });

  it('honours fractional minutes', () => {
    // Wed 2026-11-25 09:00 + 1.5 min = 09:01:30.
    expect(addBusinessMinutes(madrid, at('2026-11-25T09:00+01:00'), 1.5)).toBe(at('2026-11-25T09:01:30+01:00'));
  });

  it('with zero minutes returns the next opening', () => {
    expect(addBusinessMinutes(madrid, at('2026-11-21T12:00+01:00'), 0)).toBe(at('2026-11-23T09:00+01:00'));
    expect(addBusinessMinutes(madrid, at('2026-11-23T12:00+01:00'), 0)).toBe(at('2026-11-23T12:00+01:00'));
  });

  it('skips a holiday (Christmas 2026 is a Friday) and the weekend after it', () => {
    // Thu 2026-12-24 16:00: 2 hours that day, Fri 25 is a holiday, Sat and Sun are closed,
    // the other 2 hours run Mon 28 09:00-11:00.
    expect(addBusinessMinutes(madrid, at('2026-12-24T16:00+01:00'), 240)).toBe(at('2026-12-28T11:00+01:00'));
    expect(isBusinessTime(madrid, at('2026-12-25T10:00+01:00'))).toBe(false);
  });

  it('uses the new offset after the autumn change in Madrid (Sun 2026-10-25, 03:00 CEST -> 02:00 CET)', () => {
    // Fri 2026-10-23 17:00 CEST (UTC+2): 1 hour to closing, the second hour runs
    // Mon 2026-10-26 09:00-10:00 CET (UTC+1).
    expect(addBusinessMinutes(madrid, at('2026-10-23T17:00+02:00'), 120)).toBe(at('2026-10-26T10:00+01:00'));
  });

  it('uses the new offset after the spring change in New York (Sun 2026-03-08, 02:00 EST -> 03:00 EDT)', () => {
    const newYork = compileCalendar({ timezone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: { from: '09:00', to: '17:00' } });
    // Fri 2026-03-06 16:00 EST (UTC-5): 1 hour to closing, then Mon 2026-03-09 09:00-10:00 EDT (UTC-4).
    expect(addBusinessMinutes(newYork, at('2026-03-06T16:00-05:00'), 120)).toBe(at('2026-03-09T10:00-04:00'));
  });

  it('runs a weekends-only calendar from midweek to the weekend', () => {
    const weekends = compileCalendar({ timezone: 'Europe/London', days: ['sat', 'sun'], hours: { from: '10:00', to: '16:00' } });
    // London is on GMT (UTC+0) in November. Wed 2026-11-18 noon: 6 hours on Sat 21, then
    // 1 hour on Sun 22 10:00-11:00.
    expect(nextOpening(weekends, at('2026-11-18T12:00Z'))).toBe(at('2026-11-21T10:00Z'));
    expect(addBusinessMinutes(weekends, at('2026-11-18T12:00Z'), 7 * 60)).toBe(at('2026-11-22T11:00Z'));
    expect(isBusinessTime(weekends, at('2026-11-23T12:00Z'))).toBe(false); // a Monday
  });

  it('follows a zone with a half-hour offset (Asia/Kolkata, UTC+05:30)', () => {
    const kolkata = compileCalendar({ timezone: 'Asia/Kolkata', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: { from: '10:00', to: '19:00' } });
    // Mon 2026-11-23 13:30 IST: 5h30 (330 min) until 19:00, the last 30 min run Tue 10:00-10:30.
    expect(addBusinessMinutes(kolkata, at('2026-11-23T13:30+05:30'), 360)).toBe(at('2026-11-24T10:30+05:30'));
    expect(isBusinessTime(kolkata, at('2026-11-23T04:29Z'))).toBe(false); // 09:59 IST
    expect(isBusinessTime(kolkata, at('2026-11-23T04:30Z'))).toBe(true); // 10:00 IST
    expect(localDate(kolkata, at('2026-11-23T18:45Z'))).toBe('2026-11-24'); // 00:15 IST
  });

  it('rejects negative or non-finite minutes', () => {
    expect(() => addBusinessMinutes(madrid, at('2026-11-23T09:00+01:00'), -1)).toThrow(RangeError);
    expect(() => addBusinessMinutes(madrid, at('2026-11-23T09:00+01:00'), Number.NaN)).toThrow(RangeError);
  });
});

describe('isBusinessTime and nextOpening', () => {
  it('treat the opening minute as open and the closing minute as closed', () => {
    expect(isBusinessTime(madrid, at('2026-11-23T08:59:59+01:00'))).toBe(false);
    expect(isBusinessTime(madrid, at('2026-11-23T09:00+01:00'))).toBe(true);
    expect(isBusinessTime(madrid, at('2026-11-23T17:59:59+01:00'))).toBe(true);
    expect(isBusinessTime(madrid, at('2026-11-23T18:00+01:00'))).toBe(false);
  });

  it('nextOpening returns the instant itself inside business hours and the next opening outside', () => {
    expect(nextOpening(madrid, at('2026-11-23T11:11+01:00'))).toBe(at('2026-11-23T11:11+01:00'));
    expect(nextOpening(madrid, at('2026-11-23T18:00+01:00'))).toBe(at('2026-11-24T09:00+01:00'));
    expect(nextOpening(madrid, at('2026-11-21T03:00+01:00'))).toBe(at('2026-11-23T09:00+01:00')); // a Saturday
  });

  it('gives up with a CalendarError when no business hours come within three years', () => {
    // Every Saturday from 2026-01-03 through 2030-12-28 is a holiday.
    const saturdays: string[] = [];
    for (let ms = Date.UTC(2026, 0, 3); ms <= Date.UTC(2030, 11, 28); ms += 7 * 86_400_000) {
      saturdays.push(new Date(ms).toISOString().slice(0, 10));
    }
    const never = compileCalendar({ timezone: 'Europe/Madrid', days: ['sat'], hours: { from: '10:00', to: '12:00' }, holidays: saturdays });
    expect(() => nextOpening(never, at('2026-06-01T00:00Z'))).toThrow(CalendarError);
    expect(() => addBusinessMinutes(never, at('2026-06-01T00:00Z'), 5)).toThrow(/no business hours in the 3 years/);
  });

  it('finds an opening far away when it is within three years', () => {
    // Saturdays through 2027-12-25 are holidays, so the next opening is Sat 2028-01-01 10:00 CET.
    const saturdays: string[] = [];
    for (let ms = Date.UTC(2026, 0, 3); ms <= Date.UTC(2027, 11, 25); ms += 7 * 86_400_000) {
      saturdays.push(new Date(ms).toISOString().slice(0, 10));
    }
    const rare = compileCalendar({ timezone: 'Europe/Madrid', days: ['sat'], hours: { from: '10:00', to: '12:00' }, holidays: saturdays });
    expect(nextOpening(rare, at('2026-06-01T00:00Z'))).toBe(at('2028-01-01T10:00+01:00'));
  });
});

describe('daylight-saving days', () => {
  it('keeps a 09:00-18:00 day at 9 hours on the autumn change (Madrid, Sun 2026-10-25)', () => {
    const sundays = compileCalendar({ timezone: 'Europe/Madrid', days: ['sun'], hours: { from: '09:00', to: '18:00' } });
    // Opens 09:00 CET and closes 18:00 CET, both after the 03:00 CEST -> 02:00 CET change.
    expect(nextOpening(sundays, at('2026-10-25T00:00Z'))).toBe(at('2026-10-25T09:00+01:00'));
    expect(businessMinutesBetween(sundays, at('2026-10-24T00:00Z'), at('2026-10-26T00:00Z'))).toBe(9 * 60);
  });

  it('gives a 00:00-24:00 calendar a 25-hour day on the autumn change (Madrid, Sun 2026-10-25)', () => {
    // Local midnight starting the 25th is CEST (UTC+2); the one ending it is CET (UTC+1).
    const start = at('2026-10-25T00:00+02:00');
    const end = at('2026-10-26T00:00+01:00');
    expect(businessMinutesBetween(madridAllDay, start, end)).toBe(25 * 60);
    expect(localDate(madridAllDay, end - 1)).toBe('2026-10-25');
    expect(localDate(madridAllDay, end)).toBe('2026-10-26');
  });

  it('gives a 00:00-24:00 Sunday-only calendar a 25-hour day on the New York autumn change (Sun 2026-11-01)', () => {
    const sundays = compileCalendar({ timezone: 'America/New_York', days: ['sun'], hours: { from: '00:00', to: '24:00' } });
    // Opens at midnight EDT (UTC-4), closes at the next midnight EST (UTC-5): 25 hours.
    expect(nextOpening(sundays, at('2026-10-30T12:00Z'))).toBe(at('2026-11-01T00:00-04:00'));
    expect(addBusinessMinutes(sundays, at('2026-10-30T12:00Z'), 25 * 60)).toBe(at('2026-11-02T00:00-05:00'));
    expect(isBusinessTime(sundays, at('2026-11-02T00:00-05:00'))).toBe(false);
  });

  it('opens at the earlier instant of a wall time repeated by the autumn change (New York, Sun 2026-11-01)', () => {
    // 01:30 happens twice: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z). The earlier one counts.
    const early = compileCalendar({ timezone: 'America/New_York', days: ['sun'], hours: { from: '01:30', to: '03:00' } });
    expect(nextOpening(early, at('2026-11-01T00:00Z'))).toBe(at('2026-11-01T05:30Z'));
    // 05:30Z to 03:00 EST (08:00Z) is 2h30 of real time.
    expect(businessMinutesBetween(early, at('2026-11-01T00:00Z'), at('2026-11-02T00:00Z'))).toBe(150);
  });

  it('gives a 00:00-24:00 calendar a 23-hour day on the spring change (Madrid, Sun 2026-03-29)', () => {
    // Local midnight starting the 29th is CET (UTC+1); the one ending it is CEST (UTC+2).
    expect(businessMinutesBetween(madridAllDay, at('2026-03-29T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(23 * 60);
  });

  it('opens a calendar whose opening falls in the spring gap right after the gap (Madrid, Sun 2026-03-29)', () => {
    // 02:00 CET jumps to 03:00 CEST (01:00Z), so 02:30 never happens: opening is 03:00 CEST.
    const gap = compileCalendar({ timezone: 'Europe/Madrid', days: ['sun'], hours: { from: '02:30', to: '04:00' } });
    expect(nextOpening(gap, at('2026-03-28T12:00Z'))).toBe(at('2026-03-29T01:00Z'));
    expect(isBusinessTime(gap, at('2026-03-29T00:59:59Z'))).toBe(false);
    // 03:00 to 04:00 CEST is one hour.
    expect(businessMinutesBetween(gap, at('2026-03-28T00:00Z'), at('2026-03-30T00:00Z'))).toBe(60);
    // A normal Sunday has the full 1h30.
    expect(businessMinutesBetween(gap, at('2026-04-04T00:00Z'), at('2026-04-06T00:00Z'))).toBe(90);
  });
});

describe('businessMinutesBetween', () => {
  it('counts business minutes forward across a weekend', () => {
    // Fri 2026-11-20 17:00-18:00 (60) + Mon 2026-11-23 09:00-10:30 (90) = 150.
    expect(businessMinutesBetween(madrid, at('2026-11-20T17:00+01:00'), at('2026-11-23T10:30+01:00'))).toBe(150);
  });

  it('is negative when the end comes before the start', () => {
    expect(businessMinutesBetween(madrid, at('2026-11-23T10:30+01:00'), at('2026-11-20T17:00+01:00'))).toBe(-150);
  });

  it('is zero, not minus zero, outside business hours in either direction', () => {
    expect(businessMinutesBetween(madrid, at('2026-11-21T10:00+01:00'), at('2026-11-22T10:00+01:00'))).toBe(0);
    expect(businessMinutesBetween(madrid, at('2026-11-22T10:00+01:00'), at('2026-11-21T10:00+01:00'))).toBe(0);
  });
});

describe('compileCalendar', () => {
  it('rejects an unknown time zone with a clear message', () => {
    expect(() => compileCalendar({ ...MADRID, timezone: 'Mars/Olympus_Mons' })).toThrow(CalendarError);
    expect(() => compileCalendar({ ...MADRID, timezone: 'Mars/Olympus_Mons' })).toThrow(
      'unknown time zone "Mars/Olympus_Mons" (use an IANA name such as "Europe/Madrid")',
    );
  });

  it('rejects a badly written time of day', () => {
    expect(() => compileCalendar({ ...MADRID, hours: { from: '9:00', to: '18:00' } })).toThrow(/hours.from "9:00" is not a time of day/);
    expect(() => compileCalendar({ ...MADRID, hours: { from: '24:00', to: '24:00' } })).toThrow(/hours.from "24:00"/);
    expect(() => compileCalendar({ ...MADRID, hours: { from: '09:00', to: '18:60' } })).toThrow(/hours.to "18:60"/);
  });

  it('rejects hours that do not start before they end', () => {
    expect(() => compileCalendar({ ...MADRID, hours: { from: '18:00', to: '09:00' } })).toThrow(/must be before/);
    expect(() => compileCalendar({ ...MADRID, hours: { from: '09:00', to: '09:00' } })).toThrow(/must be before/);
  });

  it('rejects an empty list of days and unknown weekdays', () => {
    expect(() => compileCalendar({ ...MADRID, days: [] })).toThrow(/at least one weekday/);
    expect(() => compileCalendar({ ...MADRID, days: ['mon', 'funday' as never] })).toThrow(/unknown weekday "funday"/);
  });

  it('rejects a holiday that is not a real date', () => {
    expect(() => compileCalendar({ ...MADRID, holidays: ['2026-02-30'] })).toThrow(/holiday "2026-02-30" is not a date/);
    expect(() => compileCalendar({ ...MADRID, holidays: ['25/12/2026'] })).toThrow(CalendarError);
  });

  it('keeps its own copy of the spec', () => {
    const spec: BusinessCalendarSpec = { ...MADRID, days: ['mon'] };
    const cal = compileCalendar(spec);
    spec.days.push('sat');
    expect(cal.spec.days).toEqual(['mon']);
    expect(isBusinessTime(cal, at('2026-11-21T10:00+01:00'))).toBe(false); // a Saturday
  });
});

describe('properties', () => {
  const calendars = [
    madrid,
    madridAllDay,
    compileCalendar({ timezone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sun'], hours: { from: '08:30', to: '17:00' }, holidays: ['2026-11-26'] }),
    compileCalendar({ timezone: 'Asia/Kolkata', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: { from: '10:00', to: '19:00' } }),
    compileCalendar({ timezone: 'Australia/Lord_Howe', days: ['sat', 'sun'], hours: { from: '01:00', to: '23:30' } }),
  ];
  const instant = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 11, 31) });

  it('businessMinutesBetween undoes addBusinessMinutes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), instant, fc.double({ min: 0, max: 50_000, noNaN: true }), (cal, start, minutes) => {
        const due = addBusinessMinutes(cal, start, minutes);
        expect(Math.abs(businessMinutesBetween(cal, start, due) - minutes)).toBeLessThan(1e-6);
        expect(businessMinutesBetween(cal, due, start)).toBeCloseTo(-minutes, 6);
      }),
      { numRuns: 500 },
    );
  });

  it('isBusinessTime agrees with reading the local wall clock directly', () => {
    // The slow oracle: format the instant in the zone and compare weekday, date and HH:MM.
    // (Valid for 09:00-18:00 in Madrid, whose changes at 02:00/03:00 never touch those hours.)
    const wall = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Madrid', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    fc.assert(
      fc.property(instant, (ms) => {
        const p = Object.fromEntries(wall.formatToParts(ms).map(({ type, value }) => [type, value]));
        const date = `${p.year}-${p.month}-${p.day}`;
        const time = `${p.hour}:${p.minute}`;
        const expected = !['Sat', 'Sun'].includes(p.weekday ?? '') && date !== '2026-12-25' && time >= '09:00' && time < '18:00';
        expect(isBusinessTime(madrid, ms)).toBe(expected);
        expect(localDate(madrid, ms)).toBe(date);
      }),
      { numRuns: 2000 },
    );
  });

  it('nextOpening is business time and nothing between the start and it is', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), instant, (cal, start) => {
        const opening = nextOpening(cal, start);
        expect(opening).toBeGreaterThanOrEqual(start);
        expect(isBusinessTime(cal, opening)).toBe(true);
        expect(businessMinutesBetween(cal, start, opening)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('performance sanity', () => {
  it('runs 100k addBusinessMinutes calls over a year of start instants', () => {
    const cal = compileCalendar(MADRID);
    const first = Date.UTC(2026, 0, 1);
    const step = (365 * 86_400_000) / 100_000;
    let latest = 0;
    for (let i = 0; i < 100_000; i++) {
      const start = first + i * step;
      const due = addBusinessMinutes(cal, start, 480 + (i % 600));
      if (!(due > start)) throw new Error(`due ${due} is not after start ${start}`);
      latest = Math.max(latest, due);
    }
    expect(latest).toBeGreaterThan(Date.UTC(2026, 11, 31));
  });
});
