// The console's one way to call the API (after vue-vben-admin's request client): every
// call gets the bearer token and the console's language, a 401 triggers one token refresh
// and one retry, failures show the server's (already localized) message, and a session
// that cannot be refreshed sends the user to the login page. `client.ts` runs the typed
// OpenAPI client through the same `apiFetch`.
import { message } from 'ant-design-vue';
import { currentLocale, translate } from '@/locales';
import { clearSession, getSession, setSession, type SessionTokens } from './session';
import { isErrorEnvelope, type Envelope, type FieldError } from './types';

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The server's stable error code, e.g. `VALIDATION_FAILED`. */
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface FetchOptions {
  /** Do not toast failures: the caller shows them (e.g. inline on a form). */
  silent?: boolean;
  /** Send the access token and refresh it on 401 (default true); off for login and refresh. */
  auth?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions extends FetchOptions {
  method?: HttpMethod;
  query?: Record<string, QueryValue | QueryValue[]>;
  body?: unknown;
  signal?: AbortSignal;
}

let sessionExpiredHandler: () => void = () => undefined;

/** What to do when the session is gone for good; the router installs "go to the login page". */
export function setSessionExpiredHandler(handler: () => void): void {
  sessionExpiredHandler = handler;
}

/** Absolute URL for an API path, so the client works the same in the browser and in tests. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const url = new URL(path, globalThis.location?.origin ?? 'http://localhost');
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') {
        url.searchParams.append(key, String(v));
      }
    }
  }
  return url.toString();
}

/**
 * Sends one request through the pipeline and returns the server's response, failed or not.
 * Throws ApiError only when the server cannot be reached.
 */
export async function apiFetch(request: Request, opts: FetchOptions = {}): Promise<Response> {
  const auth = opts.auth ?? true;
  const retry = auth ? request.clone() : null;
  const sentWith = auth ? getSession()?.accessToken : undefined;
  let response = await send(request, auth, opts.silent === true);

  if (response.status === 401 && retry) {
    // Another request may have refreshed the token while this one was in flight.
    const current = getSession()?.accessToken;
    const renewed = current !== undefined && current !== sentWith ? true : await refreshSession();
    if (renewed) {
      response = await send(retry, auth, opts.silent === true);
    }
    if (response.status === 401) {
      expireSession();
      return response;
    }
  }
  if (!response.ok && opts.silent !== true) {
    await toastError(response);
  }
  return response;
}

/** Calls the API and returns the envelope's `data`; throws ApiError on failure. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const envelope = await requestEnvelope<T>(path, opts);
  return envelope.data;
}

/** Like `request` but returns the whole envelope, for lists that carry `pagination`. */
export async function requestEnvelope<T>(path: string, opts: RequestOptions = {}): Promise<Envelope<T>> {
  const headers = new Headers({ accept: 'application/json' });
  if (opts.body !== undefined) {
    headers.set('content-type', 'application/json');
  }
  const req = new Request(apiUrl(path, opts.query), {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  const response = await apiFetch(req, opts);
  const body = await readJson(response);
  if (!response.ok) {
    throw toApiError(response, body);
  }
  return (body ?? { code: response.status, message: '', data: undefined, timestamp: '' }) as Envelope<T>;
}

/** The ApiError a failed response stands for. */
export function toApiError(response: Response, body: unknown): ApiError {
  if (isErrorEnvelope(body)) {
    return new ApiError(response.status, String(body.code), body.message, body.errors ?? [], body.requestId);
  }
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    translate('common.error.http', { status: response.status }),
  );
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh token for new tokens; concurrent callers share one exchange. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= exchangeRefreshToken().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function exchangeRefreshToken(): Promise<boolean> {
  const session = getSession();
  if (!session) {
    return false;
  }
  try {
    const response = await send(
      new Request(apiUrl('/api/v1/auth/refresh'), {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      }),
      false,
      true,
    );
    if (!response.ok) {
      return false;
    }
    const body = (await readJson(response)) as Envelope<SessionTokens> | null;
    if (!body?.data?.accessToken || !body.data.refreshToken) {
      return false;
    }
    setSession({
      accessToken: body.data.accessToken,
      refreshToken: body.data.refreshToken,
      accessExpiresAt: body.data.accessExpiresAt,
    });
    return true;
  } catch {
    return false;
  }
}

async function send(request: Request, auth: boolean, silent: boolean): Promise<Response> {
  request.headers.set('accept-language', currentLocale.value);
  const token = auth ? getSession()?.accessToken : undefined;
  if (token) {
    request.headers.set('authorization', `Bearer ${token}`);
  } else {
    request.headers.delete('authorization');
  }
  try {
    return await fetch(request);
  } catch (cause) {
    if (request.signal.aborted) {
      throw cause;
    }
    const text = translate('common.error.network');
    if (!silent) {
      void message.error({ content: text, key: 'network-error' });
    }
    throw new ApiError(0, 'NETWORK_ERROR', text);
  }
}

function expireSession(): void {
  if (getSession() !== null) {
    clearSession();
    void message.warning({ content: translate('common.error.sessionExpired'), key: 'session-expired' });
  }
  sessionExpiredHandler();
}

async function toastError(response: Response): Promise<void> {
  const error = toApiError(response, await readJson(response.clone()));
  // The same failure from several requests at once shows one toast.
  void message.error({ content: error.message, key: `${error.code}:${error.message}` });
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) {
    return null;
  }
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}
