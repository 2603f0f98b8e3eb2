// Quotas (BL-4, seed 002 F18/F22): message-count allowances per sending account and channel
// with a period (day, month or none); atomic deduction and return inside the caller's
// transaction; every change in `user_quota_logs`. Periods follow UTC.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { assertTenant, tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { newId } from '../../platform/ids.js';
import type { Channel } from '../customers/index.js';
import type { QuotaAction, QuotaPeriod, QuotasTable, UserQuotaLogsTable } from './billing.tables.js';
import { QuotaErrors, QuotaReasons, RateErrors } from './billing.errors.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface QuotaView {
  id: string;
  enterpriseId: string;
  sendingAccountId: string;
  channel: Channel;
  period: QuotaPeriod;
  allowance: number;
  used: number;
  remaining: number;
  periodStart: string;
  createdAt: string;
  updatedAt: string;
}

export interface QuotaLogView {
  id: string;
  quotaId: string;
  action: QuotaAction;
  change: number;
  usedAfter: number;
  allowanceAfter: number;
  objectId: string | null;
  note: string;
  createdAt: string;
}

export class QuotaService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  /** The current period's key: '' (none), 'YYYY-MM-DD' (day) or 'YYYY-MM' (month), in UTC. */
  periodKey(period: QuotaPeriod): string {
    const iso = this.ctx.clock.iso();
    return period === 'day' ? iso.slice(0, 10) : period === 'month' ? iso.slice(0, 7) : '';
  }

  private view(r: QuotasTable): QuotaView {
    // A quota whose period has passed shows as unused until the next deduction rolls it.
    const used = r.period_start === this.periodKey(r.period) ? Number(r.used) : 0;
    return {
      id: r.id,
      enterpriseId: r.enterprise_id,
      sendingAccountId: r.sending_account_id,
      channel: r.channel,
      period: r.period,
      allowance: Number(r.allowance),
      used,
      remaining: Math.max(Number(r.allowance) - used, 0),
      periodStart: r.period_start,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private async log(
    db: Db,
    q: { id: string; enterprise_id: string },
    action: QuotaAction,
    change: number,
    usedAfter: number,
    allowanceAfter: number,
    objectId: string | null,
    note = '',
  ): Promise<void> {
    await db
      .insertInto('user_quota_logs')
      .values({
        id: newId(),
        quota_id: q.id,
        enterprise_id: q.enterprise_id,
        action,
        change,
        used_after: usedAfter,
        allowance_after: allowanceAfter,
        object_id: objectId,
        note,
        created_at: this.ctx.clock.iso(),
      })
      .execute();
  }

  /**
   * Deducts `count` from the account's quota for the channel inside the caller's transaction,
   * with one conditional UPDATE (rolling the period over when it has passed). No quota set
   * means no limit (returns null). Throws QUOTA_EXCEEDED, changing nothing, when short.
   */
  async deductQuota(
    trx: Transaction<Database>,
    sendingAccountId: string,
    channel: Channel,
    count: number,
    objectId: string | null = null,
  ): Promise<QuotaView | null> {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw errors.invalid([{ field: 'count', reason: QuotaReasons.notCount }]);
    }
    const row = await trx
      .selectFrom('quotas')
      .selectAll()
      .where('sending_account_id', '=', sendingAccountId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    if (!row) {
      return null;
    }
    const key = this.periodKey(row.period);
    const usedNow = sql<number>`(case when period_start = ${key} then used else 0 end)`;
    const updated = await trx
      .updateTable('quotas')
      .set({ used: sql<number>`${usedNow} + ${count}`, period_start: key, updated_at: this.ctx.clock.iso() })
      .where('id', '=', row.id)
      .where(sql<boolean>`${usedNow} + ${count} <= allowance`)
      .returningAll()
      .executeTakeFirst();
    if (!updated) {
      const current = this.view(row);
      throw QuotaErrors.exceeded({ channel, remaining: current.remaining, requested: count });
    }
    await this.log(trx, row, 'deduct', -count, Number(updated.used), Number(updated.allowance), objectId);
    return this.view(updated);
  }

  /** Gives back `count` deducted in the current period (cancel, rejected send); never below zero. */
  async returnQuota(
    trx: Transaction<Database>,
    sendingAccountId: string,
    channel: Channel,
    count: number,
    objectId: string | null = null,
  ): Promise<QuotaView | null> {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw errors.invalid([{ field: 'count', reason: QuotaReasons.notCount }]);
    }
    const row = await trx
      .selectFrom('quotas')
      .selectAll()
      .where('sending_account_id', '=', sendingAccountId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    if (!row) {
      return null;
    }
    const key = this.periodKey(row.period);
    const updated = await trx
      .updateTable('quotas')
      .set({
        used: sql<number>`case when used > ${count} then used - ${count} else 0 end`,
        updated_at: this.ctx.clock.iso(),
      })
      .where('id', '=', row.id)
      .where('period_start', '=', key)
      .returningAll()
      .executeTakeFirst();
    if (!updated) {
      return this.view(row);
    }
    await this.log(trx, row, 'return', count, Number(updated.used), Number(updated.allowance), objectId);
    return this.view(updated);
  }

  // --- console ------------------------------------------------------------------------------

  private async load(auth: AuthContext, id: string, db: Db = this.ctx.db): Promise<QuotasTable> {
    const row = await db.selectFrom('quotas').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw QuotaErrors.notFound();
    }
    assertTenant(auth, row.enterprise_id, 'QUOTA_NOT_FOUND');
    return row;
  }

  async get(auth: AuthContext, id: string): Promise<QuotaView> {
    return this.view(await this.load(auth, id));
  }

  async list(
    auth: AuthContext,
    q: { page: number; size: number; enterpriseId?: string; sendingAccountId?: string; channel?: Channel },
  ): Promise<{ items: QuotaView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('quotas').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    } else if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.sendingAccountId) {
      base = base.where('sending_account_id', '=', q.sendingAccountId);
    }
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    const page = await fetchPage(base, q, (qb) => qb.orderBy('created_at', 'desc').orderBy('id', 'desc'));
    return { items: page.items.map((r) => this.view(r)), pagination: page.pagination };
  }

  async create(
    auth: AuthContext,
    input: { sendingAccountId: string; channel: Channel; period: QuotaPeriod; allowance: number },
  ): Promise<QuotaView> {
    const acct = await this.ctx.db
      .selectFrom('sending_accounts')
      .select(['id', 'enterprise_id'])
      .where('id', '=', input.sendingAccountId)
      .executeTakeFirst();
    if (!acct) {
      throw RateErrors.accountNotFound();
    }
    assertTenant(auth, acct.enterprise_id, 'SENDING_ACCOUNT_NOT_FOUND');
    const now = this.ctx.clock.iso();
    const row: QuotasTable = {
      id: newId(),
      enterprise_id: acct.enterprise_id,
      sending_account_id: acct.id,
      channel: input.channel,
      period: input.period,
      allowance: input.allowance,
      used: 0,
      period_start: this.periodKey(input.period),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('quotas').values(row).execute();
        await this.log(trx, row, 'allocate', input.allowance, 0, input.allowance, null);
        await this.audit.recordChange(trx, auth, {
          entityType: 'quota',
          entityId: row.id,
          action: 'create',
          after: row,
          enterpriseId: row.enterprise_id,
        });
      });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === '23505' || /UNIQUE constraint/.test(e.message ?? '')) {
        throw QuotaErrors.exists();
      }
      throw err;
    }
    return this.view(row);
  }

  async update(
    auth: AuthContext,
    id: string,
    input: { allowance?: number; period?: QuotaPeriod; resetUsed?: boolean },
  ): Promise<QuotaView> {
    const before = await this.load(auth, id);
    const patch: Partial<QuotasTable> = { updated_at: this.ctx.clock.iso() };
    if (input.allowance !== undefined) {
      patch.allowance = input.allowance;
    }
    if (input.period !== undefined && input.period !== before.period) {
      patch.period = input.period;
      patch.period_start = this.periodKey(input.period);
      patch.used = 0;
    }
    if (input.resetUsed) {
      patch.used = 0;
    }
    const after = await this.ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('quotas')
        .set(patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.log(
        trx,
        row,
        patch.used === 0 ? 'reset' : 'allocate',
        Number(row.allowance) - Number(before.allowance),
        Number(row.used),
        Number(row.allowance),
        null,
      );
      await this.audit.recordChange(trx, auth, {
        entityType: 'quota',
        entityId: id,
        action: 'update',
        before,
        after: patch,
        enterpriseId: row.enterprise_id,
      });
      return row;
    });
    return this.view(after);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const before = await this.load(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('quotas').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'quota',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
  }

  async logs(
    auth: AuthContext,
    id: string,
    q: { page: number; size: number },
  ): Promise<{ items: QuotaLogView[]; pagination: Pagination }> {
    await this.load(auth, id);
    const page = await fetchPage(
      this.ctx.db.selectFrom('user_quota_logs').selectAll().where('quota_id', '=', id),
      q,
      (qb) => qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return {
      items: page.items.map((r: UserQuotaLogsTable) => ({
        id: r.id,
        quotaId: r.quota_id,
        action: r.action,
        change: Number(r.change),
        usedAfter: Number(r.used_after),
        allowanceAfter: Number(r.allowance_after),
        objectId: r.object_id,
        note: r.note,
        createdAt: r.created_at,
      })),
      pagination: page.pagination,
    };
  }
}
