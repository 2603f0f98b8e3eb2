// HTTP routes of the stats module under /api/v1/stats. Routes only declare and delegate.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EnvelopeOf, ok } from '../../platform/http/envelope.js';
import { authOf } from '../../platform/auth/guard.js';
import type { StatsService } from './stats.service.js';
import * as S from './stats.schemas.js';

export function registerStatsRoutes(app: FastifyInstance, s: StatsService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['stats'];

  r.get(
    '/api/v1/stats/overview',
    {
      config: { permission: 'stats:overview:read' },
      schema: {
        tags,
        summary: 'Dashboard: the last hour per minute, throughput, failures, providers, balance (ST-1)',
        description:
          'Sends (sent to a provider), deliveries, failures and success rate per minute for the last 60 ' +
          'minutes; customers see their own enterprise, staff the platform or one enterprise. Live ' +
          'updates come over the WebSocket at /api/v1/events.',
        querystring: S.OverviewQuery,
        response: { 200: EnvelopeOf(S.Overview) },
      },
    },
    async (request) => ok(await s.overview(authOf(request), request.query)),
  );
}
