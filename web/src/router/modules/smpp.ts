// SMPP server pages (DL-8): the live binds of customers' ESMEs, with a disconnect button that
// shows only with customers:sending:disconnect.
import { ApiOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'smpp',
    meta: { titleKey: 'smpp.menu', icon: ApiOutlined, order: 35 },
    children: [
      {
        path: 'binds',
        name: 'smpp-binds',
        component: () => import('@/views/smpp/binds.vue'),
        meta: { titleKey: 'smpp.binds.title', permission: 'customers:sending:read', order: 1 },
      },
    ],
  },
];

export default routes;
