// The dashboard's figures (ST-1, UI-3): the last hour per minute from the statistics table
// plus what is still counted in memory, the current throughput, failures by reason, provider
// health with queue depths (staff) and the balance of the chosen enterprise.
import type { AppContext } from '../../context.js';
import { can, isCustomer, tenantForWrite, type AuthContext } from '../../platform/auth/auth-context.js';
import type { LedgerService } from '../billing/index.js';
import type { ProviderService } from '../providers/index.js';
import {
  addStatus,
  emptyCounts,
  MINUTE_MS,
  minuteOf,
  sortReasons,
  successRate,
  WINDOW_MINUTES,
  type MinuteCounts,
  type StatsCounters,
} from './counters.js';
import type { BalanceTile, MinutePoint, Overview, ProviderTile } from './stats.schemas.js';

/** What the dashboard reads from other modules: ports of stats, answered in app.ts. */
export interface StatsSources {
  /** Messages waiting per provider id (the delivery engine's queues). */
  queueDepths(): Record<string, number>;
  /** Provider records with their health (providers module). */
  providers: Pick<ProviderService, 'list'>;
  /** An enterprise's balance (billing). */
  balances: Pick<LedgerService, 'get'>;
}

export function point(minute: string, c: MinuteCounts): MinutePoint {
  return {
    minute,
    submitted: c.submitted,
    sent: c.sent,
    delivered: c.delivered,
    failed: c.failed,
    successRate: successRate(c),
  };
}

export class StatsService {
  constructor(
    private readonly ctx: AppContext,
    readonly counters: StatsCounters,
    private readonly sources: StatsSources,
  ) {}

  /** Messages waiting per provider (the delivery engine's queues). */
  queueDepths(): Record<string, number> {
    return this.sources.queueDepths();
  }

  /** The enterprise a caller looks at: customers their own, staff the one asked for or all. */
  scopeOf(auth: AuthContext, requested: string | null | undefined): string | null {
    return tenantForWrite(auth, requested ?? null);
  }

  async overview(auth: AuthContext, query: { enterpriseId?: string }): Promise<Overview> {
    const enterpriseId = this.scopeOf(auth, query.enterpriseId);
    const now = this.ctx.clock.now();
    const to = minuteOf(now);
    const from = minuteOf(now - (WINDOW_MINUTES - 1) * MINUTE_MS);

    let q = this.ctx.db
      .selectFrom('message_stats_minute')
      .select(['minute', 'status', 'error_code'])
      .select((eb) => [
        eb.fn.sum<number>('count').as('count'),
        eb.fn.sum<number>('segments').as('segments'),
        eb.fn.sum<number>('revenue').as('revenue'),
      ])
      .where('minute', '>=', from)
      .groupBy(['minute', 'status', 'error_code']);
    if (enterpriseId !== null) {
      q = q.where('enterprise_id', '=', enterpriseId);
    }
    const stored = await q.execute();
    const memory = this.counters
      .unflushed()
      .filter((r) => r.minute >= from && (enterpriseId === null || r.enterprise_id === enterpriseId));

    const byMinute = new Map<string, MinuteCounts>();
    const reasons = new Map<string, number>();
    for (const r of [...stored, ...memory]) {
      const c = byMinute.get(r.minute) ?? emptyCounts();
      addStatus(c, r.status, Number(r.count), Number(r.segments), Number(r.revenue));
      byMinute.set(r.minute, c);
      if (r.error_code !== '') {
        reasons.set(r.error_code, (reasons.get(r.error_code) ?? 0) + Number(r.count));
      }
    }
    const series: MinutePoint[] = [];
    const totals = emptyCounts();
    for (let i = WINDOW_MINUTES - 1; i >= 0; i--) {
      const minute = minuteOf(now - i * MINUTE_MS);
      const c = byMinute.get(minute) ?? emptyCounts();
      series.push(point(minute, c));
      addCounts(totals, c);
    }
    const { minute: _m, ...totalPoint } = point(to, totals);
    return {
      enterpriseId,
      from,
      to,
      series,
      totals: totalPoint,
      throughput: this.counters.throughput(enterpriseId),
      failuresByReason: sortReasons(reasons),
      providers: await this.providerTiles(auth),
      balance: enterpriseId === null ? null : await this.balance(auth, enterpriseId),
    };
  }

  /** Provider health and queue depth; staff with the providers permission only. */
  async providerTiles(auth: AuthContext): Promise<ProviderTile[]> {
    if (isCustomer(auth) || !can(auth, 'providers:provider:read')) {
      return [];
    }
    const depths = this.sources.queueDepths();
    const { items } = await this.sources.providers.list(auth, { page: 1, size: 100 });
    return items.map((p) => ({
      id: p.id,
      name: p.name,
      channel: p.channel,
      enabled: p.enabled,
      frozen: p.isFrozen,
      health: p.health,
      queueDepth: depths[p.id] ?? 0,
    }));
  }

  /** The balance of one enterprise, when the caller may read balances. */
  async balance(auth: AuthContext, enterpriseId: string): Promise<BalanceTile | null> {
    if (!can(auth, 'billing:balance:read')) {
      return null;
    }
    const b = await this.sources.balances.get(auth, enterpriseId);
    return {
      enterpriseId: b.enterpriseId,
      enterpriseName: b.enterpriseName,
      currency: b.currency,
      balance: b.balance,
      available: b.available,
    };
  }
}

function addCounts(into: MinuteCounts, c: MinuteCounts): void {
  into.submitted += c.submitted;
  into.sent += c.sent;
  into.delivered += c.delivered;
  into.failed += c.failed;
  into.segments += c.segments;
  into.revenue += c.revenue;
}
