// Builds the console's plugins for a component test: a fresh Pinia, a router on memory
// history with the given pages under the layout, the shared i18n instance and Ant Design.
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, type RouteRecordRaw, type Router } from 'vue-router';
import type { Plugin } from 'vue';
import Antd from 'ant-design-vue';
import type { CurrentUser } from '@/api/auth';
import { clearSession, setSession } from '@/api/session';
import { i18n, setLocale } from '@/locales';
import { createAppRouter } from '@/router';
import { useAuthStore } from '@/stores/auth';

export interface TestConsole {
  pinia: Pinia;
  router: Router;
  plugins: Plugin[];
}

export function setupConsole(pages?: RouteRecordRaw[]): TestConsole {
  localStorage.clear();
  clearSession();
  setLocale('en-US');
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createAppRouter(createMemoryHistory(), pages);
  return { pinia, router, plugins: [pinia, i18n, router, Antd] };
}

export function makeUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return {
    id: '0190a6c0-0000-7000-8000-000000000001',
    username: 'alice',
    displayName: 'Alice Admin',
    userType: 'staff',
    enterpriseId: null,
    permissions: [],
    roles: ['operator'],
    mfaEnabled: false,
    ...overrides,
  };
}

/** Signs a user in locally (tokens and /auth/me already known), without a server. */
export function signIn(user: CurrentUser): void {
  setSession({ accessToken: 'access-1', refreshToken: 'refresh-1', accessExpiresAt: '2030-01-01T00:00:00Z' });
  useAuthStore().setUser(user);
}
