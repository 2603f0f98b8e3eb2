// Who may see what: signed-out visitors go to the login page (and come back afterwards),
// signed-in users without a route's permission see the 403 page. The server enforces every
// permission again; this only keeps the console from offering what would fail.
import { watch } from 'vue';
import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router';
import { setSessionExpiredHandler } from '@/api/request';
import { currentLocale, translate } from '@/locales';
import { useAuthStore } from '@/stores/auth';

export function loginLocation(redirect: string | undefined): RouteLocationRaw {
  return {
    name: 'login',
    query: redirect && redirect !== '/' && !redirect.startsWith('/login') ? { redirect } : {},
  };
}

/** Where to go after signing in: an in-console path from `?redirect=`, else home. */
export function redirectTarget(value: unknown): string {
  const path: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    if (to.meta.public) {
      return to.name === 'login' && auth.user ? redirectTarget(to.query.redirect) : true;
    }
    if (!auth.isAuthenticated) {
      return loginLocation(to.fullPath);
    }
    if (!auth.user) {
      try {
        await auth.fetchMe();
      } catch {
        return loginLocation(to.fullPath);
      }
    }
    return to.matched.every((record) => auth.hasPermission(record.meta.permission))
      ? true
      : { name: 'forbidden' };
  });

  router.afterEach((to) => setTitle(to));
  watch(currentLocale, () => setTitle(router.currentRoute.value));

  setSessionExpiredHandler(() => {
    const auth = useAuthStore();
    auth.setUser(null);
    const current = router.currentRoute.value;
    // While the guard itself asks who the user is, it does the redirect.
    if (!auth.resolving && !current.meta.public) {
      void router.replace(loginLocation(current.fullPath));
    }
  });
}

function setTitle(route: RouteLocationNormalized): void {
  const app = translate('common.appName');
  const key = route.meta.titleKey;
  document.title = key ? `${translate(key)} · ${app}` : app;
}
