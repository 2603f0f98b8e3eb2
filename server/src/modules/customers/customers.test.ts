// Customers through the HTTP API (CU-1, CU-2, CU-3, CU-5) on a fresh database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, userWithRoles, type SignedIn } from '../../../test/helpers/identity.js';
import {
  createEnterprise,
  createSendingAccount,
  createTenant,
  type Tenant,
} from '../../../test/helpers/tenants.js';
import { describeSenderRule, type SenderRuleReason } from './sender-rules.js';

interface Body<T> {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string; message: string }>;
  pagination?: { total: number };
}

let app: TestApp;
let admin: SignedIn;
let tenant: Tenant;

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  who: { headers: Record<string, string> } | null,
  payload?: unknown,
): Promise<{ status: number; body: Body<T> }> {
  const res = await app.inject({
    method,
    url,
    headers: { ...(who?.headers ?? {}), 'accept-language': 'en-US' },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json<Body<T>>() };
}

beforeAll(async () => {
  app = await createTestApp();
  await app.ready();
  admin = await signInAdmin(app);
  tenant = await createTenant(app);
});
afterAll(async () => {
  // The test helper drops the database in an onClose hook that runs before identity's own
  // flush of API-key last-used times; flush first so close does not write to a dropped database.
  await app.services.identity.auth.flushKeyUsage();
  await app.close();
});

describe('CU-1 enterprises', () => {
  it('creates, searches, filters, reads and updates an enterprise', async () => {
    const created = await call<{ id: string; status: string; trustLevel: string }>(
      'POST',
      '/api/v1/customers/enterprises',
      admin,
      {
        name: 'Zebra Logistics',
        contactName: 'Li Lei',
        contactPhone: '+8613900000001',
        contactEmail: 'lilei@zebra.example',
        currency: 'CNY',
        timezone: 'Asia/Shanghai',
        trustLevel: 'high',
      },
    );
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ status: 'active', trustLevel: 'high' });
    const id = created.body.data.id;

    const byContact = await call<Array<{ id: string }>>(
      'GET',
      '/api/v1/customers/enterprises?keyword=li%20lei',
      admin,
    );
    expect(byContact.body.data.map((e) => e.id)).toEqual([id]);
    const byTrust = await call<Array<{ id: string }>>(
      'GET',
      '/api/v1/customers/enterprises?trustLevel=high',
      admin,
    );
    expect(byTrust.body.data.map((e) => e.id)).toContain(id);
    expect(byTrust.body.data.map((e) => e.id)).not.toContain(tenant.enterpriseId);
    const paged = await call<unknown[]>('GET', '/api/v1/customers/enterprises?size=1&page=1', admin);
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.pagination?.total).toBeGreaterThanOrEqual(2);

    const updated = await call<{ remark: string; timezone: string }>(
      'PATCH',
      `/api/v1/customers/enterprises/${id}`,
      admin,
      {
        remark: 'VIP',
        timezone: 'Europe/Berlin',
      },
    );
    expect(updated.body.data).toMatchObject({ remark: 'VIP', timezone: 'Europe/Berlin' });
  });

  it('rejects a currency that is not ISO 4217 and a time zone that is not IANA', async () => {
    const res = await call('POST', '/api/v1/customers/enterprises', admin, {
      name: 'Bad',
      currency: 'usd',
      timezone: 'Mars/Olympus',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => [e.field, e.reason])).toEqual([
      ['currency', 'unknown_currency'],
      ['timezone', 'unknown_time_zone'],
    ]);
  });

  it('refuses to delete an enterprise with sending accounts (409 with the reason) and deletes nothing', async () => {
    const ent = await createEnterprise(app);
    const acct = await createSendingAccount(app, ent.id);
    const res = await call('DELETE', `/api/v1/customers/enterprises/${ent.id}`, admin);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ENTERPRISE_HAS_SENDING_ACCOUNTS');
    expect((await call('GET', `/api/v1/customers/enterprises/${ent.id}`, admin)).status).toBe(200);
    expect((await call('GET', `/api/v1/customers/sending/${acct.id}`, admin)).status).toBe(200);

    expect((await call('DELETE', `/api/v1/customers/sending/${acct.id}`, admin)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/customers/enterprises/${ent.id}`, admin)).status).toBe(200);
    expect((await call('GET', `/api/v1/customers/enterprises/${ent.id}`, admin)).status).toBe(404);
  });

  it('lets another module veto a deletion through deleteGuards, leaving everything in place', async () => {
    const ent = await createEnterprise(app);
    await call('POST', '/api/v1/customers/domains', admin, {
      enterpriseId: ent.id,
      domain: 'veto.example.com',
    });
    const guards = app.services.customers.enterprises.deleteGuards;
    const guard = async (_db: unknown, enterpriseId: string) =>
      enterpriseId === ent.id ? 'ENTERPRISE_HAS_BALANCE' : null;
    guards.push(guard);
    try {
      const res = await call('DELETE', `/api/v1/customers/enterprises/${ent.id}`, admin);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ENTERPRISE_HAS_BALANCE');
      const domains = await call<unknown[]>('GET', `/api/v1/customers/domains?enterpriseId=${ent.id}`, admin);
      expect(domains.body.data).toHaveLength(1);
    } finally {
      guards.splice(guards.indexOf(guard), 1);
    }
  });

  it('suspending an enterprise stops its sending and refuses its API keys; resuming restores both', async () => {
    const t = await createTenant(app);
    const issued = await call<{ key: string }>(
      'POST',
      `/api/v1/customers/sending/${t.sendingAccountId}/keys`,
      t.admin,
      {
        name: 'suspend test',
      },
    );
    const key = { headers: { 'x-api-key': issued.body.data.key } };
    const services = app.services.customers;
    expect(await services.isSendingAllowed(t.sendingAccountId)).toBe(true);
    expect((await call('GET', '/api/v1/auth/whoami', key)).status).toBe(200);

    const suspended = await call<{ status: string }>(
      'POST',
      `/api/v1/customers/enterprises/${t.enterpriseId}/suspend`,
      admin,
    );
    expect(suspended.body.data.status).toBe('suspended');
    expect(await services.isSendingAllowed(t.sendingAccountId)).toBe(false);
    const ctx = await services.sendingContext(t.sendingAccountId);
    expect(ctx).toMatchObject({
      isSendingAllowed: false,
      enterprise: { status: 'suspended' },
      dailyLimit: 10_000,
    });
    const refused = await call('GET', '/api/v1/auth/whoami', key);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ENTERPRISE_SUSPENDED');

    await call('POST', `/api/v1/customers/enterprises/${t.enterpriseId}/resume`, admin);
    expect(await services.isSendingAllowed(t.sendingAccountId)).toBe(true);
    expect((await call('GET', '/api/v1/auth/whoami', key)).status).toBe(200);
  });
});

describe('CU-5 customer portal scope', () => {
  it('a customer admin sees only its own enterprise and cannot create one or grade itself', async () => {
    const list = await call<Array<{ id: string }>>('GET', '/api/v1/customers/enterprises', tenant.admin);
    expect(list.body.data.map((e) => e.id)).toEqual([tenant.enterpriseId]);
    expect((await call('POST', '/api/v1/customers/enterprises', tenant.admin, { name: 'Mine' })).status).toBe(
      403,
    );
    const grade = await call('PATCH', `/api/v1/customers/enterprises/${tenant.enterpriseId}`, tenant.admin, {
      trustLevel: 'high',
    });
    expect(grade.status).toBe(403);
    expect(
      (await call('POST', `/api/v1/customers/enterprises/${tenant.enterpriseId}/suspend`, tenant.admin))
        .status,
    ).toBe(403);
    const contact = await call<{ contactName: string }>(
      'PATCH',
      `/api/v1/customers/enterprises/${tenant.enterpriseId}`,
      tenant.admin,
      { contactName: 'New Contact' },
    );
    expect(contact.body.data.contactName).toBe('New Contact');
  });

  it("never shows or changes another tenant's sending accounts, senders or domains", async () => {
    const other = await createTenant(app);
    const mine = await call<Array<{ enterpriseId: string }>>(
      'GET',
      '/api/v1/customers/sending',
      tenant.admin,
    );
    expect(mine.body.data.every((a) => a.enterpriseId === tenant.enterpriseId)).toBe(true);
    expect(
      (await call('GET', `/api/v1/customers/sending/${other.sendingAccountId}`, tenant.admin)).status,
    ).toBe(404);
    expect(
      (
        await call('PATCH', `/api/v1/customers/sending/${other.sendingAccountId}`, tenant.admin, {
          name: 'x',
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('GET', `/api/v1/customers/enterprises/${other.enterpriseId}/sending`, tenant.admin)).status,
    ).toBe(404);
    const intoOther = await call('POST', '/api/v1/customers/sending', tenant.admin, {
      enterpriseId: other.enterpriseId,
      name: 'sneaky',
    });
    expect(intoOther.status).toBe(404);
    const senderOfOther = await call('POST', '/api/v1/customers/senders', tenant.admin, {
      enterpriseId: other.enterpriseId,
      channel: 'sms',
      value: 'Sneaky',
    });
    expect(senderOfOther.status).toBe(404);
  });
});

describe('CU-2 sending accounts and API keys', () => {
  it('as a customer admin: creates an account, issues a key, uses it, revokes it, and the next call is 401', async () => {
    const created = await call<{ id: string; enterpriseId: string; dailyLimit: number }>(
      'POST',
      '/api/v1/customers/sending',
      tenant.admin,
      { name: 'Marketing', allowedChannels: ['sms'], allowedCountries: ['CN', 'DE'] },
    );
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ enterpriseId: tenant.enterpriseId, dailyLimit: 10_000 });
    const accountId = created.body.data.id;

    const issued = await call<{ id: string; key: string; prefix: string }>(
      'POST',
      `/api/v1/customers/sending/${accountId}/keys`,
      tenant.admin,
      { name: 'prod' },
    );
    expect(issued.status).toBe(200);
    const { key, id: keyId, prefix } = issued.body.data;
    expect(key.startsWith(prefix)).toBe(true);

    const keys = await call<Array<{ id: string; prefix: string }>>(
      'GET',
      `/api/v1/customers/sending/${accountId}/keys`,
      tenant.admin,
    );
    expect(keys.body.data.map((k) => k.id)).toEqual([keyId]);
    expect(JSON.stringify(keys.body)).not.toContain(key);

    const who = await call<{ kind: string; ownerType: string; ownerId: string; enterpriseId: string }>(
      'GET',
      '/api/v1/auth/whoami',
      { headers: { 'x-api-key': key } },
    );
    expect(who.status).toBe(200);
    expect(who.body.data).toMatchObject({
      kind: 'apiKey',
      ownerType: 'sending_account',
      ownerId: accountId,
      enterpriseId: tenant.enterpriseId,
    });

    expect((await call('DELETE', `/api/v1/identity/api-keys/${keyId}`, tenant.admin)).status).toBe(200);
    expect((await call('GET', '/api/v1/auth/whoami', { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it('deleting a sending account revokes its API keys', async () => {
    const acct = await createSendingAccount(app, tenant.enterpriseId);
    const issued = await call<{ key: string }>(
      'POST',
      `/api/v1/customers/sending/${acct.id}/keys`,
      tenant.admin,
      {},
    );
    expect(
      (await call('GET', '/api/v1/auth/whoami', { headers: { 'x-api-key': issued.body.data.key } })).status,
    ).toBe(200);
    expect((await call('DELETE', `/api/v1/customers/sending/${acct.id}`, tenant.admin)).status).toBe(200);
    expect(
      (await call('GET', '/api/v1/auth/whoami', { headers: { 'x-api-key': issued.body.data.key } })).status,
    ).toBe(401);
  });

  it('validates channels, countries, callback URLs and SMPP allowlists with field errors', async () => {
    const res = await call('POST', '/api/v1/customers/sending', admin, {
      enterpriseId: tenant.enterpriseId,
      name: 'bad',
      allowedChannels: ['sms', 'fax'],
      allowedCountries: ['CN', 'XX', 'de'],
      statusCallbackUrl: 'ftp://example.com/dlr',
      inboundCallbackUrl: 'https://example.com/mo',
      smppIpAllowlist: ['10.0.0.0/8', 'nope'],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => [e.field, e.reason])).toEqual([
      ['allowedChannels', 'unknown_channels'],
      ['allowedCountries', 'unknown_countries'],
      ['statusCallbackUrl', 'not_http_url'],
      ['smppIpAllowlist', 'invalid_ip'],
    ]);
    expect(res.body.errors?.[1]?.message).toContain('XX, de');
  });

  it('keeps SMPP system_id unique (409) and never returns the password, which is stored hashed', async () => {
    const first = await call<Record<string, unknown>>('POST', '/api/v1/customers/sending', admin, {
      enterpriseId: tenant.enterpriseId,
      name: 'smpp one',
      smppSystemId: 'acme01',
      smppPassword: 'pa55word',
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ smppSystemId: 'acme01', hasSmppPassword: true });
    expect(JSON.stringify(first.body)).not.toContain('pa55word');
    const row = await app.ctx.db
      .selectFrom('sending_accounts')
      .select('smpp_password_hash')
      .where('id', '=', first.body.data.id as string)
      .executeTakeFirstOrThrow();
    expect(row.smpp_password_hash).toMatch(/^\$argon2/);

    const dup = await call('POST', '/api/v1/customers/sending', admin, {
      enterpriseId: tenant.enterpriseId,
      name: 'smpp two',
      smppSystemId: 'acme01',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('SMPP_SYSTEM_ID_TAKEN');
    const second = await createSendingAccount(app, tenant.enterpriseId);
    const dupUpdate = await call('PATCH', `/api/v1/customers/sending/${second.id}`, admin, {
      smppSystemId: 'acme01',
    });
    expect(dupUpdate.status).toBe(409);
  });

  it('updates limits and suspends one account, which stops its sending only', async () => {
    const acct = await createSendingAccount(app, tenant.enterpriseId);
    const res = await call<{ dailyLimit: number; tpsLimit: number; status: string }>(
      'PATCH',
      `/api/v1/customers/sending/${acct.id}`,
      tenant.admin,
      { dailyLimit: 500, tpsLimit: 20, maxParts: 4, defaultSender: 'Acme', status: 'suspended' },
    );
    expect(res.body.data).toMatchObject({ dailyLimit: 500, tpsLimit: 20, status: 'suspended' });
    const services = app.services.customers;
    expect(await services.isSendingAllowed(acct.id)).toBe(false);
    expect(await services.isSendingAllowed(tenant.sendingAccountId)).toBe(true);
    expect(await services.sendingContext(acct.id)).toMatchObject({
      tpsLimit: 20,
      maxParts: 4,
      defaultSender: 'Acme',
    });
  });
});

describe('CU-3 senders and domains', () => {
  it.each([
    ['sms', 'ACME_BANK', 'sms_sender_invalid_chars'],
    ['sms', 'ACME Bank 12', 'sms_sender_too_long'],
    ['sms', '123 456', 'sms_sender_needs_letter'],
    ['sms', '+0123', 'sms_sender_e164_invalid'],
    ['email', 'no..reply@example.com', 'email_sender_double_dot'],
    ['email', 'noreply@unregistered.example', 'email_sender_domain_not_registered'],
  ])('answers a %s sender "%s" with 422 naming the rule %s', async (channel, value, reason) => {
    const res = await call('POST', '/api/v1/customers/senders', tenant.admin, { channel, value });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]).toMatchObject({ field: 'value', reason });
    expect(res.body.errors?.[0]?.message).toBe(describeSenderRule(reason as SenderRuleReason, 'en-US'));
  });

  it('registers SMS senders and e-mail senders on a registered domain, approved at once without approval', async () => {
    const sms = await call<{ kind: string; status: string }>(
      'POST',
      '/api/v1/customers/senders',
      tenant.admin,
      {
        channel: 'sms',
        value: 'Acme',
      },
    );
    expect(sms.body.data).toMatchObject({ kind: 'alphanumeric', status: 'approved' });
    const dup = await call('POST', '/api/v1/customers/senders', tenant.admin, {
      channel: 'sms',
      value: 'Acme',
    });
    expect(dup.status).toBe(409);

    const domain = await call<{ id: string }>('POST', '/api/v1/customers/domains', tenant.admin, {
      domain: 'Mail.Acme.example',
    });
    expect(domain.status).toBe(200);
    const email = await call<{ id: string; kind: string }>(
      'POST',
      '/api/v1/customers/senders',
      tenant.admin,
      {
        channel: 'email',
        value: 'noreply@mail.acme.example',
      },
    );
    expect(email.body.data.kind).toBe('email');
    const inUse = await call('DELETE', `/api/v1/customers/domains/${domain.body.data.id}`, tenant.admin);
    expect(inUse.body.code).toBe('SENDER_DOMAIN_IN_USE');
    expect(
      (await call('DELETE', `/api/v1/customers/senders/${email.body.data.id}`, tenant.admin)).status,
    ).toBe(200);
    expect(
      (await call('DELETE', `/api/v1/customers/domains/${domain.body.data.id}`, tenant.admin)).status,
    ).toBe(200);
    const bad = await call('POST', '/api/v1/customers/domains', tenant.admin, { domain: 'not a domain' });
    expect(bad.body.errors?.[0]).toMatchObject({ field: 'domain', reason: 'not_a_domain' });
  });

  it('keeps new senders pending when the enterprise requires approval; a reviewer approves or rejects', async () => {
    const ent = await createEnterprise(app, { requireSenderApproval: true });
    const custAdmin = await userWithRoles(app, ['customer_admin'], {
      userType: 'customer',
      enterpriseId: ent.id,
    });
    const reviewer = await userWithRoles(app, ['reviewer']);
    const a = await call<{ id: string; status: string }>('POST', '/api/v1/customers/senders', custAdmin, {
      channel: 'sms',
      value: '95588',
    });
    const b = await call<{ id: string; status: string }>('POST', '/api/v1/customers/senders', custAdmin, {
      channel: 'sms',
      value: '+8613800138000',
    });
    expect(a.body.data.status).toBe('pending');
    expect(
      (await call('POST', `/api/v1/customers/senders/${a.body.data.id}/approve`, custAdmin)).status,
    ).toBe(403);

    const pending = await call<unknown[]>(
      'GET',
      `/api/v1/customers/senders?status=pending&enterpriseId=${ent.id}`,
      reviewer,
    );
    expect(pending.body.data).toHaveLength(2);
    const approved = await call<{ status: string; reviewedBy: string }>(
      'POST',
      `/api/v1/customers/senders/${a.body.data.id}/approve`,
      reviewer,
    );
    expect(approved.body, JSON.stringify(approved.body)).toMatchObject({ code: 200 });
    expect(approved.body.data).toMatchObject({ status: 'approved', reviewedBy: reviewer.username });
    const rejected = await call<{ status: string; reviewNote: string }>(
      'POST',
      `/api/v1/customers/senders/${b.body.data.id}/reject`,
      reviewer,
      { note: 'not your number' },
    );
    expect(rejected.body.data).toMatchObject({ status: 'rejected', reviewNote: 'not your number' });
    const again = await call('POST', `/api/v1/customers/senders/${a.body.data.id}/reject`, reviewer);
    expect(again.body.code).toBe('SENDER_NOT_PENDING');
  });
});
