// HTTP routes of the send API and the message store under /api/v1/messages, and the delivery
// queues under /api/v1/delivery. Routes only declare and delegate.
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CursorPageOf, EnvelopeOf, cursorPaged, ok, requestLocale } from '../../platform/http/envelope.js';
import { IdParams } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../context.js';
import type { DeliveryControl } from '../../delivery/ports.js';
import type { MessageService } from './messages.service.js';
import * as S from './messages.schemas.js';

function idempotencyKey(request: FastifyRequest): string | undefined {
  const v = request.headers['idempotency-key'];
  return typeof v === 'string' ? v : undefined;
}

export function registerMessagesRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  s: MessageService,
  engine: DeliveryControl,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['messages'];
  const headers = Type.Object({
    'idempotency-key': Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Same key and body within 24 h → the same response, no second message or charge',
      }),
    ),
  });

  // The message rows are the record of a send: no operation-log entry per message.
  r.post(
    '/api/v1/messages',
    {
      config: { permission: 'messages:message:send', auth: 'any', audit: false },
      schema: {
        tags,
        summary: 'Send one message (SMS or e-mail)',
        headers,
        body: S.SendBody,
        response: { 201: EnvelopeOf(S.AcceptedSchema) },
      },
    },
    async (request, reply) => {
      const accepted = await s.sendOne(authOf(request), request.body, {
        locale: requestLocale(request),
        path: 'single',
        ...(idempotencyKey(request) !== undefined ? { idempotencyKey: idempotencyKey(request) } : {}),
      });
      return reply.code(201).send(ok(accepted, 201));
    },
  );

  r.post(
    '/api/v1/messages/batch',
    {
      config: { permission: 'messages:message:send', auth: 'any', audit: false },
      schema: {
        tags,
        summary: 'Send up to 10 000 messages; each is accepted or rejected on its own',
        headers,
        body: S.BatchBody,
        response: { 200: EnvelopeOf(S.BatchResultSchema) },
      },
    },
    async (request) => {
      const results = await s.send(authOf(request), request.body.sendingAccountId, request.body.messages, {
        locale: requestLocale(request),
        path: 'batch',
        ...(idempotencyKey(request) !== undefined ? { idempotencyKey: idempotencyKey(request) } : {}),
      });
      let accepted = 0;
      const out = results.map((res, index) => {
        if (res.ok) {
          accepted++;
          return {
            index,
            accepted: true,
            id: res.id,
            status: res.status,
            to: res.to,
            segments: res.segments,
            price: res.price,
            clientRef: res.clientRef,
          };
        }
        return {
          index,
          accepted: false,
          code: res.code,
          reason: res.reason,
          message: res.message,
          ...(res.field !== undefined ? { field: res.field } : {}),
        };
      });
      return ok({ accepted, rejected: results.length - accepted, results: out });
    },
  );

  r.post(
    '/api/v1/messages/quote',
    {
      config: { permission: 'messages:message:quote', auth: 'any', audit: false },
      schema: {
        tags,
        summary: 'Segments, encoding and price of a message, without sending it',
        body: S.SendBody,
        response: { 200: EnvelopeOf(S.QuoteSchema) },
      },
    },
    async (request) => ok(await s.quote(authOf(request), request.body)),
  );

  r.get(
    '/api/v1/messages/outbox',
    {
      config: { permission: 'messages:message:read', auth: 'any' },
      schema: {
        tags,
        summary: 'Sent messages, newest first, with filters (cursor pagination)',
        querystring: S.OutboxQuery,
        response: { 200: CursorPageOf(S.MessageSchema) },
      },
    },
    async (request) => {
      const page = await s.outbox(authOf(request), request.query);
      return cursorPaged(page.items, page.pagination);
    },
  );

  r.get(
    '/api/v1/messages/:id',
    {
      config: { permission: 'messages:message:read', auth: 'any', tenantResource: 'message' },
      schema: {
        tags,
        summary: 'One message with its timeline, attempts and parts',
        params: IdParams,
        response: { 200: EnvelopeOf(S.MessageDetailSchema) },
      },
    },
    async (request) => ok(await s.detail(authOf(request), request.params.id)),
  );

  r.get(
    '/api/v1/messages/:id/status',
    {
      config: { permission: 'messages:message:read', auth: 'any', tenantResource: 'message' },
      schema: {
        tags,
        summary: 'The status of one message',
        params: IdParams,
        response: { 200: EnvelopeOf(S.StatusSchema) },
      },
    },
    async (request) => ok(await s.status(authOf(request), request.params.id)),
  );

  r.post(
    '/api/v1/messages/:id/cancel',
    {
      config: { permission: 'messages:message:cancel', auth: 'any', tenantResource: 'message' },
      schema: {
        tags,
        summary: 'Cancel a scheduled or queued message (refunded)',
        params: IdParams,
        response: { 200: EnvelopeOf(S.MessageSchema) },
      },
    },
    async (request) => ok(await s.cancel(authOf(request), request.params.id)),
  );

  // --- delivery queues (operators) -----------------------------------------------------------
  const queueView = async () => {
    const names = new Map<string, string>();
    const rows = await ctx.db.selectFrom('providers').select(['id', 'name']).execute();
    for (const p of rows) {
      names.set(p.id, p.name);
    }
    return engine.queues().map((q) => ({ ...q, providerName: names.get(q.providerId) ?? null }));
  };
  r.get(
    '/api/v1/delivery/queues',
    {
      config: { permission: 'monitoring:queue:read' },
      schema: {
        tags: ['delivery'],
        summary: 'Queued and in-flight messages per provider',
        response: { 200: EnvelopeOf(Type.Array(S.QueueStateSchema)) },
      },
    },
    async () => ok(await queueView()),
  );
  for (const action of ['pause', 'resume'] as const) {
    r.post(
      `/api/v1/delivery/queues/:id/${action}`,
      {
        config: { permission: 'monitoring:queue:update' },
        schema: {
          tags: ['delivery'],
          summary:
            action === 'pause' ? 'Stop sending from a provider queue' : 'Resume a paused provider queue',
          params: IdParams,
          response: { 200: EnvelopeOf(Type.Array(S.QueueStateSchema)) },
        },
      },
      async (request) => {
        if (action === 'pause') {
          engine.pause(request.params.id);
        } else {
          engine.resume(request.params.id);
        }
        return ok(await queueView());
      },
    );
  }
}
