// Identity pages: users, departments, roles. Each needs its read permission; the buttons on
// a page check the matching create/update/delete codes.
import { SafetyCertificateOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'identity',
    meta: { titleKey: 'identity.title', icon: SafetyCertificateOutlined, order: 80 },
    children: [
      {
        path: 'users',
        name: 'identity-users',
        component: () => import('@/views/identity/users/list.vue'),
        meta: { titleKey: 'identity.user.title', permission: 'identity:user:read', order: 1 },
      },
      {
        path: 'departments',
        name: 'identity-departments',
        component: () => import('@/views/identity/departments/list.vue'),
        meta: { titleKey: 'identity.department.title', permission: 'identity:department:read', order: 2 },
      },
      {
        path: 'roles',
        name: 'identity-roles',
        component: () => import('@/views/identity/roles/list.vue'),
        meta: { titleKey: 'identity.role.title', permission: 'identity:role:read', order: 3 },
      },
    ],
  },
];

export default routes;
