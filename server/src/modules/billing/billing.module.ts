// Billing (BL-1…BL-6): rate cards, balances, the ledger, the charging API, reservations,
// quotas, bills and the profit report.
// Other modules reach it through `billingServices(ctx)` (e.g. the message path's
// `ledger.chargeMany(trx, …)` inside its accept transaction, campaigns' `reserve`/`release`).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import { identityServices } from '../identity/identity.module.js';
import { LedgerService } from './ledger.service.js';
import { RateService } from './rates.service.js';
import { QuotaService } from './quotas.service.js';
import { BillService } from './bills.service.js';
import { ProfitService } from './profit.service.js';
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

const registry = new WeakMap<AppContext, BillingServices>();

/** The billing services of an app (for other modules and tests). */
export function billingServices(ctx: AppContext): BillingServices {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('billing module is not registered');
  }
  return s;
}

export const billingModule: Module = {
  name: 'billing',
  register(app: FastifyInstance, ctx: AppContext) {
    const { audit } = identityServices(ctx);
    const ledger = new LedgerService(ctx, audit);
    const rates = new RateService(ctx, audit);
    const quotas = new QuotaService(ctx, audit);
    const bills = new BillService(ctx, audit);
    const profit = new ProfitService(ctx);
    const services: BillingServices = {
      ledger,
      rates,
      quotas,
      bills,
      profit,
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
    registry.set(ctx, services);
    registerBillingRoutes(app, services);
  },
};
