import { zonedToUtc } from '../../platform/time-zones.js';
// Money text and rate-card CSV parsing. Amounts are integer micro-units; decimal text is
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

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows with their
 * 1-based line numbers. A leading BOM is dropped; blank lines are skipped.
 */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endRow = () => {
    cells.push(cell);
    if (rowHasContent || cells.length > 1 || cell !== '') {
      rows.push({ line: rowLine, cells });
    }
    cells = [];
    cell = '';
    rowHasContent = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') {
          line++;
        }
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      rowHasContent = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      rowHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') {
        i++;
      }
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || cells.length > 0 || rowHasContent) {
    endRow();
  }
  return rows;
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
