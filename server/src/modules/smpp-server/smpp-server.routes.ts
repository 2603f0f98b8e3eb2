// HTTP routes of the SMPP server (DL-8) under /api/v1/smpp: the live binds per sending account
// and a disconnect. Binds live in memory, so a customer sees only its own enterprise's.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EnvelopeOf, ok } from '../../platform/http/envelope.js';
import { Done, IdParams, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { assertTenant, tenantFilter } from '../../platform/auth/auth-context.js';
import { authOf } from '../../platform/auth/guard.js';
import type { SmppServer } from './smpp-server.js';
import { SmppServerErrors } from './smpp-server.errors.js';

const BindSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  sendingAccountId: Uuid,
  sendingAccountName: Type.String(),
  systemId: Type.String(),
  bindType: Type.Union([Type.Literal('transmitter'), Type.Literal('receiver'), Type.Literal('transceiver')]),
  ip: Type.String(),
  since: Timestamp,
  tps: Type.Number({ description: 'submit_sm/data_sm per second over the last 10 seconds' }),
  submits: Type.Integer({ description: 'submit_sm/data_sm received on this bind' }),
  outstandingDeliveries: Type.Integer({ description: 'deliver_sm sent on this bind, not yet answered' }),
  queuedDeliveries: Type.Integer({ description: 'deliver_sm waiting for a free window (whole account)' }),
});

const BindListQuery = Type.Object({
  sendingAccountId: Type.Optional(Uuid),
});

export function registerSmppServerRoutes(app: FastifyInstance, server: SmppServer): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['smpp'];

  r.get(
    '/api/v1/smpp/binds',
    {
      config: { permission: 'customers:sending:read' },
      schema: {
        tags,
        summary: 'Live SMPP binds per sending account (customers see their own)',
        querystring: BindListQuery,
        response: { 200: EnvelopeOf(Type.Array(BindSchema)) },
      },
    },
    async (request) => {
      const binds = server.list(tenantFilter(authOf(request)));
      const account = request.query.sendingAccountId;
      return ok(account ? binds.filter((b) => b.sendingAccountId === account) : binds);
    },
  );

  r.post(
    '/api/v1/smpp/binds/:id/disconnect',
    {
      config: { permission: 'customers:sending:disconnect' },
      schema: {
        tags,
        summary: 'Unbinds and closes one live SMPP bind',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const enterpriseId = server.enterpriseOfBind(request.params.id);
      if (enterpriseId === null) {
        throw SmppServerErrors.bindNotFound();
      }
      assertTenant(auth, enterpriseId, 'SMPP_BIND_NOT_FOUND');
      request.auditTarget = request.params.id;
      server.disconnect(request.params.id);
      return ok({ done: true });
    },
  );
}
