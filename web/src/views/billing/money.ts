// Micro-unit money for display and input: text is converted digit by digit, never via floats.
const MICRO = 1_000_000;

/** 35000 → '0.035'; at least two decimals. */
export function formatMoney(micro: number | null | undefined): string {
  if (micro === null || micro === undefined) {
    return '—';
  }
  const neg = micro < 0;
  const abs = Math.abs(micro);
  let frac = String(abs % MICRO)
    .padStart(6, '0')
    .replace(/0+$/, '');
  if (frac.length < 2) {
    frac = frac.padEnd(2, '0');
  }
  return `${neg ? '-' : ''}${Math.floor(abs / MICRO).toLocaleString('en-US')}.${frac}`;
}

/** '12.5' → 12500000; null when not a decimal with at most 6 places. */
export function parseMoney(text: string): number | null {
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) {
    return null;
  }
  const v = Number(m[2]) * MICRO + Number((m[3] ?? '').padEnd(6, '0'));
  return m[1] === '-' ? -v : v;
}
