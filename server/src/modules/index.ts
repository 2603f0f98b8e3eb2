// Every module, in registration order. A module is a folder under modules/ whose
// `<name>.module.ts` exports a `Module`; add it here to switch it on.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { systemModule } from './system/system.module.js';
import { identityModule } from './identity/identity.module.js';
import { customersModule } from './customers/customers.module.js';
import { providersModule } from './providers/providers.module.js';
import { routingModule } from './routing/routing.module.js';
import { billingModule } from './billing/billing.module.js';
import { messagesModule } from './messages/messages.module.js';
import { smppServerModule } from './smpp-server/smpp-server.module.js';
import { statsModule } from './stats/stats.module.js';

export interface Module {
  name: string;
  register(app: FastifyInstance, ctx: AppContext): Promise<void> | void;
}

// identity comes first: it installs the guard and the audit hook every later route relies on.
export const modules: Module[] = [
  identityModule,
  systemModule,
  customersModule,
  routingModule,
  providersModule,
  billingModule,
  messagesModule,
  smppServerModule,
  statsModule,
];
