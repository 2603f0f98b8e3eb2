// HTTP routes of the customers module under /api/v1/customers (seed 001's paths): enterprises,
// sending accounts with their API keys, senders and sender domains. Routes declare and delegate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EnvelopeOf, PageOf, ok, paged } from '../../platform/http/envelope.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import { type ApiKeyService, ApiKeySchema, CreatedApiKeySchema } from '../identity/index.js';
import type { EnterpriseService } from './enterprises.service.js';
import type { SendingAccountService } from './sending-accounts.service.js';
import type { SenderService } from './senders.service.js';
import * as S from './customers.schemas.js';

export interface CustomersRouteServices {
  enterprises: EnterpriseService;
  sendingAccounts: SendingAccountService;
  senders: SenderService;
  apiKeys: ApiKeyService;
}

/** Lets a command with only optional fields be posted without a body. */
async function optionalBody(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

export function registerCustomersRoutes(app: FastifyInstance, s: CustomersRouteServices): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['customers'];

  // --- enterprises ------------------------------------------------------------------------
  r.get(
    '/api/v1/customers/enterprises',
    {
      config: { permission: 'customers:enterprise:read' },
      schema: {
        tags,
        summary: 'List enterprises (search by name or contact; filter by status and trust level)',
        querystring: S.EnterpriseListQuery,
        response: { 200: PageOf(S.EnterpriseSchema) },
      },
    },
    async (request) => {
      const page = await s.enterprises.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/customers/enterprises',
    {
      config: { permission: 'customers:enterprise:create' },
      schema: {
        tags,
        summary: 'Create an enterprise',
        body: S.CreateEnterpriseBody,
        response: { 200: EnvelopeOf(S.EnterpriseSchema) },
      },
    },
    async (request) => {
      const created = await s.enterprises.create(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.get(
    '/api/v1/customers/enterprises/:id',
    {
      config: { permission: 'customers:enterprise:read', tenantResource: 'enterprise' },
      schema: {
        tags,
        summary: 'One enterprise',
        params: IdParams,
        response: { 200: EnvelopeOf(S.EnterpriseSchema) },
      },
    },
    async (request) => ok(await s.enterprises.get(authOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/customers/enterprises/:id',
    {
      config: { permission: 'customers:enterprise:update', tenantResource: 'enterprise' },
      schema: {
        tags,
        summary: 'Update an enterprise (customers may change contact details only)',
        params: IdParams,
        body: S.UpdateEnterpriseBody,
        response: { 200: EnvelopeOf(S.EnterpriseSchema) },
      },
    },
    async (request) => ok(await s.enterprises.update(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/customers/enterprises/:id',
    {
      config: { permission: 'customers:enterprise:delete' },
      schema: {
        tags,
        summary:
          'Delete an enterprise; refused (409 with the reason) while it has sending accounts, users or a balance',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.enterprises.delete(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['resume', 'active'],
  ] as const) {
    r.post(
      `/api/v1/customers/enterprises/:id/${action}`,
      {
        config: { permission: `customers:enterprise:${action}` },
        schema: {
          tags,
          summary:
            action === 'suspend'
              ? 'Suspend an enterprise: its sending stops and its API keys are refused'
              : 'Resume a suspended enterprise',
          params: IdParams,
          response: { 200: EnvelopeOf(S.EnterpriseSchema) },
        },
      },
      async (request) => ok(await s.enterprises.setStatus(authOf(request), request.params.id, status)),
    );
  }
  r.get(
    '/api/v1/customers/enterprises/:id/sending',
    {
      config: { permission: 'customers:sending:read', tenantResource: 'enterprise' },
      schema: {
        tags,
        summary: 'Sending accounts of one enterprise',
        params: IdParams,
        querystring: S.SendingAccountListQuery,
        response: { 200: PageOf(S.SendingAccountSchema) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await s.enterprises.load(auth, request.params.id);
      const page = await s.sendingAccounts.list(auth, { ...request.query, enterpriseId: request.params.id });
      return paged(page.items, page.pagination);
    },
  );

  // --- sending accounts -------------------------------------------------------------------
  r.get(
    '/api/v1/customers/sending',
    {
      config: { permission: 'customers:sending:read' },
      schema: {
        tags,
        summary: 'List sending accounts',
        querystring: S.SendingAccountListQuery,
        response: { 200: PageOf(S.SendingAccountSchema) },
      },
    },
    async (request) => {
      const page = await s.sendingAccounts.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/customers/sending',
    {
      config: { permission: 'customers:sending:create' },
      schema: {
        tags,
        summary: 'Create a sending account (customers: always in their own enterprise)',
        body: S.CreateSendingAccountBody,
        response: { 200: EnvelopeOf(S.SendingAccountSchema) },
      },
    },
    async (request) => {
      const created = await s.sendingAccounts.create(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.get(
    '/api/v1/customers/sending/:id',
    {
      config: { permission: 'customers:sending:read', tenantResource: 'sending_account' },
      schema: {
        tags,
        summary: 'One sending account (the SMPP password is never returned)',
        params: IdParams,
        response: { 200: EnvelopeOf(S.SendingAccountSchema) },
      },
    },
    async (request) => ok(await s.sendingAccounts.get(authOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/customers/sending/:id',
    {
      config: { permission: 'customers:sending:update', tenantResource: 'sending_account' },
      schema: {
        tags,
        summary: 'Update a sending account',
        params: IdParams,
        body: S.UpdateSendingAccountBody,
        response: { 200: EnvelopeOf(S.SendingAccountSchema) },
      },
    },
    async (request) => ok(await s.sendingAccounts.update(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/customers/sending/:id',
    {
      config: { permission: 'customers:sending:delete', tenantResource: 'sending_account' },
      schema: {
        tags,
        summary: 'Delete a sending account and revoke its API keys',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.sendingAccounts.delete(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  r.get(
    '/api/v1/customers/sending/:id/keys',
    {
      config: { permission: 'identity:api-key:read', tenantResource: 'sending_account' },
      schema: {
        tags,
        summary: 'API keys of a sending account (prefixes only, never the keys)',
        params: IdParams,
        querystring: S.KeyListQuery,
        response: { 200: PageOf(ApiKeySchema) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      await s.sendingAccounts.load(auth, request.params.id);
      const page = await s.apiKeys.list(auth, {
        ...request.query,
        ownerType: 'sending_account',
        ownerId: request.params.id,
      });
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/customers/sending/:id/keys',
    {
      config: { permission: 'identity:api-key:create', tenantResource: 'sending_account' },
      preValidation: optionalBody,
      schema: {
        tags,
        summary: 'Issue an API key for a sending account; the key is in this response only',
        params: IdParams,
        body: S.IssueKeyBody,
        response: { 200: EnvelopeOf(CreatedApiKeySchema) },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const account = await s.sendingAccounts.load(auth, request.params.id);
      const body = request.body;
      const created = await s.apiKeys.create(auth, {
        name: body.name ?? account.name,
        ownerType: 'sending_account',
        ownerId: account.id,
        scopes: body.scopes ?? ['send', 'read'],
        ipAllowlist: body.ipAllowlist,
        expiresAt: body.expiresAt ?? null,
        rateLimit: body.rateLimit ?? null,
      });
      request.auditTarget = created.id;
      return ok(created);
    },
  );

  // --- senders ----------------------------------------------------------------------------
  r.get(
    '/api/v1/customers/senders',
    {
      config: { permission: 'customers:sender:read' },
      schema: {
        tags,
        summary: 'List senders (filter by enterprise, channel, status)',
        querystring: S.SenderListQuery,
        response: { 200: PageOf(S.SenderSchema) },
      },
    },
    async (request) => {
      const page = await s.senders.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/customers/senders',
    {
      config: { permission: 'customers:sender:create' },
      schema: {
        tags,
        summary:
          'Register a sender; a format that breaks a rule answers 422 naming the rule on field "value"',
        body: S.CreateSenderBody,
        response: { 200: EnvelopeOf(S.SenderSchema) },
      },
    },
    async (request) => {
      const created = await s.senders.create(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.get(
    '/api/v1/customers/senders/:id',
    {
      config: { permission: 'customers:sender:read', tenantResource: 'sender' },
      schema: {
        tags,
        summary: 'One sender',
        params: IdParams,
        response: { 200: EnvelopeOf(S.SenderSchema) },
      },
    },
    async (request) => ok(await s.senders.get(authOf(request), request.params.id)),
  );
  r.delete(
    '/api/v1/customers/senders/:id',
    {
      config: { permission: 'customers:sender:delete', tenantResource: 'sender' },
      schema: { tags, summary: 'Delete a sender', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await s.senders.delete(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    r.post(
      `/api/v1/customers/senders/:id/${action}`,
      {
        config: { permission: 'customers:sender:approve' },
        preValidation: optionalBody,
        schema: {
          tags,
          summary: action === 'approve' ? 'Approve a pending sender' : 'Reject a pending sender',
          params: IdParams,
          body: S.ReviewSenderBody,
          response: { 200: EnvelopeOf(S.SenderSchema) },
        },
      },
      async (request) =>
        ok(await s.senders.review(authOf(request), request.params.id, decision, request.body.note)),
    );
  }

  // --- sender domains ---------------------------------------------------------------------
  r.get(
    '/api/v1/customers/domains',
    {
      config: { permission: 'customers:domain:read' },
      schema: {
        tags,
        summary: 'List registered e-mail sender domains',
        querystring: S.DomainListQuery,
        response: { 200: PageOf(S.SenderDomainSchema) },
      },
    },
    async (request) => {
      const page = await s.senders.listDomains(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/customers/domains',
    {
      config: { permission: 'customers:domain:create' },
      schema: {
        tags,
        summary: 'Register an e-mail sender domain',
        body: S.CreateDomainBody,
        response: { 200: EnvelopeOf(S.SenderDomainSchema) },
      },
    },
    async (request) => {
      const created = await s.senders.createDomain(authOf(request), request.body);
      request.auditTarget = created.id;
      return ok(created);
    },
  );
  r.delete(
    '/api/v1/customers/domains/:id',
    {
      config: { permission: 'customers:domain:delete', tenantResource: 'sender_domain' },
      schema: {
        tags,
        summary: 'Delete a domain (refused while e-mail senders use it)',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.senders.deleteDomain(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
}
