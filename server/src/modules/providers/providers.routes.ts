// HTTP routes of the providers module under /api/v1/providers (DL-1, DL-4, DL-5): provider
// CRUD, enable/disable, unfreeze, status log, costs per country and the operator's test send.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CursorPageOf, EnvelopeOf, PageOf, cursorPaged, ok, paged } from '../../platform/http/envelope.js';
import { CursorQuery, PageQuery } from '../../platform/http/pagination.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import type { ProviderService } from './providers.service.js';
import * as S from './providers.schemas.js';

const ReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export function registerProviderRoutes(app: FastifyInstance, s: ProviderService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['providers'];

  r.get(
    '/api/v1/providers',
    {
      config: { permission: 'providers:provider:read' },
      schema: {
        tags,
        summary: 'List providers with their health and freeze state',
        querystring: S.ProviderListQuery,
        response: { 200: PageOf(S.ProviderView) },
      },
    },
    async (request) => {
      const page = await s.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/providers',
    {
      config: { permission: 'providers:provider:create' },
      schema: {
        tags,
        summary: 'Create a provider',
        description: 'Secrets in the settings (passwords, secretVariables) are stored and never returned.',
        body: S.ProviderCreate,
        response: { 200: EnvelopeOf(S.ProviderView) },
      },
    },
    async (request) => ok(await s.create(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/providers/:id',
    {
      config: { permission: 'providers:provider:read' },
      schema: {
        tags,
        summary: 'One provider',
        params: IdParams,
        response: { 200: EnvelopeOf(S.ProviderView) },
      },
    },
    async (request) => ok(await s.get(authOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/providers/:id',
    {
      config: { permission: 'providers:provider:update' },
      schema: {
        tags,
        summary: 'Update a provider',
        description: 'Settings replace the stored ones, except secrets left out, which are kept.',
        params: IdParams,
        body: S.ProviderUpdate,
        response: { 200: EnvelopeOf(S.ProviderView) },
      },
    },
    async (request) => ok(await s.update(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/providers/:id',
    {
      config: { permission: 'providers:provider:delete' },
      schema: { tags, summary: 'Delete a provider', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await s.remove(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  for (const action of ['enable', 'disable'] as const) {
    r.post(
      `/api/v1/providers/:id/${action}`,
      {
        config: { permission: 'providers:provider:update' },
        schema: {
          tags,
          summary: action === 'enable' ? 'Put a provider in service' : 'Take a provider out of service',
          params: IdParams,
          body: ReasonBody,
          response: { 200: EnvelopeOf(S.ProviderView) },
        },
      },
      async (request) =>
        ok(
          await s.setEnabled(
            authOf(request),
            request.params.id,
            action === 'enable',
            request.body.reason || `${action}d by an operator`,
          ),
        ),
    );
  }
  r.post(
    '/api/v1/providers/:id/unfreeze',
    {
      config: { permission: 'providers:provider:unfreeze' },
      schema: {
        tags,
        summary: 'Unfreeze a provider frozen after consecutive failures (DL-5)',
        params: IdParams,
        body: S.UnfreezeBody,
        response: { 200: EnvelopeOf(S.ProviderView) },
      },
    },
    async (request) => ok(await s.unfreeze(authOf(request), request.params.id, request.body.reason)),
  );
  r.get(
    '/api/v1/providers/:id/status-logs',
    {
      config: { permission: 'providers:provider:read' },
      schema: {
        tags,
        summary: 'State changes of a provider, newest first',
        params: IdParams,
        querystring: CursorQuery,
        response: { 200: CursorPageOf(S.StatusLogView) },
      },
    },
    async (request) => {
      const page = await s.statusLogs(authOf(request), request.params.id, request.query);
      return cursorPaged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/providers/:id/test-send',
    {
      config: { permission: 'providers:provider:test-send' },
      schema: {
        tags,
        summary: "Send one message directly through the provider's connector",
        description: 'SMS providers take `text`; e-mail providers take `subject` and `body`.',
        params: IdParams,
        body: S.TestSendBody,
        response: { 200: EnvelopeOf(S.TestSendResult) },
      },
    },
    async (request) => ok(await s.testSend(authOf(request), request.params.id, request.body)),
  );

  // --- costs --------------------------------------------------------------------------------
  r.get(
    '/api/v1/providers/:id/costs',
    {
      config: { permission: 'providers:cost:read' },
      schema: {
        tags,
        summary: 'Costs of a provider per destination country',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: PageOf(S.ProviderCostView) },
      },
    },
    async (request) => {
      const page = await s.listCosts(authOf(request), request.params.id, request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/providers/:id/costs',
    {
      config: { permission: 'providers:cost:create' },
      schema: {
        tags,
        summary: 'Add the cost of a destination country',
        params: IdParams,
        body: S.ProviderCostInput,
        response: { 200: EnvelopeOf(S.ProviderCostView) },
      },
    },
    async (request) => ok(await s.createCost(authOf(request), request.params.id, request.body)),
  );
  r.patch(
    '/api/v1/providers/:id/costs/:costId',
    {
      config: { permission: 'providers:cost:update' },
      schema: {
        tags,
        summary: 'Change the cost of a destination country',
        params: S.CostParams,
        body: S.ProviderCostUpdate,
        response: { 200: EnvelopeOf(S.ProviderCostView) },
      },
    },
    async (request) => {
      request.auditTarget = request.params.costId;
      return ok(await s.updateCost(authOf(request), request.params.id, request.params.costId, request.body));
    },
  );
  r.delete(
    '/api/v1/providers/:id/costs/:costId',
    {
      config: { permission: 'providers:cost:delete' },
      schema: {
        tags,
        summary: 'Remove the cost of a country',
        params: S.CostParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      request.auditTarget = request.params.costId;
      await s.removeCost(authOf(request), request.params.id, request.params.costId);
      return ok({ done: true });
    },
  );
}
