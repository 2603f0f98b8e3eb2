// Tenant fixtures: enterprises, sending accounts and customer users, and a factory per
// tenant-owned resource kind (`config.tenantResource` on a route). The authorization test
// uses the factories to prove a customer of one tenant never reaches another's objects;
// a route naming a kind without a factory here fails that test, so add one with the route.
import type { App } from '../../src/app.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import { identityServices } from '../../src/modules/identity/identity.module.js';
import { newId } from '../../src/platform/ids.js';
import { TEST_PASSWORD, uniqueName, userWithRoles, type SignedIn } from './identity.js';

export async function createEnterprise(
  app: App,
  overrides: { name?: string; currency?: string; timezone?: string } = {},
): Promise<{ id: string }> {
  const now = new Date().toISOString();
  const id = newId();
  await app.ctx.db
    .insertInto('enterprises')
    .values({
      id,
      name: overrides.name ?? uniqueName('Ent '),
      contact_name: 'Contact',
      contact_phone: '+8613800000000',
      contact_email: 'contact@example.com',
      status: 'active',
      currency: overrides.currency ?? 'USD',
      timezone: overrides.timezone ?? 'UTC',
      trust_level: 'normal',
      require_sender_approval: 0,
      remark: '',
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id };
}

export async function createSendingAccount(
  app: App,
  enterpriseId: string,
  overrides: { name?: string } = {},
): Promise<{ id: string }> {
  const now = new Date().toISOString();
  const id = newId();
  await app.ctx.db
    .insertInto('sending_accounts')
    .values({
      id,
      enterprise_id: enterpriseId,
      name: overrides.name ?? uniqueName('acct '),
      status: 'active',
      daily_limit: 10_000,
      allowed_channels: JSON.stringify(['sms', 'email']),
      allowed_countries: '[]',
      default_sender: null,
      tps_limit: null,
      max_parts: 10,
      status_callback_url: null,
      inbound_callback_url: null,
      callback_secret: 'secret',
      smpp_system_id: null,
      smpp_password_hash: null,
      smpp_max_binds: 4,
      smpp_ip_allowlist: '[]',
      smpp_id_format: 'hex',
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id };
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
    const created = await identityServices(app.ctx).users.createUser(systemAuth('test'), {
      username: uniqueName('t'),
      displayName: 'T',
      password: TEST_PASSWORD,
      userType: 'customer',
      enterpriseId: tenant.enterpriseId,
    });
    return created.id;
  },
  api_key: async (app, tenant) => {
    const created = await identityServices(app.ctx).apiKeys.create(systemAuth('test'), {
      name: 'k',
      ownerType: 'sending_account',
      ownerId: tenant.sendingAccountId,
      scopes: ['send'],
    });
    return created.id;
  },
  enterprise: async (_app, tenant) => tenant.enterpriseId,
  sending_account: async (_app, tenant) => tenant.sendingAccountId,
};
