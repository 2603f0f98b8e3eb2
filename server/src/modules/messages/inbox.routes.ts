// HTTP routes of the inbox (MS-6): the inbox list, the keywords enterprises claim on shared
// numbers, and the public callback routes HTTP providers post inbound messages and receipts to
// (`/api/v1/hooks/providers/:providerId/{inbound,receipts}`, guarded by the provider's
// `callbackToken` secret variable).
import crypto from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { CursorPageOf, EnvelopeOf, cursorPaged, ok } from '../../platform/http/envelope.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import {
  DEFAULT_INBOUND_MAPPING,
  HttpConnector,
  parseHttpInbound,
  type HttpInboundMapping,
} from '../../delivery/connectors/index.js';
import { authOf } from '../../platform/auth/guard.js';
import type { ProviderRegistry } from '../providers/index.js';
import type { InboxService } from './inbox.service.js';
import * as S from './inbox.schemas.js';
import { ProviderHookErrors } from './messages.errors.js';

/** The secret variable of an HTTP provider that callbacks must present. */
export const CALLBACK_TOKEN_VARIABLE = 'callbackToken';

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

const CallbackBody = Type.Unknown({
  description:
    "The provider's JSON or form body. Inbound: fields `from`, `to`, `text` (and optional `receivedAt`) " +
    "unless the provider's settings give an `inbound` mapping; receipts: the provider's `receipt` mapping.",
});

export function registerInboxRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  inbox: InboxService,
  /** Live connectors by provider id (the providers module's registry). */
  connectors: Pick<ProviderRegistry, 'get'>,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['messages'];

  r.get(
    '/api/v1/messages/inbox',
    {
      config: { permission: 'messages:inbox:read', auth: 'any' },
      schema: {
        tags,
        summary:
          'Inbound (MO) messages, newest first (filters: time range, enterprise, account, number, classification)',
        querystring: S.InboxListQuery,
        response: { 200: CursorPageOf(S.InboundSchema) },
      },
    },
    async (request) => {
      const page = await inbox.list(authOf(request), request.query);
      return cursorPaged(page.items, { nextCursor: page.nextCursor, size: request.query.size });
    },
  );

  r.get(
    '/api/v1/messages/inbox/keywords',
    {
      config: { permission: 'messages:inbox-keyword:read' },
      schema: {
        tags,
        summary:
          'Keywords enterprises claim: an inbound message starting with one is matched to its enterprise',
        querystring: S.InboxKeywordListQuery,
        response: { 200: EnvelopeOf(Type.Array(S.InboxKeywordSchema)) },
      },
    },
    async (request) => ok(await inbox.listKeywords(authOf(request), request.query.enterpriseId)),
  );
  r.post(
    '/api/v1/messages/inbox/keywords',
    {
      config: { permission: 'messages:inbox-keyword:create' },
      schema: {
        tags,
        summary: 'Claim a keyword (unique on the platform; not an opt-out keyword)',
        body: S.CreateInboxKeywordBody,
        response: { 200: EnvelopeOf(S.InboxKeywordSchema) },
      },
    },
    async (request) => {
      const created = await inbox.createKeyword(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.delete(
    '/api/v1/messages/inbox/keywords/:id',
    {
      config: { permission: 'messages:inbox-keyword:delete', tenantResource: 'inbox_keyword' },
      schema: { tags, summary: 'Release a keyword', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await inbox.deleteKeyword(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  // --- public provider callbacks ------------------------------------------------------------

  /** The provider's settings when the request carries its callback token. */
  async function authorizedProvider(
    request: FastifyRequest,
    providerId: string,
    token: string | undefined,
  ): Promise<Record<string, unknown>> {
    const row = await ctx.db
      .selectFrom('providers')
      .select(['type', 'settings'])
      .where('id', '=', providerId)
      .executeTakeFirst();
    const settings = row?.type === 'http' ? (JSON.parse(row.settings) as Record<string, unknown>) : null;
    const secrets = (settings?.secretVariables ?? {}) as Record<string, unknown>;
    const expected = secrets[CALLBACK_TOKEN_VARIABLE];
    if (!settings || typeof expected !== 'string' || expected === '') {
      throw ProviderHookErrors.unknownProvider();
    }
    const header = request.headers['x-pigeon-token'];
    const given = token ?? (Array.isArray(header) ? header[0] : header);
    if (given === undefined || !sameSecret(given, expected)) {
      throw ProviderHookErrors.badToken();
    }
    return settings;
  }

  void app.register(async (scope) => {
    // Providers post form bodies as often as JSON.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    const s = scope.withTypeProvider<TypeBoxTypeProvider>();
    s.post(
      '/api/v1/hooks/providers/:providerId/inbound',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            "An HTTP provider's inbound (MO) callback; needs the provider's callbackToken as ?token= or X-Pigeon-Token",
          params: S.ProviderCallbackParams,
          querystring: S.ProviderCallbackQuery,
          body: CallbackBody,
          response: { 200: EnvelopeOf(S.ProviderCallbackResult) },
        },
      },
      async (request) => {
        const { providerId } = request.params;
        const settings = await authorizedProvider(request, providerId, request.query.token);
        request.auditTarget = providerId;
        const connector = connectors.get(providerId);
        if (connector instanceof HttpConnector) {
          // Through the connector, so every inbound handler on it sees the message.
          return ok({ accepted: await connector.acceptInboundCallback(request.body) });
        }
        // API-only processes have no connectors: parse with the stored settings and store.
        const mapping = (settings.inbound as HttpInboundMapping | undefined) ?? DEFAULT_INBOUND_MAPPING;
        const messages = parseHttpInbound(request.body, mapping, new Date(ctx.clock.now()));
        for (const message of messages) {
          await inbox.receive(providerId, message);
        }
        return ok({ accepted: messages.length });
      },
    );
    s.post(
      '/api/v1/hooks/providers/:providerId/receipts',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            "An HTTP provider's delivery receipt callback; needs the provider's callbackToken as ?token= or X-Pigeon-Token",
          params: S.ProviderCallbackParams,
          querystring: S.ProviderCallbackQuery,
          body: CallbackBody,
          response: { 200: EnvelopeOf(S.ProviderCallbackResult) },
        },
      },
      async (request) => {
        const { providerId } = request.params;
        await authorizedProvider(request, providerId, request.query.token);
        request.auditTarget = providerId;
        const connector = connectors.get(providerId);
        if (!(connector instanceof HttpConnector)) {
          throw ProviderHookErrors.notLive({ retryAfter: 30 });
        }
        return ok({ accepted: await connector.acceptReceiptCallback(request.body) });
      },
    );
  });
}
