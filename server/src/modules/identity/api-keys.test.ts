import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { FakeClock } from '../../platform/clock.js';

type Body<T = unknown> = {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string }>;
};

describe('ID-6/ID-8 API keys', () => {
  let app: TestApp;
  let admin: SignedIn;
  let tenant: Tenant;
  const clock = new FakeClock(Date.parse('2026-05-01T00:00:00Z'));
  beforeAll(async () => {
    app = await createTestApp({ clock });
    admin = await signInAdmin(app);
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  const issue = async (body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/identity/api-keys',
      headers: admin.headers,
      payload: {
        name: 'k',
        ownerType: 'sending_account',
        ownerId: tenant.sendingAccountId,
        scopes: ['send'],
        ...body,
      },
    });
  const whoami = (key: string, ip?: string) =>
    app.inject({
      url: '/api/v1/auth/whoami',
      headers: { 'x-api-key': key },
      ...(ip ? { remoteAddress: ip } : {}),
    });

  it('shows the key once, stores only a hash, and authenticates with it', async () => {
    const res = await issue({});
    expect(res.statusCode).toBe(200);
    const created = res.json<Body<{ id: string; key: string; prefix: string }>>().data;
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    const row = await app.ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.key);
    const listed = await app.inject({
      url: `/api/v1/identity/api-keys/${created.id}`,
      headers: admin.headers,
    });
    expect(listed.body).not.toContain(created.key);
    const me = await whoami(created.key);
    expect(me.statusCode).toBe(200);
    expect(me.json<Body<{ kind: string; ownerId: string; enterpriseId: string }>>().data).toMatchObject({
      kind: 'apiKey',
      ownerId: tenant.sendingAccountId,
      enterpriseId: tenant.enterpriseId,
    });
    expect((await whoami(`${created.key.slice(0, -2)}xx`)).statusCode).toBe(401);
  });

  it('limits requests per key with 429 and Retry-After', async () => {
    const { key } = (await issue({ rateLimit: 2 })).json<Body<{ key: string }>>().data;
    expect((await whoami(key)).statusCode).toBe(200);
    expect((await whoami(key)).statusCode).toBe(200);
    const limited = await whoami(key);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    clock.advance(1000);
    expect((await whoami(key)).statusCode).toBe(200);
  });

  it('refuses calls from outside the IP allow-list and after expiry', async () => {
    const { key } = (
      await issue({ ipAllowlist: ['10.1.0.0/16'], expiresAt: new Date(clock.now() + 60_000).toISOString() })
    ).json<Body<{ key: string }>>().data;
    expect((await whoami(key, '10.1.2.3')).statusCode).toBe(200);
    const denied = await whoami(key, '192.0.2.1');
    expect(denied.statusCode).toBe(403);
    expect(denied.json<Body>().code).toBe('API_KEY_IP_DENIED');
    clock.advance(61_000);
    expect((await whoami(key, '10.1.2.3')).statusCode).toBe(401);
  });

  it('rejects bad scopes and IPs naming the field', async () => {
    const bad = await issue({ scopes: ['admin'], ipAllowlist: ['1.2.3.4'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json<Body>().errors?.[0]).toMatchObject({ field: 'scopes', reason: 'invalid_scope' });
    const badIp = await issue({ ipAllowlist: ['not-an-ip'] });
    expect(badIp.json<Body>().errors?.[0]).toMatchObject({ field: 'ipAllowlist', reason: 'invalid_ip' });
  });

  it('stops working the moment it is revoked', async () => {
    const created = (await issue({})).json<Body<{ id: string; key: string }>>().data;
    expect((await whoami(created.key)).statusCode).toBe(200);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/identity/api-keys/${created.id}`,
      headers: admin.headers,
    });
    expect(del.json<Body<{ revokedAt: string | null }>>().data.revokedAt).not.toBeNull();
    expect((await whoami(created.key)).statusCode).toBe(401);
  });

  it('does not accept an API key on console-only routes', async () => {
    const { key } = (await issue({})).json<Body<{ key: string }>>().data;
    const res = await app.inject({ url: '/api/v1/identity/users', headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(401);
  });
});
