// Customers (CU-1…CU-3, CU-5): enterprises (tenants), sending accounts, senders and the
// customer portal's scoping. app.ts builds the services; this registers the routes and the
// check that refuses a suspended enterprise's API keys.
import type { FastifyInstance } from 'fastify';
import type { ApiKeyService } from '../identity/index.js';
import type { CustomerDirectory } from './directory.js';
import type { EnterpriseService } from './enterprises.service.js';
import type { SendingAccountService, SendingContext } from './sending-accounts.service.js';
import type { SenderService } from './senders.service.js';
import { registerCustomersRoutes } from './customers.routes.js';
import { CustomersErrors } from './customers.errors.js';

export interface Customers {
  directory: CustomerDirectory;
  enterprises: EnterpriseService;
  sendingAccounts: SendingAccountService;
  senders: SenderService;
  /** Account, enterprise, status, limits and defaults for the send path; cached. */
  sendingContext(accountId: string): Promise<SendingContext | null>;
  /** False when the account or its enterprise is suspended (or it does not exist). */
  isSendingAllowed(accountId: string): Promise<boolean>;
}

/** The customers services as other modules use them. */
export function buildCustomers(parts: {
  directory: CustomerDirectory;
  enterprises: EnterpriseService;
  sendingAccounts: SendingAccountService;
  senders: SenderService;
}): Customers {
  const { sendingAccounts } = parts;
  return {
    ...parts,
    sendingContext: (id) => sendingAccounts.sendingContext(id),
    isSendingAllowed: (id) => sendingAccounts.isSendingAllowed(id),
  };
}

export function registerCustomersModule(
  app: FastifyInstance,
  customers: Customers,
  apiKeys: ApiKeyService,
): void {
  // A suspended enterprise's API keys are refused (runs after the guard has resolved the caller).
  app.addHook('onRequest', async (request) => {
    const auth = request.auth;
    if (auth?.kind !== 'apiKey' || !auth.enterpriseId) {
      return;
    }
    if (await customers.enterprises.isSuspended(auth.enterpriseId)) {
      throw CustomersErrors.enterpriseSuspended();
    }
  });

  registerCustomersRoutes(app, {
    enterprises: customers.enterprises,
    sendingAccounts: customers.sendingAccounts,
    senders: customers.senders,
    apiKeys,
  });
}
