// Customers (CU-1…CU-3, CU-5): enterprises (tenants), sending accounts, senders and the
// customer portal's scoping. Plugs tenant lookups into the identity module.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import { identityServices } from '../identity/identity.module.js';

export const customersModule: Module = {
  name: 'customers',
  register(_app: FastifyInstance, ctx: AppContext) {
    const identity = identityServices(ctx);
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
  },
};
