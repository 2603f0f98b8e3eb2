// The live side of providers: one connector per enabled provider (rebuilt when its record
// changes, closed when it is disabled or deleted), the cached provider snapshot routing reads,
// the freeze rule (DL-5), health probes (DL-4) and the daily quota reset.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import { createConnector, type Connector } from '../../delivery/connectors/index.js';
import { newId } from '../../platform/ids.js';
import { connectorConfigOf, nextQuotaReset } from './provider-settings.js';
import type {
  ProviderChannel,
  ProviderHealth,
  ProvidersTable,
  ProviderState,
  ProviderStatusLogsTable,
} from './providers.tables.js';

/** Consecutive delivery failures that freeze a provider (DL-5). */
export const FREEZE_AFTER_FAILURES = 10;
/** Default interval between health probes (DL-4). */
export const DEFAULT_PROBE_INTERVAL_MS = 30_000;
const PROBE_TIMEOUT_MS = 15_000;

/** What routing needs to know of a provider (matches routing's ProviderState). */
export interface ProviderSnapshot {
  id: string;
  channel: ProviderChannel;
  enabled: boolean;
  frozen: boolean;
  healthy: boolean;
  /** Messages left in today's quota; null when the provider has no quota. */
  quotaLeft: number | null;
  /** Cost of one message part by destination country (ISO alpha-2, upper case), micro-units. */
  costByCountry: ReadonlyMap<string, number>;
}

export interface StatusChange {
  providerId: string;
  from: ProviderState;
  to: ProviderState;
  reason: string;
  actor: string;
}

/** Writes a status log entry inside the caller's transaction. */
export async function writeStatusLog(
  db: Kysely<Database>,
  at: string,
  change: StatusChange,
): Promise<ProviderStatusLogsTable> {
  const row: ProviderStatusLogsTable = {
    id: newId(),
    provider_id: change.providerId,
    from_state: change.from,
    to_state: change.to,
    reason: change.reason.slice(0, 1000),
    actor: change.actor,
    created_at: at,
  };
  await db.insertInto('provider_status_logs').values(row).execute();
  return row;
}

const EVENT_OF: Partial<Record<`${ProviderState}>${ProviderState}`, string>> = {
  'active>frozen': 'provider.frozen',
  'frozen>active': 'provider.unfrozen',
  'unknown>unhealthy': 'provider.unhealthy',
  'healthy>unhealthy': 'provider.unhealthy',
  'unhealthy>healthy': 'provider.recovered',
  'unknown>healthy': 'provider.healthy',
  'disabled>enabled': 'provider.enabled',
  'enabled>disabled': 'provider.disabled',
};

interface Live {
  connector: Connector;
  /** `updated_at` of the record the connector was built from. */
  version: string;
}

export class ProviderRegistry {
  private readonly live = new Map<string, Live>();
  private cache: Map<string, ProviderSnapshot> | null = null;
  private loading: Promise<Map<string, ProviderSnapshot>> | null = null;
  /** Per-provider chains so results of one provider are counted one at a time. */
  private readonly chains = new Map<string, Promise<void>>();
  private probing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly attachers: Array<(providerId: string, connector: Connector) => void> = [];

  constructor(private readonly ctx: AppContext) {}

  /**
   * Calls `attach` for every live connector now and every one built later (the engine hangs
   * its receipt handler on each, the inbox its inbound handler).
   */
  onConnector(attach: (providerId: string, connector: Connector) => void): void {
    this.attachers.push(attach);
    for (const [providerId, live] of this.live) {
      attach(providerId, live.connector);
    }
  }

  /** Ids of the providers with a live connector. */
  liveProviderIds(): string[] {
    return [...this.live.keys()];
  }

  /** The live connector of an enabled provider. */
  get(providerId: string): Connector | undefined {
    return this.live.get(providerId)?.connector;
  }

  /** Provider states for routing; cached until a provider changes. */
  async snapshot(): Promise<ReadonlyMap<string, ProviderSnapshot>> {
    if (this.cache) {
      return this.cache;
    }
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<Map<string, ProviderSnapshot>> {
    const [rows, costs] = await Promise.all([
      this.ctx.db.selectFrom('providers').selectAll().execute(),
      this.ctx.db.selectFrom('provider_costs').select(['provider_id', 'country', 'cost']).execute(),
    ]);
    const costMaps = new Map<string, Map<string, number>>();
    for (const c of costs) {
      const m = costMaps.get(c.provider_id) ?? new Map<string, number>();
      m.set(c.country, Number(c.cost));
      costMaps.set(c.provider_id, m);
    }
    const out = new Map<string, ProviderSnapshot>();
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        channel: r.channel,
        enabled: r.enabled === 1,
        frozen: r.is_frozen === 1,
        // Unknown counts as healthy: a new provider takes traffic before its first probe.
        healthy: r.health !== 'unhealthy',
        quotaLeft: r.daily_quota === null ? null : Math.max(0, r.daily_quota - r.quota_used),
        costByCountry: costMaps.get(r.id) ?? new Map(),
      });
    }
    this.cache = out;
    return out;
  }

  /** Drops the cached snapshot and tells listeners (routing caches) that providers changed. */
  invalidate(providerId: string | null): void {
    this.cache = null;
    this.ctx.events.emit('provider.changed', { providerId });
  }

  /** Raises the event of a state change (after commit). */
  announce(change: StatusChange): void {
    const type = EVENT_OF[`${change.from}>${change.to}`];
    if (type) {
      this.ctx.events.emit(type, {
        providerId: change.providerId,
        from: change.from,
        to: change.to,
        reason: change.reason,
        actor: change.actor,
      });
    }
  }

  // --- connectors -------------------------------------------------------------------------

  /** Brings the live connector of one provider in line with its record. */
  async sync(providerId: string): Promise<void> {
    if (this.closed) {
      return;
    }
    const row = await this.ctx.db
      .selectFrom('providers')
      .selectAll()
      .where('id', '=', providerId)
      .executeTakeFirst();
    await this.apply(providerId, row);
  }

  /** Starts a connector for every enabled provider (at start-up). */
  async syncAll(): Promise<void> {
    const rows = await this.ctx.db.selectFrom('providers').selectAll().where('enabled', '=', 1).execute();
    for (const row of rows) {
      await this.apply(row.id, row);
    }
  }

  private async apply(providerId: string, row: ProvidersTable | undefined): Promise<void> {
    const current = this.live.get(providerId);
    if (row && row.enabled === 1 && current?.version === row.updated_at) {
      return;
    }
    if (current) {
      this.live.delete(providerId);
      await current.connector.close().catch((err: unknown) => {
        this.ctx.log.warn({ err, providerId }, 'closing a provider connector failed');
      });
    }
    if (!row || row.enabled !== 1 || this.closed) {
      return;
    }
    let connector: Connector;
    try {
      connector = createConnector(connectorConfigOf(row));
    } catch (err) {
      this.ctx.log.error({ err, providerId }, 'cannot build the connector of a provider');
      return;
    }
    this.live.set(providerId, { connector, version: row.updated_at });
    for (const attach of this.attachers) {
      attach(providerId, connector);
    }
    // Connectors keep reconnecting in the background; the probe reports the outcome.
    connector.connect().catch((err: unknown) => {
      this.ctx.log.warn({ err, providerId, provider: row.name }, 'provider connector could not connect yet');
    });
  }

  // --- freeze (DL-5) ----------------------------------------------------------------------

  /**
   * Counts one delivery outcome: FREEZE_AFTER_FAILURES failures in a row freeze the provider,
   * a success resets the count. Results of one provider are applied in order.
   */
  recordResult(providerId: string, ok: boolean, reason: string): Promise<void> {
    const prev = this.chains.get(providerId) ?? Promise.resolve();
    const next = prev.then(() => this.applyResult(providerId, ok, reason));
    const settled = next.catch((err: unknown) => {
      this.ctx.log.error({ err, providerId }, 'recording a provider result failed');
    });
    this.chains.set(providerId, settled);
    void settled.finally(() => {
      if (this.chains.get(providerId) === settled) {
        this.chains.delete(providerId);
      }
    });
    return next;
  }

  private async applyResult(providerId: string, ok: boolean, reason: string): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('providers')
      .select(['consecutive_failures', 'is_frozen'])
      .where('id', '=', providerId)
      .executeTakeFirst();
    if (!row) {
      return;
    }
    if (ok) {
      if (row.consecutive_failures !== 0) {
        await this.ctx.db
          .updateTable('providers')
          .set({ consecutive_failures: 0 })
          .where('id', '=', providerId)
          .execute();
      }
      return;
    }
    const failures = row.consecutive_failures + 1;
    const freeze = row.is_frozen === 0 && failures >= FREEZE_AFTER_FAILURES;
    const change: StatusChange = {
      providerId,
      from: 'active',
      to: 'frozen',
      reason: `${failures} consecutive delivery failures; last: ${reason}`,
      actor: 'system',
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('providers')
        .set(freeze ? { consecutive_failures: failures, is_frozen: 1 } : { consecutive_failures: failures })
        .where('id', '=', providerId)
        .execute();
      if (freeze) {
        await writeStatusLog(trx, this.ctx.clock.iso(), change);
      }
    });
    if (freeze) {
      this.invalidate(providerId);
      this.announce(change);
    }
  }

  // --- health (DL-4) ----------------------------------------------------------------------

  /** Probes every enabled provider once and records health changes; overlapping calls share a run. */
  probeAll(): Promise<void> {
    this.probing ??= this.runProbes().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  private async runProbes(): Promise<void> {
    const rows = await this.ctx.db
      .selectFrom('providers')
      .select(['id', 'health', 'updated_at'])
      .where('enabled', '=', 1)
      .execute();
    await Promise.all(
      rows.map(async (row) => {
        try {
          await this.probeOne(row.id, row.health);
        } catch (err) {
          this.ctx.log.error({ err, providerId: row.id }, 'probing a provider failed');
        }
      }),
    );
  }

  private async probeOne(providerId: string, before: ProviderHealth): Promise<void> {
    await this.sync(providerId);
    const connector = this.get(providerId);
    if (!connector) {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      // A connector still binding gets its first attempt's outcome before it is judged.
      connector
        .connect()
        .catch(() => undefined)
        .then(() => connector.probe()),
      new Promise<{ healthy: false; detail: string }>((resolve) => {
        timer = setTimeout(() => resolve({ healthy: false, detail: 'probe timed out' }), PROBE_TIMEOUT_MS);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
    const health: ProviderHealth = result.healthy ? 'healthy' : 'unhealthy';
    const now = this.ctx.clock.iso();
    const change: StatusChange | null =
      health === before
        ? null
        : { providerId, from: before, to: health, reason: result.detail, actor: 'system' };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('providers')
        .set({ health, health_detail: result.detail.slice(0, 500), health_checked_at: now })
        .where('id', '=', providerId)
        .execute();
      if (change) {
        await writeStatusLog(trx, now, change);
      }
    });
    if (change) {
      this.invalidate(providerId);
      this.announce(change);
    }
  }

  // --- quota --------------------------------------------------------------------------------

  /** Counts messages against a provider's daily quota (called by the delivery engine). */
  async useQuota(providerId: string, count: number): Promise<void> {
    await this.ctx.db
      .updateTable('providers')
      .set((eb) => ({ quota_used: eb('quota_used', '+', count) }))
      .where('id', '=', providerId)
      .execute();
    this.cache = null;
  }

  /** Resets the quota of every provider whose reset time has passed; returns how many. */
  async resetQuotas(): Promise<number> {
    const nowMs = this.ctx.clock.now();
    const due = await this.ctx.db
      .selectFrom('providers')
      .select(['id', 'quota_reset_time', 'quota_timezone'])
      .where('quota_resets_at', '<=', new Date(nowMs).toISOString())
      .execute();
    for (const p of due) {
      await this.ctx.db
        .updateTable('providers')
        .set({ quota_used: 0, quota_resets_at: nextQuotaReset(nowMs, p.quota_reset_time, p.quota_timezone) })
        .where('id', '=', p.id)
        .execute();
    }
    if (due.length > 0) {
      this.invalidate(null);
    }
    return due.length;
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /** Starts the periodic probe and quota check (worker roles only). */
  start(intervalMs: number): void {
    if (this.timer || this.closed) {
      return;
    }
    this.timer = setInterval(() => {
      void this.resetQuotas()
        .then(() => this.probeAll())
        .catch((err: unknown) => {
          this.ctx.log.error({ err }, 'provider health check round failed');
        });
    }, intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.probing?.catch(() => undefined);
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.all(all.map((l) => l.connector.close().catch(() => undefined)));
  }
}
