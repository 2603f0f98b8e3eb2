// Shapes the profit report (BL-6) for the chart: one currency at a time (amounts of different
// currencies are never added), every day of the range on the day axis, the biggest groups
// otherwise. Amounts stay integer micro-units; the chart formats them.
import type { ProfitReport, ProfitRow } from '../api';

/** How many groups a bar chart shows; the table lists them all. */
export const CHART_GROUPS = 20;

/** Every 'YYYY-MM-DD' from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  let ms = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (ms <= end && out.length <= 400) {
    out.push(new Date(ms).toISOString().slice(0, 10));
    ms += 86_400_000;
  }
  return out;
}

/** The currencies of a report, those with the most revenue first. */
export function currenciesOf(report: ProfitReport): string[] {
  return [...report.totals].sort((a, b) => b.revenue - a.revenue).map((t) => t.currency);
}

export interface ChartData {
  categories: string[];
  revenue: number[];
  cost: number[];
  margin: number[];
}

/** The chart's axis and series for one currency; `name` labels a group row. */
export function chartData(
  report: ProfitReport,
  currency: string,
  name: (row: ProfitRow) => string,
): ChartData {
  const rows = report.rows.filter((r) => r.currency === currency);
  if (report.groupBy === 'day') {
    const byDay = new Map(rows.map((r) => [r.key ?? '', r]));
    const categories = daysOf(report.from, report.to);
    const pick = (f: 'revenue' | 'cost' | 'margin') => categories.map((d) => byDay.get(d)?.[f] ?? 0);
    return { categories, revenue: pick('revenue'), cost: pick('cost'), margin: pick('margin') };
  }
  const top = [...rows].sort((a, b) => b.revenue - a.revenue).slice(0, CHART_GROUPS);
  return {
    categories: top.map(name),
    revenue: top.map((r) => r.revenue),
    cost: top.map((r) => r.cost),
    margin: top.map((r) => r.margin),
  };
}

/** 0.6639 → '66.39%'; '—' without revenue. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(2)}%`;
}
