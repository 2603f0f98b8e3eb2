import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineComponent, nextTick } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { RouteRecordRaw } from 'vue-router';
import { AppstoreOutlined, DollarOutlined } from '@ant-design/icons-vue';
import { i18n, setLocale } from '@/locales';
import { makeUser, setupConsole, signIn } from '@/testing/setup';
import App from '@/App.vue';

const Page = defineComponent({ render: () => null });

const pages: RouteRecordRaw[] = [
  { path: '', name: 'dashboard', component: Page, meta: { titleKey: 'dashboard.title', order: 0 } },
  {
    path: 'customers',
    component: Page,
    meta: {
      titleKey: 'layoutTest.customers',
      icon: AppstoreOutlined,
      permission: 'customers:enterprise:read',
      order: 10,
    },
  },
  {
    path: 'billing',
    component: Page,
    meta: {
      titleKey: 'layoutTest.billing',
      icon: DollarOutlined,
      permission: 'billing:bill:read',
      order: 20,
    },
  },
];

let wrapper: VueWrapper | undefined;

beforeAll(() => {
  i18n.global.mergeLocaleMessage('en-US', { layoutTest: { customers: 'Customers', billing: 'Billing' } });
  i18n.global.mergeLocaleMessage('zh-CN', { layoutTest: { customers: '客户管理', billing: '计费' } });
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

async function mountLayout(permissions: string[]): Promise<VueWrapper> {
  const { router, plugins } = setupConsole(pages);
  signIn(makeUser({ displayName: 'Alice Admin', permissions }));
  await router.push('/');
  await router.isReady();
  wrapper = mount(App, { global: { plugins }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function menuLabels(w: VueWrapper): string[] {
  return w.findAll('[data-testid="side-menu"] .ant-menu-title-content').map((item) => item.text());
}

function breadcrumb(w: VueWrapper): string {
  return w
    .findAll('.breadcrumb .ant-breadcrumb-link')
    .map((item) => item.text())
    .join(' / ');
}

describe('console layout', () => {
  it('lists only the pages the user has permission for', async () => {
    const w = await mountLayout(['customers:enterprise:read']);
    expect(menuLabels(w)).toEqual(['Dashboard', 'Customers']);
  });

  it('shows every page to a platform admin granted *', async () => {
    const w = await mountLayout(['*']);
    expect(menuLabels(w)).toEqual(['Dashboard', 'Customers', 'Billing']);
  });

  it('relabels the menu, breadcrumb and user menu when the language switches', async () => {
    const w = await mountLayout(['customers:enterprise:read', 'billing:bill:read']);
    expect(breadcrumb(w)).toBe('Dashboard');

    setLocale('zh-CN');
    await nextTick();
    expect(menuLabels(w)).toEqual(['工作台', '客户管理', '计费']);
    expect(breadcrumb(w)).toBe('工作台');
    expect(w.find('[data-testid="language-switch"]').text()).toContain('中文');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(localStorage.getItem('pigeon.locale')).toBe('zh-CN');

    setLocale('en-US');
    await nextTick();
    expect(menuLabels(w)).toEqual(['Dashboard', 'Customers', 'Billing']);
  });

  it('shows the signed-in user in the top bar', async () => {
    const w = await mountLayout([]);
    expect(w.find('[data-testid="user-menu"]').text()).toContain('Alice Admin');
  });
});
