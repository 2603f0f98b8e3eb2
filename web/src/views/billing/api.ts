// The billing module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts). Money travels as integer micro-units.
import { apiFetch, apiUrl, request, requestEnvelope, toApiError, type QueryValue } from '@/api/request';
import type { paths } from '@/api/schema';
import type { CursorPagination, PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;
type BodyOf<P extends keyof paths, M extends 'post' | 'put' | 'patch'> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type Balance = DataOf<'/api/v1/billing/balances/{id}', 'get'>;
export type LedgerEntry = DataOf<'/api/v1/billing/ledger', 'get'>[number];
export type Plan = DataOf<'/api/v1/billing/plans/{id}', 'get'>;
export type Price = DataOf<'/api/v1/billing/plans/{id}/prices', 'get'>[number];
export type Quota = DataOf<'/api/v1/billing/quotas/{id}', 'get'>;
export type QuotaLog = DataOf<'/api/v1/billing/quotas/{id}/logs', 'get'>[number];
export type Bill = DataOf<'/api/v1/billing/bills/{id}', 'get'>;
export type BillSummary = DataOf<'/api/v1/billing/bills', 'get'>[number];
export type ProfitReport = DataOf<'/api/v1/billing/profit', 'get'>;
export type ProfitRow = ProfitReport['rows'][number];
export type ProfitTotal = ProfitReport['totals'][number];
export type RechargeBody = BodyOf<'/api/v1/billing/recharges', 'post'>;
export type AdjustBody = BodyOf<'/api/v1/billing/adjustments', 'post'>;
export type CreatePlanBody = BodyOf<'/api/v1/billing/plans', 'post'>;
export type PriceBody = BodyOf<'/api/v1/billing/plans/{id}/prices', 'post'>;
export type CreateQuotaBody = BodyOf<'/api/v1/billing/quotas', 'post'>;

export const CHANNELS = ['sms', 'email', 'inapp', 'webhook'] as const;
export const ENTRY_TYPES = ['recharge', 'charge', 'refund', 'adjustment', 'reservation', 'release'] as const;
export const RECHARGE_METHODS = ['bank_transfer', 'online', 'cash', 'credit_note', 'other'] as const;
export const PERIODS = ['day', 'month', 'none'] as const;
export const PROFIT_GROUPS = ['day', 'provider', 'country', 'enterprise'] as const;
export type ProfitGroupBy = (typeof PROFIT_GROUPS)[number];

export interface Page<T> {
  items: T[];
  pagination: PagePagination;
}

type Query = Record<string, QueryValue>;

async function page<T>(path: string, query: Query): Promise<Page<T>> {
  const envelope = await requestEnvelope<T[]>(path, { query });
  const pagination = envelope.pagination as PagePagination | undefined;
  return {
    items: envelope.data,
    pagination: pagination ?? { page: 1, size: envelope.data.length, total: envelope.data.length, pages: 1 },
  };
}

/** Fetches a file through the request pipeline (token, refresh) and saves it. */
async function download(path: string, query: Query, fallback: string): Promise<void> {
  const response = await apiFetch(new Request(apiUrl(path, query)));
  if (!response.ok) {
    throw toApiError(response, null);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

const base = '/api/v1/billing';

export const billingApi = {
  listBalances: (query: Query) => page<Balance>(`${base}/balances`, query),
  recharge: (body: RechargeBody) => request<LedgerEntry>(`${base}/recharges`, { method: 'POST', body }),
  adjust: (body: AdjustBody) => request<LedgerEntry>(`${base}/adjustments`, { method: 'POST', body }),
  updateSettings: (body: {
    enterpriseId: string;
    creditLimit?: number;
    lowBalanceThreshold?: number | null;
  }) => request<Balance>(`${base}/balance-settings`, { method: 'PUT', body }),

  listLedger: async (query: Query): Promise<{ items: LedgerEntry[]; nextCursor: string | null }> => {
    const envelope = await requestEnvelope<LedgerEntry[]>(`${base}/ledger`, { query });
    const pagination = envelope.pagination as CursorPagination | undefined;
    return { items: envelope.data, nextCursor: pagination?.nextCursor ?? null };
  },

  listPlans: (query: Query) => page<Plan>(`${base}/plans`, query),
  createPlan: (body: CreatePlanBody) => request<Plan>(`${base}/plans`, { method: 'POST', body }),
  updatePlan: (id: string, body: Partial<CreatePlanBody>) =>
    request<Plan>(`${base}/plans/${id}`, { method: 'PATCH', body }),
  deletePlan: (id: string) => request<unknown>(`${base}/plans/${id}`, { method: 'DELETE' }),
  listPrices: (planId: string, query: Query) => page<Price>(`${base}/plans/${planId}/prices`, query),
  createPrice: (planId: string, body: PriceBody) =>
    request<Price>(`${base}/plans/${planId}/prices`, { method: 'POST', body }),
  deletePrice: (id: string) => request<unknown>(`${base}/prices/${id}`, { method: 'DELETE' }),
  importPrices: (planId: string, csv: string, mode: 'replace' | 'merge') =>
    request<{ imported: number }>(`${base}/plans/${planId}/prices/import`, {
      method: 'POST',
      body: { csv, mode },
      silent: true,
    }),
  exportPrices: (planId: string) => download(`${base}/plans/${planId}/prices/export`, {}, 'rate-card.csv'),
  assignPlan: (enterpriseId: string, planId: string | null) =>
    request<unknown>(`${base}/plan-assignments`, { method: 'PUT', body: { enterpriseId, planId } }),

  listQuotas: (query: Query) => page<Quota>(`${base}/quotas`, query),
  createQuota: (body: CreateQuotaBody) => request<Quota>(`${base}/quotas`, { method: 'POST', body }),
  updateQuota: (id: string, body: { allowance?: number; resetUsed?: boolean }) =>
    request<Quota>(`${base}/quotas/${id}`, { method: 'PATCH', body }),
  deleteQuota: (id: string) => request<unknown>(`${base}/quotas/${id}`, { method: 'DELETE' }),
  quotaLogs: (id: string, query: Query) => page<QuotaLog>(`${base}/quotas/${id}/logs`, query),

  listBills: (query: Query) => page<BillSummary>(`${base}/bills`, query),
  getBill: (id: string) => request<Bill>(`${base}/bills/${id}`),
  generateBill: (body: { enterpriseId: string; from: string; to: string }) =>
    request<Bill>(`${base}/bills`, { method: 'POST', body }),
  exportBill: (id: string, format: 'csv' | 'xlsx') =>
    download(`${base}/bills/${id}/export`, { format }, `bill.${format}`),

  profit: (query: {
    from: string;
    to: string;
    groupBy: ProfitGroupBy;
    timezone?: string;
    enterpriseId?: string;
    channel?: string;
  }) => request<ProfitReport>(`${base}/profit`, { query }),
};
