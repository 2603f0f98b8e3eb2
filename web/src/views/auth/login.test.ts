// The login page against a scripted server speaking the identity contract: password step,
// MFA step, then /auth/me and back to where the user was going.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { Router } from 'vue-router';
import App from '@/App.vue';
import { getSession } from '@/api/session';
import { setLocale } from '@/locales';
import { useAuthStore } from '@/stores/auth';
import { makeUser, setupConsole } from '@/testing/setup';

// Signing in lands on the dashboard; its live charts and event stream are not this test's
// subject (and need a real layout engine), so the page is a stand-in here.
vi.mock('@/views/dashboard/index.vue', () => ({ default: { name: 'DashboardStub', render: () => null } }));

interface Call {
  path: string;
  body: unknown;
  authorization: string | null;
}

let calls: Call[];
let wrapper: VueWrapper | undefined;
let router: Router;

const me = makeUser({ username: 'alice', permissions: ['billing:bill:read'], mfaEnabled: true });
const session = {
  accessToken: 'access-9',
  refreshToken: 'refresh-9',
  accessExpiresAt: '2030-01-01T00:00:00Z',
};

function envelope(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ timestamp: '2025-01-01T00:00:00.000Z', ...body }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function serveIdentity(opts: { mfa: boolean }): void {
  vi.stubGlobal('fetch', async (req: Request) => {
    const text = await req.text();
    const body = text ? (JSON.parse(text) as Record<string, string>) : {};
    const path = new URL(req.url).pathname;
    calls.push({ path, body, authorization: req.headers.get('authorization') });
    const language = req.headers.get('accept-language');
    switch (path) {
      case '/api/v1/auth/login':
        if (body.password !== 'correct horse') {
          const text = language === 'zh-CN' ? '用户名或密码错误' : 'Wrong username or password';
          return envelope(401, { code: 'INVALID_CREDENTIALS', message: text, data: null });
        }
        return envelope(200, {
          code: 200,
          message: 'success',
          data: opts.mfa ? { mfaRequired: true, mfaToken: 'mfa-token-1' } : { ...session, user: me },
        });
      case '/api/v1/auth/login/mfa':
        return body.mfaToken === 'mfa-token-1' && body.code === '123456'
          ? envelope(200, { code: 200, message: 'success', data: { ...session, user: me } })
          : envelope(401, { code: 'MFA_CODE_INVALID', message: 'Invalid code', data: null });
      case '/api/v1/auth/me':
        return req.headers.get('authorization') === 'Bearer access-9'
          ? envelope(200, { code: 200, message: 'success', data: me })
          : envelope(401, { code: 'UNAUTHORIZED', message: 'Authentication required', data: null });
      default:
        return envelope(404, { code: 'ROUTE_NOT_FOUND', message: 'No such route', data: null });
    }
  });
}

async function openLogin(url: string): Promise<VueWrapper> {
  const console = setupConsole();
  router = console.router;
  await router.push(url);
  await router.isReady();
  wrapper = mount(App, { global: { plugins: console.plugins }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/** Polls until `check` holds, with a deadline: form validation and requests settle over several ticks. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await flushPromises();
}

async function submit(w: VueWrapper, button: string): Promise<void> {
  const form = w.find(`[data-testid="${button}"]`).element.closest('form');
  if (!form) {
    throw new Error(`${button} is not in a form`);
  }
  const before = calls.length;
  form.dispatchEvent(new Event('submit', { cancelable: true }));
  await until(() => calls.length > before, `a request after ${button}`);
  await until(
    () => !w.find(`[data-testid="${button}"]`).exists() || !w.find('.ant-btn-loading').exists(),
    'the form to settle',
  );
}

beforeEach(() => {
  calls = [];
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  vi.unstubAllGlobals();
});

describe('login page', () => {
  it('signs in with a password and goes to the page the user asked for', async () => {
    serveIdentity({ mfa: false });
    const w = await openLogin('/login?redirect=/profile');
    await w.find('input[autocomplete="username"]').setValue('alice');
    await w.find('input[autocomplete="current-password"]').setValue('correct horse');
    await submit(w, 'login-submit');

    expect(calls.map((c) => c.path)).toEqual(['/api/v1/auth/login', '/api/v1/auth/me']);
    expect(calls[0]?.body).toEqual({ username: 'alice', password: 'correct horse' });
    expect(calls[1]?.authorization).toBe('Bearer access-9');
    expect(getSession()).toEqual(session);
    expect(useAuthStore().user?.username).toBe('alice');
    expect(router.currentRoute.value.name).toBe('profile');
  });

  it('asks for the MFA code when the account requires it', async () => {
    serveIdentity({ mfa: true });
    const w = await openLogin('/login');
    await w.find('input[autocomplete="username"]').setValue('alice');
    await w.find('input[autocomplete="current-password"]').setValue('correct horse');
    await submit(w, 'login-submit');

    expect(w.find('[data-testid="login-title"]').text()).toBe('Two-step verification');
    expect(getSession()).toBeNull();

    await w.find('input[autocomplete="one-time-code"]').setValue('123456');
    await submit(w, 'mfa-submit');
    expect(calls.map((c) => c.path)).toEqual([
      '/api/v1/auth/login',
      '/api/v1/auth/login/mfa',
      '/api/v1/auth/me',
    ]);
    expect(calls[1]?.body).toEqual({ mfaToken: 'mfa-token-1', code: '123456' });
    expect(router.currentRoute.value.name).toBe('dashboard');
  });

  it("shows the server's message in the chosen language when the password is wrong", async () => {
    serveIdentity({ mfa: false });
    const w = await openLogin('/login');
    setLocale('zh-CN');
    await flushPromises();
    expect(w.find('[data-testid="login-title"]').text()).toBe('登录您的账号');
    await w.find('input[autocomplete="username"]').setValue('alice');
    await w.find('input[autocomplete="current-password"]').setValue('wrong');
    await submit(w, 'login-submit');

    expect(w.find('[data-testid="login-error"]').text()).toContain('用户名或密码错误');
    expect(router.currentRoute.value.name).toBe('login');
    expect(getSession()).toBeNull();
  });
});
