// The typed API client: paths, parameters and bodies come from schema.d.ts, generated from the
// server's OpenAPI document (`npm run gen:api -w web`), so a renamed route or field is a type
// error. Calls run through the request pipeline of `request.ts` (token, language, refresh on
// 401, error toast), and this file is the one place that maps the envelope: `unwrap` for
// `data`, `unwrapPage` / `unwrapCursor` for lists, `saveDownload` for files, and ApiError for
// every failure.
//
//   const info = await unwrap(client.GET('/api/v1/system/info'));
//   const page = await unwrapPage(client.GET('/api/v1/customers/senders', { params: { query } }));
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { apiFetch, toApiError } from './request';
import type { CursorPage, Page, PagePagination } from './types';

export const client = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? 'http://localhost',
  fetch: (request) => apiFetch(request),
});

/** Per-call `fetch` for calls whose failures the caller shows itself: `{ fetch: silentFetch }`. */
export const silentFetch = (request: Request): Promise<Response> => apiFetch(request, { silent: true });

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Success<O> = O extends { responses: infer R }
  ? R extends { 200: infer X }
    ? X
    : R extends { 201: infer X }
      ? X
      : never
  : never;

/** The envelope's `data` of an endpoint's success response. */
export type ApiData<P extends keyof paths, M extends Method = 'get'> =
  Json<Success<Operation<P, M>>> extends { data: infer D } ? D : never;
/** One row of a list endpoint. */
export type ApiItem<P extends keyof paths> = ApiData<P> extends Array<infer I> ? I : never;
/** The JSON body an endpoint accepts. */
export type ApiBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
/** The query parameters an endpoint accepts. */
export type ApiQuery<P extends keyof paths, M extends Method = 'get'> = NonNullable<
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never
>;

type Call<E> = Promise<{ data?: E; error?: unknown; response: Response }>;

async function envelopeOf<E>(call: Call<E>): Promise<E> {
  const { data, error, response } = await call;
  if (data === undefined) {
    throw toApiError(response, error);
  }
  return data;
}

/** The envelope's `data` of a successful call; throws ApiError with the server's code otherwise. */
export async function unwrap<E extends { data: unknown }>(call: Call<E>): Promise<E['data']> {
  return (await envelopeOf(call)).data;
}

/** A page-numbered list: rows and the server's pagination. */
export async function unwrapPage<E extends { data: unknown[]; pagination?: unknown }>(
  call: Call<E>,
): Promise<Page<E['data'][number]>> {
  const envelope = await envelopeOf(call);
  const items = envelope.data as Array<E['data'][number]>;
  const p = envelope.pagination as Partial<PagePagination> | undefined;
  return {
    items,
    pagination:
      p && typeof p.total === 'number'
        ? (p as PagePagination)
        : { page: 1, size: items.length, total: items.length, pages: 1 },
  };
}

/** A cursor-paged list: rows and the cursor of the next page (null on the last). */
export async function unwrapCursor<E extends { data: unknown[]; pagination?: unknown }>(
  call: Call<E>,
): Promise<CursorPage<E['data'][number]>> {
  const envelope = await envelopeOf(call);
  const p = envelope.pagination as { nextCursor?: string | null } | undefined;
  return { items: envelope.data, nextCursor: p?.nextCursor ?? null };
}

/**
 * Saves a file the API answers with (call it with `parseAs: 'blob'`): fetched through the
 * pipeline, since a plain link cannot carry the token, then saved from a blob link.
 */
export async function saveDownload(call: Call<unknown>, fallbackName: string): Promise<void> {
  const { data, error, response } = await call;
  if (!response.ok || !(data instanceof Blob)) {
    throw toApiError(response, error);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(data);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Give the browser a moment to start the download before the URL goes away.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
