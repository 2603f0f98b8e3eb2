import { zonedToUtc } from '../../platform/time-zones.js';
// Money text and calendar days for bills. Amounts are integer micro-units; decimal text is
// converted digit by digit so no float ever touches money.
export const MICRO = 1_000_000;

/** Parses '0.035', '12', '-1.5' into micro-units; null when not a decimal with ≤ 6 places. */
export function parseDecimalMoney(text: string): number | null {
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) {
    return null;
  }
  const whole = Number(m[2]) * MICRO;
  const frac = Number((m[3] ?? '').padEnd(6, '0'));
  const v = whole + frac;
  return m[1] === '-' ? -v : v;
}

/** Formats micro-units as a decimal without trailing zeros beyond two places: 35000 → '0.035'. */
export function formatMicro(micro: number): string {
  const neg = micro < 0;
  const abs = Math.abs(micro);
  const whole = Math.floor(abs / MICRO);
  let frac = String(abs % MICRO).padStart(6, '0');
  frac = frac.replace(/0+$/, '');
  if (frac.length < 2) {
    frac = frac.padEnd(2, '0');
  }
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** The UTC instant at which the calendar date 'YYYY-MM-DD' begins in `timeZone`. */
export function startOfZonedDay(date: string, timeZone: string): number {
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  return zonedToUtc(y, mo, d, 0, 0, timeZone);
}

/** 'YYYY-MM-DD' of the day after `date`. */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
