// SMPP times (SMPP 3.4 §7.1.1): absolute `YYMMDDhhmmsstnnp` (p = '+'/'-', nn quarter hours
// from UTC) and relative `YYMMDDhhmmss000R`, as validity_period and schedule_delivery_time use
// them.

const two = (n: number): string => String(n).padStart(2, '0');

/** SMPP relative time (`YYMMDDhhmmss000R`) for a validity period in seconds. */
export function relativeTime(seconds: number): string {
  let rest = Math.min(Math.max(0, Math.floor(seconds)), 99 * 86400 + 86399);
  const days = Math.min(99, Math.floor(rest / 86400));
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  return `0000${two(days)}${two(hours)}${two(minutes)}${two(secs)}000R`;
}

/** An absolute SMPP time in UTC (`YYMMDDhhmmss000+`). */
export function formatSmppTime(date: Date): string {
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    '000+'
  );
}

/** An SMPP time, absolute or relative to `now`. '' → null; a malformed value → 'invalid'. */
export function parseSmppTime(value: string, now: Date): Date | null | 'invalid' {
  if (value === '') {
    return null;
  }
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/.exec(value);
  if (!m) {
    return 'invalid';
  }
  const [, yy, mo, dd, hh, mi, ss, tenths, nn, p] = m;
  const n = (s: string | undefined): number => Number(s ?? '0');
  if (p === 'R') {
    const seconds = (((n(yy) * 365 + n(mo) * 30 + n(dd)) * 24 + n(hh)) * 60 + n(mi)) * 60 + n(ss);
    return new Date(now.getTime() + seconds * 1000);
  }
  if (
    n(mo) < 1 ||
    n(mo) > 12 ||
    n(dd) < 1 ||
    n(dd) > 31 ||
    n(hh) > 23 ||
    n(mi) > 59 ||
    n(ss) > 59 ||
    n(nn) > 48
  ) {
    return 'invalid';
  }
  const local = Date.UTC(2000 + n(yy), n(mo) - 1, n(dd), n(hh), n(mi), n(ss), n(tenths) * 100);
  const offsetMs = n(nn) * 15 * 60_000 * (p === '+' ? 1 : -1);
  return new Date(local - offsetMs);
}
