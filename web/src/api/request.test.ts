// The request pipeline against a scripted fetch: what it sends, how it unwraps, refreshes
// and gives up. (The real server is exercised by the browser tests.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { message } from 'ant-design-vue';
import { setLocale } from '@/locales';
import { client, unwrap } from './client';
import { ApiError, request, setSessionExpiredHandler } from './request';
import { clearSession, getSession, setSession } from './session';

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  language: string | null;
  body: unknown;
}

type Handler = (seen: Seen) => Response | Promise<Response>;

let seen: Seen[];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function ok(data: unknown): Response {
  return json(200, { code: 200, message: 'success', data, timestamp: '2025-01-01T00:00:00.000Z' });
}

function fail(status: number, code: string, text: string): Response {
  return json(status, { code, message: text, data: null, timestamp: '2025-01-01T00:00:00.000Z' });
}

function serve(handler: Handler): void {
  vi.stubGlobal('fetch', async (input: Request) => {
    const text = await input.text();
    const entry: Seen = {
      method: input.method,
      path: new URL(input.url).pathname,
      authorization: input.headers.get('authorization'),
      language: input.headers.get('accept-language'),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    seen.push(entry);
    return handler(entry);
  });
}

const tokens = {
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  accessExpiresAt: '2030-01-01T00:00:00Z',
};
const rotated = {
  accessToken: 'access-2',
  refreshToken: 'refresh-2',
  accessExpiresAt: '2030-01-01T00:15:00Z',
};

/** A server whose access tokens expire: only access-2 is valid; refresh-1 buys it. */
function expiringServer(refreshWorks = true): Handler {
  return (req) => {
    if (req.path === '/api/v1/auth/refresh') {
      return refreshWorks && (req.body as { refreshToken: string }).refreshToken === 'refresh-1'
        ? ok(rotated)
        : fail(401, 'UNAUTHORIZED', 'Authentication required');
    }
    return req.authorization === 'Bearer access-2'
      ? ok({ path: req.path })
      : fail(401, 'UNAUTHORIZED', 'Authentication required');
  };
}

let expired: ReturnType<typeof vi.fn<() => void>>;
let toasts: string[];

beforeEach(() => {
  seen = [];
  toasts = [];
  localStorage.clear();
  clearSession();
  setLocale('en-US');
  expired = vi.fn<() => void>();
  setSessionExpiredHandler(expired);
  vi.spyOn(message, 'error').mockImplementation((args) => {
    const content = typeof args === 'object' && args !== null && 'content' in args ? args.content : args;
    toasts.push(typeof content === 'string' ? content : '');
    return (() => undefined) as unknown as ReturnType<typeof message.error>;
  });
  vi.spyOn(message, 'warning').mockImplementation(
    () => (() => undefined) as unknown as ReturnType<typeof message.warning>,
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('request client', () => {
  it('sends the bearer token and the console language, and returns the envelope data', async () => {
    setSession(rotated);
    setLocale('zh-CN');
    serve(() => ok({ id: 7 }));
    await expect(request<{ id: number }>('/api/v1/things/7')).resolves.toEqual({ id: 7 });
    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/api/v1/things/7',
        authorization: 'Bearer access-2',
        language: 'zh-CN',
        body: undefined,
      },
    ]);
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    setSession(tokens);
    serve(expiringServer());
    await expect(request('/api/v1/things', { method: 'POST', body: { name: 'x' } })).resolves.toEqual({
      path: '/api/v1/things',
    });
    expect(seen.map((s) => `${s.method} ${s.path} ${s.authorization ?? '-'}`)).toEqual([
      'POST /api/v1/things Bearer access-1',
      'POST /api/v1/auth/refresh -',
      'POST /api/v1/things Bearer access-2',
    ]);
    expect(seen[2]?.body).toEqual({ name: 'x' });
    expect(getSession()).toEqual(rotated);
    expect(expired).not.toHaveBeenCalled();
  });

  it('shares one refresh between concurrent requests', async () => {
    setSession(tokens);
    serve(expiringServer());
    await Promise.all([request('/api/v1/a'), request('/api/v1/b'), request('/api/v1/c')]);
    expect(seen.filter((s) => s.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the refresh fails', async () => {
    setSession(tokens);
    serve(expiringServer(false));
    const error = await request('/api/v1/things').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(getSession()).toBeNull();
    expect(expired).toHaveBeenCalledOnce();
    expect(toasts).toEqual([]);
  });

  it('throws the server error code and toasts its localized message', async () => {
    setSession(rotated);
    serve(() => fail(409, 'CONFLICT', '数据冲突'));
    const error = (await request('/api/v1/things').catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('数据冲突');
    expect(toasts).toEqual(['数据冲突']);
  });

  it('keeps quiet about failures the caller shows itself', async () => {
    serve(() => fail(401, 'INVALID_CREDENTIALS', 'Wrong username or password'));
    const error = (await request('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'a', password: 'b' },
      auth: false,
      silent: true,
    }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(toasts).toEqual([]);
    expect(expired).not.toHaveBeenCalled();
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/auth/login']);
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const error = (await request('/api/v1/things').catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBe(0);
  });
});

describe('typed API client', () => {
  it('goes through the same pipeline: language, token and refresh', async () => {
    setSession(tokens);
    setLocale('zh-CN');
    serve(expiringServer());
    const data = await unwrap(client.GET('/api/v1/system/info'));
    expect(data).toEqual({ path: '/api/v1/system/info' });
    expect(seen.map((s) => `${s.path} ${s.language} ${s.authorization ?? '-'}`)).toEqual([
      '/api/v1/system/info zh-CN Bearer access-1',
      '/api/v1/auth/refresh zh-CN -',
      '/api/v1/system/info zh-CN Bearer access-2',
    ]);
  });
});
