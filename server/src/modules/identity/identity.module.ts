// Identity, access control and audit (SPEC ID-1…ID-4, ID-6…ID-8, OP-4): the identity routes, the
// audit queries, the built-in roles and the flushes at shutdown. app.ts builds the services
// (and registers the guard and the audit hook with them) before any other module's routes.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { getSetting, setSetting } from '../../platform/settings.js';
import { registerIdentityRoutes, type IdentityServices } from './identity.routes.js';
import { registerAuditRoutes } from './audit.routes.js';

export type Identity = IdentityServices;

/** The JWT secret: from config, else generated once into the database. */
export async function jwtSecret(ctx: AppContext): Promise<string> {
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

export async function registerIdentityModule(
  app: FastifyInstance,
  ctx: AppContext,
  identity: Identity,
  audit: AuditLog,
): Promise<void> {
  registerIdentityRoutes(app, ctx, identity);
  registerAuditRoutes(app, ctx);

  await identity.users.seedBuiltinRoles();
  ctx.onClose.push(async () => {
    await audit.flush();
    await identity.auth.flushKeyUsage();
  });
}
