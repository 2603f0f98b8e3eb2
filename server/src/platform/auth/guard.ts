// The one guard (ID-3): every /api route declares `public` or a `permission`, checked when
// the route registers; every request to a non-public route is authenticated (console token
// or API key), its permission checked, and its tenant scope resolved into `request.auth`.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { AuthContext } from './auth-context.js';
import { can } from './auth-context.js';
import { PermissionRegistry } from './permissions.js';
import { errors } from '../http/errors.js';

export interface Authenticator {
  /** Resolves a console access token; throws 401 AppErrors for bad or revoked tokens. */
  fromAccessToken(token: string, request: FastifyRequest): Promise<AuthContext>;
  /** Resolves an API key; throws 401 for unknown/revoked/expired keys and 403 for a disallowed IP. */
  fromApiKey(key: string, request: FastifyRequest): Promise<AuthContext>;
}

const UNGUARDED_PREFIXES = ['/api/docs', '/api/openapi.json'];

/** The guard has run: every non-public route has `request.auth`. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) {
    throw errors.unauthorized();
  }
  return request.auth;
}

export function needsGuard(url: string): boolean {
  return url.startsWith('/api/') && !UNGUARDED_PREFIXES.some((p) => url.startsWith(p));
}

/** Throws at start-up when an API route forgets to say who may call it. */
export function checkRouteDeclaration(route: RouteOptions, registry: PermissionRegistry): void {
  const urls = Array.isArray(route.url) ? route.url : [route.url];
  const cfg = (route.config ?? {}) as { public?: boolean; permission?: string };
  for (const url of urls as string[]) {
    if (!needsGuard(url) || route.method === 'HEAD') {
      continue;
    }
    if (!cfg.public && !cfg.permission) {
      throw new Error(
        `route ${String(route.method)} ${url} declares neither config.public nor config.permission`,
      );
    }
    if (cfg.permission) {
      registry.add(cfg.permission);
    }
  }
}

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h === 'string' && h.startsWith('Bearer ')) {
    return h.slice(7).trim();
  }
  return null;
}

function apiKeyOf(request: FastifyRequest): string | null {
  const h = request.headers['x-api-key'];
  if (typeof h === 'string' && h.length > 0) {
    return h.trim();
  }
  const a = request.headers.authorization;
  if (typeof a === 'string' && a.startsWith('ApiKey ')) {
    return a.slice(7).trim();
  }
  return null;
}

export function registerGuard(
  app: FastifyInstance,
  registry: PermissionRegistry,
  authenticator: Authenticator,
): void {
  app.decorateRequest('auth', null);
  app.addHook('onRoute', (route) => checkRouteDeclaration(route, registry));

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url || !needsGuard(url)) {
      return;
    }
    const cfg = request.routeOptions.config;
    if (cfg.public) {
      return;
    }
    const mode = cfg.auth ?? 'user';
    const key = mode === 'user' ? null : apiKeyOf(request);
    const token = mode === 'apiKey' ? null : bearer(request);
    let auth: AuthContext;
    if (key) {
      auth = await authenticator.fromApiKey(key, request);
    } else if (token) {
      auth = await authenticator.fromAccessToken(token, request);
    } else {
      throw errors.unauthorized(mode === 'apiKey' ? 'API_KEY_REQUIRED' : 'UNAUTHORIZED');
    }
    request.auth = auth;
    if (cfg.permission && !can(auth, cfg.permission)) {
      throw errors.forbidden('FORBIDDEN', { permission: cfg.permission });
    }
  });
}
