import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  signInAdmin,
  userWithPermissions,
  userWithRoles,
  type SignedIn,
} from '../../../test/helpers/identity.js';
import { createEnterprise, createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { FakeClock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { MessagesTable } from '../messages/messages.tables.js';

type Body<T = unknown> = {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string }>;
};

interface Row {
  key: string | null;
  label: string;
  currency: string;
  messages: number;
  revenue: number;
  cost: number;
  margin: number;
  marginRate: number | null;
}

interface Report {
  groupBy: string;
  from: string;
  to: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
  rows: Row[];
  totals: Array<Omit<Row, 'key' | 'label'>>;
}

/** A message row as the message engine stores it; the test sets what the report reads. */
async function insertMessage(
  app: TestApp,
  m: Partial<MessagesTable> & { enterprise_id: string; created_at: string },
): Promise<string> {
  const id = newId();
  await app.ctx.db
    .insertInto('messages')
    .values({
      id,
      sending_account_id: newId(),
      source: 'api',
      api_key_id: null,
      user_id: null,
      channel: 'sms',
      recipient: '+8613800000000',
      country: 'CN',
      number_type: 'MOBILE',
      sender: null,
      subject: null,
      body: 'hello',
      html: null,
      encoding: 'gsm7',
      segments: 1,
      smart_encoding: 0,
      priority: 'normal',
      status: 'delivered',
      client_ref: null,
      campaign_id: null,
      template_id: null,
      metadata: '{}',
      send_at: null,
      expires_at: null,
      price: 0,
      currency: 'USD',
      refund_on_failure: 1,
      refunded: 0,
      cost: null,
      provider_id: null,
      route_rule_id: null,
      attempts: 1,
      next_attempt_at: null,
      tried_providers: '[]',
      error_code: null,
      error_message: null,
      queued_at: null,
      sent_at: null,
      done_at: null,
      updated_at: m.created_at,
      ...m,
    })
    .execute();
  return id;
}

async function insertProvider(app: TestApp, name: string): Promise<string> {
  const id = newId();
  const now = app.ctx.clock.iso();
  await app.ctx.db
    .insertInto('providers')
    .values({
      id,
      name,
      channel: 'sms',
      type: 'http',
      settings: '{}',
      enabled: 1,
      priority: 0,
      weight: 1,
      tps: null,
      window_size: null,
      daily_quota: null,
      quota_reset_time: '00:00',
      quota_timezone: 'UTC',
      quota_used: 0,
      quota_resets_at: now,
      health: 'unknown',
      health_detail: '',
      health_checked_at: null,
      is_frozen: 0,
      consecutive_failures: 0,
      remark: '',
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

describe('BL-6 profit: revenue, provider cost and margin', () => {
  let app: TestApp;
  let finance: SignedIn;
  let admin: SignedIn;
  let tenant: Tenant;
  let usd: string;
  let eur: string;
  let p1: string;
  let p2: string;
  let mail: string;
  const clock = new FakeClock(Date.parse('2026-03-10T08:00:00Z'));

  const profit = async (query: string, who: SignedIn = finance) =>
    app.inject({ url: `/api/v1/billing/profit?${query}`, headers: who.headers });
  const report = async (query: string): Promise<Report> => {
    const res = await profit(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Body<Report>>().data;
  };

  beforeAll(async () => {
    app = await createTestApp({ clock });
    finance = await userWithRoles(app, ['finance']);
    admin = await signInAdmin(app);
    tenant = await createTenant(app);
    usd = (await createEnterprise(app, { name: 'Profit USD Co', currency: 'USD' })).id;
    eur = (await createEnterprise(app, { name: 'Profit EUR Co', currency: 'EUR' })).id;
    p1 = await insertProvider(app, 'Carrier One');
    p2 = await insertProvider(app, 'Carrier Two');
    mail = await insertProvider(app, 'Mail Out');
    const msg = (m: Partial<MessagesTable> & { created_at: string }) =>
      insertMessage(app, { enterprise_id: usd, ...m });
    // 1 March (UTC)
    await msg({ created_at: '2026-03-01T10:00:00.000Z', price: 100_000, cost: 60_000, provider_id: p1 });
    await msg({
      created_at: '2026-03-01T23:30:00.000Z',
      price: 100_000,
      cost: 60_000,
      refunded: 1,
      status: 'undelivered',
      provider_id: p1,
    });
    await insertMessage(app, {
      enterprise_id: eur,
      currency: 'EUR',
      country: 'DE',
      created_at: '2026-03-01T12:00:00.000Z',
      price: 300_000,
      cost: 100_000,
      provider_id: p1,
    });
    // 2 March (UTC): not yet submitted (cost null), not yet routed, and an e-mail.
    await msg({
      created_at: '2026-03-02T01:00:00.000Z',
      price: 200_000,
      cost: null,
      provider_id: p2,
      country: 'US',
      status: 'queued',
    });
    await msg({
      created_at: '2026-03-02T05:00:00.000Z',
      price: 50_000,
      cost: null,
      provider_id: null,
      status: 'accepted',
    });
    await msg({
      created_at: '2026-03-02T06:00:00.000Z',
      channel: 'email',
      recipient: 'a@example.com',
      country: null,
      price: 10_000,
      cost: 1_000,
      provider_id: mail,
    });
    // Just outside 1–2 March UTC.
    await msg({ created_at: '2026-02-28T23:59:59.999Z', price: 7_000_000, cost: 1 });
    await msg({ created_at: '2026-03-03T00:00:00.000Z', price: 7_000_000, cost: 1 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('sums revenue (charged and not refunded), cost (null as 0) and margin by UTC day and currency', async () => {
    const r = await report('from=2026-03-01&to=2026-03-02&groupBy=day');
    expect(r).toMatchObject({
      groupBy: 'day',
      timezone: 'UTC',
      startsAt: '2026-03-01T00:00:00.000Z',
      endsAt: '2026-03-03T00:00:00.000Z',
    });
    expect(r.rows.map((x) => `${x.key} ${x.currency}`)).toEqual([
      '2026-03-01 EUR',
      '2026-03-01 USD',
      '2026-03-02 USD',
    ]);
    const only = await report(`from=2026-03-01&to=2026-03-02&groupBy=day&enterpriseId=${usd}`);
    expect(only.rows).toEqual([
      {
        key: '2026-03-01',
        label: '2026-03-01',
        currency: 'USD',
        messages: 2,
        revenue: 100_000,
        cost: 120_000,
        margin: -20_000,
        marginRate: -0.2,
      },
      {
        key: '2026-03-02',
        label: '2026-03-02',
        currency: 'USD',
        messages: 3,
        revenue: 260_000,
        cost: 1_000,
        margin: 259_000,
        marginRate: 0.9962,
      },
    ]);
    expect(only.totals).toEqual([
      { currency: 'USD', messages: 5, revenue: 360_000, cost: 121_000, margin: 239_000, marginRate: 0.6639 },
    ]);
  });

  it('never adds different currencies: one row and one total per currency', async () => {
    const r = await report('from=2026-03-01&to=2026-03-01&groupBy=day');
    const day = r.rows.filter((x) => x.key === '2026-03-01');
    expect(day.map((x) => [x.currency, x.messages, x.revenue, x.cost])).toEqual([
      ['EUR', 1, 300_000, 100_000],
      ['USD', 2, 100_000, 120_000],
    ]);
    expect(r.totals.map((t) => t.currency)).toEqual(['EUR', 'USD']);
    expect(r.totals.find((t) => t.currency === 'EUR')).toMatchObject({
      revenue: 300_000,
      margin: 200_000,
      marginRate: 0.6667,
    });
  });

  it('groups by provider with its name; messages not routed yet have a null key', async () => {
    const r = await report(`from=2026-03-01&to=2026-03-02&groupBy=provider&enterpriseId=${usd}`);
    const byKey = new Map(r.rows.map((x) => [x.key, x]));
    expect(byKey.get(p1)).toMatchObject({
      label: 'Carrier One',
      messages: 2,
      revenue: 100_000,
      cost: 120_000,
    });
    expect(byKey.get(p2)).toMatchObject({ label: 'Carrier Two', messages: 1, revenue: 200_000, cost: 0 });
    expect(byKey.get(mail)).toMatchObject({ label: 'Mail Out', messages: 1, revenue: 10_000, cost: 1_000 });
    expect(byKey.get(null)).toMatchObject({
      label: '',
      messages: 1,
      revenue: 50_000,
      cost: 0,
      margin: 50_000,
    });
    // Largest revenue first within a currency.
    expect(r.rows[0]?.key).toBe(p2);
  });

  it('groups by country and filters by channel', async () => {
    const all = await report(`from=2026-03-01&to=2026-03-02&groupBy=country&enterpriseId=${usd}`);
    expect(all.rows.map((x) => [x.key, x.messages, x.revenue]).sort()).toEqual(
      [
        ['CN', 3, 150_000],
        ['US', 1, 200_000],
        [null, 1, 10_000],
      ].sort(),
    );
    const sms = await report(`from=2026-03-01&to=2026-03-02&groupBy=country&enterpriseId=${usd}&channel=sms`);
    expect(sms.rows.map((x) => x.key).sort()).toEqual(['CN', 'US']);
    expect(sms.totals).toEqual([
      { currency: 'USD', messages: 4, revenue: 350_000, cost: 120_000, margin: 230_000, marginRate: 0.6571 },
    ]);
  });

  it('groups by enterprise with its name', async () => {
    const r = await report('from=2026-03-01&to=2026-03-02&groupBy=enterprise');
    const byKey = new Map(r.rows.map((x) => [x.key, x]));
    expect(byKey.get(usd)).toMatchObject({
      label: 'Profit USD Co',
      currency: 'USD',
      messages: 5,
      revenue: 360_000,
    });
    expect(byKey.get(eur)).toMatchObject({
      label: 'Profit EUR Co',
      currency: 'EUR',
      messages: 1,
      revenue: 300_000,
    });
  });

  it('buckets days in the given time zone, also one that starts its days off the hour', async () => {
    const ent = (await createEnterprise(app, { currency: 'CNY' })).id;
    const at = (created_at: string, price: number) =>
      insertMessage(app, { enterprise_id: ent, currency: 'CNY', created_at, price, cost: 1 });
    // Asia/Shanghai is UTC+8: local midnight of 2 March is 1 March 16:00 UTC.
    await at('2026-03-01T15:59:59.999Z', 1_000);
    await at('2026-03-01T16:00:00.000Z', 2_000);
    // Asia/Kolkata is UTC+5:30: local midnight of 4 March is 3 March 18:30 UTC (same UTC hour).
    await at('2026-03-03T18:29:59.999Z', 4_000);
    await at('2026-03-03T18:30:00.000Z', 8_000);
    const shanghai = await report(
      `from=2026-03-01&to=2026-03-02&groupBy=day&enterpriseId=${ent}&timezone=Asia/Shanghai`,
    );
    expect(shanghai.startsAt).toBe('2026-02-28T16:00:00.000Z');
    expect(shanghai.rows.map((x) => [x.key, x.revenue])).toEqual([
      ['2026-03-01', 1_000],
      ['2026-03-02', 2_000],
    ]);
    const utc = await report(`from=2026-03-01&to=2026-03-02&groupBy=day&enterpriseId=${ent}`);
    expect(utc.rows.map((x) => [x.key, x.revenue])).toEqual([['2026-03-01', 3_000]]);
    const kolkata = await report(
      `from=2026-03-03&to=2026-03-04&groupBy=day&enterpriseId=${ent}&timezone=Asia/Kolkata`,
    );
    expect(kolkata.rows.map((x) => [x.key, x.revenue])).toEqual([
      ['2026-03-03', 4_000],
      ['2026-03-04', 8_000],
    ]);
  });

  it('defaults to the last 30 days ending today and to day rows', async () => {
    const r = await report('');
    expect(r).toMatchObject({ groupBy: 'day', from: '2026-02-09', to: '2026-03-10', timezone: 'UTC' });
    // Both outliers of 28 Feb and 3 March fall inside the default range.
    expect(r.rows.find((x) => x.key === '2026-02-28' && x.currency === 'USD')?.revenue).toBe(7_000_000);
  });

  it('rejects a reversed or too long range and an unknown time zone (422 with field and reason)', async () => {
    const cases: Array<[string, string, string]> = [
      ['from=2026-03-02&to=2026-03-01', 'to', 'invalid_period'],
      ['from=2025-01-01&to=2026-03-01', 'from', 'range_too_long'],
      ['timezone=Mars/Olympus', 'timezone', 'invalid_timezone'],
    ];
    for (const [query, field, reason] of cases) {
      const res = await profit(query);
      expect(res.statusCode, query).toBe(422);
      expect(res.json<Body>().errors?.[0], query).toMatchObject({ field, reason });
    }
    const bad = await profit('groupBy=sender');
    expect(bad.statusCode).toBe(422);
    expect(bad.json<Body>().errors?.[0]?.field).toBe('groupBy');
  });

  it('is staff-only: customers never see provider cost, not even with the permission granted', async () => {
    expect((await profit('', admin)).statusCode).toBe(200);
    // The built-in customer admin lacks the permission…
    expect((await profit('', tenant.admin)).statusCode).toBe(403);
    // …and a custom customer role that grants it is still refused.
    const granted = await userWithPermissions(app, ['billing:profit:read'], {
      userType: 'customer',
      enterpriseId: tenant.enterpriseId,
    });
    const res = await profit(`enterpriseId=${tenant.enterpriseId}`, granted);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('cost');
    // Operators manage traffic but do not read profit.
    const operator = await userWithRoles(app, ['operator']);
    expect((await profit('', operator)).statusCode).toBe(403);
  });
});
