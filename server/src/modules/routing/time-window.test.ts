import { describe, expect, it } from 'vitest';
import { compileTimeWindow, isWithinWindow, localTimeOf, parseHhMm } from './time-window.js';
import type { TimeWindow } from './time-window.js';

function within(window: TimeWindow, isoInstant: string, timeZone: string): boolean {
  return isWithinWindow(compileTimeWindow(window), localTimeOf(Date.parse(isoInstant), timeZone));
}

describe('RT-1 time windows: reading the local time', () => {
  it('reads the day and minute in the given zone, not in UTC', () => {
    // Sunday 20:30 UTC is Monday 04:30 in Shanghai (UTC+8, no DST).
    expect(localTimeOf(Date.parse('2026-01-04T20:30:00Z'), 'Asia/Shanghai')).toEqual({
      dayOfWeek: 1,
      minuteOfDay: 4 * 60 + 30,
    });
    expect(localTimeOf(Date.parse('2026-01-04T20:30:00Z'), 'UTC')).toEqual({
      dayOfWeek: 0,
      minuteOfDay: 20 * 60 + 30,
    });
  });

  it('gives each zone its own answer for the same instant', () => {
    const instant = Date.parse('2026-01-05T00:00:00Z');
    expect(localTimeOf(instant, 'Asia/Kolkata').minuteOfDay).toBe(5 * 60 + 30);
    expect(localTimeOf(instant, 'Asia/Kathmandu').minuteOfDay).toBe(5 * 60 + 45);
    expect(localTimeOf(instant, 'America/Los_Angeles')).toEqual({ dayOfWeek: 0, minuteOfDay: 16 * 60 });
    expect(localTimeOf(instant + 60_000, 'Asia/Kolkata').minuteOfDay).toBe(5 * 60 + 31);
  });

  it('reports midnight as minute 0', () => {
    expect(localTimeOf(Date.parse('2026-01-05T16:00:00Z'), 'Asia/Shanghai')).toEqual({
      dayOfWeek: 2,
      minuteOfDay: 0,
    });
  });

  it('rejects an unknown timezone', () => {
    expect(() => localTimeOf(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it.each(['9:00', '24:01', '12:60', '12-00', ''])('rejects the time of day "%s"', (value) => {
    expect(() => parseHhMm(value, true)).toThrow(RangeError);
  });

  it('accepts 24:00 only as an end', () => {
    expect(parseHhMm('24:00', true)).toBe(1440);
    expect(() => compileTimeWindow({ start: '24:00', end: '06:00' })).toThrow(RangeError);
  });

  it('rejects a day outside 0–6', () => {
    expect(() => compileTimeWindow({ days: [7 as 0], start: '09:00', end: '10:00' })).toThrow(
      /invalid day of week 7/,
    );
  });
});

describe('RT-1 time windows: same-day windows', () => {
  const office: TimeWindow = { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

  it.each([
    ['2026-01-05T00:59:00Z', false, 'Monday 08:59, before the start'],
    ['2026-01-05T01:00:00Z', true, 'Monday 09:00, the start is inclusive'],
    ['2026-01-05T09:59:00Z', true, 'Monday 17:59'],
    ['2026-01-05T10:00:00Z', false, 'Monday 18:00, the end is exclusive'],
    ['2026-01-04T02:00:00Z', false, 'Sunday 10:00, a day not listed'],
    ['2026-01-09T05:00:00Z', true, 'Friday 13:00'],
    ['2026-01-09T16:30:00Z', false, 'Saturday 00:30 in Shanghai though still Friday in UTC'],
  ])('in Asia/Shanghai at %s: %s (%s)', (instant, expected) => {
    expect(within(office, instant, 'Asia/Shanghai')).toBe(expected);
  });

  it('treats omitted or empty days as every day', () => {
    expect(within({ start: '09:00', end: '18:00' }, '2026-01-04T02:00:00Z', 'Asia/Shanghai')).toBe(true);
    expect(within({ days: [], start: '09:00', end: '18:00' }, '2026-01-04T02:00:00Z', 'Asia/Shanghai')).toBe(
      true,
    );
  });

  it('treats equal start and end as the whole listed day', () => {
    const sundays: TimeWindow = { days: [0], start: '00:00', end: '00:00' };
    expect(within(sundays, '2026-01-04T00:00:00Z', 'UTC')).toBe(true);
    expect(within(sundays, '2026-01-04T23:59:00Z', 'UTC')).toBe(true);
    expect(within(sundays, '2026-01-05T00:00:00Z', 'UTC')).toBe(false);
  });

  it('lets a window end at 24:00', () => {
    const evening: TimeWindow = { start: '20:00', end: '24:00' };
    expect(within(evening, '2026-01-05T23:59:00Z', 'UTC')).toBe(true);
    expect(within(evening, '2026-01-06T00:00:00Z', 'UTC')).toBe(false);
  });

  it('follows half-hour offsets (Asia/Kolkata, UTC+05:30)', () => {
    const morning: TimeWindow = { start: '09:00', end: '10:00' };
    expect(within(morning, '2026-01-05T03:29:00Z', 'Asia/Kolkata')).toBe(false);
    expect(within(morning, '2026-01-05T03:30:00Z', 'Asia/Kolkata')).toBe(true);
  });
});

describe('RT-1 time windows: windows crossing midnight', () => {
  // Friday nights: opens Friday 22:00, closes Saturday 06:00 (Shanghai time).
  const fridayNight: TimeWindow = { days: [5], start: '22:00', end: '06:00' };

  it.each([
    ['2026-01-09T13:59:00Z', false, 'Friday 21:59'],
    ['2026-01-09T14:00:00Z', true, 'Friday 22:00'],
    ['2026-01-09T16:00:00Z', true, 'Saturday 00:00'],
    ['2026-01-09T21:59:00Z', true, 'Saturday 05:59'],
    ['2026-01-09T22:00:00Z', false, 'Saturday 06:00, closed'],
    ['2026-01-08T19:00:00Z', false, 'Friday 03:00, that belongs to a Thursday night'],
    ['2026-01-10T14:30:00Z', false, 'Saturday 22:30, Saturday not listed'],
  ])('in Asia/Shanghai at %s: %s (%s)', (instant, expected) => {
    expect(within(fridayNight, instant, 'Asia/Shanghai')).toBe(expected);
  });

  it('covers the night across a week boundary (Saturday night into Sunday)', () => {
    const saturdayNight: TimeWindow = { days: [6], start: '23:00', end: '01:00' };
    expect(within(saturdayNight, '2026-01-10T23:30:00Z', 'UTC')).toBe(true);
    expect(within(saturdayNight, '2026-01-11T00:30:00Z', 'UTC')).toBe(true);
    expect(within(saturdayNight, '2026-01-11T23:30:00Z', 'UTC')).toBe(false);
  });

  it('with every day listed, is open every night', () => {
    const nights: TimeWindow = { start: '22:00', end: '06:00' };
    expect(within(nights, '2026-01-05T03:00:00Z', 'UTC')).toBe(true);
    expect(within(nights, '2026-01-05T12:00:00Z', 'UTC')).toBe(false);
  });
});

describe('RT-1 time windows: daylight saving time', () => {
  const office: TimeWindow = { start: '09:00', end: '17:00' };

  it('keeps the wall-clock window in America/New_York in winter and in summer', () => {
    expect(within(office, '2026-01-15T13:59:00Z', 'America/New_York')).toBe(false); // 08:59 EST
    expect(within(office, '2026-01-15T14:00:00Z', 'America/New_York')).toBe(true); // 09:00 EST
    expect(within(office, '2026-07-15T12:59:00Z', 'America/New_York')).toBe(false); // 08:59 EDT
    expect(within(office, '2026-07-15T13:00:00Z', 'America/New_York')).toBe(true); // 09:00 EDT
    expect(within(office, '2026-07-15T21:00:00Z', 'America/New_York')).toBe(false); // 17:00 EDT
  });

  it('handles the spring-forward night: 02:00–03:00 does not exist, the window around it still works', () => {
    // 2026-03-08: New York clocks jump from 02:00 EST to 03:00 EDT at 07:00 UTC.
    const early: TimeWindow = { start: '01:00', end: '04:00' };
    expect(within(early, '2026-03-08T06:30:00Z', 'America/New_York')).toBe(true); // 01:30 EST
    expect(within(early, '2026-03-08T07:30:00Z', 'America/New_York')).toBe(true); // 03:30 EDT
    expect(within(early, '2026-03-08T08:00:00Z', 'America/New_York')).toBe(false); // 04:00 EDT
  });

  it('is unaffected by DST in a zone without it (Asia/Shanghai, all year UTC+8)', () => {
    expect(within(office, '2026-01-15T01:00:00Z', 'Asia/Shanghai')).toBe(true);
    expect(within(office, '2026-07-15T01:00:00Z', 'Asia/Shanghai')).toBe(true);
    expect(within(office, '2026-07-15T09:00:00Z', 'Asia/Shanghai')).toBe(false);
  });
});
