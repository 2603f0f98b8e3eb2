import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { newId } from '../../platform/ids.js';
import type { ProviderState } from './selection.js';

type Body<T = unknown> = {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string }>;
};

describe('RT-1/RT-3/RT-5 route rules, mapping and explain through the API', () => {
  let app: TestApp;
  let admin: SignedIn;
  let tenant: Tenant;
  const cheap = newId();
  const dear = newId();
  const mail = newId();
  const states = new Map<string, ProviderState>();
  const put = (id: string, p: Partial<ProviderState> = {}) =>
    states.set(id, {
      id,
      channel: 'sms',
      enabled: true,
      frozen: false,
      healthy: true,
      quotaLeft: null,
      costByCountry: new Map(),
      ...p,
    });

  beforeAll(async () => {
    // Provider states come from the providers module in the running platform; here the test
    // hands the routing service the same data through its port.
    app = await createTestApp({ providerStates: { states: () => states } });
    await app.ready();
    put(cheap, { costByCountry: new Map([['GB', 20_000]]) });
    put(dear, { costByCountry: new Map([['GB', 50_000]]) });
    put(mail, { channel: 'email' });
    admin = await signInAdmin(app);
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/v1/routes', headers: admin.headers, payload });
  const explain = async (to: string) =>
    (
      await app.inject({
        url: `/api/v1/routes/explain?account=${tenant.sendingAccountId}&to=${encodeURIComponent(to)}&channel=sms`,
        headers: admin.headers,
      })
    ).json<
      Body<{
        chosen: string | null;
        reason: string | null;
        country: string | null;
        providers: Array<{ providerId: string; outcome: string }>;
      }>
    >().data;

  it('refuses a rule naming an unknown provider, with the field and the reason', async () => {
    const res = await post({
      name: 'bad',
      channel: 'sms',
      tiers: [{ providers: [{ providerId: newId(), weight: 1 }] }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<Body>().errors?.[0]).toMatchObject({ field: 'tiers', reason: 'unknown_provider' });
  });

  it('explains the choice: longest prefix wins, and the skipped provider says why', async () => {
    const all = await post({
      name: 'all sms',
      channel: 'sms',
      tiers: [{ providers: [{ providerId: dear, weight: 1 }] }],
    });
    expect(all.statusCode).toBe(200);
    const uk = await post({
      name: 'UK mobiles',
      channel: 'sms',
      match: { prefixes: ['+447'] },
      tiers: [
        { providers: [{ providerId: cheap, weight: 1 }] },
        { providers: [{ providerId: dear, weight: 1 }] },
      ],
    });
    expect(uk.statusCode).toBe(200);
    const ex = await explain('+447912345678');
    expect(ex.country).toBe('GB');
    expect(ex.chosen).toBe(cheap);
    expect(ex.providers.find((p) => p.providerId === dear)?.outcome).toBe('lower_tier');
    expect((await explain('+8613800138000')).chosen).toBe(dear);

    // Changes take effect without a restart: freeze the cheap one and the next tier answers.
    put(cheap, { frozen: true, costByCountry: new Map([['GB', 20_000]]) });
    const after = await explain('+447912345678');
    expect(after.chosen).toBe(dear);
    expect(after.providers.find((p) => p.providerId === cheap)?.outcome).toBe('frozen');
    put(cheap, { costByCountry: new Map([['GB', 20_000]]) });
  });

  it('never chooses a provider outside the account mapping (RT-3)', async () => {
    const set = await app.inject({
      method: 'PUT',
      url: `/api/v1/routes/mappings/${tenant.sendingAccountId}`,
      headers: admin.headers,
      payload: { providerIds: [dear] },
    });
    expect(set.json<Body<{ restricted: boolean }>>().data.restricted).toBe(true);
    const ex = await explain('+447912345678');
    expect(ex.chosen).toBe(dear);
    expect(ex.providers.find((p) => p.providerId === cheap)?.outcome).toBe('not_mapped');
    await app.inject({
      method: 'PUT',
      url: `/api/v1/routes/mappings/${tenant.sendingAccountId}`,
      headers: admin.headers,
      payload: { providerIds: [] },
    });
    expect((await explain('+447912345678')).chosen).toBe(cheap);
  });

  it('reorders rules and disables one without a restart', async () => {
    const list = (await app.inject({ url: '/api/v1/routes', headers: admin.headers })).json<
      Body<Array<{ id: string; name: string }>>
    >().data;
    const ids = list.map((r) => r.id).reverse();
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/routes/order',
      headers: admin.headers,
      payload: { ids },
    });
    expect(res.statusCode).toBe(200);
    const again = (await app.inject({ url: '/api/v1/routes', headers: admin.headers })).json<
      Body<Array<{ id: string }>>
    >().data;
    expect(again.map((r) => r.id)).toEqual(ids);
    const partial = await app.inject({
      method: 'PUT',
      url: '/api/v1/routes/order',
      headers: admin.headers,
      payload: { ids: ids.slice(1) },
    });
    expect(partial.json<Body>().errors?.[0]).toMatchObject({ field: 'ids', reason: 'order_mismatch' });

    const uk = list.find((r) => r.name === 'UK mobiles') as { id: string };
    await app.inject({
      method: 'PATCH',
      url: `/api/v1/routes/${uk.id}`,
      headers: admin.headers,
      payload: { enabled: false },
    });
    expect((await explain('+447912345678')).chosen).toBe(dear);
  });

  it('selects for the engine with a 3:1 weighted split', async () => {
    const svc = app.services.routing;
    await post({
      name: 'split',
      channel: 'sms',
      priority: 0,
      match: { prefixes: ['+3361'] },
      tiers: [
        {
          providers: [
            { providerId: cheap, weight: 3 },
            { providerId: dear, weight: 1 },
          ],
        },
      ],
    });
    const input = await svc.input({ accountId: tenant.sendingAccountId, channel: 'sms', to: '+33612345678' });
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const r = await svc.select(input);
      if (r.ok) {
        counts.set(r.provider.id, (counts.get(r.provider.id) ?? 0) + 1);
      }
    }
    expect(counts.get(cheap)).toBe(300);
    expect(counts.get(dear)).toBe(100);
  });
});
