// Billing pages: balances, ledger, rate cards, quotas, bills, profit. Each needs its read permission;
// the buttons on a page check the matching write codes.
import { AccountBookOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'billing',
    meta: { titleKey: 'billing.title', icon: AccountBookOutlined, order: 60 },
    children: [
      {
        path: 'balances',
        name: 'billing-balances',
        component: () => import('@/views/billing/balances/list.vue'),
        meta: { titleKey: 'billing.balances.title', permission: 'billing:balance:read', order: 1 },
      },
      {
        path: 'ledger',
        name: 'billing-ledger',
        component: () => import('@/views/billing/ledger/list.vue'),
        meta: { titleKey: 'billing.ledger.title', permission: 'billing:ledger:read', order: 2 },
      },
      {
        path: 'plans',
        name: 'billing-plans',
        component: () => import('@/views/billing/plans/list.vue'),
        meta: { titleKey: 'billing.plans.title', permission: 'billing:plan:read', order: 3 },
      },
      {
        path: 'quotas',
        name: 'billing-quotas',
        component: () => import('@/views/billing/quotas/list.vue'),
        meta: { titleKey: 'billing.quotas.title', permission: 'billing:quota:read', order: 4 },
      },
      {
        path: 'bills',
        name: 'billing-bills',
        component: () => import('@/views/billing/bills/list.vue'),
        meta: { titleKey: 'billing.bills.title', permission: 'billing:bill:read', order: 5 },
      },
      {
        path: 'profit',
        name: 'billing-profit',
        component: () => import('@/views/billing/profit/list.vue'),
        meta: { titleKey: 'billing.profit.title', permission: 'billing:profit:read', order: 6 },
      },
    ],
  },
];

export default routes;
