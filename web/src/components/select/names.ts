// Names of enterprises, sending accounts and providers for columns and selects, fetched once per
// id and shared by every page (lists show ids; people read names). Look-ups are silent: a name
// that cannot be fetched (gone, or not permitted) shows the id.
import { reactive } from 'vue';
import { client, silentFetch, unwrap, unwrapPage } from '@/api/client';

export type EntityKind = 'enterprise' | 'account' | 'provider';

export interface Option {
  value: string;
  label: string;
}

const known: Record<EntityKind, Map<string, string>> = reactive({
  enterprise: new Map(),
  account: new Map(),
  provider: new Map(),
});
const pending = new Set<string>();

const fetchOne: Record<EntityKind, (id: string) => Promise<string>> = {
  enterprise: async (id) =>
    (
      await unwrap(
        client.GET('/api/v1/customers/enterprises/{id}', { params: { path: { id } }, fetch: silentFetch }),
      )
    ).name,
  account: async (id) =>
    (
      await unwrap(
        client.GET('/api/v1/customers/sending/{id}', { params: { path: { id } }, fetch: silentFetch }),
      )
    ).name,
  provider: async (id) =>
    (await unwrap(client.GET('/api/v1/providers/{id}', { params: { path: { id } }, fetch: silentFetch })))
      .name,
};

/** Remembers names seen elsewhere (a select's options, a list's rows). */
export function rememberNames(kind: EntityKind, items: ReadonlyArray<{ id: string; name: string }>): void {
  for (const i of items) {
    known[kind].set(i.id, i.name);
  }
}

/** The name of an entity: the id until it has been fetched, or when it cannot be. */
export function nameOf(kind: EntityKind, id: string | null | undefined): string {
  if (!id) {
    return '—';
  }
  const name = known[kind].get(id);
  if (name !== undefined) {
    return name;
  }
  const key = `${kind}:${id}`;
  if (!pending.has(key)) {
    pending.add(key);
    fetchOne[kind](id)
      .then((n) => known[kind].set(id, n))
      .catch(() => known[kind].set(id, id));
  }
  return id;
}

/** Options matching a typed keyword (first 20), for the selects. */
export const searchOptions: Record<
  EntityKind,
  (keyword: string, scope: { enterpriseId?: string; channel?: string }) => Promise<Option[]>
> = {
  enterprise: async (keyword) => {
    const page = await unwrapPage(
      client.GET('/api/v1/customers/enterprises', {
        params: { query: { page: 1, size: 20, ...(keyword ? { keyword } : {}) } },
        fetch: silentFetch,
      }),
    );
    rememberNames('enterprise', page.items);
    return page.items.map((e) => ({ value: e.id, label: e.name }));
  },
  account: async (keyword, scope) => {
    const page = await unwrapPage(
      client.GET('/api/v1/customers/sending', {
        params: {
          query: {
            page: 1,
            size: 20,
            ...(keyword ? { keyword } : {}),
            ...(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}),
          },
        },
        fetch: silentFetch,
      }),
    );
    rememberNames('account', page.items);
    return page.items.map((a) => ({ value: a.id, label: a.name }));
  },
  provider: async (keyword, scope) => {
    const channel = scope.channel as 'sms' | 'email' | 'webhook' | undefined;
    const page = await unwrapPage(
      client.GET('/api/v1/providers', {
        params: {
          query: { page: 1, size: 20, ...(keyword ? { keyword } : {}), ...(channel ? { channel } : {}) },
        },
        fetch: silentFetch,
      }),
    );
    rememberNames('provider', page.items);
    return page.items.map((p) => ({ value: p.id, label: p.name }));
  },
};
