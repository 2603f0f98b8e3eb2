// The console's routes: the login page, the layout holding every module's pages, and the
// 404 page. A module adds its pages as router/modules/<module>.ts (default export: routes
// under the layout, paths relative to /) — picked up here, no shared list to edit.
import {
  createRouter,
  createWebHistory,
  type RouteRecordRaw,
  type Router,
  type RouterHistory,
} from 'vue-router';
import BasicLayout from '@/layouts/BasicLayout.vue';
import { LAYOUT_ROUTE_NAME } from './constants';
import { installGuards } from './guard';
import { sortRoutes } from './menu';
import './types';

const moduleFiles = import.meta.glob<RouteRecordRaw[]>('./modules/*.ts', { eager: true, import: 'default' });

/** Every module's pages, in menu order. */
export const moduleRoutes: RouteRecordRaw[] = sortRoutes(Object.values(moduleFiles).flat());

export function createRoutes(pages: RouteRecordRaw[] = moduleRoutes): RouteRecordRaw[] {
  return [
    {
      path: '/login',
      name: 'login',
      component: () => import('@/views/auth/login.vue'),
      meta: { public: true, titleKey: 'auth.login.submit' },
    },
    {
      path: '/forgot-password',
      name: 'forgot-password',
      component: () => import('@/views/auth/forgot-password.vue'),
      meta: { public: true, titleKey: 'auth.forgot.title' },
    },
    {
      path: '/reset-password',
      name: 'reset-password',
      component: () => import('@/views/auth/reset-password.vue'),
      meta: { public: true, titleKey: 'auth.reset.title' },
    },
    {
      path: '/',
      name: LAYOUT_ROUTE_NAME,
      component: BasicLayout,
      children: [
        ...pages,
        {
          path: 'profile',
          name: 'profile',
          component: () => import('@/views/profile/index.vue'),
          meta: { titleKey: 'profile.title', hideInMenu: true },
        },
        {
          path: '403',
          name: 'forbidden',
          component: () => import('@/views/exception/forbidden.vue'),
          meta: { titleKey: 'exception.forbidden.title', hideInMenu: true },
        },
      ],
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('@/views/exception/not-found.vue'),
      meta: { public: true, titleKey: 'exception.notFound.title' },
    },
  ];
}

export function createAppRouter(
  history: RouterHistory = createWebHistory(import.meta.env.BASE_URL),
  pages?: RouteRecordRaw[],
): Router {
  const router = createRouter({
    history,
    routes: createRoutes(pages),
    scrollBehavior: () => ({ top: 0 }),
  });
  installGuards(router);
  return router;
}
