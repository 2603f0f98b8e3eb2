// The routing module's endpoints as the console pages call them, plus the two lists the
// pickers need (providers, sending accounts), which belong to other modules and may be
// missing or forbidden: those loaders return null and the pickers fall back to plain ids.
import { request, requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;

export type Channel = 'sms' | 'email' | 'inapp' | 'webhook';
export type RoutingMode = 'priority' | 'least_cost';

export interface TimeWindow {
  days?: number[];
  start: string;
  end: string;
}
export interface RuleMatch {
  countries?: string[];
  prefixes?: string[];
  sendingAccountIds?: string[];
  senders?: string[];
  timeWindow?: TimeWindow | null;
}
export interface RuleTier {
  providers: Array<{ providerId: string; weight: number }>;
}
/** A rule as the server returns it; `match` and `tiers` are typed here from the request schema. */
export type RouteRule = Omit<DataOf<'/api/v1/routes/{id}', 'get'>, 'match' | 'tiers'> & {
  match: RuleMatch;
  tiers: RuleTier[];
};
export interface RuleBody {
  name: string;
  enabled?: boolean;
  mode: RoutingMode;
  channel: Channel;
  match: RuleMatch;
  tiers: RuleTier[];
}
export type Explanation = DataOf<'/api/v1/routes/explain', 'get'>;
export type ProviderMapping = DataOf<'/api/v1/routes/mappings/{id}', 'get'>;

/** What a picker shows for a provider or a sending account. */
export interface Named {
  id: string;
  name: string;
  channel?: string;
}

const routes = '/api/v1/routes';

/** Every page of a list whose size limit is 100. */
async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for (let p = 1; ; p++) {
    const envelope = await requestEnvelope<T[]>(path, { query: { page: p, size: 100 }, silent: true });
    out.push(...envelope.data);
    const pages = (envelope.pagination as PagePagination | undefined)?.pages ?? 1;
    if (p >= pages || envelope.data.length === 0) {
      return out;
    }
  }
}

async function optionalList(path: string): Promise<Named[] | null> {
  try {
    return await all<Named>(path);
  } catch {
    return null;
  }
}

export const routingApi = {
  listRules: () => all<RouteRule>(routes),
  /** Saving shows its field errors on the form, so the request client does not toast them. */
  createRule: (body: RuleBody) => request<RouteRule>(routes, { method: 'POST', body, silent: true }),
  updateRule: (id: string, body: Partial<RuleBody>, opts: { silent?: boolean } = {}) =>
    request<RouteRule>(`${routes}/${id}`, { method: 'PATCH', body, silent: opts.silent ?? false }),
  deleteRule: (id: string) => request<unknown>(`${routes}/${id}`, { method: 'DELETE' }),
  reorder: (ids: string[]) => request<unknown>(`${routes}/order`, { method: 'PUT', body: { ids } }),
  explain: (query: { account: string; to: string; channel: Channel; sender?: string }) =>
    request<Explanation>(`${routes}/explain`, { query }),
  getMapping: (accountId: string) => request<ProviderMapping>(`${routes}/mappings/${accountId}`),
  setMapping: (accountId: string, providerIds: string[]) =>
    request<ProviderMapping>(`${routes}/mappings/${accountId}`, { method: 'PUT', body: { providerIds } }),

  /** Provider records (providers module); null when it is not there or not permitted. */
  providers: () => optionalList('/api/v1/providers'),
  /** Sending accounts (customers module); null when it is not there or not permitted. */
  sendingAccounts: () => optionalList('/api/v1/customers/sending'),
};
