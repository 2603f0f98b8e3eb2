// Routing pages: route rules, explain, and the provider mapping of a sending account. Each
// needs its read permission; the buttons on a page check the matching update/delete codes.
import { BranchesOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'routing',
    meta: { titleKey: 'routing.title', icon: BranchesOutlined, order: 40 },
    children: [
      {
        path: 'rules',
        name: 'routing-rules',
        component: () => import('@/views/routing/rules/list.vue'),
        meta: { titleKey: 'routing.rule.title', permission: 'routing:rule:read', order: 1 },
      },
      {
        path: 'explain',
        name: 'routing-explain',
        component: () => import('@/views/routing/explain/index.vue'),
        meta: { titleKey: 'routing.explain.title', permission: 'routing:rule:explain', order: 2 },
      },
      {
        path: 'mappings',
        name: 'routing-mappings',
        component: () => import('@/views/routing/mappings/index.vue'),
        meta: { titleKey: 'routing.mapping.title', permission: 'routing:mapping:read', order: 3 },
      },
    ],
  },
];

export default routes;
