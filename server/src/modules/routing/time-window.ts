// Time windows of route rules (RT-1): days of the week and a wall-clock range, read in the
// tenant's IANA timezone. Pure apart from a small cache of Intl formatters and results.
//
// Semantics, exactly:
// - `start` and `end` are "HH:MM" (00:00–23:59; `end` may also be "24:00"). The range is
//   half-open: `start` ≤ t < `end`.
// - `start` < `end`: the window is that range on each listed day.
// - `start` > `end`: the window crosses midnight. It opens on a listed day at `start` and
//   closes the next day at `end`; e.g. days [Fri], 22:00–06:00 covers Friday 22:00 until
//   Saturday 06:00, and not Friday 03:00.
// - `start` = `end`: the whole of each listed day.
// - `days` omitted or empty: every day. Days are 0 = Sunday … 6 = Saturday, as Date#getDay.
// Wall-clock time is what Intl reports for the zone, so DST is handled by the platform: a
// 09:00–18:00 window in America/New_York opens at 14:00 UTC in winter and 13:00 UTC in
// summer. A wall-clock time skipped by a DST jump simply never occurs.

export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface TimeWindow {
  days?: readonly DayOfWeek[];
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM", exclusive; "24:00" allowed. Earlier than `start` means the window crosses midnight. */
  end: string;
}

export interface CompiledTimeWindow {
  /** Bit d set when day d is listed (all seven bits when every day). */
  readonly dayMask: number;
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface LocalTime {
  dayOfWeek: DayOfWeek;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
}

const ALL_DAYS = 0b111_1111;
const HH_MM = /^(\d{2}):(\d{2})$/;

export function parseHhMm(value: string, allow24 = false): number {
  const m = HH_MM.exec(value);
  const hours = m ? Number(m[1]) : NaN;
  const minutes = m ? Number(m[2]) : NaN;
  const ok = (hours < 24 && minutes < 60) || (allow24 && hours === 24 && minutes === 0);
  if (!ok) {
    throw new RangeError(`invalid time of day "${value}", expected HH:MM`);
  }
  return hours * 60 + minutes;
}

export function compileTimeWindow(window: TimeWindow): CompiledTimeWindow {
  let dayMask = 0;
  for (const day of window.days ?? []) {
    if (!Number.isInteger(day) || day < 0 || day > 6) {
      throw new RangeError(`invalid day of week ${String(day)}, expected 0 (Sunday) to 6 (Saturday)`);
    }
    dayMask |= 1 << day;
  }
  return {
    dayMask: dayMask === 0 ? ALL_DAYS : dayMask,
    startMinute: parseHhMm(window.start),
    endMinute: parseHhMm(window.end, true),
  };
}

export function isWithinWindow(window: CompiledTimeWindow, local: LocalTime): boolean {
  const { dayMask, startMinute, endMinute } = window;
  const t = local.minuteOfDay;
  const today = (dayMask >> local.dayOfWeek) & 1;
  if (startMinute === endMinute) {
    return today === 1;
  }
  if (startMinute < endMinute) {
    return today === 1 && t >= startMinute && t < endMinute;
  }
  // Crosses midnight: the evening part belongs to today, the early-morning part to the window
  // that opened yesterday.
  if (t >= startMinute) {
    return today === 1;
  }
  const yesterday = (dayMask >> ((local.dayOfWeek + 6) % 7)) & 1;
  return t < endMinute && yesterday === 1;
}

const WEEKDAYS: Readonly<Record<string, DayOfWeek>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};
const formatters = new Map<string, Intl.DateTimeFormat>();
// One entry per zone: the minute last asked for. Offsets change on minute boundaries, so
// every selection within the same minute reuses the answer (the send path asks per message).
const lastAnswer = new Map<string, { minute: number; local: LocalTime }>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Throws RangeError for an unknown zone, which is what a caller passing one deserves.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The day of week and minute of day at instant `epochMs` in `timeZone` (IANA name). */
export function localTimeOf(epochMs: number, timeZone: string): LocalTime {
  const minute = Math.floor(epochMs / 60_000);
  const cached = lastAnswer.get(timeZone);
  if (cached !== undefined && cached.minute === minute) {
    return cached.local;
  }
  let dayOfWeek: DayOfWeek | undefined;
  let hours = NaN;
  let minutes = NaN;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'weekday') {
      dayOfWeek = WEEKDAYS[part.value];
    } else if (part.type === 'hour') {
      hours = Number(part.value);
    } else if (part.type === 'minute') {
      minutes = Number(part.value);
    }
  }
  if (dayOfWeek === undefined || !(hours >= 0 && hours < 24) || !(minutes >= 0 && minutes < 60)) {
    throw new Error(`cannot read the local time in ${timeZone}`);
  }
  const local: LocalTime = { dayOfWeek, minuteOfDay: hours * 60 + minutes };
  lastAnswer.set(timeZone, { minute, local });
  return local;
}
