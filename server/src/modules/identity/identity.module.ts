// Identity, access control and audit (SPEC ID-1…ID-4, ID-6…ID-8, OP-4): registers the guard
// every other module relies on, the audit hook, and the identity routes. Other modules reach
// identity through `identityServices(ctx)`.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import { AuditLog } from '../../platform/audit/audit.js';
import { registerAuditHook } from '../../platform/audit/audit-hook.js';
import { registerGuard } from '../../platform/auth/guard.js';
import { PermissionRegistry } from '../../platform/auth/permissions.js';
import { MemoryRateLimiter } from '../../platform/http/rate-limit.js';
import { getSetting, setSetting } from '../../platform/settings.js';
import { AuthService } from './auth.service.js';
import { UserService } from './users.service.js';
import { ApiKeyService } from './api-keys.service.js';
import { registerIdentityRoutes, type IdentityServices } from './identity.routes.js';
import { registerAuditRoutes } from './audit.routes.js';

export interface Identity extends IdentityServices {
  audit: AuditLog;
}

const registry = new WeakMap<AppContext, Identity>();

/** The identity services of an app (for other modules and tests). */
export function identityServices(ctx: AppContext): Identity {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('identity module is not registered');
  }
  return s;
}

/** The JWT secret: from config, else generated once into the database. */
async function jwtSecret(ctx: AppContext): Promise<string> {
  if (ctx.config.jwtSecret) {
    return ctx.config.jwtSecret;
  }
  const stored = await getSetting(ctx.db, 'jwt_secret');
  if (stored) {
    return stored;
  }
  const secret = randomBytes(48).toString('base64url');
  await setSetting(ctx.db, 'jwt_secret', secret);
  return secret;
}

export const identityModule: Module = {
  name: 'identity',
  async register(app: FastifyInstance, ctx: AppContext) {
    const audit = new AuditLog(ctx.db, ctx.clock, ctx.log);
    const limiter = new MemoryRateLimiter(ctx.clock);
    const permissions = new PermissionRegistry();
    const auth = new AuthService(ctx, audit, limiter, await jwtSecret(ctx));
    const users = new UserService(ctx, audit, auth, permissions);
    const apiKeys = new ApiKeyService(ctx, audit, auth);
    const services: Identity = { auth, users, apiKeys, permissions, audit };
    registry.set(ctx, services);

    registerGuard(app, permissions, auth);
    registerAuditHook(app, audit);
    registerIdentityRoutes(app, ctx, services);
    registerAuditRoutes(app, ctx);

    await users.seedBuiltinRoles();
    ctx.onClose.push(async () => {
      await audit.flush();
      await auth.flushKeyUsage();
    });
  },
};
