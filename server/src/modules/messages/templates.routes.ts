// HTTP routes of message templates (MS-9) under /api/v1/templates: CRUD, submit for review,
// approve/reject (staff), and previews. Routes declare and delegate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EnvelopeOf, PageOf, ok, paged } from '../../platform/http/envelope.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import type { TemplateService } from './templates.service.js';
import * as S from './templates.schemas.js';

/** Lets a command with only optional fields be posted without a body. */
async function optionalBody(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

export function registerTemplateRoutes(app: FastifyInstance, templates: TemplateService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['templates'];

  r.get(
    '/api/v1/templates',
    {
      config: { permission: 'messages:template:read' },
      schema: {
        tags,
        summary: "List templates: the enterprise's own and the predefined system templates",
        querystring: S.TemplateListQuery,
        response: { 200: PageOf(S.TemplateSchema) },
      },
    },
    async (request) => {
      const page = await templates.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/templates',
    {
      config: { permission: 'messages:template:create' },
      schema: {
        tags,
        summary:
          'Create a template (draft). Variants are Liquid texts; variables they use are detected. Staff without enterpriseId create a system template',
        body: S.CreateTemplateBody,
        response: { 200: EnvelopeOf(S.TemplateSchema) },
      },
    },
    async (request) => {
      const created = await templates.create(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.post(
    '/api/v1/templates/preview',
    {
      config: { permission: 'messages:template:read' },
      schema: {
        tags,
        summary:
          'Render unsaved template text with sample variables: the text, encoding and SMS segment count (422 names a missing variable)',
        body: S.PreviewDraftBody,
        response: { 200: EnvelopeOf(S.TemplatePreviewSchema) },
      },
    },
    async (request) => ok(await templates.previewDraft(request.body)),
  );
  r.get(
    '/api/v1/templates/:id',
    {
      config: { permission: 'messages:template:read', tenantResource: 'template' },
      schema: {
        tags,
        summary: 'One template',
        params: IdParams,
        response: { 200: EnvelopeOf(S.TemplateSchema) },
      },
    },
    async (request) => ok(await templates.get(authOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/templates/:id',
    {
      config: { permission: 'messages:template:update', tenantResource: 'template' },
      schema: {
        tags,
        summary: 'Update a template; changing its text sends it back to draft (approve again before use)',
        params: IdParams,
        body: S.UpdateTemplateBody,
        response: { 200: EnvelopeOf(S.TemplateSchema) },
      },
    },
    async (request) => ok(await templates.update(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/templates/:id',
    {
      config: { permission: 'messages:template:delete', tenantResource: 'template' },
      schema: { tags, summary: 'Delete a template', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await templates.delete(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  r.post(
    '/api/v1/templates/:id/submit',
    {
      config: { permission: 'messages:template:update', tenantResource: 'template' },
      preValidation: optionalBody,
      schema: {
        tags,
        summary: 'Submit a draft or rejected template for review (pending_review)',
        params: IdParams,
        response: { 200: EnvelopeOf(S.TemplateSchema) },
      },
    },
    async (request) => ok(await templates.submit(authOf(request), request.params.id)),
  );
  for (const [action, status] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    r.post(
      `/api/v1/templates/:id/${action}`,
      {
        config: { permission: 'messages:template:approve', tenantResource: 'template' },
        preValidation: optionalBody,
        schema: {
          tags,
          summary:
            action === 'approve'
              ? 'Approve a template (staff): only approved templates can be sent'
              : 'Reject a template (staff), with a note',
          params: IdParams,
          body: S.ReviewTemplateBody,
          response: { 200: EnvelopeOf(S.TemplateSchema) },
        },
      },
      async (request) =>
        ok(await templates.review(authOf(request), request.params.id, status, request.body.note)),
    );
  }
  r.post(
    '/api/v1/templates/:id/preview',
    {
      config: { permission: 'messages:template:read', tenantResource: 'template' },
      preValidation: optionalBody,
      schema: {
        tags,
        summary:
          'Render a template with sample variables (declared samples fill the rest); `language` or variables.language picks the variant',
        params: IdParams,
        body: S.PreviewTemplateBody,
        response: { 200: EnvelopeOf(S.TemplatePreviewSchema) },
      },
    },
    async (request) => ok(await templates.preview(authOf(request), request.params.id, request.body)),
  );
}
