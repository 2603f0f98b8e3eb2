// Tenant fixtures: enterprises, sending accounts and customer users, and a factory per
// tenant-owned resource kind (`config.tenantResource` on a route). The authorization test
// uses the factories to prove a customer of one tenant never reaches another's objects;
// a route naming a kind without a factory here fails that test, so add one with the route.
import type { App } from '../../src/app.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import { TEST_PASSWORD, uniqueName, userWithRoles, type SignedIn } from './identity.js';
import { TemplateService } from '../../src/modules/messages/templates.service.js';
import { newId } from '../../src/platform/ids.js';

export async function createEnterprise(
  app: App,
  overrides: { name?: string; currency?: string; timezone?: string; requireSenderApproval?: boolean } = {},
): Promise<{ id: string }> {
  const created = await app.services.customers.enterprises.create(systemAuth('test'), {
    name: overrides.name ?? uniqueName('Ent '),
    contactName: 'Contact',
    contactPhone: '+8613800000000',
    contactEmail: 'contact@example.com',
    currency: overrides.currency ?? 'USD',
    timezone: overrides.timezone ?? 'UTC',
    requireSenderApproval: overrides.requireSenderApproval ?? false,
  });
  return { id: created.id };
}

export async function createSendingAccount(
  app: App,
  enterpriseId: string,
  overrides: { name?: string } = {},
): Promise<{ id: string }> {
  const created = await app.services.customers.sendingAccounts.create(systemAuth('test'), {
    enterpriseId,
    name: overrides.name ?? uniqueName('acct '),
    allowedChannels: ['sms', 'email'],
  });
  return { id: created.id };
}

export interface Tenant {
  enterpriseId: string;
  sendingAccountId: string;
  admin: SignedIn;
}

/** An enterprise with a sending account and a signed-in customer admin. */
export async function createTenant(app: App): Promise<Tenant> {
  const ent = await createEnterprise(app);
  const acct = await createSendingAccount(app, ent.id);
  const admin = await userWithRoles(app, ['customer_admin'], { userType: 'customer', enterpriseId: ent.id });
  return { enterpriseId: ent.id, sendingAccountId: acct.id, admin };
}

/** One factory per tenant-owned resource kind: creates an object of that kind in the tenant. */
export const tenantResourceFactories: Record<string, (app: App, tenant: Tenant) => Promise<string>> = {
  user: async (app, tenant) => {
    const created = await app.services.identity.users.createUser(systemAuth('test'), {
      username: uniqueName('t'),
      displayName: 'T',
      password: TEST_PASSWORD,
      userType: 'customer',
      enterpriseId: tenant.enterpriseId,
    });
    return created.id;
  },
  api_key: async (app, tenant) => {
    const created = await app.services.identity.apiKeys.create(systemAuth('test'), {
      name: 'k',
      ownerType: 'sending_account',
      ownerId: tenant.sendingAccountId,
      scopes: ['send'],
    });
    return created.id;
  },
  enterprise: async (_app, tenant) => tenant.enterpriseId,
  sending_account: async (app, tenant) => (await createSendingAccount(app, tenant.enterpriseId)).id,
  sender: async (app, tenant) => {
    const created = await app.services.customers.senders.create(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      channel: 'sms',
      value: `S${uniqueName('').slice(-9)}`.replace(/[^A-Za-z0-9]/g, 'x'),
    });
    return created.id;
  },
  sender_domain: async (app, tenant) => {
    const created = await app.services.customers.senders.createDomain(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      domain: `${uniqueName('d').toLowerCase()}.example.com`,
    });
    return created.id;
  },
  message: async (app, tenant) => {
    // A stored message row (written as the accept path would; no provider needed).
    const id = newId();
    const now = app.ctx.clock.iso();
    await app.ctx.db
      .insertInto('messages')
      .values({
        id,
        enterprise_id: tenant.enterpriseId,
        sending_account_id: tenant.sendingAccountId,
        source: 'api',
        api_key_id: null,
        user_id: null,
        channel: 'sms',
        recipient: '+447400123456',
        country: 'GB',
        number_type: 'MOBILE',
        sender: null,
        subject: null,
        body: 'fixture',
        html: null,
        encoding: 'gsm7',
        segments: 1,
        smart_encoding: 0,
        priority: 'normal',
        status: 'accepted',
        client_ref: null,
        campaign_id: null,
        template_id: null,
        metadata: '{}',
        send_at: '2099-01-01T00:00:00.000Z',
        expires_at: null,
        price: 0,
        currency: 'USD',
        refund_on_failure: 1,
        refunded: 0,
        cost: null,
        provider_id: null,
        route_rule_id: null,
        attempts: 0,
        next_attempt_at: null,
        tried_providers: '[]',
        error_code: null,
        error_message: null,
        created_at: now,
        queued_at: null,
        sent_at: null,
        done_at: null,
        updated_at: now,
      })
      .execute();
    return id;
  },
  quota: async (app, tenant) => {
    const created = await app.services.billing.quotas.create(systemAuth('test'), {
      sendingAccountId: (await createSendingAccount(app, tenant.enterpriseId)).id,
      channel: 'sms',
      period: 'none',
      allowance: 10,
    });
    return created.id;
  },
  suppression: async (app, tenant) => {
    const created = await app.services.messages.suppressions.create(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      number: `+4479${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    });
    return created.id;
  },
  inbox_keyword: async (app, tenant) => {
    const suffix = uniqueName('').replace(/[^A-Za-z0-9]/g, '');
    const created = await app.services.messages.inbox.createKeyword(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      keyword: `KW${suffix.slice(-10)}`,
    });
    return created.id;
  },
  bill: async (app, tenant) => {
    const created = await app.services.billing.bills.generate(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      from: '2026-01-01',
      to: '2026-01-31',
    });
    return created.id;
  },
  template: async (app, tenant) => {
    const templates = new TemplateService(app.ctx, app.services.audit);
    const created = await templates.create(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      name: uniqueName('tpl '),
      channel: 'sms',
      variants: [{ language: 'en-US', body: 'Your code is {{ code }}' }],
    });
    return created.id;
  },
  callback: async (app, tenant) => {
    // A delivered outbox row (the dispatcher leaves it alone).
    const id = newId();
    const now = app.ctx.clock.iso();
    await app.ctx.db
      .insertInto('callbacks')
      .values({
        id,
        enterprise_id: tenant.enterpriseId,
        sending_account_id: tenant.sendingAccountId,
        event: 'message.status',
        reference_id: newId(),
        url: 'http://127.0.0.1:9/callbacks',
        payload: JSON.stringify({ id, event: 'message.status', createdAt: now, data: {} }),
        status: 'delivered',
        attempts: 1,
        next_attempt_at: null,
        expires_at: now,
        claim_token: null,
        last_status_code: 200,
        last_error: null,
        delivered_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  },
};
