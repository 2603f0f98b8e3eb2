import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createEnterprise } from '../../../test/helpers/tenants.js';
import { systemAuth } from '../../platform/auth/auth-context.js';
import { FakeClock } from '../../platform/clock.js';
import { AppError } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { type BillingServices } from './billing.module.js';

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

describe('BL-3 reservations: hold a campaign’s estimated cost, release what is unused', () => {
  let app: TestApp;
  let billing: BillingServices;
  const clock = new FakeClock(Date.parse('2026-03-10T08:00:00Z'));

  beforeAll(async () => {
    app = await createTestApp({ clock });
    billing = app.services.billing;
  });
  afterAll(async () => {
    await app.close();
  });

  /** An enterprise with `amount` recharged. */
  async function funded(amount: number, creditLimit = 0): Promise<string> {
    const ent = (await createEnterprise(app)).id;
    await billing.ledger.recharge(sys, { enterpriseId: ent, amount, method: 'bank_transfer' });
    if (creditLimit > 0) {
      await billing.ledger.updateSettings(sys, { enterpriseId: ent, creditLimit });
    }
    return ent;
  }
  const reserve = (enterpriseId: string, amount: number, objectId: string) =>
    app.ctx.db
      .transaction()
      .execute((trx) => billing.reserve(trx, { enterpriseId, amount, objectType: 'campaign', objectId }));
  const release = (objectId: string, amount?: number) =>
    app.ctx.db.transaction().execute((trx) => billing.release(trx, 'campaign', objectId, amount));
  const balance = async (enterpriseId: string) => (await billing.ledger.get(sys, enterpriseId)).balance;
  const entries = async (enterpriseId: string) =>
    Number(
      (
        await app.ctx.db
          .selectFrom('ledger_entries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('enterprise_id', '=', enterpriseId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('deducts a reservation like a charge and keeps the ledger equal to the balance', async () => {
    const ent = await funded(10_000_000);
    const campaign = newId();
    const held = await reserve(ent, 4_000_000, campaign);
    expect(held.entry).toMatchObject({
      entryType: 'reservation',
      amount: -4_000_000,
      balanceAfter: 6_000_000,
      objectType: 'campaign',
      objectId: campaign,
    });
    expect(await balance(ent)).toBe(6_000_000);
    expect(
      await app.ctx.db
        .transaction()
        .execute((trx) => billing.ledger.reservationOf(trx, 'campaign', campaign)),
    ).toEqual({
      enterpriseId: ent,
      reserved: 4_000_000,
      released: 0,
      remaining: 4_000_000,
    });
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });

  it('refuses a reservation the balance and credit limit cannot cover, writing nothing', async () => {
    const ent = await funded(1_000_000, 500_000);
    const before = await entries(ent);
    const err = await errorOf(reserve(ent, 1_500_001, newId()));
    expect(err.code).toBe('INSUFFICIENT_BALANCE');
    expect(err.status).toBe(402);
    expect(err.params).toMatchObject({ required: 1_500_001, available: 1_500_000 });
    expect(await balance(ent)).toBe(1_000_000);
    expect(await entries(ent)).toBe(before);
    // Exactly the credit limit is fine.
    await reserve(ent, 1_500_000, newId());
    expect(await balance(ent)).toBe(-500_000);
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });

  it('holds one reservation per object', async () => {
    const ent = await funded(5_000_000);
    const campaign = newId();
    await reserve(ent, 1_000_000, campaign);
    const err = await errorOf(reserve(ent, 1_000_000, campaign));
    expect(err.code).toBe('ALREADY_RESERVED');
    expect(err.status).toBe(409);
    expect(await balance(ent)).toBe(4_000_000);
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });

  it('releases in parts, never more than is held, and a double release releases once', async () => {
    const ent = await funded(10_000_000);
    const campaign = newId();
    await reserve(ent, 3_000_000, campaign);
    const part = await release(campaign, 1_000_000);
    expect(part).toMatchObject({ released: 1_000_000, remaining: 2_000_000 });
    expect(part.entry).toMatchObject({ entryType: 'release', amount: 1_000_000, balanceAfter: 8_000_000 });
    // Asking for more than is held gives back only what is held.
    const rest = await release(campaign, 9_000_000);
    expect(rest).toMatchObject({ released: 2_000_000, remaining: 0 });
    expect(await balance(ent)).toBe(10_000_000);
    const again = await release(campaign);
    expect(again).toEqual({ entry: null, released: 0, remaining: 0 });
    expect(await balance(ent)).toBe(10_000_000);
    expect((await billing.checkLedger(ent)).consistent).toBe(true);

    const other = newId();
    await reserve(ent, 2_500_000, other);
    const first = await release(other);
    const second = await release(other);
    expect(first.released).toBe(2_500_000);
    expect(second.entry).toBeNull();
    expect(await balance(ent)).toBe(10_000_000);
    const releases = await app.ctx.db
      .selectFrom('ledger_entries')
      .select('amount')
      .where('object_id', '=', other)
      .where('entry_type', '=', 'release')
      .execute();
    expect(releases.map((r) => Number(r.amount))).toEqual([2_500_000]);
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });

  it('releases once when releases of one object run concurrently', async () => {
    const ent = await funded(10_000_000);
    const campaign = newId();
    await reserve(ent, 6_000_000, campaign);
    const results = await Promise.all(Array.from({ length: 8 }, () => release(campaign)));
    expect(results.filter((r) => r.entry !== null)).toHaveLength(1);
    expect(await balance(ent)).toBe(10_000_000);
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });

  it('lets only one of concurrent reservations of one object through', async () => {
    const ent = await funded(10_000_000);
    const campaign = newId();
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, () => reserve(ent, 1_000_000, campaign)),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled) {
      if (s.status === 'rejected') {
        expect((s.reason as AppError).code).toBe('ALREADY_RESERVED');
      }
    }
    expect(await balance(ent)).toBe(9_000_000);
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });

  it('ignores a release of an object without a reservation and rejects a non-positive amount', async () => {
    expect(await release(newId())).toEqual({ entry: null, released: 0, remaining: 0 });
    const ent = await funded(1_000_000);
    const campaign = newId();
    await reserve(ent, 100_000, campaign);
    const err = await errorOf(release(campaign, 0));
    expect(err.status).toBe(422);
    expect(err.fieldErrors[0]).toMatchObject({ field: 'amountToRelease', reason: 'not_positive' });
    const bad = await errorOf(reserve(ent, -5, newId()));
    expect(bad.fieldErrors[0]).toMatchObject({ field: 'amount', reason: 'not_positive' });
    expect((await billing.checkLedger(ent)).consistent).toBe(true);
  });
});
