// The one list-page pattern: filters, page (or cursor), size and sort live in the URL's query,
// so a list survives a reload and a link opens the same rows; the page declares its search
// schema and columns in `data.ts` and only says how to fetch. Drawers and dialogs use the same
// composable with `url: false` (state kept in memory).
//
//   const list = useListPage({ search: senderSearch, fetch: ({ page, size, filters }) => … });
//   <ListPage :list="list" :columns="columns" …>
import { computed, reactive, ref, shallowRef, watch, type Ref } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';
import { message, type TablePaginationConfig } from 'ant-design-vue';
import type { CursorPage, Page } from '@/api/types';
import { appliedFilters, filterKeys, initialFilters, type Filters, type SearchField } from './search';

export const DEFAULT_PAGE_SIZE = 20;

/** Sort as `field` (ascending) or `-field` (descending). */
export interface Sort {
  field: string;
  order: 'ascend' | 'descend';
}

interface Common {
  search: readonly SearchField[];
  pageSize?: number;
  /** Keep the state in the URL (default) or in memory (lists inside drawers and dialogs). */
  url?: boolean;
  /** A prefix for the URL keys when two lists share one page. */
  prefix?: string;
}

export interface PagedOptions<Row> extends Common {
  fetch: (q: { page: number; size: number; filters: Filters; sort: Sort | null }) => Promise<Page<Row>>;
}

export interface CursorOptions<Row> extends Common {
  fetchCursor: (q: {
    cursor: string | undefined;
    size: number;
    filters: Filters;
  }) => Promise<CursorPage<Row>>;
}

export type ListOptions<Row> = PagedOptions<Row> | CursorOptions<Row>;

function one(v: LocationQuery[string] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === null || s === undefined || s === '' ? undefined : s;
}

function positive(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Sorts the rows on screen: the server's lists have no sort parameter. */
export function sortRows<Row>(rows: Row[], sort: Sort | null): Row[] {
  if (!sort) {
    return rows;
  }
  const dir = sort.order === 'ascend' ? 1 : -1;
  const value = (r: Row) => (r as Record<string, unknown>)[sort.field];
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === y) {
      return 0;
    }
    if (x === null || x === undefined) {
      return 1;
    }
    if (y === null || y === undefined) {
      return -1;
    }
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : JSON.stringify(x).localeCompare(JSON.stringify(y));
    return order * dir;
  });
}

export function useListPage<Row>(options: ListOptions<Row>) {
  const route = useRoute();
  const router = useRouter();
  const useUrl = options.url !== false;
  const path = route.path;
  const pre = options.prefix ?? '';
  const defaultSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const keys = filterKeys(options.search);
  const isCursor = 'fetchCursor' in options;
  const ownKeys = new Set([...keys, 'page', 'size', 'sort', 'cursor'].map((k) => pre + k));

  const memory = shallowRef<LocationQuery>({});
  const query = computed<LocationQuery>(() => (useUrl ? route.query : memory.value));

  /** What the form shows (edited freely; applied with `search`). */
  const filters = reactive<Filters>(initialFilters(options.search));
  /** What the rows on screen were fetched with. */
  const applied = ref<Filters>({});
  const page = ref(1);
  const size = ref(defaultSize);
  const sort = ref<Sort | null>(null);
  const cursor = ref<string | undefined>(undefined);
  const rows = ref([]) as Ref<Row[]>;
  const total = ref(0);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  /** Cursors of the pages before this one (this visit only), for "previous". */
  const history: Array<string | undefined> = [];

  function readState(q: LocationQuery): void {
    const initial = initialFilters(options.search);
    const fromUrl: Filters = {};
    for (const k of keys) {
      fromUrl[k] = one(q[pre + k]) ?? initial[k];
    }
    Object.assign(filters, fromUrl);
    applied.value = appliedFilters(options.search, fromUrl);
    page.value = positive(one(q[`${pre}page`]), 1);
    size.value = positive(one(q[`${pre}size`]), defaultSize);
    const s = one(q[`${pre}sort`]);
    sort.value = s ? { field: s.replace(/^-/, ''), order: s.startsWith('-') ? 'descend' : 'ascend' } : null;
    cursor.value = one(q[`${pre}cursor`]);
  }

  function toQuery(state: {
    filters: Filters;
    page: number;
    size: number;
    sort: Sort | null;
    cursor?: string | undefined;
  }): LocationQueryRaw {
    const out: LocationQueryRaw = {};
    // Whatever else the URL holds (another list's state, a tab) stays as it is.
    for (const [k, v] of Object.entries(query.value)) {
      if (!ownKeys.has(k)) {
        out[k] = v;
      }
    }
    const initial = initialFilters(options.search);
    for (const [k, v] of Object.entries(state.filters)) {
      // A filter at its initial value stays out of the URL.
      if (v !== undefined && v !== '' && v !== initial[k]) {
        out[pre + k] = v;
      }
    }
    if (state.page > 1) {
      out[`${pre}page`] = String(state.page);
    }
    if (state.size !== defaultSize) {
      out[`${pre}size`] = String(state.size);
    }
    if (state.sort) {
      out[`${pre}sort`] = `${state.sort.order === 'descend' ? '-' : ''}${state.sort.field}`;
    }
    if (state.cursor) {
      out[`${pre}cursor`] = state.cursor;
    }
    return out;
  }

  let seq = 0;
  /** Fetches the rows of the current state; `quiet`: a background refresh (no spinner, keeps rows). */
  async function load(opts?: { quiet?: boolean }): Promise<void> {
    const quiet = opts?.quiet === true;
    const mine = ++seq;
    loading.value = !quiet;
    try {
      if ('fetchCursor' in options) {
        const result = await options.fetchCursor({
          cursor: cursor.value,
          size: size.value,
          filters: applied.value,
        });
        if (mine === seq) {
          rows.value = result.items;
          nextCursor.value = result.nextCursor;
        }
      } else {
        const result = await options.fetch({
          page: page.value,
          size: size.value,
          filters: applied.value,
          sort: sort.value,
        });
        if (mine === seq) {
          rows.value = sortRows(result.items, sort.value);
          total.value = result.pagination.total;
        }
      }
    } catch {
      // The request client has shown the failure.
      if (mine === seq && !quiet) {
        rows.value = [];
        total.value = 0;
        nextCursor.value = null;
      }
    } finally {
      if (mine === seq) {
        loading.value = false;
      }
    }
  }

  function commit(next: LocationQueryRaw): void {
    const same = JSON.stringify(next) === JSON.stringify(toQuery({ ...current() }));
    if (same) {
      void load();
    } else if (useUrl) {
      void router.push({ path, query: next });
    } else {
      memory.value = next as LocationQuery;
    }
  }

  function current() {
    return {
      filters: applied.value,
      page: page.value,
      size: size.value,
      sort: sort.value,
      cursor: cursor.value,
    };
  }

  watch(
    () => (useUrl && route.path !== path ? null : JSON.stringify(query.value)),
    (key) => {
      if (key === null) {
        return;
      }
      readState(query.value);
      void load();
    },
    { immediate: true },
  );

  /** Applies the form's filters from the first page. */
  function search(): void {
    history.length = 0;
    commit(
      toQuery({
        filters: appliedFilters(options.search, filters),
        page: 1,
        size: size.value,
        sort: sort.value,
      }),
    );
  }

  function reset(): void {
    Object.assign(filters, initialFilters(options.search));
    search();
  }

  /** Table events: page, page size and sort. */
  function onTableChange(p: TablePaginationConfig, _f: unknown, sorter: unknown): void {
    const s = (Array.isArray(sorter) ? sorter[0] : sorter) as
      { field?: unknown; columnKey?: unknown; order?: 'ascend' | 'descend' | null } | undefined;
    const field = s?.order ? String(s.columnKey ?? s.field) : null;
    const nextSort: Sort | null = field && s?.order ? { field, order: s.order } : null;
    const nextSize = p.pageSize ?? size.value;
    commit(
      toQuery({
        filters: applied.value,
        page: nextSize !== size.value ? 1 : (p.current ?? 1),
        size: nextSize,
        sort: nextSort,
        cursor: cursor.value,
      }),
    );
  }

  const cursorPager = {
    hasNext: computed(() => nextCursor.value !== null),
    hasPrevious: computed(() => cursor.value !== undefined),
    page,
    next(): void {
      if (nextCursor.value === null) {
        return;
      }
      history.push(cursor.value);
      commit(toQuery({ ...current(), page: page.value + 1, cursor: nextCursor.value }));
    },
    previous(): void {
      const before = history.length > 0 ? history.pop() : undefined;
      const back = history.length === 0 && before === undefined;
      commit(toQuery({ ...current(), page: back ? 1 : Math.max(1, page.value - 1), cursor: before }));
    },
  };

  const pagination = computed<TablePaginationConfig | false>(() =>
    isCursor
      ? false
      : { current: page.value, pageSize: size.value, total: total.value, showSizeChanger: true },
  );

  /** Columns with the URL's sort shown on the sortable one. */
  function withSort<C extends { key?: unknown; sorter?: unknown }>(columns: C[]): C[] {
    return columns.map((c) =>
      c.sorter ? { ...c, sortOrder: sort.value && sort.value.field === c.key ? sort.value.order : null } : c,
    );
  }

  /**
   * Runs a row action (delete, approve, …): on success shows `done` and reloads; a failure has
   * been shown by the request client. Resolves whether it succeeded.
   */
  async function run(action: () => Promise<unknown>, done?: string): Promise<boolean> {
    try {
      await action();
    } catch {
      return false;
    }
    if (done) {
      void message.success(done);
    }
    // The last row of a page gone: show the page before.
    if (!isCursor && rows.value.length === 1 && page.value > 1 && total.value % size.value === 1) {
      commit(toQuery({ ...current(), page: page.value - 1 }));
    } else {
      await load();
    }
    return true;
  }

  /** Changes one filter in the form (applied with `search`). */
  function setFilter(key: string, value: string | undefined): void {
    filters[key] = value;
  }

  return {
    schema: options.search,
    setFilter,
    run,
    filters,
    applied,
    rows,
    total,
    loading,
    page,
    size,
    sort,
    isCursor,
    pagination,
    cursor: cursorPager,
    search,
    reset,
    reload: load,
    onTableChange,
    withSort,
  };
}

export type ListPageState<Row = unknown> = ReturnType<typeof useListPage<Row>>;
