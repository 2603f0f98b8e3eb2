// Demo mode's start-up hook in-process, on SQLite and PostgreSQL (SPEC §2): what it seeds,
// that the seeded key sends an SMS that the simulator delivers, and when it stays away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createEnterprise } from './helpers/tenants.js';
import { signInAdmin } from './helpers/identity.js';
import { waitFor } from './helpers/platform.js';
import { demoHook, demoState, isDemoOn } from '../src/demo.js';
import type { Config } from '../src/config.js';

type Body<T = Record<string, unknown>> = { code: number | string; data: T };

async function runHook(app: TestApp, over: { demo?: Config['demo']; isNewDataDir?: boolean } = {}) {
  const lines: string[] = [];
  app.ctx.config.demo = over.demo ?? 'auto';
  await demoHook({
    app,
    config: app.ctx.config,
    isNewDataDir: over.isNewDataDir ?? true,
    print: (l) => lines.push(l),
  });
  return lines;
}

describe('SPEC §2 demo mode start-up hook', () => {
  let app: TestApp;
  let lines: string[];

  beforeAll(async () => {
    app = await createTestApp();
    await app.ready();
    lines = await runHook(app);
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  it('seeds the demo tenant, providers, routes and prices through the services and says so', async () => {
    const state = await demoState(app.ctx.db);
    expect(state).not.toBeNull();
    expect(await isDemoOn(app.ctx)).toBe(true);
    expect(lines[0]).toMatch(/^Demo mode: SMSC simulator on 127\.0\.0\.1:\d+, SMTP sink on 127\.0\.0\.1:\d+/);
    const key = /^Demo API key: (pgn_\S+)/.exec(lines[1] ?? '')?.[1];
    expect(key).toBeDefined();
    expect(lines.at(-1)).toContain(`-H 'X-API-Key: ${key}'`);

    const admin = await signInAdmin(app);
    const get = async <T>(url: string) =>
      (await app.inject({ method: 'GET', url, headers: admin.headers })).json<Body<T>>().data;
    const balance = await get<{ balance: number; currency: string }>(
      `/api/v1/billing/balances/${state!.enterpriseId}`,
    );
    expect(balance).toMatchObject({ balance: 100_000_000, currency: 'USD' });
    const providers = await get<Array<{ id: string; enabled: boolean; settings: { port: number } }>>(
      '/api/v1/providers?size=100',
    );
    expect(providers.find((p) => p.id === state!.smppProviderId)).toMatchObject({
      enabled: true,
      settings: { port: state!.smscPort },
    });
    expect(providers.find((p) => p.id === state!.smtpProviderId)?.settings.port).toBe(state!.smtpPort);
    const rules = await get<Array<{ channel: string }>>('/api/v1/routes?size=100');
    expect(rules.map((r) => r.channel).sort()).toEqual(['email', 'sms']);
    const info = (await app.inject({ method: 'GET', url: '/api/v1/system/info' })).json<
      Body<{ demo: boolean }>
    >();
    expect(info.data.demo).toBe(true);
  });

  it('the demo key sends an SMS that the simulator delivers', async () => {
    const key = /^Demo API key: (pgn_\S+)/.exec(lines[1] ?? '')![1]!;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { 'x-api-key': key },
      payload: { channel: 'sms', to: '+447912345678', from: 'Pigeon', text: 'Hello' },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json<Body<{ id: string }>>().data.id;
    const status = await waitFor(
      async () => {
        const m = await app.inject({
          method: 'GET',
          url: `/api/v1/messages/${id}`,
          headers: { 'x-api-key': key },
        });
        const s = m.json<Body<{ status: string }>>().data.status;
        return s === 'delivered' || s === 'failed' || s === 'undelivered' ? s : undefined;
      },
      30_000,
      'the demo SMS to be delivered',
    );
    expect(status).toBe('delivered');
  }, 40_000);

  it('counts an e-mail delivered at submit as sent too: one SMS and one e-mail are sent 2, delivered 2', async () => {
    const key = /^Demo API key: (pgn_\S+)/.exec(lines[1] ?? '')![1]!;
    const state = (await demoState(app.ctx.db))!;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { 'x-api-key': key },
      payload: {
        channel: 'email',
        to: 'someone@example.com',
        from: 'demo@pigeon.local',
        subject: 'Hi',
        text: 'Hello',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<Body<{ id: string }>>().data.id;
    await waitFor(
      async () => {
        const m = await app.inject({
          method: 'GET',
          url: `/api/v1/messages/${id}`,
          headers: { 'x-api-key': key },
        });
        return m.json<Body<{ status: string }>>().data.status === 'delivered' ? true : undefined;
      },
      30_000,
      'the demo e-mail to be delivered',
    );
    const admin = await signInAdmin(app);
    const totals = await waitFor(
      async () => {
        const r = await app.inject({
          method: 'GET',
          url: `/api/v1/stats/overview?enterpriseId=${state.enterpriseId}`,
          headers: admin.headers,
        });
        const t = r.json<Body<{ totals: { sent: number; delivered: number } }>>().data.totals;
        return t.delivered === 2 ? t : undefined;
      },
      10_000,
      'both deliveries to be counted',
    );
    expect(totals).toMatchObject({ sent: 2, delivered: 2 });
  }, 40_000);

  it('seeds provider costs below the prices, so the profit report shows a real margin', async () => {
    const admin = await signInAdmin(app);
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/billing/profit?from=${from}&to=${to}&groupBy=country`,
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const report =
      res.json<Body<{ rows: Array<{ key: string; revenue: number; cost: number; margin: number }> }>>().data;
    // The SMS of the test above went to GB: price 40 000, cost 70 % of it.
    const gb = report.rows.find((r) => r.key === 'GB');
    expect(gb).toBeDefined();
    expect(gb!.revenue).toBe(40_000);
    expect(gb!.cost).toBe(28_000);
    expect(gb!.margin).toBe(12_000);
  });

  it('runs again on a later start without seeding twice, and PIGEON_DEMO=false stays away', async () => {
    const before = await demoState(app.ctx.db);
    const again = await runHook(app, { isNewDataDir: false });
    expect(again.some((l) => l.startsWith('Demo mode:'))).toBe(true);
    expect(again.join('\n')).not.toMatch(/pgn_\S{20,}/);
    const after = await demoState(app.ctx.db);
    expect(after?.enterpriseId).toBe(before?.enterpriseId);

    expect(await runHook(app, { demo: 'false', isNewDataDir: false })).toEqual([]);
    expect(await isDemoOn(app.ctx)).toBe(false);
    app.ctx.config.demo = 'auto';
  }, 30_000);
});

describe('SPEC §2 demo mode stays out of databases in use', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('does not seed a database that already has enterprises, unless PIGEON_DEMO=true', async () => {
    await createEnterprise(app);
    expect(await runHook(app, { isNewDataDir: true })).toEqual([]);
    expect(await demoState(app.ctx.db)).toBeNull();
    const lines = await runHook(app, { demo: 'true', isNewDataDir: false });
    expect(lines.some((l) => l.startsWith('Demo API key: pgn_'))).toBe(true);
    expect(await demoState(app.ctx.db)).not.toBeNull();
  }, 60_000);
});
