import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, userWithRoles, type SignedIn } from '../../../test/helpers/identity.js';
import {
  createEnterprise,
  createSendingAccount,
  createTenant,
  type Tenant,
} from '../../../test/helpers/tenants.js';
import { FakeClock } from '../../platform/clock.js';
import { systemAuth } from '../../platform/auth/auth-context.js';
import { AppError } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import type { PigeonEvent } from '../../platform/events/bus.js';
import { type BillingServices } from './billing.module.js';
import type { Charge } from './ledger.service.js';
import { startOfZonedDay } from './money.js';

type Body<T = unknown> = {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string }>;
  pagination?: { total?: number; nextCursor?: string | null };
};

const sys = systemAuth('test');

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected an AppError');
}

function messageCharges(
  enterpriseId: string,
  n: number,
  amount: number,
  channel = 'sms',
  country = 'CN',
): Charge[] {
  return Array.from({ length: n }, () => ({
    enterpriseId,
    amount,
    objectType: 'message',
    objectId: newId(),
    channel,
    country,
    quantity: 1,
  }));
}

describe('BL-1…BL-5 billing', () => {
  let app: TestApp;
  let billing: BillingServices;
  let admin: SignedIn;
  let finance: SignedIn;
  const clock = new FakeClock(Date.parse('2026-03-10T08:00:00Z'));

  beforeAll(async () => {
    app = await createTestApp({ clock });
    billing = app.services.billing;
    admin = await signInAdmin(app);
    finance = await userWithRoles(app, ['finance']);
  });
  afterAll(async () => {
    await app.close();
  });

  const charge = (charges: Charge[], opts: { onInsufficient?: 'throw' | 'skip' } = {}) =>
    app.ctx.db.transaction().execute((trx) => billing.chargeMany(trx, charges, opts));

  describe('BL-2 balances: recharge, adjustment, credit limit, low-balance event', () => {
    it('recharges and adjusts through the API; the ledger records each with the balance after it', async () => {
      const ent = await createEnterprise(app);
      const recharge = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/recharges',
        headers: finance.headers,
        payload: {
          enterpriseId: ent.id,
          amount: 5_000_000,
          method: 'bank_transfer',
          reference: 'TX-1',
          note: 'first',
        },
      });
      expect(recharge.statusCode).toBe(200);
      expect(recharge.json<Body<{ balanceAfter: number; method: string }>>().data).toMatchObject({
        balanceAfter: 5_000_000,
        method: 'bank_transfer',
        entryType: 'recharge',
      });
      const adjust = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/adjustments',
        headers: finance.headers,
        payload: { enterpriseId: ent.id, amount: -1_250_000, reason: 'correction of January' },
      });
      expect(adjust.json<Body<{ balanceAfter: number; note: string }>>().data).toMatchObject({
        balanceAfter: 3_750_000,
        note: 'correction of January',
      });
      const zero = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/adjustments',
        headers: finance.headers,
        payload: { enterpriseId: ent.id, amount: 0, reason: 'nothing' },
      });
      expect(zero.statusCode).toBe(422);
      expect(zero.json<Body>().errors?.[0]?.field).toBe('amount');

      const bal = await app.inject({ url: `/api/v1/billing/balances/${ent.id}`, headers: finance.headers });
      expect(bal.json<Body>().data).toMatchObject({
        balance: 3_750_000,
        creditLimit: 0,
        available: 3_750_000,
      });
      const ledger = await app.inject({
        url: `/api/v1/billing/ledger?enterpriseId=${ent.id}&size=1`,
        headers: finance.headers,
      });
      const page = ledger.json<Body<Array<{ entryType: string }>>>();
      expect(page.data.map((e) => e.entryType)).toEqual(['adjustment']);
      const next = await app.inject({
        url: `/api/v1/billing/ledger?enterpriseId=${ent.id}&size=1&cursor=${page.pagination?.nextCursor}`,
        headers: finance.headers,
      });
      expect(next.json<Body<Array<{ entryType: string }>>>().data.map((e) => e.entryType)).toEqual([
        'recharge',
      ]);
      const check = await app.inject({
        url: `/api/v1/billing/balances/${ent.id}/check`,
        headers: finance.headers,
      });
      expect(check.json<Body>().data).toMatchObject({
        consistent: true,
        balance: 3_750_000,
        ledgerSum: 3_750_000,
      });
    });

    it('lets a charge use the credit limit and no more', async () => {
      const ent = await createEnterprise(app);
      const res = await app.inject({
        method: 'PUT',
        url: '/api/v1/billing/balance-settings',
        headers: finance.headers,
        payload: { enterpriseId: ent.id, creditLimit: 100_000 },
      });
      expect(res.statusCode).toBe(200);
      await charge(messageCharges(ent.id, 2, 50_000));
      const err = await errorOf(charge(messageCharges(ent.id, 1, 1)));
      expect(err.code).toBe('INSUFFICIENT_BALANCE');
      expect(err.params).toMatchObject({ required: 1, available: 0 });
      expect(await billing.checkLedger(ent.id)).toMatchObject({ balance: -100_000, consistent: true });
    });

    it('raises billing.balance_low after commit when the balance crosses the threshold', async () => {
      const ent = await createEnterprise(app);
      const seen: PigeonEvent[] = [];
      const off = app.ctx.events.on('billing.balance_low', (e) => seen.push(e));
      await billing.ledger.updateSettings(sys, { enterpriseId: ent.id, lowBalanceThreshold: 400_000 });
      await billing.ledger.recharge(sys, { enterpriseId: ent.id, amount: 1_000_000, method: 'cash' });
      const first = await charge(messageCharges(ent.id, 5, 100_000));
      expect(first.lowBalance).toEqual([]);
      const second = await charge(messageCharges(ent.id, 2, 100_000));
      expect(second.lowBalance).toEqual([{ enterpriseId: ent.id, balance: 300_000, threshold: 400_000 }]);
      expect(seen).toEqual([]);
      billing.ledger.emitAfterCommit(second);
      await billing.ledger.adjust(sys, {
        enterpriseId: ent.id,
        amount: -1,
        reason: 'still low: no new event',
      });
      off();
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        type: 'billing.balance_low',
        enterpriseId: ent.id,
        data: { balance: 300_000 },
      });
    });
  });

  describe('BL-3 charging: atomic, exactly once, idempotent refunds, ledger equals balance', () => {
    it('never overdraws under 50 parallel charge batches and the ledger sums to the balance', async () => {
      const ent = await createEnterprise(app);
      await billing.ledger.recharge(sys, { enterpriseId: ent.id, amount: 1_000_000, method: 'cash' });
      // 50 batches of 10 messages at 3 000: 33 batches fit in 1 000 000.
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => charge(messageCharges(ent.id, 10, 3_000))),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results.filter(
        (r) =>
          r.status === 'rejected' && r.reason instanceof AppError && r.reason.code === 'INSUFFICIENT_BALANCE',
      ).length;
      expect(ok).toBe(33);
      expect(refused).toBe(17);
      const check = await billing.checkLedger(ent.id);
      expect(check).toMatchObject({ balance: 10_000, ledgerSum: 10_000, entries: 1 + 330, consistent: true });
      expect(await billing.ledger.checkAllLedgers()).toEqual([]);
      // The check job notices a balance moved outside the ledger.
      const tamper = (by: number) =>
        app.ctx.db
          .updateTable('balances')
          .set((eb) => ({ balance: eb('balance', '+', by) }))
          .where('enterprise_id', '=', ent.id)
          .execute();
      await tamper(1);
      expect((await billing.ledger.checkAllLedgers()).map((r) => r.enterpriseId)).toEqual([ent.id]);
      await tamper(-1);
      // Each entry's balance_after continues the previous one, in ledger order.
      const rows = await app.ctx.db
        .selectFrom('ledger_entries')
        .select(['amount', 'balance_after'])
        .where('enterprise_id', '=', ent.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      let running = 0;
      for (const r of rows) {
        running += Number(r.amount);
        expect(Number(r.balance_after)).toBe(running);
        expect(running).toBeGreaterThanOrEqual(0);
      }
    });

    it('charges a message once even when the accept is retried', async () => {
      const ent = await createEnterprise(app);
      await billing.ledger.recharge(sys, { enterpriseId: ent.id, amount: 100_000, method: 'cash' });
      const batch = messageCharges(ent.id, 3, 10_000);
      const first = await charge(batch);
      expect(first.entries).toHaveLength(3);
      const again = await charge([...batch, ...messageCharges(ent.id, 1, 10_000)]);
      expect(again.alreadyCharged.sort()).toEqual(batch.map((c) => c.objectId).sort());
      expect(again.entries).toHaveLength(1);
      expect(await billing.checkLedger(ent.id)).toMatchObject({ balance: 60_000, consistent: true });
      // The unique index backs this up if a caller bypasses the check.
      await expect(
        app.ctx.db
          .insertInto('ledger_entries')
          .values({
            id: newId(),
            enterprise_id: ent.id,
            entry_type: 'charge',
            amount: -1,
            balance_after: 0,
            object_type: 'message',
            object_id: batch[0]?.objectId ?? '',
            channel: null,
            country: null,
            quantity: 1,
            method: null,
            reference: null,
            note: '',
            created_by: null,
            created_at: clock.iso(),
          })
          .execute(),
      ).rejects.toThrow();
    });

    it('writes nothing of a batch when one enterprise of it cannot pay, or skips only that one', async () => {
      const rich = await createEnterprise(app);
      const poor = await createEnterprise(app);
      await billing.ledger.recharge(sys, { enterpriseId: rich.id, amount: 100_000, method: 'cash' });
      await billing.ledger.recharge(sys, { enterpriseId: poor.id, amount: 5_000, method: 'cash' });
      const batch = [...messageCharges(rich.id, 2, 10_000), ...messageCharges(poor.id, 1, 10_000)];
      const err = await errorOf(charge(batch));
      expect(err.code).toBe('INSUFFICIENT_BALANCE');
      expect(err.params).toMatchObject({ enterpriseId: poor.id, required: 10_000, available: 5_000 });
      expect(await billing.checkLedger(rich.id)).toMatchObject({
        balance: 100_000,
        entries: 1,
        consistent: true,
      });
      expect(await billing.checkLedger(poor.id)).toMatchObject({
        balance: 5_000,
        entries: 1,
        consistent: true,
      });

      const skipped = await charge(batch, { onInsufficient: 'skip' });
      expect(skipped.entries).toHaveLength(2);
      expect(skipped.refused).toEqual([
        { enterpriseId: poor.id, objectIds: [batch[2]?.objectId], required: 10_000, available: 5_000 },
      ]);
      expect(await billing.checkLedger(rich.id)).toMatchObject({ balance: 80_000, consistent: true });
      expect(await billing.checkLedger(poor.id)).toMatchObject({ balance: 5_000, consistent: true });
    });

    it('refunds the same message once however often it is asked, also in parallel', async () => {
      const ent = await createEnterprise(app);
      await billing.ledger.recharge(sys, { enterpriseId: ent.id, amount: 100_000, method: 'cash' });
      const [a, b] = messageCharges(ent.id, 2, 7_000);
      await charge([a as Charge, b as Charge]);
      const r1 = await app.ctx.db.transaction().execute((trx) => billing.refund(trx, a?.objectId ?? ''));
      expect(r1).toMatchObject({ entryType: 'refund', amount: 7_000, balanceAfter: 93_000, channel: 'sms' });
      const r2 = await app.ctx.db.transaction().execute((trx) => billing.refund(trx, a?.objectId ?? ''));
      expect(r2).toBeNull();
      const parallel = await Promise.all(
        Array.from({ length: 5 }, () =>
          app.ctx.db.transaction().execute((trx) => billing.refund(trx, b?.objectId ?? '')),
        ),
      );
      expect(parallel.filter((x) => x !== null)).toHaveLength(1);
      expect(await app.ctx.db.transaction().execute((trx) => billing.refund(trx, newId()))).toBeNull();
      expect(await billing.checkLedger(ent.id)).toMatchObject({
        balance: 100_000,
        entries: 5,
        consistent: true,
      });
    });
  });

  describe('BL-1 rate cards: quote precedence, CSV import and export', () => {
    let tenant: Tenant;
    let defaultPlan: string;
    let goldPlan: string;

    beforeAll(async () => {
      tenant = await createTenant(app);
      const mk = async (name: string, isDefault: boolean) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/billing/plans',
          headers: finance.headers,
          payload: { name, currency: 'USD', isDefault },
        });
        expect(res.statusCode).toBe(200);
        return res.json<Body<{ id: string }>>().data.id;
      };
      defaultPlan = await mk('Standard', true);
      goldPlan = await mk('Gold', false);
    });

    const addPrice = async (planId: string, body: Record<string, unknown>) => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/billing/plans/${planId}/prices`,
        headers: finance.headers,
        payload: body,
      });
      expect(res.statusCode).toBe(200);
    };

    it('prices by account override, then the enterprise plan, then the default plan; else NO_PRICE', async () => {
      await addPrice(defaultPlan, { channel: 'sms', country: 'CN', price: 40_000 });
      await addPrice(defaultPlan, { channel: 'sms', country: 'US', price: 9_000 });
      await addPrice(goldPlan, { channel: 'sms', country: 'CN', price: 30_000 });
      await addPrice(goldPlan, { channel: 'sms', country: 'CN', networkPrefix: '86138', price: 25_000 });
      const q = (country: string, destination?: string) =>
        billing.quote({
          enterpriseId: tenant.enterpriseId,
          sendingAccountId: tenant.sendingAccountId,
          channel: 'sms',
          country,
          segments: 3,
          destination,
        });
      expect(await q('CN')).toEqual({
        unitPrice: 40_000,
        amount: 120_000,
        currency: 'USD',
        planId: defaultPlan,
        source: 'default',
        refundOnFailure: true,
      });

      const assign = await app.inject({
        method: 'PUT',
        url: '/api/v1/billing/plan-assignments',
        headers: finance.headers,
        payload: { enterpriseId: tenant.enterpriseId, planId: goldPlan },
      });
      expect(assign.statusCode).toBe(200);
      expect(await q('CN')).toMatchObject({
        unitPrice: 30_000,
        amount: 90_000,
        planId: goldPlan,
        source: 'plan',
      });
      expect(await q('CN', '8613812345678')).toMatchObject({ unitPrice: 25_000, source: 'plan' });
      expect(await q('CN', '8613912345678')).toMatchObject({ unitPrice: 30_000 });
      // Gold has no US price: the default plan still prices it.
      expect(await q('US')).toMatchObject({ unitPrice: 9_000, source: 'default' });

      const override = await app.inject({
        method: 'PUT',
        url: '/api/v1/billing/account-prices',
        headers: finance.headers,
        payload: { sendingAccountId: tenant.sendingAccountId, channel: 'sms', country: 'CN', price: 12_000 },
      });
      expect(override.statusCode).toBe(200);
      expect(await q('CN', '8613812345678')).toMatchObject({
        unitPrice: 12_000,
        amount: 36_000,
        planId: null,
        source: 'account',
      });
      const other = await createSendingAccount(app, tenant.enterpriseId);
      expect(
        await billing.quote({
          enterpriseId: tenant.enterpriseId,
          sendingAccountId: other.id,
          channel: 'sms',
          country: 'CN',
          segments: 1,
        }),
      ).toMatchObject({ unitPrice: 30_000, source: 'plan' });

      const none = await errorOf(q('FR'));
      expect(none.code).toBe('NO_PRICE');
      const viaApi = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/quotes',
        headers: finance.headers,
        payload: { sendingAccountId: tenant.sendingAccountId, channel: 'sms', country: 'FR', segments: 1 },
      });
      expect(viaApi.statusCode).toBe(422);
      expect(viaApi.json<Body>().code).toBe('NO_PRICE');
    });

    it('imports a 1 000-row rate card; a malformed row is reported by line and nothing is applied', async () => {
      const plan = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/plans',
        headers: finance.headers,
        payload: { name: 'Bulk', currency: 'USD' },
      });
      const planId = plan.json<Body<{ id: string }>>().data.id;
      const lines = ['channel,country,network_prefix,price'];
      for (let i = 0; i < 1000; i++) {
        const country = `${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}${String.fromCharCode(65 + (i % 26))}`;
        const prefix = i < 676 ? '' : String(100 + i);
        lines.push(`sms,${country},${prefix},0.${String(10_000 + i).padStart(6, '0')}`);
      }
      const good = lines.join('\r\n');
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/billing/plans/${planId}/prices/import`,
        headers: finance.headers,
        payload: { csv: good },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json<Body>().data).toEqual({ imported: 1000, mode: 'replace' });
      const list = await app.inject({
        url: `/api/v1/billing/plans/${planId}/prices?size=1&country=AB`,
        headers: finance.headers,
      });
      expect(list.json<Body<Array<{ price: number }>>>().data[0]?.price).toBe(10_001);

      const broken = [...lines];
      broken[16] = 'sms,CN,,0.0x5'; // line 17 of the file
      broken[500] = 'fax,CN,,0.01';
      const bad = await app.inject({
        method: 'POST',
        url: `/api/v1/billing/plans/${planId}/prices/import`,
        headers: finance.headers,
        payload: { csv: broken.map((l) => l.replace('0.0', '9.9')).join('\n') },
      });
      expect(bad.statusCode).toBe(422);
      const errs = bad.json<Body>().errors ?? [];
      expect(errs.map((e) => e.field)).toEqual(['line 17', 'line 501']);
      expect(errs[0]?.reason).toBe('invalid_price');
      expect(errs[1]?.reason).toBe('invalid_channel');
      const count = await app.ctx.db
        .selectFrom('plan_prices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('plan_id', '=', planId)
        .where('price', '>', 1_000_000)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);

      const csv = await app.inject({
        url: `/api/v1/billing/plans/${planId}/prices/export`,
        headers: finance.headers,
      });
      expect(csv.headers['content-type']).toContain('text/csv');
      const exported = csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(exported).toHaveLength(1001);
      expect(exported[0]).toBe('channel,country,network_prefix,price');
      expect(exported).toContain('sms,AA,,0.01');
    });
  });

  describe('BL-4 quotas: atomic deduction, exhaustion, return, period roll-over, log', () => {
    it('deducts inside the caller transaction, refuses QUOTA_EXCEEDED, returns and logs', async () => {
      const tenant = await createTenant(app);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/quotas',
        headers: finance.headers,
        payload: { sendingAccountId: tenant.sendingAccountId, channel: 'sms', period: 'day', allowance: 10 },
      });
      expect(created.statusCode).toBe(200);
      const quotaId = created.json<Body<{ id: string }>>().data.id;
      const deduct = (n: number) =>
        app.ctx.db
          .transaction()
          .execute((trx) => billing.deductQuota(trx, tenant.sendingAccountId, 'sms', n, 'obj'));
      expect(await deduct(6)).toMatchObject({ used: 6, remaining: 4 });
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => deduct(1)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      const err = await errorOf(deduct(1));
      expect(err.code).toBe('QUOTA_EXCEEDED');
      expect(err.params).toMatchObject({ remaining: 0, requested: 1 });
      // A rolled-back send does not use the quota.
      await expect(
        app.ctx.db.transaction().execute(async (trx) => {
          await billing.returnQuota(trx, tenant.sendingAccountId, 'sms', 3);
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await billing.quotas.get(sys, quotaId)).toMatchObject({ used: 10 });
      await app.ctx.db
        .transaction()
        .execute((trx) => billing.returnQuota(trx, tenant.sendingAccountId, 'sms', 3));
      expect(await deduct(3)).toMatchObject({ used: 10, remaining: 0 });
      // No quota on a channel means no limit.
      expect(
        await app.ctx.db
          .transaction()
          .execute((trx) => billing.deductQuota(trx, tenant.sendingAccountId, 'email', 99)),
      ).toBeNull();

      clock.advance(86_400_000);
      try {
        expect(await billing.quotas.get(sys, quotaId)).toMatchObject({ used: 0, remaining: 10 });
        expect(await deduct(2)).toMatchObject({ used: 2, periodStart: clock.iso().slice(0, 10) });
      } finally {
        clock.advance(-86_400_000);
      }
      const logs = await app.inject({
        url: `/api/v1/billing/quotas/${quotaId}/logs?size=100`,
        headers: tenant.admin.headers,
      });
      expect(logs.statusCode).toBe(200);
      const actions = logs.json<Body<Array<{ action: string }>>>().data.map((l) => l.action);
      expect(actions.filter((a) => a === 'deduct')).toHaveLength(7);
      expect(actions.filter((a) => a === 'return')).toHaveLength(1);
      expect(actions).toContain('allocate');
      const dup = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/quotas',
        headers: finance.headers,
        payload: { sendingAccountId: tenant.sendingAccountId, channel: 'sms', period: 'month', allowance: 1 },
      });
      expect(dup.statusCode).toBe(409);
    });
  });

  describe('BL-5 bills reconcile with the ledger', () => {
    it('a bill for a period equals the sum of that period’s ledger charges and refunds, by channel and country', async () => {
      const ent = await createEnterprise(app, { timezone: 'Asia/Shanghai' });
      await billing.ledger.recharge(sys, { enterpriseId: ent.id, amount: 10_000_000, method: 'cash' });
      const start = startOfZonedDay('2026-03-01', 'Asia/Shanghai');
      const end = startOfZonedDay('2026-04-01', 'Asia/Shanghai');
      expect(new Date(start).toISOString()).toBe('2026-02-28T16:00:00.000Z');
      const saved = clock.now();
      const at = async (ms: number, charges: Charge[]) => {
        clock.set(ms);
        return charge(charges);
      };
      try {
        await at(start - 1000, messageCharges(ent.id, 2, 1_000)); // February in Shanghai
        const inA = messageCharges(ent.id, 3, 20_000, 'sms', 'CN');
        await at(start, inA);
        await at(start + 86_400_000, messageCharges(ent.id, 2, 50_000, 'sms', 'US'));
        await at(end - 1, messageCharges(ent.id, 1, 300, 'email', 'CN'));
        await at(end, messageCharges(ent.id, 4, 1_000)); // April in Shanghai
        clock.set(start + 3600_000);
        await app.ctx.db.transaction().execute((trx) => billing.refund(trx, inA[0]?.objectId ?? ''));
      } finally {
        clock.set(saved);
      }
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/bills',
        headers: finance.headers,
        payload: { enterpriseId: ent.id, from: '2026-03-01', to: '2026-03-31' },
      });
      expect(res.statusCode).toBe(200);
      const bill = res.json<
        Body<{
          id: string;
          charges: number;
          refunds: number;
          total: number;
          items: Array<Record<string, unknown>>;
        }>
      >().data;
      const ledger = await app.ctx.db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.sum<number>('amount').as('s'))
        .where('enterprise_id', '=', ent.id)
        .where('entry_type', 'in', ['charge', 'refund'])
        .where('created_at', '>=', new Date(start).toISOString())
        .where('created_at', '<', new Date(end).toISOString())
        .executeTakeFirstOrThrow();
      expect(bill.total).toBe(-Number(ledger.s));
      expect(bill).toMatchObject({ charges: 160_300, refunds: 20_000, total: 140_300 });
      expect(bill.items).toEqual([
        { channel: 'email', country: 'CN', messages: 1, quantity: 1, charges: 300, refunds: 0, total: 300 },
        {
          channel: 'sms',
          country: 'CN',
          messages: 3,
          quantity: 3,
          charges: 60_000,
          refunds: 20_000,
          total: 40_000,
        },
        {
          channel: 'sms',
          country: 'US',
          messages: 2,
          quantity: 2,
          charges: 100_000,
          refunds: 0,
          total: 100_000,
        },
      ]);

      const csv = await app.inject({
        url: `/api/v1/billing/bills/${bill.id}/export`,
        headers: finance.headers,
      });
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body).toContain('sms,US,2,2,0.10,0.00,0.10');
      expect(csv.body).toContain('total,,,,0.1603,0.02,0.1403');
      const xlsx = await app.inject({
        url: `/api/v1/billing/bills/${bill.id}/export?format=xlsx`,
        headers: finance.headers,
      });
      expect(xlsx.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const values = wb.worksheets[0]
        ?.getSheetValues()
        .flat()
        .filter((v) => v !== undefined && v !== null);
      expect(values).toContain('0.1403');
    });
  });

  describe('BL-2 tenant isolation through the API', () => {
    it('shows a customer only its own balance, ledger and bills, and lets it change nothing', async () => {
      const a = await createTenant(app);
      const b = await createTenant(app);
      await billing.ledger.recharge(sys, { enterpriseId: a.enterpriseId, amount: 1_000, method: 'cash' });
      await billing.ledger.recharge(sys, { enterpriseId: b.enterpriseId, amount: 2_000, method: 'cash' });
      const billB = await billing.bills.generate(sys, {
        enterpriseId: b.enterpriseId,
        from: '2026-03-01',
        to: '2026-03-31',
      });

      const list = await app.inject({ url: '/api/v1/billing/balances?size=100', headers: a.admin.headers });
      expect(list.json<Body<Array<{ enterpriseId: string }>>>().data.map((x) => x.enterpriseId)).toEqual([
        a.enterpriseId,
      ]);
      const ledger = await app.inject({
        url: `/api/v1/billing/ledger?enterpriseId=${b.enterpriseId}`,
        headers: a.admin.headers,
      });
      const entries = ledger.json<Body<Array<{ enterpriseId: string }>>>().data;
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => e.enterpriseId === a.enterpriseId)).toBe(true);
      expect(
        (await app.inject({ url: `/api/v1/billing/balances/${b.enterpriseId}`, headers: a.admin.headers }))
          .statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ url: `/api/v1/billing/bills/${billB.id}`, headers: a.admin.headers })).statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ url: `/api/v1/billing/bills/${billB.id}`, headers: b.admin.headers })).statusCode,
      ).toBe(200);
      const recharge = await app.inject({
        method: 'POST',
        url: '/api/v1/billing/recharges',
        headers: a.admin.headers,
        payload: { enterpriseId: a.enterpriseId, amount: 1_000_000, method: 'cash' },
      });
      expect(recharge.statusCode).toBe(403);
      const bills = await app.inject({ url: '/api/v1/billing/bills', headers: a.admin.headers });
      expect(bills.body).not.toContain(billB.id);
    });

    it('keeps a customer role that may change billing data inside its own tenant', async () => {
      const a = await createTenant(app);
      const b = await createTenant(app);
      const quotaB = await billing.quotas.create(sys, {
        sendingAccountId: b.sendingAccountId,
        channel: 'sms',
        period: 'none',
        allowance: 5,
      });
      const { userWithPermissions } = await import('../../../test/helpers/identity.js');
      const custom = await userWithPermissions(app, ['billing:*'], {
        userType: 'customer',
        enterpriseId: a.enterpriseId,
      });
      const calls = [
        {
          method: 'PATCH' as const,
          url: `/api/v1/billing/quotas/${quotaB.id}`,
          payload: { allowance: 1000 },
        },
        { method: 'DELETE' as const, url: `/api/v1/billing/quotas/${quotaB.id}` },
        {
          method: 'POST' as const,
          url: '/api/v1/billing/recharges',
          payload: { enterpriseId: b.enterpriseId, amount: 5, method: 'cash' },
        },
        {
          method: 'POST' as const,
          url: '/api/v1/billing/adjustments',
          payload: { enterpriseId: b.enterpriseId, amount: 5, reason: 'x' },
        },
        {
          method: 'PUT' as const,
          url: '/api/v1/billing/balance-settings',
          payload: { enterpriseId: b.enterpriseId, creditLimit: 5 },
        },
        {
          method: 'POST' as const,
          url: '/api/v1/billing/bills',
          payload: { enterpriseId: b.enterpriseId, from: '2026-03-01', to: '2026-03-02' },
        },
        {
          method: 'POST' as const,
          url: '/api/v1/billing/quotas',
          payload: { sendingAccountId: b.sendingAccountId, channel: 'email', period: 'none', allowance: 1 },
        },
      ];
      for (const c of calls) {
        const res = await app.inject({ ...c, headers: custom.headers });
        expect(`${c.method} ${c.url} → ${res.statusCode}`).toBe(`${c.method} ${c.url} → 404`);
      }
      expect(await billing.quotas.get(sys, quotaB.id)).toMatchObject({ allowance: 5 });
      expect(await billing.checkLedger(b.enterpriseId)).toMatchObject({ balance: 0, entries: 0 });
      void admin;
    });
  });
});
