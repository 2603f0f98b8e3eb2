// The table printed at the end of a run; the same rows go to the JSON file.
import type { ResultRow } from '../scenario.js';

const COLUMNS: { title: string; value: (row: ResultRow) => string; right?: boolean }[] = [
  { title: 'scenario', value: (r) => r.scenario },
  { title: 'case', value: (r) => r.case },
  { title: 'rate', value: (r) => formatNumber(r.rate), right: true },
  { title: 'unit', value: (r) => r.unit },
  { title: 'ns/op', value: (r) => formatNumber(r.nsPerOp, 1), right: true },
  { title: 'p50 ms', value: (r) => formatNumber(r.p50Ms, 2), right: true },
  { title: 'p99 ms', value: (r) => formatNumber(r.p99Ms, 2), right: true },
  { title: 'CPU %', value: (r) => formatNumber(r.cpuPercent), right: true },
  { title: 'peak RSS MiB', value: (r) => formatNumber(r.peakRssMiB), right: true },
  { title: 'notes', value: (r) => r.notes ?? '' },
];

export function formatNumber(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) {
    return '';
  }
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown table, so it can be pasted into the README's "Performance" section as is. */
export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => COLUMNS.map((c) => c.value(row)));
  const widths = COLUMNS.map((c, i) =>
    Math.max(c.title.length, ...cells.map((r) => (r[i] as string).length)),
  );
  const line = (values: string[]): string =>
    `| ${values
      .map((v, i) =>
        (COLUMNS[i] as (typeof COLUMNS)[number]).right
          ? v.padStart(widths[i] as number)
          : v.padEnd(widths[i] as number),
      )
      .join(' | ')} |`;
  const rule = `|${COLUMNS.map((c, i) => {
    const dashes = '-'.repeat((widths[i] as number) + 2);
    return c.right ? `${dashes.slice(1)}:` : dashes;
  }).join('|')}|`;
  return [line(COLUMNS.map((c) => c.title)), rule, ...cells.map(line)].join('\n');
}
