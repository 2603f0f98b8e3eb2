// The list-page pattern (UI-1): filters, page, size and sort live in the URL, so a reload or a
// shared link shows the same rows; searching starts from page 1; invalid text is not applied.
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { Page } from '@/api/types';
import { appliedFilters, booleanOf, initialFilters, type Filters, type SearchField } from './search';
import { sortRows, useListPage, type ListPageState } from './use-list-page';

interface Row {
  id: string;
  n: number;
}

const schema: SearchField[] = [
  { type: 'text', key: 'number', label: 'x' },
  { type: 'text', key: 'country', label: 'x', pattern: /^[A-Za-z]{2}$/, upper: true },
  { type: 'select', key: 'status', label: 'x', options: ['a', 'b'] },
  { type: 'select', key: 'zone', label: 'x', options: ['UTC', 'Asia/Shanghai'], initial: () => 'UTC' },
];

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

async function mountList(url: string) {
  const calls: Array<{ page: number; size: number; filters: Filters }> = [];
  let list!: ListPageState<Row>;
  const Host = defineComponent({
    setup() {
      list = useListPage<Row>({
        search: schema,
        fetch: async (q): Promise<Page<Row>> => {
          calls.push({ page: q.page, size: q.size, filters: { ...q.filters } });
          return {
            items: [
              { id: 'x', n: 2 },
              { id: 'y', n: 1 },
            ],
            pagination: { page: q.page, size: q.size, total: 95, pages: 5 },
          };
        },
      });
      return () => h('div');
    },
  });
  const router: Router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/things', component: Host }],
  });
  await router.push(url);
  await router.isReady();
  wrapper = mount({ render: () => h(Host) }, { global: { plugins: [router] } });
  await flushPromises();
  return { list, router, calls };
}

describe('UI-1 useListPage', () => {
  it('reads filters, page, size and sort from the URL and fetches with them', async () => {
    const { list, calls } = await mountList('/things?status=b&page=3&size=50&sort=-n&country=gb');
    expect(calls.at(-1)).toEqual({ page: 3, size: 50, filters: { status: 'b', country: 'GB', zone: 'UTC' } });
    expect(list.filters.status).toBe('b');
    expect(list.sort.value).toEqual({ field: 'n', order: 'descend' });
    // The page on screen is sorted as the URL says (the server lists have no sort parameter).
    expect(list.rows.value.map((r) => r.n)).toEqual([2, 1]);
  });

  it('writes a search into the URL from page 1, leaving initial values out', async () => {
    const { list, router, calls } = await mountList('/things?page=2');
    list.setFilter('number', ' 4477 ');
    list.setFilter('status', 'a');
    list.search();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ number: '4477', status: 'a' });
    expect(calls.at(-1)).toMatchObject({ page: 1, filters: { number: '4477', status: 'a', zone: 'UTC' } });
  });

  it('does not apply a text filter that fails its pattern', async () => {
    const { list, router } = await mountList('/things');
    list.setFilter('country', 'Britain');
    list.search();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
  });

  it('follows the table: a new page keeps the filters, a new size starts at page 1', async () => {
    const { list, router } = await mountList('/things?status=a');
    list.onTableChange({ current: 4, pageSize: 20 }, {}, {});
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ status: 'a', page: '4' });
    list.onTableChange({ current: 4, pageSize: 100 }, {}, { columnKey: 'n', order: 'ascend' });
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ status: 'a', size: '100', sort: 'n' });
  });

  it('reset returns to the initial filters; going back in history restores the state', async () => {
    const { list, router, calls } = await mountList('/things');
    list.setFilter('status', 'b');
    list.search();
    await flushPromises();
    list.reset();
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    router.back();
    await flushPromises();
    await nextTick();
    await flushPromises();
    expect(calls.at(-1)?.filters).toMatchObject({ status: 'b' });
    expect(list.filters.status).toBe('b');
  });
});

describe('UI-1 search schema helpers', () => {
  it('starts from the initial values and applies only what is set and valid', () => {
    expect(initialFilters(schema)).toEqual({
      number: undefined,
      country: undefined,
      status: undefined,
      zone: 'UTC',
    });
    expect(appliedFilters(schema, { number: '  ', country: 'us', status: 'a', zone: 'UTC' })).toEqual({
      country: 'US',
      status: 'a',
      zone: 'UTC',
    });
    expect(booleanOf('true')).toBe(true);
    expect(booleanOf('false')).toBe(false);
    expect(booleanOf(undefined)).toBeUndefined();
  });

  it('sorts rows with nulls last in either direction', () => {
    const rows = [{ v: 'b' }, { v: null }, { v: 'a' }];
    expect(sortRows(rows, { field: 'v', order: 'ascend' }).map((r) => r.v)).toEqual(['a', 'b', null]);
    expect(sortRows(rows, { field: 'v', order: 'descend' }).map((r) => r.v)).toEqual(['b', 'a', null]);
  });
});
