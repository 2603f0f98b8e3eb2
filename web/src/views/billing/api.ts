// The billing module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts). Money travels as integer micro-units.
import {
  client,
  saveDownload,
  unwrap,
  unwrapCursor,
  unwrapPage,
  silentFetch,
  type ApiBody,
  type ApiData,
  type ApiItem,
  type ApiQuery,
} from '@/api/client';
export type { Page } from '@/api/types';

export type Balance = ApiData<'/api/v1/billing/balances/{id}'>;
export type LedgerEntry = ApiItem<'/api/v1/billing/ledger'>;
export type Plan = ApiData<'/api/v1/billing/plans/{id}'>;
export type Price = ApiItem<'/api/v1/billing/plans/{id}/prices'>;
export type Quota = ApiData<'/api/v1/billing/quotas/{id}'>;
export type QuotaLog = ApiItem<'/api/v1/billing/quotas/{id}/logs'>;
export type Bill = ApiData<'/api/v1/billing/bills/{id}'>;
export type BillSummary = ApiItem<'/api/v1/billing/bills'>;
export type ProfitReport = ApiData<'/api/v1/billing/profit'>;
export type ProfitRow = ProfitReport['rows'][number];
export type ProfitTotal = ProfitReport['totals'][number];
export type RechargeBody = ApiBody<'/api/v1/billing/recharges', 'post'>;
export type AdjustBody = ApiBody<'/api/v1/billing/adjustments', 'post'>;
export type CreatePlanBody = ApiBody<'/api/v1/billing/plans', 'post'>;
export type PriceBody = ApiBody<'/api/v1/billing/plans/{id}/prices', 'post'>;
export type CreateQuotaBody = ApiBody<'/api/v1/billing/quotas', 'post'>;
export type BalanceQuery = ApiQuery<'/api/v1/billing/balances'>;
export type LedgerQuery = ApiQuery<'/api/v1/billing/ledger'>;
export type PlanQuery = ApiQuery<'/api/v1/billing/plans'>;
export type QuotaQuery = ApiQuery<'/api/v1/billing/quotas'>;
export type BillQuery = ApiQuery<'/api/v1/billing/bills'>;
export type ProfitQuery = ApiQuery<'/api/v1/billing/profit'>;

export const CHANNELS = ['sms', 'email', 'inapp', 'webhook'] as const;
export const ENTRY_TYPES = ['recharge', 'charge', 'refund', 'adjustment', 'reservation', 'release'] as const;
export const RECHARGE_METHODS = ['bank_transfer', 'online', 'cash', 'credit_note', 'other'] as const;
export const PERIODS = ['day', 'month', 'none'] as const;
export const PROFIT_GROUPS = ['day', 'provider', 'country', 'enterprise'] as const;
export type ProfitGroupBy = (typeof PROFIT_GROUPS)[number];

const id = (value: string) => ({ params: { path: { id: value } } });
const paged = { page: 1, size: 20 };

export const billingApi = {
  listBalances: (query: BalanceQuery) =>
    unwrapPage(client.GET('/api/v1/billing/balances', { params: { query } })),
  recharge: (body: RechargeBody) => unwrap(client.POST('/api/v1/billing/recharges', { body })),
  adjust: (body: AdjustBody) => unwrap(client.POST('/api/v1/billing/adjustments', { body })),
  updateSettings: (body: ApiBody<'/api/v1/billing/balance-settings', 'put'>) =>
    unwrap(client.PUT('/api/v1/billing/balance-settings', { body })),

  listLedger: (query: LedgerQuery) =>
    unwrapCursor(client.GET('/api/v1/billing/ledger', { params: { query } })),

  listPlans: (query: PlanQuery) => unwrapPage(client.GET('/api/v1/billing/plans', { params: { query } })),
  createPlan: (body: CreatePlanBody) => unwrap(client.POST('/api/v1/billing/plans', { body })),
  updatePlan: (value: string, body: ApiBody<'/api/v1/billing/plans/{id}', 'patch'>) =>
    unwrap(client.PATCH('/api/v1/billing/plans/{id}', { ...id(value), body })),
  deletePlan: (value: string) => unwrap(client.DELETE('/api/v1/billing/plans/{id}', id(value))),
  listPrices: (planId: string, query: ApiQuery<'/api/v1/billing/plans/{id}/prices'> = paged) =>
    unwrapPage(client.GET('/api/v1/billing/plans/{id}/prices', { params: { path: { id: planId }, query } })),
  createPrice: (planId: string, body: PriceBody) =>
    unwrap(client.POST('/api/v1/billing/plans/{id}/prices', { ...id(planId), body })),
  deletePrice: (value: string) => unwrap(client.DELETE('/api/v1/billing/prices/{id}', id(value))),
  /** Silent: the import dialog shows the rejected lines itself. */
  importPrices: (planId: string, csv: string, mode: 'replace' | 'merge') =>
    unwrap(
      client.POST('/api/v1/billing/plans/{id}/prices/import', {
        ...id(planId),
        body: { csv, mode },
        fetch: silentFetch,
      }),
    ),
  exportPrices: (planId: string) =>
    saveDownload(
      client.GET('/api/v1/billing/plans/{id}/prices/export', { ...id(planId), parseAs: 'blob' }),
      'rate-card.csv',
    ),
  assignPlan: (enterpriseId: string, planId: string | null) =>
    unwrap(client.PUT('/api/v1/billing/plan-assignments', { body: { enterpriseId, planId } })),

  listQuotas: (query: QuotaQuery) => unwrapPage(client.GET('/api/v1/billing/quotas', { params: { query } })),
  createQuota: (body: CreateQuotaBody) => unwrap(client.POST('/api/v1/billing/quotas', { body })),
  updateQuota: (value: string, body: ApiBody<'/api/v1/billing/quotas/{id}', 'patch'>) =>
    unwrap(client.PATCH('/api/v1/billing/quotas/{id}', { ...id(value), body })),
  deleteQuota: (value: string) => unwrap(client.DELETE('/api/v1/billing/quotas/{id}', id(value))),
  quotaLogs: (value: string, query: ApiQuery<'/api/v1/billing/quotas/{id}/logs'>) =>
    unwrapPage(client.GET('/api/v1/billing/quotas/{id}/logs', { params: { path: { id: value }, query } })),

  listBills: (query: BillQuery) => unwrapPage(client.GET('/api/v1/billing/bills', { params: { query } })),
  getBill: (value: string) => unwrap(client.GET('/api/v1/billing/bills/{id}', id(value))),
  generateBill: (body: ApiBody<'/api/v1/billing/bills', 'post'>) =>
    unwrap(client.POST('/api/v1/billing/bills', { body })),
  exportBill: (value: string, format: 'csv' | 'xlsx') =>
    saveDownload(
      client.GET('/api/v1/billing/bills/{id}/export', {
        params: { path: { id: value }, query: { format } },
        parseAs: 'blob',
      }),
      `bill.${format}`,
    ),

  profit: (query: ProfitQuery) => unwrap(client.GET('/api/v1/billing/profit', { params: { query } })),
};
