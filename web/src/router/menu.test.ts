import { describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import { grants } from '@/utils/permissions';
import { buildMenu, joinPath, menuPath } from './menu';

const Page = defineComponent({ render: () => null });

const routes: RouteRecordRaw[] = [
  {
    path: 'billing',
    component: Page,
    meta: { titleKey: 'billing.title', permission: 'billing:bill:read', order: 30 },
  },
  { path: '', component: Page, meta: { titleKey: 'dashboard.title', order: 0 } },
  {
    path: 'customers',
    meta: { titleKey: 'customers.title', order: 10 },
    children: [
      {
        path: 'enterprises',
        component: Page,
        meta: { titleKey: 'customers.enterprises', permission: 'customers:enterprise:read' },
      },
      {
        path: 'sending-accounts',
        component: Page,
        meta: { titleKey: 'customers.sendingAccounts', permission: 'customers:sending-account:read' },
      },
      { path: 'enterprises/:id', component: Page, meta: { titleKey: 'customers.detail', hideInMenu: true } },
    ],
  },
  {
    path: 'audit',
    component: Page,
    meta: { titleKey: 'ops.audit', permission: 'audit:operation:read', order: 40 },
  },
];

/** A permission check over granted patterns, as the auth store does it. */
const granting =
  (...patterns: string[]) =>
  (code: string | undefined) =>
    code === undefined || grants(patterns, code);

describe('side menu from routes', () => {
  it('shows every entry to a user holding every permission, in menu order', () => {
    const menu = buildMenu(
      routes,
      granting(
        'billing:bill:read',
        'customers:enterprise:read',
        'customers:sending-account:read',
        'audit:operation:read',
      ),
    );
    expect(menu.map((e) => e.key)).toEqual(['/', '/customers', '/billing', '/audit']);
    expect(menu[1]?.children?.map((e) => e.key)).toEqual([
      '/customers/enterprises',
      '/customers/sending-accounts',
    ]);
  });

  it('hides entries whose permission the user lacks', () => {
    const menu = buildMenu(routes, granting('customers:sending-account:read'));
    expect(menu.map((e) => e.titleKey)).toEqual(['dashboard.title', 'customers.title']);
    expect(menu[1]?.children?.map((e) => e.titleKey)).toEqual(['customers.sendingAccounts']);
  });

  it('honours module wildcards and * the way the server grants them', () => {
    expect(buildMenu(routes, granting('customers:*')).map((e) => e.key)).toEqual(['/', '/customers']);
    expect(buildMenu(routes, granting('*')).map((e) => e.key)).toEqual([
      '/',
      '/customers',
      '/billing',
      '/audit',
    ]);
  });

  it('drops a group when none of its entries is allowed', () => {
    const menu = buildMenu(routes, granting('billing:bill:read'));
    expect(menu.map((e) => e.key)).toEqual(['/', '/billing']);
  });

  it('never lists pages marked hideInMenu', () => {
    const menu = buildMenu(routes, () => true);
    const keys = JSON.stringify(menu);
    expect(keys).not.toContain('customers.detail');
  });

  it('lifts the children of an untitled route into its place', () => {
    const menu = buildMenu(
      [{ path: 'ops', children: [{ path: 'audit', component: Page, meta: { titleKey: 'ops.audit' } }] }],
      () => true,
    );
    expect(menu).toEqual([{ key: '/ops/audit', titleKey: 'ops.audit' }]);
  });

  it('finds the chain of keys down to an entry', () => {
    const menu = buildMenu(routes, () => true);
    expect(menuPath(menu, '/customers/enterprises')).toEqual(['/customers', '/customers/enterprises']);
    expect(menuPath(menu, '/nowhere')).toEqual([]);
  });

  it('joins relative and absolute paths', () => {
    expect(joinPath('/', '')).toBe('/');
    expect(joinPath('/', 'customers')).toBe('/customers');
    expect(joinPath('/customers', 'enterprises')).toBe('/customers/enterprises');
    expect(joinPath('/customers', '/elsewhere')).toBe('/elsewhere');
  });
});
