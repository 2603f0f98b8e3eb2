// Home page. A route module per server module lives in this folder and default-exports the
// pages it adds under the console layout; see router/index.ts.
import { DashboardOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'dashboard',
    component: () => import('@/views/dashboard/index.vue'),
    meta: { titleKey: 'dashboard.title', icon: DashboardOutlined, order: 0 },
  },
];

export default routes;
