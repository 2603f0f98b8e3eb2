// The routing module's endpoints as the console pages call them, plus the two lists the
// pickers need (providers, sending accounts), which belong to other modules and may be
// missing or forbidden: those loaders return null and the pickers fall back to plain ids.
import { client, silentFetch, unwrap, unwrapPage, type ApiData } from '@/api/client';

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
export type RouteRule = Omit<ApiData<'/api/v1/routes/{id}'>, 'match' | 'tiers'> & {
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
export type Explanation = ApiData<'/api/v1/routes/explain'>;
export type ProviderMapping = ApiData<'/api/v1/routes/mappings/{id}'>;

/** What a picker shows for a provider or a sending account. */
export interface Named {
  id: string;
  name: string;
  channel?: string;
}

/** Every page of a list whose size limit is 100. */
async function all<T>(fetchPage: (page: number) => Promise<{ items: T[]; pagination: { pages: number } }>) {
  const out: T[] = [];
  for (let p = 1; ; p++) {
    const { items, pagination } = await fetchPage(p);
    out.push(...items);
    if (p >= pagination.pages || items.length === 0) {
      return out;
    }
  }
}

async function optional(list: () => Promise<Named[]>): Promise<Named[] | null> {
  try {
    return await list();
  } catch {
    return null;
  }
}

const id = (value: string) => ({ params: { path: { id: value } } });
const pageOf = (page: number) => ({ params: { query: { page, size: 100 } }, fetch: silentFetch });

export const routingApi = {
  listRules: async () =>
    (await all((page) => unwrapPage(client.GET('/api/v1/routes', pageOf(page))))) as RouteRule[],
  /** Saving shows its field errors on the form, so the request client does not toast them. */
  createRule: async (body: RuleBody) =>
    (await unwrap(client.POST('/api/v1/routes', { body, fetch: silentFetch }))) as RouteRule,
  updateRule: async (value: string, body: Partial<RuleBody>, opts: { silent?: boolean } = {}) =>
    (await unwrap(
      client.PATCH('/api/v1/routes/{id}', {
        ...id(value),
        body,
        ...(opts.silent ? { fetch: silentFetch } : {}),
      }),
    )) as RouteRule,
  deleteRule: (value: string) => unwrap(client.DELETE('/api/v1/routes/{id}', id(value))),
  reorder: (ids: string[]) => unwrap(client.PUT('/api/v1/routes/order', { body: { ids } })),
  explain: (query: { account: string; to: string; channel: Channel; sender?: string }) =>
    unwrap(client.GET('/api/v1/routes/explain', { params: { query } })),
  getMapping: (accountId: string) => unwrap(client.GET('/api/v1/routes/mappings/{id}', id(accountId))),
  setMapping: (accountId: string, providerIds: string[]) =>
    unwrap(client.PUT('/api/v1/routes/mappings/{id}', { ...id(accountId), body: { providerIds } })),

  /** Provider records (providers module); null when it is not there or not permitted. */
  providers: () => optional(() => all((page) => unwrapPage(client.GET('/api/v1/providers', pageOf(page))))),
  /** Sending accounts (customers module); null when it is not there or not permitted. */
  sendingAccounts: () =>
    optional(() => all((page) => unwrapPage(client.GET('/api/v1/customers/sending', pageOf(page))))),
};
