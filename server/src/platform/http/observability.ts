// /healthz, /readyz and /metrics (SPEC MN-5). Each app has its own prom-client registry so
// several apps can live in one test process.
import client from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { pingDatabase } from '../db/database.js';
import type { AppContext } from '../../context.js';

export function createMetrics(): {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
} {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'pigeon_', eventLoopMonitoringPrecision: 20 });
  const httpDuration = new client.Histogram({
    name: 'pigeon_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

const HealthResponse = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export function registerObservability(app: FastifyInstance, ctx: AppContext): void {
  const { registry, httpDuration } = ctx.metrics;
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: HealthResponse } }, config: { public: true } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: { hide: true, response: { 200: HealthResponse, 503: HealthResponse } },
      config: { public: true },
    },
    async (_request, reply) => {
      const dbOk = await pingDatabase(ctx.db);
      const checks = { database: dbOk ? 'ok' : 'unreachable' };
      return reply.status(dbOk ? 200 : 503).send({ status: dbOk ? 'ready' : 'not ready', checks });
    },
  );

  app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
}
