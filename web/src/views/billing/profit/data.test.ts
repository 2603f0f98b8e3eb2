import { describe, expect, it } from 'vitest';
import type { ProfitReport, ProfitRow } from '../api';
import { chartData, currenciesOf, daysOf, formatRate } from './data';

function row(key: string | null, currency: string, revenue: number, cost: number): ProfitRow {
  return {
    key,
    label: key ?? '',
    currency,
    messages: 1,
    revenue,
    cost,
    margin: revenue - cost,
    marginRate: revenue > 0 ? (revenue - cost) / revenue : null,
  };
}

function report(groupBy: ProfitReport['groupBy'], rows: ProfitRow[]): ProfitReport {
  const currencies = [...new Set(rows.map((r) => r.currency))];
  return {
    groupBy,
    from: '2026-02-27',
    to: '2026-03-02',
    timezone: 'UTC',
    startsAt: '2026-02-27T00:00:00.000Z',
    endsAt: '2026-03-03T00:00:00.000Z',
    rows,
    totals: currencies.map((currency) => {
      const mine = rows.filter((r) => r.currency === currency);
      const revenue = mine.reduce((s, r) => s + r.revenue, 0);
      const cost = mine.reduce((s, r) => s + r.cost, 0);
      return { currency, messages: mine.length, revenue, cost, margin: revenue - cost, marginRate: null };
    }),
  };
}

describe('BL-6 profit dashboard data', () => {
  it('lists every day of a range across a month end', () => {
    expect(daysOf('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(daysOf('2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('fills days without traffic with zero and keeps currencies apart', () => {
    const r = report('day', [row('2026-02-28', 'USD', 500, 200), row('2026-02-28', 'EUR', 900, 100)]);
    const usd = chartData(r, 'USD', (x) => x.label);
    expect(usd.categories).toHaveLength(4);
    expect(usd.revenue).toEqual([0, 500, 0, 0]);
    expect(usd.margin).toEqual([0, 300, 0, 0]);
    expect(currenciesOf(r)).toEqual(['EUR', 'USD']);
  });

  it('shows the groups with the most revenue first in a bar chart', () => {
    const r = report('provider', [row('a', 'USD', 1, 0), row('b', 'USD', 30, 10), row(null, 'USD', 5, 0)]);
    const d = chartData(r, 'USD', (x) => x.label || 'none');
    expect(d.categories).toEqual(['b', 'none', 'a']);
    expect(d.cost).toEqual([10, 0, 0]);
  });

  it('formats a margin rate as a percentage', () => {
    expect(formatRate(0.6639)).toBe('66.39%');
    expect(formatRate(-0.2)).toBe('-20.00%');
    expect(formatRate(null)).toBe('—');
  });
});
