// Provider pages (DL-1, DL-4, DL-5): the providers list with its dialogs. The buttons on the
// page check the matching create/update/unfreeze/test-send codes.
import { CloudServerOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'providers',
    meta: { titleKey: 'providers.menu', icon: CloudServerOutlined, order: 30 },
    children: [
      {
        path: 'list',
        name: 'providers-list',
        component: () => import('@/views/providers/list.vue'),
        meta: { titleKey: 'providers.title', permission: 'providers:provider:read', order: 1 },
      },
    ],
  },
];

export default routes;
