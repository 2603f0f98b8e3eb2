// The dashboard's state transitions, kept apart from the page so they can be tested: the
// overview from GET /stats/overview, then live pushes from the event stream merged into it.
import type { paths } from '@/api/schema';

export type Overview =
  paths['/api/v1/stats/overview']['get']['responses'][200]['content']['application/json']['data'];
export type MinutePoint = Overview['series'][number];
export type ProviderTile = Overview['providers'][number];
export type BalanceTile = NonNullable<Overview['balance']>;

/** The `stats` push of the event stream. */
export interface LiveStats {
  enterpriseId: string | null;
  minutes: MinutePoint[];
  throughput: number;
  failuresByReason: Overview['failuresByReason'];
  queues: Record<string, number>;
}

export function successRate(delivered: number, failed: number): number | null {
  const done = delivered + failed;
  return done === 0 ? null : delivered / done;
}

/** Totals of a series (what the statistic cards show). */
export function totalsOf(series: MinutePoint[]): Overview['totals'] {
  const t = { submitted: 0, sent: 0, delivered: 0, failed: 0 };
  for (const p of series) {
    t.submitted += p.submitted;
    t.sent += p.sent;
    t.delivered += p.delivered;
    t.failed += p.failed;
  }
  return { ...t, successRate: successRate(t.delivered, t.failed) };
}

/**
 * Merges live minutes into the series: a known minute is replaced, a newer one is appended
 * (gaps filled with empty minutes) and the window keeps its length.
 */
export function mergeMinutes(series: MinutePoint[], minutes: MinutePoint[]): MinutePoint[] {
  const out = [...series];
  const length = series.length || 60;
  for (const m of minutes) {
    const i = out.findIndex((p) => p.minute === m.minute);
    if (i >= 0) {
      out[i] = m;
      continue;
    }
    const last = out[out.length - 1];
    if (last && m.minute < last.minute) {
      continue;
    }
    if (last) {
      for (let t = Date.parse(last.minute) + 60_000; t < Date.parse(m.minute); t += 60_000) {
        out.push({
          minute: new Date(t).toISOString(),
          submitted: 0,
          sent: 0,
          delivered: 0,
          failed: 0,
          successRate: null,
        });
      }
    }
    out.push(m);
  }
  return out.slice(-length);
}

/** The overview after a live push. */
export function applyLive(o: Overview, live: LiveStats): Overview {
  const series = mergeMinutes(o.series, live.minutes);
  const last = series[series.length - 1];
  return {
    ...o,
    series,
    to: last?.minute ?? o.to,
    from: series[0]?.minute ?? o.from,
    totals: totalsOf(series),
    throughput: live.throughput,
    failuresByReason: live.failuresByReason,
    providers: o.providers.map((p) => ({ ...p, queueDepth: live.queues[p.id] ?? p.queueDepth })),
  };
}

/** `0.9876` → `98.8%`; null → `—`. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}
