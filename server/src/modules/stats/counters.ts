// Real-time counters (ST-1): every message status change is counted in memory by minute and
// dimension, flushed to `message_stats_minute` once a minute (and on shutdown) with an
// upsert that adds, so flushes and processes accumulate. A window of the last hour is kept
// in memory too (seeded from the table at start-up) for the live views, and a per-second
// ring of sends for the current throughput.
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { MessageStatusEvent, MessageStatus } from '../messages/index.js';
import type { MessageStatsMinuteTable } from './stats.tables.js';

export const MINUTE_MS = 60_000;
/** Minutes of history the live window and the overview cover. */
export const WINDOW_MINUTES = 60;
/** Seconds over which the current throughput is averaged. */
export const THROUGHPUT_SECONDS = 10;

/** Statuses counted as a failure in the series (final and not delivered). */
export const FAILURE_STATUSES: ReadonlySet<MessageStatus> = new Set([
  'undelivered',
  'expired',
  'failed',
  'rejected',
]);

/** The figures of one minute of one scope. */
export interface MinuteCounts {
  /** Messages taken in (status `accepted` or `queued`). */
  submitted: number;
  /** Handed to a provider. */
  sent: number;
  delivered: number;
  /** undelivered, expired, failed, rejected. */
  failed: number;
  segments: number;
  revenue: number;
}

export function emptyCounts(): MinuteCounts {
  return { submitted: 0, sent: 0, delivered: 0, failed: 0, segments: 0, revenue: 0 };
}

export function minuteOf(ms: number): string {
  return new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS).toISOString();
}

/** Adds `count` status changes of one kind to the figures of a minute. */
export function addStatus(
  c: MinuteCounts,
  status: MessageStatus,
  count: number,
  segments: number,
  revenue: number,
): void {
  if (status === 'accepted' || status === 'queued') {
    c.submitted += count;
    // Revenue and segments are counted once per message: when it is taken in (charged).
    c.segments += segments;
    c.revenue += revenue;
  } else if (status === 'sent') {
    c.sent += count;
  } else if (status === 'delivered') {
    c.delivered += count;
  } else if (FAILURE_STATUSES.has(status)) {
    c.failed += count;
  }
}

/** One minute of the live window, per enterprise. */
interface WindowMinute {
  byEnterprise: Map<string, MinuteCounts>;
  /** enterprise → error code → failures. */
  reasons: Map<string, Map<string, number>>;
}

type Row = MessageStatsMinuteTable;

const KEY_COLUMNS = [
  'minute',
  'enterprise_id',
  'sending_account_id',
  'channel',
  'country',
  'provider_id',
  'status',
  'error_code',
] as const;

function keyOf(r: Omit<Row, 'count' | 'segments' | 'revenue'>): string {
  return KEY_COLUMNS.map((k) => r[k]).join('\u0000');
}

export class StatsCounters {
  /** Rows not yet written to the table. */
  private pending = new Map<string, Row>();
  /** Rows being written right now (still counted by readers until the write commits). */
  private flushing = new Map<string, Row>();
  private readonly window = new Map<string, WindowMinute>();
  /** Unix second → enterprise → messages sent in that second. */
  private readonly seconds = new Map<number, Map<string, number>>();
  private flushChain: Promise<void> = Promise.resolve();
  private version = 0;

  constructor(private readonly ctx: AppContext) {}

  /** Increases on every counted change (live views push only when it moved). */
  get changes(): number {
    return this.version;
  }

  /**
   * Counts one status change. A message delivered at submit (e-mail) never passes `sent`, so
   * its delivery also counts as a `sent` change: "sent" is every message that left.
   */
  record(e: MessageStatusEvent): void {
    if (e.skippedSent === true && e.status !== 'sent') {
      this.count({ ...e, status: 'sent', skippedSent: false });
    }
    this.count(e);
  }

  private count(e: MessageStatusEvent): void {
    const ms = Date.parse(e.at);
    const atMs = Number.isFinite(ms) ? ms : this.ctx.clock.now();
    const minute = minuteOf(atMs);
    const row: Row = {
      minute,
      enterprise_id: e.enterpriseId,
      sending_account_id: e.sendingAccountId,
      channel: e.channel,
      country: e.country ?? '',
      provider_id: e.providerId ?? '',
      status: e.status,
      error_code: FAILURE_STATUSES.has(e.status) ? (e.errorCode ?? 'unknown') : '',
      count: 1,
      segments: e.segments,
      revenue: e.price,
    };
    const key = keyOf(row);
    const hit = this.pending.get(key);
    if (hit) {
      hit.count += 1;
      hit.segments += row.segments;
      hit.revenue += row.revenue;
    } else {
      this.pending.set(key, row);
    }
    this.addToWindow(row);
    if (e.status === 'sent') {
      const second = Math.floor(atMs / 1000);
      const m = this.seconds.get(second) ?? new Map<string, number>();
      m.set(e.enterpriseId, (m.get(e.enterpriseId) ?? 0) + 1);
      this.seconds.set(second, m);
    }
    this.version++;
  }

  private addToWindow(row: Row): void {
    let w = this.window.get(row.minute);
    if (!w) {
      w = { byEnterprise: new Map(), reasons: new Map() };
      this.window.set(row.minute, w);
      this.trim();
    }
    const c = w.byEnterprise.get(row.enterprise_id) ?? emptyCounts();
    addStatus(c, row.status, row.count, row.segments, row.revenue);
    w.byEnterprise.set(row.enterprise_id, c);
    if (row.error_code !== '') {
      const r = w.reasons.get(row.enterprise_id) ?? new Map<string, number>();
      r.set(row.error_code, (r.get(row.error_code) ?? 0) + row.count);
      w.reasons.set(row.enterprise_id, r);
    }
  }

  /** Drops window minutes and throughput seconds that fell out of range. */
  private trim(): void {
    const oldest = minuteOf(this.ctx.clock.now() - WINDOW_MINUTES * MINUTE_MS);
    for (const m of this.window.keys()) {
      if (m < oldest) {
        this.window.delete(m);
      }
    }
    const oldestSecond = Math.floor(this.ctx.clock.now() / 1000) - THROUGHPUT_SECONDS * 2;
    for (const s of this.seconds.keys()) {
      if (s < oldestSecond) {
        this.seconds.delete(s);
      }
    }
  }

  /** Loads the last hour from the table into the live window (at start-up). */
  async seedWindow(): Promise<void> {
    const from = minuteOf(this.ctx.clock.now() - (WINDOW_MINUTES - 1) * MINUTE_MS);
    const rows = await this.ctx.db
      .selectFrom('message_stats_minute')
      .select(['minute', 'enterprise_id', 'status', 'error_code'])
      .select((eb) => [
        eb.fn.sum<number>('count').as('count'),
        eb.fn.sum<number>('segments').as('segments'),
        eb.fn.sum<number>('revenue').as('revenue'),
      ])
      .where('minute', '>=', from)
      .groupBy(['minute', 'enterprise_id', 'status', 'error_code'])
      .execute();
    for (const r of rows) {
      this.addToWindow({
        ...r,
        sending_account_id: '',
        channel: '',
        country: '',
        provider_id: '',
        count: Number(r.count),
        segments: Number(r.segments),
        revenue: Number(r.revenue),
      });
    }
    this.version++;
  }

  /** Writes the counted rows to the table; concurrent calls run one after another. */
  flush(): Promise<void> {
    this.flushChain = this.flushChain.then(() => this.flushNow());
    return this.flushChain;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0) {
      return;
    }
    this.flushing = this.pending;
    this.pending = new Map();
    const rows = [...this.flushing.values()];
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        // Chunks keep SQLite under its bound-parameter limit (11 columns per row).
        for (let i = 0; i < rows.length; i += 500) {
          await trx
            .insertInto('message_stats_minute')
            .values(rows.slice(i, i + 500))
            .onConflict((oc) =>
              oc.columns([...KEY_COLUMNS]).doUpdateSet({
                count: sql`message_stats_minute.count + excluded.count`,
                segments: sql`message_stats_minute.segments + excluded.segments`,
                revenue: sql`message_stats_minute.revenue + excluded.revenue`,
              }),
            )
            .execute();
        }
      });
      this.flushing = new Map();
    } catch (err) {
      // Put them back so the next flush tries again; nothing is lost while the process lives.
      for (const [key, row] of this.flushing) {
        const hit = this.pending.get(key);
        if (hit) {
          hit.count += row.count;
          hit.segments += row.segments;
          hit.revenue += row.revenue;
        } else {
          this.pending.set(key, row);
        }
      }
      this.flushing = new Map();
      this.ctx.log.error({ err }, 'flushing message statistics failed');
    }
  }

  /** Rows counted in memory but not yet in the table (the overview adds them). */
  unflushed(): Row[] {
    return [...this.flushing.values(), ...this.pending.values()];
  }

  /** Per-minute figures of the live window for one enterprise, or all when null. */
  liveMinute(minute: string, enterpriseId: string | null): MinuteCounts {
    const out = emptyCounts();
    const w = this.window.get(minute);
    if (!w) {
      return out;
    }
    for (const [ent, c] of w.byEnterprise) {
      if (enterpriseId === null || ent === enterpriseId) {
        out.submitted += c.submitted;
        out.sent += c.sent;
        out.delivered += c.delivered;
        out.failed += c.failed;
        out.segments += c.segments;
        out.revenue += c.revenue;
      }
    }
    return out;
  }

  /** Failures by error code over the live window. */
  liveReasons(enterpriseId: string | null): Array<{ reason: string; count: number }> {
    const totals = new Map<string, number>();
    const oldest = minuteOf(this.ctx.clock.now() - (WINDOW_MINUTES - 1) * MINUTE_MS);
    for (const [minute, w] of this.window) {
      if (minute < oldest) {
        continue;
      }
      for (const [ent, reasons] of w.reasons) {
        if (enterpriseId === null || ent === enterpriseId) {
          for (const [reason, n] of reasons) {
            totals.set(reason, (totals.get(reason) ?? 0) + n);
          }
        }
      }
    }
    return sortReasons(totals);
  }

  /** Messages sent per second, averaged over the last THROUGHPUT_SECONDS full seconds. */
  throughput(enterpriseId: string | null): number {
    const now = Math.floor(this.ctx.clock.now() / 1000);
    let total = 0;
    for (let s = now - THROUGHPUT_SECONDS; s < now; s++) {
      const m = this.seconds.get(s);
      if (!m) {
        continue;
      }
      if (enterpriseId === null) {
        for (const n of m.values()) {
          total += n;
        }
      } else {
        total += m.get(enterpriseId) ?? 0;
      }
    }
    return Math.round((total / THROUGHPUT_SECONDS) * 100) / 100;
  }

  /** Trims the window (called by the module's tick). */
  tick(): void {
    this.trim();
  }
}

export function sortReasons(totals: Map<string, number>): Array<{ reason: string; count: number }> {
  return [...totals]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, 10);
}

export function successRate(c: Pick<MinuteCounts, 'delivered' | 'failed'>): number | null {
  const done = c.delivered + c.failed;
  return done === 0 ? null : Math.round((c.delivered / done) * 10_000) / 10_000;
}
