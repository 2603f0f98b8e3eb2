// The typed API client: paths and schemas come from schema.d.ts, generated from the
// server's OpenAPI document (`npm run gen:api -w web`). Calls run through the same
// pipeline as `request()` — token, language, refresh on 401, error toast.
//
//   const info = await unwrap(client.GET('/api/v1/system/info'));
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { apiFetch, toApiError } from './request';

export const client = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? 'http://localhost',
  fetch: (request) => apiFetch(request),
});

/** Per-call `fetch` for calls whose failures the caller shows itself: `{ fetch: silentFetch }`. */
export const silentFetch = (request: Request): Promise<Response> => apiFetch(request, { silent: true });

/** The envelope's `data` of a successful call; throws ApiError with the server's code otherwise. */
export async function unwrap<E extends { data: unknown }>(
  call: Promise<{ data?: E; error?: unknown; response: Response }>,
): Promise<E['data']> {
  const { data, error, response } = await call;
  if (data === undefined) {
    throw toApiError(response, error);
  }
  return data.data;
}
