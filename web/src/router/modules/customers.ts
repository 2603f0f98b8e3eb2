// Customers pages: enterprises (with detail), sending accounts (with their API keys), senders
// and sender domains. Each needs its read permission; buttons check the write codes.
import { TeamOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'customers',
    meta: { titleKey: 'customers.title', icon: TeamOutlined, order: 10 },
    children: [
      {
        path: 'enterprises',
        name: 'customers-enterprises',
        component: () => import('@/views/customers/enterprises/list.vue'),
        meta: { titleKey: 'customers.enterprise.title', permission: 'customers:enterprise:read', order: 1 },
      },
      {
        path: 'enterprises/:id',
        name: 'customers-enterprise-detail',
        component: () => import('@/views/customers/enterprises/detail.vue'),
        meta: {
          titleKey: 'customers.enterprise.detail',
          permission: 'customers:enterprise:read',
          hideInMenu: true,
        },
      },
      {
        path: 'sending',
        name: 'customers-sending',
        component: () => import('@/views/customers/sending/list.vue'),
        meta: { titleKey: 'customers.sending.title', permission: 'customers:sending:read', order: 2 },
      },
      {
        path: 'sending/:id/keys',
        name: 'customers-sending-keys',
        component: () => import('@/views/customers/sending/keys.vue'),
        meta: { titleKey: 'customers.sending.keys', permission: 'identity:api-key:read', hideInMenu: true },
      },
      {
        path: 'senders',
        name: 'customers-senders',
        component: () => import('@/views/customers/senders/list.vue'),
        meta: { titleKey: 'customers.sender.title', permission: 'customers:sender:read', order: 3 },
      },
      {
        path: 'domains',
        name: 'customers-domains',
        component: () => import('@/views/customers/domains/list.vue'),
        meta: { titleKey: 'customers.domain.title', permission: 'customers:domain:read', order: 4 },
      },
    ],
  },
];

export default routes;
