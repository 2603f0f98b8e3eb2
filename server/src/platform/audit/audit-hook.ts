// Writes one operation-log entry for every mutating API request (OP-4): who, tenant, action,
// target, IP, user agent, result and duration. Routes opt out only with `audit: false`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from './audit.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DATA_ID = /"data":\{"id":"([^"]{1,100})"/;

export function isAudited(request: FastifyRequest): boolean {
  const cfg = request.routeOptions.config;
  return (
    MUTATING.has(request.method) &&
    request.routeOptions.url !== undefined &&
    request.routeOptions.url.startsWith('/api/') &&
    cfg.audit !== false
  );
}

export function registerAuditHook(app: FastifyInstance, audit: AuditLog): void {
  app.decorateRequest('auditTarget', null);

  app.addHook('onSend', async (request, reply, payload) => {
    if (
      request.auditTarget === null &&
      isAudited(request) &&
      typeof payload === 'string' &&
      reply.statusCode < 300
    ) {
      const m = DATA_ID.exec(payload.slice(0, 400));
      if (m?.[1]) {
        request.auditTarget = m[1];
      }
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!isAudited(request)) {
      return;
    }
    const auth = request.auth;
    const params = request.params as Record<string, string> | undefined;
    const cfg = request.routeOptions.config;
    audit.operation({
      request_id: request.id,
      actor_type: auth
        ? auth.kind === 'apiKey'
          ? 'api_key'
          : auth.kind === 'system'
            ? 'system'
            : 'user'
        : 'anonymous',
      actor_id: auth?.actorId ?? null,
      actor_name: auth?.actorName ?? anonymousName(request),
      enterprise_id: auth?.enterpriseId ?? null,
      action:
        cfg.permission && cfg.permission !== 'self'
          ? cfg.permission
          : `${request.method} ${request.routeOptions.url ?? ''}`,
      method: request.method,
      route: request.routeOptions.url ?? '',
      path: request.url.split('?')[0] ?? '',
      target_id: request.auditTarget ?? params?.id ?? null,
      ip: request.ip,
      user_agent: String(request.headers['user-agent'] ?? '').slice(0, 300),
      status_code: reply.statusCode,
      result: reply.statusCode < 400 ? 'success' : 'failure',
      error_code:
        reply.statusCode >= 400 ? ((reply.getHeader('x-error-code') as string | undefined) ?? null) : null,
      duration_ms: Math.round(reply.elapsedTime),
    });
  });
}

function anonymousName(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  return typeof body?.username === 'string' ? body.username.slice(0, 100) : 'anonymous';
}
