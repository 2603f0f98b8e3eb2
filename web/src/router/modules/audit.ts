// Audit pages (OP-4): operation log, data-change log, login log.
import { AuditOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'audit',
    meta: { titleKey: 'audit.title', icon: AuditOutlined, order: 90 },
    children: [
      {
        path: 'operations',
        name: 'audit-operations',
        component: () => import('@/views/audit/operations/list.vue'),
        meta: { titleKey: 'audit.operation.title', permission: 'audit:operation:read', order: 1 },
      },
      {
        path: 'data-changes',
        name: 'audit-data-changes',
        component: () => import('@/views/audit/data-changes/list.vue'),
        meta: { titleKey: 'audit.dataChange.title', permission: 'audit:data-change:read', order: 2 },
      },
      {
        path: 'logins',
        name: 'audit-logins',
        component: () => import('@/views/audit/logins/list.vue'),
        meta: { titleKey: 'audit.login.title', permission: 'audit:login:read', order: 3 },
      },
    ],
  },
];

export default routes;
