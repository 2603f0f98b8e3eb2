import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import type { RouteRecordRaw, Router } from 'vue-router';
import { makeUser, setupConsole, signIn } from '@/testing/setup';
import { redirectTarget } from './guard';

const Page = defineComponent({ render: () => null });

const pages: RouteRecordRaw[] = [
  { path: '', name: 'dashboard', component: Page, meta: { titleKey: 'dashboard.title' } },
  {
    path: 'billing',
    name: 'billing',
    component: Page,
    meta: { titleKey: 'dashboard.title', permission: 'billing:bill:read' },
  },
];

let router: Router;

beforeEach(() => {
  router = setupConsole(pages).router;
});

describe('route guard', () => {
  it('sends a signed-out visitor to the login page and remembers where they were going', async () => {
    await router.push('/billing?tab=bills');
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.currentRoute.value.query.redirect).toBe('/billing?tab=bills');
  });

  it('sends a signed-out visitor at the root to the login page without a redirect', async () => {
    await router.push('/');
    expect(router.currentRoute.value.fullPath).toBe('/login');
  });

  it('shows the 403 page for a route whose permission the user lacks', async () => {
    signIn(makeUser({ permissions: [] }));
    await router.push('/billing');
    expect(router.currentRoute.value.name).toBe('forbidden');
  });

  it('opens a route whose permission the user holds', async () => {
    signIn(makeUser({ permissions: ['billing:bill:read'] }));
    await router.push('/billing');
    expect(router.currentRoute.value.name).toBe('billing');
  });

  it('shows the 404 page for an unknown path, signed in or not', async () => {
    await router.push('/no/such/page');
    expect(router.currentRoute.value.name).toBe('not-found');
  });

  it('sends a signed-in user away from the login page to the redirect target', async () => {
    signIn(makeUser({ permissions: ['billing:bill:read'] }));
    await router.push('/login?redirect=/billing');
    expect(router.currentRoute.value.name).toBe('billing');
  });

  it('titles the browser tab with the page in the current language', async () => {
    await router.push('/no/such/page');
    expect(document.title).toBe('Page not found · Pigeon');
  });
});

describe('redirect target after sign-in', () => {
  it('accepts only paths inside the console', () => {
    expect(redirectTarget('/billing?tab=1')).toBe('/billing?tab=1');
    expect(redirectTarget(['/customers'])).toBe('/customers');
    expect(redirectTarget('https://evil.example/')).toBe('/');
    expect(redirectTarget('//evil.example/')).toBe('/');
    expect(redirectTarget(undefined)).toBe('/');
  });
});
