// HTTP routes of the billing module under /api/v1/billing: balances, recharges and
// adjustments, the ledger, price plans and prices (with CSV import/export), account price
// overrides, plan assignment, quotes, quotas, bills and the profit report. Routes only
// declare and delegate.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CursorPageOf, EnvelopeOf, PageOf, cursorPaged, ok, paged } from '../../platform/http/envelope.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import { PageQuery } from '../../platform/http/pagination.js';
import { authOf } from '../../platform/auth/guard.js';
import type { Billing } from './billing.module.js';
import * as S from './billing.schemas.js';

export function registerBillingRoutes(app: FastifyInstance, s: Billing): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['billing'];

  // --- balances and ledger (BL-2, BL-3) -----------------------------------------------------
  r.get(
    '/api/v1/billing/balances',
    {
      config: { permission: 'billing:balance:read' },
      schema: {
        tags,
        summary: 'Balances of enterprises (customers see their own)',
        querystring: S.BalanceListQuery,
        response: { 200: PageOf(S.BalanceSchema) },
      },
    },
    async (request) => {
      const page = await s.ledger.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.get(
    '/api/v1/billing/balances/:id',
    {
      config: { permission: 'billing:balance:read', tenantResource: 'enterprise' },
      schema: {
        tags,
        summary: 'The balance of one enterprise (id = enterprise id)',
        params: IdParams,
        response: { 200: EnvelopeOf(S.BalanceSchema) },
      },
    },
    async (request) => ok(await s.ledger.get(authOf(request), request.params.id)),
  );
  r.get(
    '/api/v1/billing/balances/:id/check',
    {
      config: { permission: 'billing:ledger:read', tenantResource: 'enterprise' },
      schema: {
        tags,
        summary: 'Checks that the balance equals the sum of the ledger',
        params: IdParams,
        response: { 200: EnvelopeOf(S.LedgerCheckSchema) },
      },
    },
    async (request) => ok(await s.ledger.check(authOf(request), request.params.id)),
  );
  r.put(
    '/api/v1/billing/balance-settings',
    {
      config: { permission: 'billing:balance:update' },
      schema: {
        tags,
        summary: 'Set the credit limit and low-balance threshold of an enterprise',
        body: S.BalanceSettingsBody,
        response: { 200: EnvelopeOf(S.BalanceSchema) },
      },
    },
    async (request) => {
      request.auditTarget = request.body.enterpriseId;
      return ok(await s.ledger.updateSettings(authOf(request), request.body));
    },
  );
  r.post(
    '/api/v1/billing/recharges',
    {
      config: { permission: 'billing:balance:recharge' },
      schema: {
        tags,
        summary: 'Record a recharge (method, reference, note)',
        body: S.RechargeBody,
        response: { 200: EnvelopeOf(S.LedgerEntrySchema) },
      },
    },
    async (request) => ok(await s.ledger.recharge(authOf(request), request.body)),
  );
  r.post(
    '/api/v1/billing/adjustments',
    {
      config: { permission: 'billing:balance:adjust' },
      schema: {
        tags,
        summary: 'Adjust a balance by a signed amount with a reason',
        body: S.AdjustBody,
        response: { 200: EnvelopeOf(S.LedgerEntrySchema) },
      },
    },
    async (request) => ok(await s.ledger.adjust(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/billing/ledger',
    {
      config: { permission: 'billing:ledger:read' },
      schema: {
        tags,
        summary: 'Ledger entries, newest first (cursor pagination)',
        querystring: S.LedgerQuery,
        response: { 200: CursorPageOf(S.LedgerEntrySchema) },
      },
    },
    async (request) => {
      const page = await s.ledger.ledger(authOf(request), request.query);
      return cursorPaged(page.items, { nextCursor: page.nextCursor, size: request.query.size });
    },
  );

  // --- price plans and prices (BL-1) --------------------------------------------------------
  r.get(
    '/api/v1/billing/plans',
    {
      config: { permission: 'billing:plan:read' },
      schema: {
        tags,
        summary: 'Price plans',
        querystring: PageQuery,
        response: { 200: PageOf(S.PlanSchema) },
      },
    },
    async (request) => {
      const page = await s.rates.listPlans(request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/billing/plans',
    {
      config: { permission: 'billing:plan:create' },
      schema: {
        tags,
        summary: 'Create a price plan',
        body: S.CreatePlanBody,
        response: { 200: EnvelopeOf(S.PlanSchema) },
      },
    },
    async (request) => ok(await s.rates.createPlan(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/billing/plans/:id',
    {
      config: { permission: 'billing:plan:read' },
      schema: {
        tags,
        summary: 'One price plan',
        params: IdParams,
        response: { 200: EnvelopeOf(S.PlanSchema) },
      },
    },
    async (request) => ok(await s.rates.getPlan(request.params.id)),
  );
  r.patch(
    '/api/v1/billing/plans/:id',
    {
      config: { permission: 'billing:plan:update' },
      schema: {
        tags,
        summary: 'Update a price plan',
        params: IdParams,
        body: S.UpdatePlanBody,
        response: { 200: EnvelopeOf(S.PlanSchema) },
      },
    },
    async (request) => ok(await s.rates.updatePlan(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/billing/plans/:id',
    {
      config: { permission: 'billing:plan:delete' },
      schema: {
        tags,
        summary: 'Delete a price plan that is neither default nor assigned',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.rates.deletePlan(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  r.get(
    '/api/v1/billing/plans/:id/prices',
    {
      config: { permission: 'billing:plan:read' },
      schema: {
        tags,
        summary: 'Prices of a plan',
        params: IdParams,
        querystring: S.PriceListQuery,
        response: { 200: PageOf(S.PriceSchema) },
      },
    },
    async (request) => {
      const page = await s.rates.listPrices(request.params.id, request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/billing/plans/:id/prices',
    {
      config: { permission: 'billing:plan:update' },
      schema: {
        tags,
        summary: 'Add a price to a plan',
        params: IdParams,
        body: S.PriceBody,
        response: { 200: EnvelopeOf(S.PriceSchema) },
      },
    },
    async (request) => ok(await s.rates.createPrice(authOf(request), request.params.id, request.body)),
  );
  r.post(
    '/api/v1/billing/plans/:id/prices/import',
    {
      config: { permission: 'billing:plan:update' },
      schema: {
        tags,
        summary: 'Import a rate card CSV (channel,country,network_prefix,price); all or nothing',
        params: IdParams,
        body: S.ImportBody,
        response: { 200: EnvelopeOf(S.ImportResult) },
      },
    },
    async (request) => ok(await s.rates.importPrices(authOf(request), request.params.id, request.body)),
  );
  r.get(
    '/api/v1/billing/plans/:id/prices/export',
    {
      config: { permission: 'billing:plan:read' },
      schema: {
        tags,
        summary: 'The rate card as CSV (import format)',
        params: IdParams,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const body = await s.rates.exportPrices(request.params.id);
      void reply.header('content-type', 'text/csv; charset=utf-8');
      void reply.header('content-disposition', `attachment; filename="rate-card-${request.params.id}.csv"`);
      return reply.send(body);
    },
  );
  r.patch(
    '/api/v1/billing/prices/:id',
    {
      config: { permission: 'billing:plan:update' },
      schema: {
        tags,
        summary: 'Change a plan price',
        params: IdParams,
        body: Type.Object({ price: Type.Integer({ minimum: 0 }) }),
        response: { 200: EnvelopeOf(S.PriceSchema) },
      },
    },
    async (request) => ok(await s.rates.updatePrice(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/billing/prices/:id',
    {
      config: { permission: 'billing:plan:update' },
      schema: { tags, summary: 'Remove a plan price', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await s.rates.deletePrice(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  // --- plan assignment, account overrides, quotes -------------------------------------------
  r.put(
    '/api/v1/billing/plan-assignments',
    {
      config: { permission: 'billing:plan:assign' },
      schema: {
        tags,
        summary: 'Assign a price plan to an enterprise (null: the default plan applies)',
        body: S.PlanAssignmentBody,
        response: { 200: EnvelopeOf(S.PlanAssignmentSchema) },
      },
    },
    async (request) => {
      request.auditTarget = request.body.enterpriseId;
      return ok(await s.rates.assignPlan(authOf(request), request.body));
    },
  );
  r.get(
    '/api/v1/billing/plan-assignments/:id',
    {
      config: { permission: 'billing:plan:read' },
      schema: {
        tags,
        summary: 'The plan assigned to an enterprise (id = enterprise id)',
        params: IdParams,
        response: { 200: EnvelopeOf(S.PlanAssignmentSchema) },
      },
    },
    async (request) => ok(await s.rates.planOf(authOf(request), request.params.id)),
  );
  r.get(
    '/api/v1/billing/account-prices',
    {
      config: { permission: 'billing:plan:read' },
      schema: {
        tags,
        summary: 'Per-account price overrides',
        querystring: S.AccountPriceQuery,
        response: { 200: PageOf(S.PriceSchema) },
      },
    },
    async (request) => {
      const page = await s.rates.listAccountPrices(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.put(
    '/api/v1/billing/account-prices',
    {
      config: { permission: 'billing:plan:update' },
      schema: {
        tags,
        summary: 'Set a per-account price override (creates or replaces)',
        body: S.AccountPriceBody,
        response: { 200: EnvelopeOf(S.PriceSchema) },
      },
    },
    async (request) => ok(await s.rates.setAccountPrice(authOf(request), request.body)),
  );
  r.delete(
    '/api/v1/billing/account-prices/:id',
    {
      config: { permission: 'billing:plan:update' },
      schema: {
        tags,
        summary: 'Remove a per-account price override',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.rates.deleteAccountPrice(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  r.post(
    '/api/v1/billing/quotes',
    {
      config: { permission: 'billing:plan:read', audit: false },
      schema: {
        tags,
        summary: 'Price a message for a sending account (reads only; not audited)',
        body: S.QuoteBody,
        response: { 200: EnvelopeOf(S.QuoteSchema) },
      },
    },
    async (request) => ok(await s.rates.quoteFor(authOf(request), request.body)),
  );

  // --- quotas (BL-4) ------------------------------------------------------------------------
  r.get(
    '/api/v1/billing/quotas',
    {
      config: { permission: 'billing:quota:read' },
      schema: {
        tags,
        summary: 'Quotas',
        querystring: S.QuotaListQuery,
        response: { 200: PageOf(S.QuotaSchema) },
      },
    },
    async (request) => {
      const page = await s.quotas.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/billing/quotas',
    {
      config: { permission: 'billing:quota:create' },
      schema: {
        tags,
        summary: 'Allocate a quota to a sending account and channel',
        body: S.CreateQuotaBody,
        response: { 200: EnvelopeOf(S.QuotaSchema) },
      },
    },
    async (request) => ok(await s.quotas.create(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/billing/quotas/:id',
    {
      config: { permission: 'billing:quota:read', tenantResource: 'quota' },
      schema: { tags, summary: 'One quota', params: IdParams, response: { 200: EnvelopeOf(S.QuotaSchema) } },
    },
    async (request) => ok(await s.quotas.get(authOf(request), request.params.id)),
  );
  r.get(
    '/api/v1/billing/quotas/:id/logs',
    {
      config: { permission: 'billing:quota:read', tenantResource: 'quota' },
      schema: {
        tags,
        summary: 'The log of a quota',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: PageOf(S.QuotaLogSchema) },
      },
    },
    async (request) => {
      const page = await s.quotas.logs(authOf(request), request.params.id, request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.patch(
    '/api/v1/billing/quotas/:id',
    {
      config: { permission: 'billing:quota:update' },
      schema: {
        tags,
        summary: 'Change a quota (allowance, period, reset)',
        params: IdParams,
        body: S.UpdateQuotaBody,
        response: { 200: EnvelopeOf(S.QuotaSchema) },
      },
    },
    async (request) => ok(await s.quotas.update(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/billing/quotas/:id',
    {
      config: { permission: 'billing:quota:delete' },
      schema: { tags, summary: 'Remove a quota', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await s.quotas.remove(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  // --- bills (BL-5) -------------------------------------------------------------------------
  r.get(
    '/api/v1/billing/bills',
    {
      config: { permission: 'billing:bill:read' },
      schema: {
        tags,
        summary: 'Bills',
        querystring: S.BillListQuery,
        response: { 200: PageOf(S.BillSummarySchema) },
      },
    },
    async (request) => {
      const page = await s.bills.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/billing/bills',
    {
      config: { permission: 'billing:bill:create' },
      schema: {
        tags,
        summary: "Generate an enterprise's statement for a period (dates in its time zone, inclusive)",
        body: S.GenerateBillBody,
        response: { 200: EnvelopeOf(S.BillSchema) },
      },
    },
    async (request) => ok(await s.bills.generate(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/billing/bills/:id',
    {
      config: { permission: 'billing:bill:read', tenantResource: 'bill' },
      schema: {
        tags,
        summary: 'One bill with its line items',
        params: IdParams,
        response: { 200: EnvelopeOf(S.BillSchema) },
      },
    },
    async (request) => ok(await s.bills.get(authOf(request), request.params.id)),
  );
  r.get(
    '/api/v1/billing/bills/:id/export',
    {
      config: { permission: 'billing:bill:read', tenantResource: 'bill' },
      schema: {
        tags,
        summary: 'Download a bill as CSV or XLSX',
        params: IdParams,
        querystring: S.BillExportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      if (request.query.format === 'xlsx') {
        const file = await s.bills.exportXlsx(auth, request.params.id);
        void reply.header(
          'content-type',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
        void reply.header('content-disposition', `attachment; filename="${file.name}"`);
        return reply.send(file.body);
      }
      const file = await s.bills.exportCsv(auth, request.params.id);
      void reply.header('content-type', 'text/csv; charset=utf-8');
      void reply.header('content-disposition', `attachment; filename="${file.name}"`);
      return reply.send(file.body);
    },
  );

  // --- profit (BL-6) ------------------------------------------------------------------------
  r.get(
    '/api/v1/billing/profit',
    {
      config: { permission: 'billing:profit:read' },
      schema: {
        tags,
        summary:
          'Revenue, provider cost and margin by day, provider, country or enterprise, per currency (staff only)',
        querystring: S.ProfitQuery,
        response: { 200: EnvelopeOf(S.ProfitReportSchema) },
      },
    },
    async (request) =>
      ok(
        await s.profit.report(authOf(request), { ...request.query, groupBy: request.query.groupBy ?? 'day' }),
      ),
  );
}
