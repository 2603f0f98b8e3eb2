// HTTP routes of the suppression list and the opt-out keywords (MS-7).
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EnvelopeOf, PageOf, ok, paged } from '../../platform/http/envelope.js';
import { csvStream } from '../../platform/http/csv.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import type { SuppressionService } from './suppression.service.js';
import type { OptOutKeywordService } from './suppression.keywords.js';
import type { SuppressionView } from './suppression.schemas.js';
import * as S from './suppression.schemas.js';

export function registerSuppressionRoutes(
  app: FastifyInstance,
  suppressions: SuppressionService,
  keywords: OptOutKeywordService,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['messages'];

  r.get(
    '/api/v1/suppressions',
    {
      config: { permission: 'messages:suppression:read', auth: 'any' },
      schema: {
        tags,
        summary: "The enterprise's suppression list: numbers no SMS is sent to",
        querystring: S.SuppressionListQuery,
        response: { 200: PageOf(S.SuppressionSchema) },
      },
    },
    async (request) => {
      const page = await suppressions.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/suppressions',
    {
      config: { permission: 'messages:suppression:create', auth: 'any' },
      schema: {
        tags,
        summary: 'Add a number to the suppression list (with a reason)',
        body: S.CreateSuppressionBody,
        response: { 200: EnvelopeOf(S.SuppressionSchema) },
      },
    },
    async (request) => {
      const created = await suppressions.create(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.post(
    '/api/v1/suppressions/import',
    {
      config: { permission: 'messages:suppression:import' },
      schema: {
        tags,
        summary: 'Import numbers from CSV (number,reason); all or nothing, errors name the line',
        body: S.ImportSuppressionsBody,
        response: { 200: EnvelopeOf(S.ImportSuppressionsResult) },
      },
    },
    async (request) => ok(await suppressions.import(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/suppressions/export',
    {
      config: { permission: 'messages:suppression:read' },
      schema: {
        tags,
        summary: 'The suppression list as CSV (number,reason,source,createdAt,enterpriseId)',
        querystring: S.ExportSuppressionsQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const columns: Array<{ header: string; value: (row: SuppressionView) => unknown }> = [
        { header: 'number', value: (row) => row.number },
        { header: 'reason', value: (row) => row.reason },
        { header: 'source', value: (row) => row.source },
        { header: 'createdAt', value: (row) => row.createdAt },
        { header: 'enterpriseId', value: (row) => row.enterpriseId },
      ];
      void reply.header('content-type', 'text/csv; charset=utf-8');
      void reply.header(
        'content-disposition',
        `attachment; filename="suppressions-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
      return reply.send(
        csvStream(columns, suppressions.exportPages(authOf(request), request.query.enterpriseId)),
      );
    },
  );
  r.delete(
    '/api/v1/suppressions/:id',
    {
      config: { permission: 'messages:suppression:delete', auth: 'any', tenantResource: 'suppression' },
      schema: {
        tags,
        summary: 'Remove a number from the suppression list',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await suppressions.delete(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  r.get(
    '/api/v1/messages/opt-out-keywords',
    {
      config: { permission: 'messages:optout-keyword:read' },
      schema: {
        tags,
        summary: 'Opt-out and opt-in keywords per language (first word of an inbound message)',
        response: { 200: EnvelopeOf(Type.Array(S.OptOutKeywordSchema)) },
      },
    },
    async () => ok(await keywords.list()),
  );
  r.post(
    '/api/v1/messages/opt-out-keywords',
    {
      config: { permission: 'messages:optout-keyword:create' },
      schema: {
        tags,
        summary: 'Add an opt-out or opt-in keyword (platform staff)',
        body: S.CreateOptOutKeywordBody,
        response: { 200: EnvelopeOf(S.OptOutKeywordSchema) },
      },
    },
    async (request) => {
      const created = await keywords.create(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.delete(
    '/api/v1/messages/opt-out-keywords/:id',
    {
      config: { permission: 'messages:optout-keyword:delete' },
      schema: {
        tags,
        summary: 'Remove an opt-out or opt-in keyword (platform staff)',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await keywords.delete(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
}
