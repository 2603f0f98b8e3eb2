// Profit (BL-6): revenue, provider cost and margin of the messages sent, by day, provider,
// country or enterprise, one row per group and currency. Staff only: it reveals provider cost.
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { isCustomer, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { isTimeZone, wallClock } from '../../platform/time-zones.js';
import type { Channel } from '../customers/index.js';
import { nextDay, startOfZonedDay } from './money.js';
import { ProfitReasons } from './billing.errors.js';

export type ProfitGroupBy = 'day' | 'provider' | 'country' | 'enterprise';
export const PROFIT_GROUPS: readonly ProfitGroupBy[] = ['day', 'provider', 'country', 'enterprise'];

/** The longest range one report covers (days). */
export const PROFIT_MAX_DAYS = 366;
/** The range when none is given: the last 30 days, today included. */
const DEFAULT_DAYS = 30;

export interface ProfitQuery {
  /** First day, 'YYYY-MM-DD' in `timezone` (inclusive). */
  from?: string;
  /** Last day, 'YYYY-MM-DD' in `timezone` (inclusive). */
  to?: string;
  groupBy: ProfitGroupBy;
  enterpriseId?: string;
  channel?: Channel;
  /** IANA zone of the dates and day buckets; UTC by default. */
  timezone?: string;
}

interface Measures {
  messages: number;
  /** Micro-units charged and not refunded. */
  revenue: number;
  /** Micro-units of provider cost (messages not yet submitted count 0). */
  cost: number;
  margin: number;
  /** margin / revenue, 4 decimals; null when there is no revenue. */
  marginRate: number | null;
}

export interface ProfitRow extends Measures {
  /** The day 'YYYY-MM-DD', provider id, country code or enterprise id; null: not routed / no country. */
  key: string | null;
  label: string;
  currency: string;
}

export interface ProfitTotal extends Measures {
  currency: string;
}

export interface ProfitReport {
  groupBy: ProfitGroupBy;
  from: string;
  to: string;
  timezone: string;
  /** The UTC instants the dates stand for: [startsAt, endsAt). */
  startsAt: string;
  endsAt: string;
  rows: ProfitRow[];
  /** One per currency: amounts of different currencies are never added. */
  totals: ProfitTotal[];
}

interface Sums {
  messages: number;
  revenue: number;
  cost: number;
}

function rate(margin: number, revenue: number): number | null {
  return revenue > 0 ? Math.round((margin / revenue) * 10_000) / 10_000 : null;
}

function measures(s: Sums): Measures {
  const margin = s.revenue - s.cost;
  return {
    messages: s.messages,
    revenue: s.revenue,
    cost: s.cost,
    margin,
    marginRate: rate(margin, s.revenue),
  };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

// Group expressions are constant SQL (no parameters), so PostgreSQL matches the SELECT and
// GROUP BY expressions. Timestamps are UTC ISO text ('2026-11-23T14:05:09.123Z') on both
// dialects, so their prefixes are the UTC day and hour.
const UTC_DAY = sql<string>`substr(created_at, 1, 10)`;
const UTC_HOUR = sql<string>`substr(created_at, 1, 13)`;
const QUARTER = sql<number>`cast(substr(created_at, 15, 2) as integer) / 15`;

export class ProfitService {
  constructor(private readonly ctx: AppContext) {}

  async report(auth: AuthContext, q: ProfitQuery): Promise<ProfitReport> {
    // Defence in depth: the permission is never granted to customer roles, and even a custom
    // role that grants it does not show a tenant what the platform pays its providers.
    if (isCustomer(auth)) {
      throw errors.forbidden('FORBIDDEN', { permission: 'billing:profit:read' });
    }
    const timezone = q.timezone ?? 'UTC';
    if (!isTimeZone(timezone)) {
      throw errors.invalid([{ field: 'timezone', reason: ProfitReasons.badTimeZone }]);
    }
    const today = wallClock(this.ctx.clock.now(), timezone);
    const to =
      q.to ??
      `${String(today.y).padStart(4, '0')}-${String(today.mo).padStart(2, '0')}-${String(today.d).padStart(2, '0')}`;
    const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
    if (to < from) {
      throw errors.invalid([{ field: 'to', reason: ProfitReasons.badPeriod }]);
    }
    if (daysBetween(from, to) >= PROFIT_MAX_DAYS) {
      throw errors.invalid([
        { field: 'from', reason: ProfitReasons.tooLong, params: { max: PROFIT_MAX_DAYS } },
      ]);
    }
    const startsAtMs = startOfZonedDay(from, timezone);
    const endsAtMs = startOfZonedDay(nextDay(to), timezone);
    const startsAt = new Date(startsAtMs).toISOString();
    const endsAt = new Date(endsAtMs).toISOString();

    const groups =
      q.groupBy === 'day'
        ? await this.byDay(q, from, to, timezone, startsAt, endsAt)
        : await this.byColumn(q, startsAt, endsAt);
    const rows = await this.label(q.groupBy, groups);
    rows.sort((a, b) =>
      q.groupBy === 'day'
        ? (a.key ?? '').localeCompare(b.key ?? '') || a.currency.localeCompare(b.currency)
        : a.currency.localeCompare(b.currency) ||
          b.revenue - a.revenue ||
          (a.key ?? '').localeCompare(b.key ?? ''),
    );
    const totals = new Map<string, Sums>();
    for (const r of rows) {
      const t = totals.get(r.currency) ?? { messages: 0, revenue: 0, cost: 0 };
      t.messages += r.messages;
      t.revenue += r.revenue;
      t.cost += r.cost;
      totals.set(r.currency, t);
    }
    return {
      groupBy: q.groupBy,
      from,
      to,
      timezone,
      startsAt,
      endsAt,
      rows,
      totals: [...totals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, s]) => ({ currency, ...measures(s) })),
    };
  }

  /** Messages created in the range, narrowed by the report's filters. */
  private base(q: ProfitQuery, startsAt: string, endsAt: string) {
    let base = this.ctx.db
      .selectFrom('messages')
      .where('created_at', '>=', startsAt)
      .where('created_at', '<', endsAt);
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    return base;
  }

  private static readonly SUMS = [
    sql<number>`count(*)`.as('messages'),
    sql<number>`sum(case when refunded = 0 then price else 0 end)`.as('revenue'),
    sql<number>`sum(coalesce(cost, 0))`.as('cost'),
  ] as const;

  private async byColumn(
    q: ProfitQuery,
    startsAt: string,
    endsAt: string,
  ): Promise<Array<Sums & { key: string | null; currency: string }>> {
    const column =
      q.groupBy === 'provider' ? 'provider_id' : q.groupBy === 'country' ? 'country' : 'enterprise_id';
    const rows = await this.base(q, startsAt, endsAt)
      .select([`${column} as key`, 'currency', ...ProfitService.SUMS])
      .groupBy([column, 'currency'])
      .execute();
    return rows.map((r) => ({
      key: r.key,
      currency: r.currency,
      messages: Number(r.messages),
      revenue: Number(r.revenue ?? 0),
      cost: Number(r.cost ?? 0),
    }));
  }

  /**
   * Day buckets. In UTC the database groups by the date prefix. In another zone it groups by
   * UTC hour (or quarter hour, when a day starts off the hour, e.g. Asia/Kolkata) and the
   * buckets are folded into local days here: a bucket never straddles a local midnight.
   */
  private async byDay(
    q: ProfitQuery,
    from: string,
    to: string,
    timezone: string,
    startsAt: string,
    endsAt: string,
  ): Promise<Array<Sums & { key: string | null; currency: string }>> {
    const out = new Map<string, Sums & { key: string; currency: string }>();
    const add = (day: string, currency: string, s: Sums) => {
      const k = `${day}|${currency}`;
      const g = out.get(k) ?? { key: day, currency, messages: 0, revenue: 0, cost: 0 };
      g.messages += s.messages;
      g.revenue += s.revenue;
      g.cost += s.cost;
      out.set(k, g);
    };
    const sums = (r: { messages: number; revenue: number | null; cost: number | null }): Sums => ({
      messages: Number(r.messages),
      revenue: Number(r.revenue ?? 0),
      cost: Number(r.cost ?? 0),
    });
    if (timezone === 'UTC' || timezone === 'Etc/UTC') {
      const rows = await this.base(q, startsAt, endsAt)
        .select([UTC_DAY.as('day'), 'currency', ...ProfitService.SUMS])
        .groupBy([UTC_DAY, 'currency'])
        .execute();
      for (const r of rows) {
        add(r.day, r.currency, sums(r));
      }
      return [...out.values()];
    }
    // The UTC instants local days begin at, and the day each begins.
    const days: string[] = [];
    for (let d = from; d <= to; d = nextDay(d)) {
      days.push(d);
    }
    const starts = days.map((d) => startOfZonedDay(d, timezone));
    const onTheHour = starts.every((ms) => ms % 3_600_000 === 0);
    const dayOf = (ms: number): string => {
      // The last local day starting at or before ms (binary search; starts ascend).
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] as number) <= ms) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return days[lo] as string;
    };
    if (onTheHour) {
      const rows = await this.base(q, startsAt, endsAt)
        .select([UTC_HOUR.as('hour'), 'currency', ...ProfitService.SUMS])
        .groupBy([UTC_HOUR, 'currency'])
        .execute();
      for (const r of rows) {
        add(dayOf(Date.parse(`${r.hour}:00:00Z`)), r.currency, sums(r));
      }
    } else {
      const rows = await this.base(q, startsAt, endsAt)
        .select([UTC_HOUR.as('hour'), QUARTER.as('quarter'), 'currency', ...ProfitService.SUMS])
        .groupBy([UTC_HOUR, QUARTER, 'currency'])
        .execute();
      for (const r of rows) {
        add(dayOf(Date.parse(`${r.hour}:00:00Z`) + Number(r.quarter) * 900_000), r.currency, sums(r));
      }
    }
    return [...out.values()];
  }

  /** Names for provider and enterprise keys (one look-up per report, not per row). */
  private async label(
    groupBy: ProfitGroupBy,
    groups: Array<Sums & { key: string | null; currency: string }>,
  ): Promise<ProfitRow[]> {
    const ids = [...new Set(groups.map((g) => g.key).filter((k): k is string => k !== null))];
    const names = new Map<string, string>();
    if (ids.length > 0 && (groupBy === 'provider' || groupBy === 'enterprise')) {
      const table = groupBy === 'provider' ? 'providers' : 'enterprises';
      for (let i = 0; i < ids.length; i += 500) {
        const found = await this.ctx.db
          .selectFrom(table)
          .select(['id', 'name'])
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
        for (const f of found) {
          names.set(f.id, f.name);
        }
      }
    }
    return groups.map((g) => ({
      key: g.key,
      label: g.key === null ? '' : (names.get(g.key) ?? g.key),
      currency: g.currency,
      ...measures(g),
    }));
  }
}
