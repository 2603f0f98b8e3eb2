// Template endpoints (MS-9) as the console pages call them. Types come from the generated
// OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import { request, requestEnvelope, type FetchOptions } from '@/api/request';
import type { paths } from '@/api/schema';
import type { PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post' | 'patch'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;
type BodyOf<P extends keyof paths, M extends 'post' | 'patch'> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type Template = DataOf<'/api/v1/templates/{id}', 'get'>;
export type TemplateVariant = Template['variants'][number];
export type TemplateVariable = Template['variables'][number];
export type TemplateQuery = NonNullable<paths['/api/v1/templates']['get']['parameters']['query']>;
export type CreateTemplateBody = BodyOf<'/api/v1/templates', 'post'>;
export type UpdateTemplateBody = BodyOf<'/api/v1/templates/{id}', 'patch'>;
export type PreviewDraftBody = BodyOf<'/api/v1/templates/preview', 'post'>;
export type TemplatePreview = DataOf<'/api/v1/templates/preview', 'post'>;

export const TEMPLATE_CHANNELS = ['sms', 'email'] as const;
export const TEMPLATE_STATUSES = ['draft', 'pending_review', 'approved', 'rejected'] as const;

const base = '/api/v1/templates';

export const templatesApi = {
  list: async (query: TemplateQuery): Promise<{ items: Template[]; pagination: PagePagination }> => {
    const envelope = await requestEnvelope<Template[]>(base, { query });
    return {
      items: envelope.data,
      pagination: (envelope.pagination as PagePagination | undefined) ?? {
        page: 1,
        size: envelope.data.length,
        total: envelope.data.length,
        pages: 1,
      },
    };
  },
  get: (id: string) => request<Template>(`${base}/${id}`),
  create: (body: CreateTemplateBody) => request<Template>(base, { method: 'POST', body }),
  update: (id: string, body: UpdateTemplateBody) =>
    request<Template>(`${base}/${id}`, { method: 'PATCH', body }),
  remove: (id: string) => request<unknown>(`${base}/${id}`, { method: 'DELETE' }),
  submit: (id: string) => request<Template>(`${base}/${id}/submit`, { method: 'POST', body: {} }),
  approve: (id: string, note?: string) =>
    request<Template>(`${base}/${id}/approve`, { method: 'POST', body: note ? { note } : {} }),
  reject: (id: string, note?: string) =>
    request<Template>(`${base}/${id}/reject`, { method: 'POST', body: note ? { note } : {} }),
  /** The live preview shows its own errors inline, so failures are not toasted. */
  previewDraft: (body: PreviewDraftBody, opts: FetchOptions & { signal?: AbortSignal } = {}) =>
    request<TemplatePreview>(`${base}/preview`, { method: 'POST', body, silent: true, ...opts }),
};
