// Template endpoints (MS-9) as the console pages call them. Types come from the generated
// OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import {
  client,
  silentFetch,
  unwrap,
  unwrapPage,
  type ApiBody,
  type ApiData,
  type ApiQuery,
} from '@/api/client';

export type Template = ApiData<'/api/v1/templates/{id}'>;
export type TemplateVariant = Template['variants'][number];
export type TemplateVariable = Template['variables'][number];
export type TemplateQuery = ApiQuery<'/api/v1/templates'>;
export type CreateTemplateBody = ApiBody<'/api/v1/templates', 'post'>;
export type UpdateTemplateBody = ApiBody<'/api/v1/templates/{id}', 'patch'>;
export type PreviewDraftBody = ApiBody<'/api/v1/templates/preview', 'post'>;
export type TemplatePreview = ApiData<'/api/v1/templates/preview', 'post'>;

export const TEMPLATE_CHANNELS = ['sms', 'email'] as const;
export const TEMPLATE_STATUSES = ['draft', 'pending_review', 'approved', 'rejected'] as const;

const id = (value: string) => ({ params: { path: { id: value } } });

export const templatesApi = {
  list: (query: TemplateQuery) => unwrapPage(client.GET('/api/v1/templates', { params: { query } })),
  get: (value: string) => unwrap(client.GET('/api/v1/templates/{id}', id(value))),
  create: (body: CreateTemplateBody) => unwrap(client.POST('/api/v1/templates', { body })),
  update: (value: string, body: UpdateTemplateBody) =>
    unwrap(client.PATCH('/api/v1/templates/{id}', { ...id(value), body })),
  remove: (value: string) => unwrap(client.DELETE('/api/v1/templates/{id}', id(value))),
  submit: (value: string) => unwrap(client.POST('/api/v1/templates/{id}/submit', id(value))),
  approve: (value: string, note?: string) =>
    unwrap(client.POST('/api/v1/templates/{id}/approve', { ...id(value), body: note ? { note } : {} })),
  reject: (value: string, note?: string) =>
    unwrap(client.POST('/api/v1/templates/{id}/reject', { ...id(value), body: note ? { note } : {} })),
  /** The live preview shows its own errors inline, so failures are not toasted. */
  previewDraft: (body: PreviewDraftBody, opts: { signal?: AbortSignal } = {}) =>
    unwrap(client.POST('/api/v1/templates/preview', { body, fetch: silentFetch, ...opts })),
};
