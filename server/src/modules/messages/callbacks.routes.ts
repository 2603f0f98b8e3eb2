// HTTP routes of customer callbacks (MS-8) under /api/v1/callbacks: the outbox with filters,
// the delivery log of one callback, and manual re-send. Routes declare and delegate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CursorPageOf, EnvelopeOf, cursorPaged, ok } from '../../platform/http/envelope.js';
import { IdParams } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import type { CallbackService } from './callbacks.service.js';
import type { SendingAccountService } from '../customers/index.js';
import * as S from './callbacks.schemas.js';

async function optionalBody(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

export function registerCallbackRoutes(
  app: FastifyInstance,
  callbacks: CallbackService,
  sendingAccounts: SendingAccountService,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['callbacks'];

  r.get(
    '/api/v1/callbacks',
    {
      config: { permission: 'messages:callback:read' },
      schema: {
        tags,
        summary: 'Status and inbound callbacks to your URLs, newest first (cursor pagination)',
        querystring: S.CallbackListQuery,
        response: { 200: CursorPageOf(S.CallbackSchema) },
      },
    },
    async (request) => {
      const page = await callbacks.list(authOf(request), request.query);
      return cursorPaged(page.items, page.pagination);
    },
  );
  r.get(
    '/api/v1/callbacks/:id',
    {
      config: { permission: 'messages:callback:read', tenantResource: 'callback' },
      schema: {
        tags,
        summary: 'One callback',
        params: IdParams,
        response: { 200: EnvelopeOf(S.CallbackSchema) },
      },
    },
    async (request) => ok(await callbacks.get(authOf(request), request.params.id)),
  );
  r.get(
    '/api/v1/callbacks/:id/attempts',
    {
      config: { permission: 'messages:callback:read', tenantResource: 'callback' },
      schema: {
        tags,
        summary: 'Delivery log of one callback: every attempt with response code, latency and error',
        params: IdParams,
        response: { 200: EnvelopeOf(Type.Array(S.CallbackAttemptSchema)) },
      },
    },
    async (request) => ok(await callbacks.attempts(authOf(request), request.params.id)),
  );
  r.post(
    '/api/v1/callbacks/:id/resend',
    {
      config: { permission: 'messages:callback:resend', tenantResource: 'callback' },
      preValidation: optionalBody,
      schema: {
        tags,
        summary: 'Send a callback again now (any status), with a new 24-hour retry window',
        params: IdParams,
        response: { 200: EnvelopeOf(S.CallbackSchema) },
      },
    },
    async (request) => ok(await callbacks.resend(authOf(request), request.params.id)),
  );
  r.get(
    '/api/v1/callbacks/accounts/:id/secret',
    {
      config: { permission: 'messages:callback:secret', tenantResource: 'sending_account' },
      schema: {
        tags,
        summary:
          "The sending account's callback signing secret (HMAC-SHA256 key of X-Pigeon-Signature; see the README's Callbacks section)",
        params: IdParams,
        response: { 200: EnvelopeOf(S.CallbackSecretSchema) },
      },
    },
    async (request) => {
      const account = await sendingAccounts.load(authOf(request), request.params.id);
      return ok({ sendingAccountId: account.id, secret: account.callback_secret });
    },
  );
}
