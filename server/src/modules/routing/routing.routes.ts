// HTTP routes of the routing module: rules (RT-1), order, user–service mapping (RT-3), explain (RT-5).
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EnvelopeOf, PageOf, ok, paged } from '../../platform/http/envelope.js';
import { Done, IdParams, Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { authOf } from '../../platform/auth/guard.js';
import type { RoutingService, RuleInput } from './routing.service.js';

const ChannelSchema = Type.Union([
  Type.Literal('sms'),
  Type.Literal('email'),
  Type.Literal('inapp'),
  Type.Literal('webhook'),
]);
const ModeSchema = Type.Union([Type.Literal('priority'), Type.Literal('least_cost')]);
const Hhmm = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' });
const MatchSchema = Type.Object(
  {
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }), { maxItems: 300 })),
    prefixes: Type.Optional(Type.Array(Type.String({ pattern: '^\\+?\\d{1,15}$' }), { maxItems: 1000 })),
    sendingAccountIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
    senders: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 254 }), { maxItems: 1000 })),
    timeWindow: Type.Optional(
      Nullable(
        Type.Object(
          {
            days: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { maxItems: 7 })),
            start: Hhmm,
            end: Hhmm,
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
const TiersSchema = Type.Array(
  Type.Object({
    providers: Type.Array(
      Type.Object({ providerId: Uuid, weight: Type.Integer({ minimum: 1, maximum: 1000 }) }),
      { minItems: 1, maxItems: 50 },
    ),
  }),
  { minItems: 1, maxItems: 10 },
);
const RuleSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  mode: ModeSchema,
  channel: ChannelSchema,
  match: Type.Unknown(),
  tiers: Type.Unknown(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    enabled: Type.Optional(Type.Boolean()),
    mode: Type.Optional(ModeSchema),
    channel: ChannelSchema,
    match: Type.Optional(MatchSchema),
    tiers: TiersSchema,
  },
  { additionalProperties: false },
);
const Mapping = Type.Object({ restricted: Type.Boolean(), providerIds: Type.Array(Type.String()) });
const Explanation = Type.Object({
  chosen: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  ruleId: Nullable(Type.String()),
  country: Nullable(Type.String()),
  rules: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      priority: Type.Integer(),
      outcome: Type.String(),
      matchedPrefix: Nullable(Type.String()),
    }),
  ),
  providers: Type.Array(
    Type.Object({
      providerId: Type.String(),
      tier: Type.Integer(),
      weight: Type.Integer(),
      outcome: Type.String(),
      cost: Nullable(Type.Integer()),
    }),
  ),
});

export function registerRoutingRoutes(app: FastifyInstance, s: RoutingService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['routing'];

  r.get(
    '/api/v1/routes',
    {
      config: { permission: 'routing:rule:read' },
      schema: {
        tags,
        summary: 'Route rules in priority order',
        querystring: Type.Object({
          page: Type.Integer({ minimum: 1, default: 1 }),
          size: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
          channel: Type.Optional(ChannelSchema),
        }),
        response: { 200: PageOf(RuleSchema) },
      },
    },
    async (request) => {
      const page = await s.list(request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/routes',
    {
      config: { permission: 'routing:rule:create' },
      schema: {
        tags,
        summary: 'Create a route rule (takes effect at once)',
        body: RuleBody,
        response: { 200: EnvelopeOf(RuleSchema) },
      },
    },
    // The schema bounds days to 0–6, which is DayOfWeek.
    async (request) => ok(await s.create(authOf(request), request.body as RuleInput)),
  );
  r.put(
    '/api/v1/routes/order',
    {
      config: { permission: 'routing:rule:update' },
      schema: {
        tags,
        summary: 'Reorder every rule (drag and drop): the ids in their new order',
        body: Type.Object({ ids: Type.Array(Uuid, { maxItems: 10000 }) }, { additionalProperties: false }),
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.reorder(authOf(request), request.body.ids);
      return ok({ done: true });
    },
  );
  r.get(
    '/api/v1/routes/explain',
    {
      config: { permission: 'routing:rule:explain' },
      schema: {
        tags,
        summary: 'Which provider a message would go to now, and why every other candidate was skipped',
        querystring: Type.Object({
          account: Uuid,
          to: Type.String({ minLength: 1, maxLength: 254 }),
          channel: ChannelSchema,
          sender: Type.Optional(Type.String({ maxLength: 254 })),
        }),
        response: { 200: EnvelopeOf(Explanation) },
      },
    },
    async (request) => {
      const q = request.query;
      const input = await s.input({ accountId: q.account, channel: q.channel, to: q.to, sender: q.sender });
      const ex = await s.explain(input);
      return ok({
        chosen: ex.result.ok ? ex.result.provider.id : null,
        reason: ex.result.ok ? null : ex.result.reason,
        ruleId: ex.result.rule?.id ?? null,
        country: input.country,
        rules: ex.rules,
        providers: ex.providers,
      });
    },
  );
  r.get(
    '/api/v1/routes/:id',
    {
      config: { permission: 'routing:rule:read' },
      schema: {
        tags,
        summary: 'One route rule',
        params: IdParams,
        response: { 200: EnvelopeOf(RuleSchema) },
      },
    },
    async (request) => ok(await s.get(request.params.id)),
  );
  r.patch(
    '/api/v1/routes/:id',
    {
      config: { permission: 'routing:rule:update' },
      schema: {
        tags,
        summary: 'Update a route rule',
        params: IdParams,
        body: Type.Partial(RuleBody, { additionalProperties: false }),
        response: { 200: EnvelopeOf(RuleSchema) },
      },
    },
    async (request) =>
      ok(await s.update(authOf(request), request.params.id, request.body as Partial<RuleInput>)),
  );
  r.delete(
    '/api/v1/routes/:id',
    {
      config: { permission: 'routing:rule:delete' },
      schema: { tags, summary: 'Delete a route rule', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await s.remove(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  r.get(
    '/api/v1/routes/mappings/:id',
    {
      config: { permission: 'routing:mapping:read' },
      schema: {
        tags,
        summary: 'Providers a sending account may use (RT-3)',
        params: IdParams,
        response: { 200: EnvelopeOf(Mapping) },
      },
    },
    async (request) => ok(await s.getMapping(request.params.id)),
  );
  r.put(
    '/api/v1/routes/mappings/:id',
    {
      config: { permission: 'routing:mapping:update' },
      schema: {
        tags,
        summary: 'Set the providers a sending account may use; an empty list lifts the restriction',
        params: IdParams,
        body: Type.Object(
          { providerIds: Type.Array(Uuid, { maxItems: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: EnvelopeOf(Mapping) },
      },
    },
    async (request) => ok(await s.setMapping(authOf(request), request.params.id, request.body.providerIds)),
  );
}
