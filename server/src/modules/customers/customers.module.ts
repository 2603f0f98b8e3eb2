// Customers (CU-1…CU-3, CU-5): enterprises (tenants), sending accounts, senders and the
// customer portal's scoping. Plugs tenant lookups into the identity module; other modules
// reach customers through `customersServices(ctx)`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import { identityServices } from '../identity/identity.module.js';
import { EnterpriseService, type EnterpriseDeleteGuard } from './enterprises.service.js';
import { SendingAccountService, type SendingContext } from './sending-accounts.service.js';
import { SenderService } from './senders.service.js';
import { registerCustomersRoutes } from './customers.routes.js';
import { CE } from './customers.errors.js';

export interface Customers {
  enterprises: EnterpriseService;
  sendingAccounts: SendingAccountService;
  senders: SenderService;
  /** Vetoes of an enterprise's deletion (billing: non-zero balance). */
  deleteGuards: EnterpriseDeleteGuard[];
  /** Account, enterprise, status, limits and defaults for the send path; cached. */
  sendingContext(accountId: string): Promise<SendingContext | null>;
  /** False when the account or its enterprise is suspended (or it does not exist). */
  isSendingAllowed(accountId: string): Promise<boolean>;
}

const registry = new WeakMap<AppContext, Customers>();

/** The customers services of an app (for other modules and tests). */
export function customersServices(ctx: AppContext): Customers {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('customers module is not registered');
  }
  return s;
}

export const customersModule: Module = {
  name: 'customers',
  register(app: FastifyInstance, ctx: AppContext) {
    const identity = identityServices(ctx);
    const sendingAccounts = new SendingAccountService(ctx, identity.audit, identity.apiKeys);
    const suspended = new Map<string, { value: boolean; at: number }>();
    const enterprises = new EnterpriseService(ctx, identity.audit, (enterpriseId) => {
      sendingAccounts.invalidate(enterpriseId);
      suspended.delete(enterpriseId);
    });
    const senders = new SenderService(ctx, identity.audit);
    registry.set(ctx, {
      enterprises,
      sendingAccounts,
      senders,
      deleteGuards: enterprises.deleteGuards,
      sendingContext: (id) => sendingAccounts.sendingContext(id),
      isSendingAllowed: (id) => sendingAccounts.isSendingAllowed(id),
    });

    identity.users.enterpriseExists = async (db, enterpriseId) =>
      (await db.selectFrom('enterprises').select('id').where('id', '=', enterpriseId).executeTakeFirst()) !==
      undefined;
    identity.apiKeys.ownerEnterprise = async (db, ownerType, ownerId) => {
      if (ownerType !== 'sending_account') {
        return null;
      }
      const row = await db
        .selectFrom('sending_accounts')
        .select('enterprise_id')
        .where('id', '=', ownerId)
        .executeTakeFirst();
      return row?.enterprise_id ?? null;
    };

    // A suspended enterprise's API keys are refused (runs after the guard has resolved the
    // caller). Cached briefly per enterprise and dropped when its status changes.
    app.addHook('onRequest', async (request) => {
      const auth = request.auth;
      if (auth?.kind !== 'apiKey' || !auth.enterpriseId) {
        return;
      }
      const now = ctx.clock.now();
      let hit = suspended.get(auth.enterpriseId);
      if (!hit || now - hit.at >= 30_000) {
        const row = await ctx.db
          .selectFrom('enterprises')
          .select('status')
          .where('id', '=', auth.enterpriseId)
          .executeTakeFirst();
        hit = { value: row?.status !== 'active', at: now };
        suspended.set(auth.enterpriseId, hit);
      }
      if (hit.value) {
        throw CE.enterpriseSuspended();
      }
    });

    registerCustomersRoutes(app, { enterprises, sendingAccounts, senders, apiKeys: identity.apiKeys });
  },
};
