// Billing (BL-1…BL-6): rate cards, balances, the ledger, the charging API, reservations,
// quotas, bills and the profit report. app.ts builds the services and hands the charging API
// (e.g. the message path's `chargeMany(trx, …)` inside its accept transaction, campaigns'
// `reserve`/`release`) to the modules that use it.
import type { FastifyInstance } from 'fastify';
import type { LedgerService } from './ledger.service.js';
import type { RateService } from './rates.service.js';
import type { QuotaService } from './quotas.service.js';
import type { BillService } from './bills.service.js';
import type { ProfitService } from './profit.service.js';
import { registerBillingRoutes } from './billing.routes.js';
import './billing.tables.js';

export interface Billing {
  ledger: LedgerService;
  rates: RateService;
  quotas: QuotaService;
  bills: BillService;
  profit: ProfitService;
}

/** The charging API other modules call inside their own transactions. */
export interface BillingServices extends Billing {
  quote: RateService['quote'];
  quoteMany: RateService['quoteMany'];
  chargeMany: LedgerService['chargeMany'];
  refund: LedgerService['refund'];
  refundMany: LedgerService['refundMany'];
  /** Holds a campaign's (or other object's) estimated cost; see `release`. */
  reserve: LedgerService['reserve'];
  release: LedgerService['release'];
  deductQuota: QuotaService['deductQuota'];
  returnQuota: QuotaService['returnQuota'];
  checkLedger: LedgerService['checkLedger'];
}

/** The billing services with the charging API other modules call bound to them. */
export function buildBilling(parts: Billing): BillingServices {
  const { ledger, rates, quotas } = parts;
  return {
    ...parts,
    quote: rates.quote.bind(rates),
    quoteMany: rates.quoteMany.bind(rates),
    chargeMany: ledger.chargeMany.bind(ledger),
    refund: ledger.refund.bind(ledger),
    refundMany: ledger.refundMany.bind(ledger),
    reserve: ledger.reserve.bind(ledger),
    release: ledger.release.bind(ledger),
    deductQuota: quotas.deductQuota.bind(quotas),
    returnQuota: quotas.returnQuota.bind(quotas),
    checkLedger: ledger.checkLedger.bind(ledger),
  };
}

export function registerBillingModule(app: FastifyInstance, billing: BillingServices): void {
  registerBillingRoutes(app, billing);
}
