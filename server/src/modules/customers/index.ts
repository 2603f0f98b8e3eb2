// The customers module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from customers. Enterprises, sending accounts, senders (CU-1…CU-3, CU-5).
export { CustomerDirectory } from './directory.js';
export { EnterpriseService, type EnterpriseDeleteGuard } from './enterprises.service.js';
export { SendingAccountService, type SendingContext } from './sending-accounts.service.js';
export { SenderService } from './senders.service.js';
export { buildCustomers, registerCustomersModule, type Customers } from './customers.module.js';
export { describeSenderRule, validateSmsSender } from './sender-rules.js';
export { CustomersErrors, CustomersReasons } from './customers.errors.js';
export type { Channel, EnterpriseStatus } from './customers.tables.js';
