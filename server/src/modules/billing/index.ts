// The billing module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from billing. Rate cards, balances, the ledger and its charging API, quotas, bills,
// profit (BL-1…BL-6).
export {
  LedgerService,
  BALANCE_CHANGED_EVENT,
  BALANCE_LOW_EVENT,
  type BalanceLow,
  type BalanceView,
  type Charge,
  type ChargeResult,
  type LedgerEntryView,
} from './ledger.service.js';
export { RateService, type Quote, type QuoteInput } from './rates.service.js';
export { QuotaService } from './quotas.service.js';
export { BillService } from './bills.service.js';
export { ProfitService } from './profit.service.js';
export { buildBilling, registerBillingModule, type Billing, type BillingServices } from './billing.module.js';
