// Rate cards (BL-1): price plans with prices per channel, country and optional network
// prefix; a default plan; plan assignment per enterprise; per-account overrides; CSV
// import/export; and `quote`, which prices a message by those rules.
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import { flag } from '../../platform/db/schema.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { assertTenant, tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { csvLine, parseCsv } from '../../platform/http/csv.js';
import { newId } from '../../platform/ids.js';
import type { Channel } from '../customers/index.js';
import type { AccountPricesTable, PlanPricesTable, PricePlansTable } from './billing.tables.js';
import { formatMicro, parseDecimalMoney } from './money.js';
import { LedgerErrors, RateErrors, RateReasons } from './billing.errors.js';

type Db = Kysely<Database> | Transaction<Database>;

export const CHANNELS: readonly Channel[] = ['sms', 'email', 'inapp', 'webhook'];

export interface PlanView {
  id: string;
  name: string;
  currency: string;
  description: string;
  isDefault: boolean;
  refundOnFailure: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PriceView {
  id: string;
  planId: string | null;
  sendingAccountId: string | null;
  enterpriseId: string | null;
  channel: Channel;
  country: string;
  networkPrefix: string;
  price: number;
  updatedAt: string;
}

export interface QuoteInput {
  enterpriseId: string;
  sendingAccountId: string;
  channel: Channel;
  /** ISO 3166 alpha-2 of the destination. */
  country: string;
  /** Segments (SMS) or 1 per message. */
  segments: number;
  /** Destination digits (E.164 without '+'), to match network prefixes. */
  destination?: string;
}

export interface Quote {
  unitPrice: number;
  amount: number;
  currency: string;
  /** The plan the price came from; null for a per-account override. */
  planId: string | null;
  source: 'account' | 'plan' | 'default';
  /** Whether a message that finally fails is refunded (the plan's setting; default plan's for overrides). */
  refundOnFailure: boolean;
}

export interface PriceInput {
  channel: Channel;
  country: string;
  networkPrefix?: string;
  price: number;
}

function planView(p: PricePlansTable): PlanView {
  return {
    id: p.id,
    name: p.name,
    currency: p.currency,
    description: p.description,
    isDefault: p.is_default === 1,
    refundOnFailure: p.refund_on_failure === 1,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

function priceView(p: PlanPricesTable | AccountPricesTable): PriceView {
  return {
    id: p.id,
    planId: 'plan_id' in p ? p.plan_id : null,
    sendingAccountId: 'sending_account_id' in p ? p.sending_account_id : null,
    enterpriseId: 'enterprise_id' in p ? p.enterprise_id : null,
    channel: p.channel,
    country: p.country,
    networkPrefix: p.network_prefix,
    price: Number(p.price),
    updatedAt: p.updated_at,
  };
}

/** The row whose network prefix is the longest one the destination starts with ('' matches all). */
function bestMatch<T extends { network_prefix: string; price: number }>(
  rows: T[],
  destination?: string,
): T | null {
  let best: T | null = null;
  for (const r of rows) {
    if (r.network_prefix !== '' && !(destination ?? '').startsWith(r.network_prefix)) {
      continue;
    }
    if (!best || r.network_prefix.length > best.network_prefix.length) {
      best = r;
    }
  }
  return best;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/.test(e.message ?? '')
  );
}

function validatePrice(
  p: PriceInput,
  prefix = '',
): Array<{ field: string; reason: string; params?: Record<string, unknown> }> {
  const out: Array<{ field: string; reason: string; params?: Record<string, unknown> }> = [];
  if (!CHANNELS.includes(p.channel)) {
    out.push({ field: `${prefix}channel`, reason: RateReasons.badChannel, params: { values: CHANNELS } });
  }
  if (!/^[A-Z]{2}$/.test(p.country)) {
    out.push({ field: `${prefix}country`, reason: RateReasons.badCountry });
  }
  if (p.networkPrefix && !/^\d{1,15}$/.test(p.networkPrefix)) {
    out.push({ field: `${prefix}networkPrefix`, reason: RateReasons.badPrefix });
  }
  if (!Number.isSafeInteger(p.price) || p.price < 0) {
    out.push({ field: `${prefix}price`, reason: RateReasons.badPrice });
  }
  return out;
}

/** How long looked-up prices are reused by quotes; every change here clears them at once. */
const LOOKUP_TTL_MS = 5_000;

export class RateService {
  private readonly lookups = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  /** Runs a change in a transaction and drops the price look-ups quotes reuse. */
  private async write<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.ctx.db.transaction().execute(fn);
    } finally {
      this.lookups.clear();
    }
  }

  /** A cached read for quotes (the send path quotes every message; prices change rarely). */
  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.ctx.clock.now();
    const hit = this.lookups.get(key);
    if (hit && now - hit.at < LOOKUP_TTL_MS) {
      return hit.value as T;
    }
    const value = await load();
    if (this.lookups.size > 50_000) {
      this.lookups.clear();
    }
    this.lookups.set(key, { at: now, value });
    return value;
  }

  // --- plans --------------------------------------------------------------------------------

  private async plan(id: string, db: Db = this.ctx.db): Promise<PricePlansTable> {
    const row = await db.selectFrom('price_plans').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw RateErrors.planNotFound();
    }
    return row;
  }

  async listPlans(q: { page: number; size: number }): Promise<{ items: PlanView[]; pagination: Pagination }> {
    const page = await fetchPage(this.ctx.db.selectFrom('price_plans').selectAll(), q, (qb) =>
      qb.orderBy('is_default', 'desc').orderBy('name'),
    );
    return { items: page.items.map(planView), pagination: page.pagination };
  }

  async getPlan(id: string): Promise<PlanView> {
    return planView(await this.plan(id));
  }

  async createPlan(
    auth: AuthContext,
    input: {
      name: string;
      currency: string;
      description?: string;
      isDefault?: boolean;
      refundOnFailure?: boolean;
    },
  ): Promise<PlanView> {
    const now = this.ctx.clock.iso();
    const row: PricePlansTable = {
      id: newId(),
      name: input.name,
      currency: input.currency,
      description: input.description ?? '',
      is_default: flag(input.isDefault ?? false),
      refund_on_failure: flag(input.refundOnFailure ?? true),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.write(async (trx) => {
        if (row.is_default) {
          await trx.updateTable('price_plans').set({ is_default: 0 }).where('is_default', '=', 1).execute();
        }
        await trx.insertInto('price_plans').values(row).execute();
        await this.audit.recordChange(trx, auth, {
          entityType: 'price_plan',
          entityId: row.id,
          action: 'create',
          after: row,
        });
      });
    } catch (err) {
      throw isUniqueViolation(err) ? RateErrors.duplicatePlan() : err;
    }
    return planView(row);
  }

  async updatePlan(
    auth: AuthContext,
    id: string,
    input: { name?: string; description?: string; isDefault?: boolean; refundOnFailure?: boolean },
  ): Promise<PlanView> {
    const before = await this.plan(id);
    const patch: Partial<PricePlansTable> = { updated_at: this.ctx.clock.iso() };
    if (input.name !== undefined) {
      patch.name = input.name;
    }
    if (input.description !== undefined) {
      patch.description = input.description;
    }
    if (input.isDefault !== undefined) {
      patch.is_default = flag(input.isDefault);
    }
    if (input.refundOnFailure !== undefined) {
      patch.refund_on_failure = flag(input.refundOnFailure);
    }
    try {
      await this.write(async (trx) => {
        if (patch.is_default === 1) {
          await trx.updateTable('price_plans').set({ is_default: 0 }).where('is_default', '=', 1).execute();
        }
        await trx.updateTable('price_plans').set(patch).where('id', '=', id).execute();
        await this.audit.recordChange(trx, auth, {
          entityType: 'price_plan',
          entityId: id,
          action: 'update',
          before,
          after: patch,
        });
      });
    } catch (err) {
      throw isUniqueViolation(err) ? RateErrors.duplicatePlan() : err;
    }
    return planView({ ...before, ...patch });
  }

  async deletePlan(auth: AuthContext, id: string): Promise<void> {
    const before = await this.plan(id);
    const used = await this.ctx.db
      .selectFrom('enterprise_plans')
      .select('enterprise_id')
      .where('plan_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (used || before.is_default === 1) {
      throw RateErrors.planInUse();
    }
    await this.write(async (trx) => {
      await trx.deleteFrom('price_plans').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'price_plan',
        entityId: id,
        action: 'delete',
        before,
      });
    });
  }

  // --- plan prices --------------------------------------------------------------------------

  async listPrices(
    planId: string,
    q: { page: number; size: number; channel?: Channel; country?: string },
  ): Promise<{ items: PriceView[]; pagination: Pagination }> {
    await this.plan(planId);
    let base = this.ctx.db.selectFrom('plan_prices').selectAll().where('plan_id', '=', planId);
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    if (q.country) {
      base = base.where('country', '=', q.country.toUpperCase());
    }
    const page = await fetchPage(base, q, (qb) =>
      qb.orderBy('channel').orderBy('country').orderBy('network_prefix'),
    );
    return { items: page.items.map(priceView), pagination: page.pagination };
  }

  async createPrice(auth: AuthContext, planId: string, input: PriceInput): Promise<PriceView> {
    await this.plan(planId);
    const bad = validatePrice(input);
    if (bad.length) {
      throw errors.invalid(bad);
    }
    const now = this.ctx.clock.iso();
    const row: PlanPricesTable = {
      id: newId(),
      plan_id: planId,
      channel: input.channel,
      country: input.country,
      network_prefix: input.networkPrefix ?? '',
      price: input.price,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.write(async (trx) => {
        await trx.insertInto('plan_prices').values(row).execute();
        await this.audit.recordChange(trx, auth, {
          entityType: 'plan_price',
          entityId: row.id,
          action: 'create',
          after: row,
        });
      });
    } catch (err) {
      throw isUniqueViolation(err) ? RateErrors.duplicatePrice() : err;
    }
    return priceView(row);
  }

  async updatePrice(auth: AuthContext, id: string, input: { price: number }): Promise<PriceView> {
    const before = await this.ctx.db
      .selectFrom('plan_prices')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) {
      throw RateErrors.priceNotFound();
    }
    if (!Number.isSafeInteger(input.price) || input.price < 0) {
      throw errors.invalid([{ field: 'price', reason: RateReasons.badPrice }]);
    }
    const patch = { price: input.price, updated_at: this.ctx.clock.iso() };
    await this.write(async (trx) => {
      await trx.updateTable('plan_prices').set(patch).where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'plan_price',
        entityId: id,
        action: 'update',
        before,
        after: patch,
      });
    });
    return priceView({ ...before, ...patch });
  }

  async deletePrice(auth: AuthContext, id: string): Promise<void> {
    const before = await this.ctx.db
      .selectFrom('plan_prices')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) {
      throw RateErrors.priceNotFound();
    }
    await this.write(async (trx) => {
      await trx.deleteFrom('plan_prices').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'plan_price',
        entityId: id,
        action: 'delete',
        before,
      });
    });
  }

  /**
   * Imports a rate card CSV (header `channel,country,network_prefix,price`, price as a decimal
   * in the plan's currency). Every line is checked first; any error rejects the whole file
   * (422, one error per bad line, field `line N`). Valid files replace the plan's prices
   * (`replace`) or add to and update them (`merge`).
   */
  async importPrices(
    auth: AuthContext,
    planId: string,
    input: { csv: string; mode: 'replace' | 'merge' },
  ): Promise<{ imported: number; mode: 'replace' | 'merge' }> {
    await this.plan(planId);
    const rows = parseCsv(input.csv);
    const problems: Array<{ field: string; reason: string; params?: Record<string, unknown> }> = [];
    const header = rows[0];
    if (
      !header ||
      header.cells.map((c) => c.trim().toLowerCase()).join(',') !== 'channel,country,network_prefix,price'
    ) {
      throw errors.invalid([{ field: `line ${header?.line ?? 1}`, reason: RateReasons.badHeader }]);
    }
    const parsed: PriceInput[] = [];
    const seen = new Map<string, number>();
    for (const r of rows.slice(1)) {
      const field = `line ${r.line}`;
      if (r.cells.length !== 4) {
        problems.push({ field, reason: RateReasons.badColumns });
        continue;
      }
      const [channel, country, prefix, price] = r.cells.map((c) => c.trim()) as [
        string,
        string,
        string,
        string,
      ];
      const micro = parseDecimalMoney(price);
      const p: PriceInput = {
        channel: channel.toLowerCase() as Channel,
        country: country.toUpperCase(),
        networkPrefix: prefix,
        price: micro ?? -1,
      };
      const bad = validatePrice(p);
      if (bad.length) {
        problems.push(...bad.map((b) => ({ ...b, field })));
        continue;
      }
      const key = `${p.channel}|${p.country}|${p.networkPrefix}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({ field, reason: RateReasons.duplicateRow, params: { line: first } });
        continue;
      }
      seen.set(key, r.line);
      parsed.push(p);
    }
    if (problems.length) {
      throw errors.invalid(problems.slice(0, 100));
    }
    if (parsed.length === 0) {
      throw errors.invalid([{ field: 'csv', reason: RateReasons.empty }]);
    }
    const now = this.ctx.clock.iso();
    await this.write(async (trx) => {
      if (input.mode === 'replace') {
        await trx.deleteFrom('plan_prices').where('plan_id', '=', planId).execute();
      }
      const values: PlanPricesTable[] = parsed.map((p) => ({
        id: newId(),
        plan_id: planId,
        channel: p.channel,
        country: p.country,
        network_prefix: p.networkPrefix ?? '',
        price: p.price,
        created_at: now,
        updated_at: now,
      }));
      for (let i = 0; i < values.length; i += 500) {
        await trx
          .insertInto('plan_prices')
          .values(values.slice(i, i + 500))
          .onConflict((oc) =>
            oc
              .columns(['plan_id', 'channel', 'country', 'network_prefix'])
              .doUpdateSet((eb) => ({ price: eb.ref('excluded.price'), updated_at: now })),
          )
          .execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'price_plan',
        entityId: planId,
        action: 'update',
        after: { imported: values.length, mode: input.mode },
      });
    });
    return { imported: parsed.length, mode: input.mode };
  }

  /** The plan's prices as CSV in the import format. */
  async exportPrices(planId: string): Promise<string> {
    await this.plan(planId);
    const rows = await this.ctx.db
      .selectFrom('plan_prices')
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('channel')
      .orderBy('country')
      .orderBy('network_prefix')
      .execute();
    let out = '\uFEFF' + csvLine(['channel', 'country', 'network_prefix', 'price']);
    for (const r of rows) {
      out += csvLine([r.channel, r.country, r.network_prefix, formatMicro(Number(r.price))]);
    }
    return out;
  }

  // --- plan assignment and account overrides ------------------------------------------------

  async assignPlan(
    auth: AuthContext,
    input: { enterpriseId: string; planId: string | null },
  ): Promise<{ enterpriseId: string; planId: string | null }> {
    const ent = await this.ctx.db
      .selectFrom('enterprises')
      .select(['id', 'currency'])
      .where('id', '=', input.enterpriseId)
      .executeTakeFirst();
    if (!ent) {
      throw LedgerErrors.enterpriseNotFound();
    }
    assertTenant(auth, ent.id, 'ENTERPRISE_NOT_FOUND');
    if (input.planId) {
      const plan = await this.plan(input.planId);
      if (plan.currency !== ent.currency) {
        throw errors.invalid([
          { field: 'planId', reason: RateReasons.currencyMismatch, params: { currency: ent.currency } },
        ]);
      }
    }
    const now = this.ctx.clock.iso();
    await this.write(async (trx) => {
      const before = await trx
        .selectFrom('enterprise_plans')
        .selectAll()
        .where('enterprise_id', '=', ent.id)
        .executeTakeFirst();
      if (input.planId) {
        await trx
          .insertInto('enterprise_plans')
          .values({ enterprise_id: ent.id, plan_id: input.planId, updated_at: now })
          .onConflict((oc) =>
            oc.column('enterprise_id').doUpdateSet({ plan_id: input.planId ?? '', updated_at: now }),
          )
          .execute();
      } else {
        await trx.deleteFrom('enterprise_plans').where('enterprise_id', '=', ent.id).execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'enterprise_plan',
        entityId: ent.id,
        action: 'update',
        before: before ?? null,
        after: { plan_id: input.planId },
        enterpriseId: ent.id,
      });
    });
    return { enterpriseId: ent.id, planId: input.planId };
  }

  async planOf(
    auth: AuthContext,
    enterpriseId: string,
  ): Promise<{ enterpriseId: string; planId: string | null }> {
    assertTenant(auth, enterpriseId, 'ENTERPRISE_NOT_FOUND');
    const row = await this.ctx.db
      .selectFrom('enterprise_plans')
      .select('plan_id')
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirst();
    return { enterpriseId, planId: row?.plan_id ?? null };
  }

  async listAccountPrices(
    auth: AuthContext,
    q: { page: number; size: number; sendingAccountId?: string; enterpriseId?: string },
  ): Promise<{ items: PriceView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('account_prices').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    } else if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.sendingAccountId) {
      base = base.where('sending_account_id', '=', q.sendingAccountId);
    }
    const page = await fetchPage(base, q, (qb) =>
      qb.orderBy('sending_account_id').orderBy('channel').orderBy('country').orderBy('network_prefix'),
    );
    return { items: page.items.map(priceView), pagination: page.pagination };
  }

  async setAccountPrice(
    auth: AuthContext,
    input: PriceInput & { sendingAccountId: string },
  ): Promise<PriceView> {
    const acct = await this.ctx.db
      .selectFrom('sending_accounts')
      .select(['id', 'enterprise_id'])
      .where('id', '=', input.sendingAccountId)
      .executeTakeFirst();
    if (!acct) {
      throw RateErrors.accountNotFound();
    }
    assertTenant(auth, acct.enterprise_id, 'SENDING_ACCOUNT_NOT_FOUND');
    const bad = validatePrice(input);
    if (bad.length) {
      throw errors.invalid(bad);
    }
    const now = this.ctx.clock.iso();
    const row: AccountPricesTable = {
      id: newId(),
      enterprise_id: acct.enterprise_id,
      sending_account_id: acct.id,
      channel: input.channel,
      country: input.country,
      network_prefix: input.networkPrefix ?? '',
      price: input.price,
      created_at: now,
      updated_at: now,
    };
    const saved = await this.write(async (trx) => {
      const out = await trx
        .insertInto('account_prices')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['sending_account_id', 'channel', 'country', 'network_prefix'])
            .doUpdateSet({ price: row.price, updated_at: now }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.recordChange(trx, auth, {
        entityType: 'account_price',
        entityId: out.id,
        action: out.id === row.id ? 'create' : 'update',
        after: out,
        enterpriseId: acct.enterprise_id,
      });
      return out;
    });
    return priceView(saved);
  }

  async deleteAccountPrice(auth: AuthContext, id: string): Promise<void> {
    const before = await this.ctx.db
      .selectFrom('account_prices')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) {
      throw RateErrors.priceNotFound();
    }
    assertTenant(auth, before.enterprise_id, 'PRICE_NOT_FOUND');
    await this.write(async (trx) => {
      await trx.deleteFrom('account_prices').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'account_price',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
  }

  // --- quoting ------------------------------------------------------------------------------

  /**
   * Prices messages: a per-account override first, then the enterprise's plan, then the
   * default plan (the first of these with a price for the channel and country wins; within
   * one, the longest matching network prefix). Throws NO_PRICE when none has a price.
   */
  async quoteMany(inputs: QuoteInput[], db: Db = this.ctx.db): Promise<Quote[]> {
    const out: Quote[] = [];
    for (const input of inputs) {
      const country = input.country.toUpperCase();
      const currency = await this.cached(`cur|${input.enterpriseId}`, async () => {
        const ent = await db
          .selectFrom('enterprises')
          .select('currency')
          .where('id', '=', input.enterpriseId)
          .executeTakeFirst();
        return ent?.currency ?? null;
      });
      if (currency === null) {
        throw LedgerErrors.enterpriseNotFound();
      }
      const planId = await this.cached(`ep|${input.enterpriseId}`, async () => {
        const row = await db
          .selectFrom('enterprise_plans')
          .select('plan_id')
          .where('enterprise_id', '=', input.enterpriseId)
          .executeTakeFirst();
        return row?.plan_id ?? null;
      });
      const defaultPlan = await this.cached(
        'default',
        async () =>
          (await db.selectFrom('price_plans').selectAll().where('is_default', '=', 1).executeTakeFirst()) ??
          null,
      );
      const refundOf = async (id: string | null): Promise<boolean> => {
        if (!id) {
          return true;
        }
        return this.cached(`refund|${id}`, async () => {
          const p = await db
            .selectFrom('price_plans')
            .select('refund_on_failure')
            .where('id', '=', id)
            .executeTakeFirst();
          return (p?.refund_on_failure ?? 1) === 1;
        });
      };
      let unit: Omit<Quote, 'amount'> | null = null;
      const own = bestMatch(
        await this.cached(`ap|${input.sendingAccountId}|${input.channel}|${country}`, () =>
          db
            .selectFrom('account_prices')
            .select(['network_prefix', 'price'])
            .where('sending_account_id', '=', input.sendingAccountId)
            .where('channel', '=', input.channel)
            .where('country', '=', country)
            .execute(),
        ),
        input.destination,
      );
      if (own) {
        const refundOnFailure = await refundOf(
          planId ?? (defaultPlan && defaultPlan.currency === currency ? defaultPlan.id : null),
        );
        unit = { unitPrice: Number(own.price), currency, planId: null, source: 'account', refundOnFailure };
      } else {
        const candidates: Array<{ id: string; source: 'plan' | 'default' }> = [];
        if (planId) {
          candidates.push({ id: planId, source: 'plan' });
        }
        if (defaultPlan && defaultPlan.currency === currency && defaultPlan.id !== planId) {
          candidates.push({ id: defaultPlan.id, source: 'default' });
        }
        for (const c of candidates) {
          const match = bestMatch(
            await this.cached(`pp|${c.id}|${input.channel}|${country}`, () =>
              db
                .selectFrom('plan_prices')
                .select(['network_prefix', 'price'])
                .where('plan_id', '=', c.id)
                .where('channel', '=', input.channel)
                .where('country', '=', country)
                .execute(),
            ),
            input.destination,
          );
          if (match) {
            unit = {
              unitPrice: Number(match.price),
              currency,
              planId: c.id,
              source: c.source,
              refundOnFailure: await refundOf(c.id),
            };
            break;
          }
        }
      }
      if (!unit) {
        throw RateErrors.noPrice({ channel: input.channel, country });
      }
      const amount = unit.unitPrice * input.segments;
      if (!Number.isSafeInteger(amount) || input.segments < 0) {
        throw errors.invalid([{ field: 'segments', reason: RateReasons.badPrice }]);
      }
      out.push({ ...unit, amount });
    }
    return out;
  }

  async quote(input: QuoteInput, db: Db = this.ctx.db): Promise<Quote> {
    const [q] = await this.quoteMany([input], db);
    return q as Quote;
  }

  /** Quote for the console: checks the account belongs to the caller's tenant. */
  async quoteFor(auth: AuthContext, input: Omit<QuoteInput, 'enterpriseId'>): Promise<Quote> {
    const acct = await this.ctx.db
      .selectFrom('sending_accounts')
      .select(['id', 'enterprise_id'])
      .where('id', '=', input.sendingAccountId)
      .executeTakeFirst();
    if (!acct) {
      throw RateErrors.accountNotFound();
    }
    assertTenant(auth, acct.enterprise_id, 'SENDING_ACCOUNT_NOT_FOUND');
    return this.quote({ ...input, enterpriseId: acct.enterprise_id });
  }
}
