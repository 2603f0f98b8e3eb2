// Route-level options every module declares, read by the guard and the audit hook.
import 'fastify';
import type { AuthContext } from '../platform/auth/auth-context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No authentication at all (login, health, docs). */
    public?: boolean;
    /** Permission code required (`module:resource:operation`), or 'self' for any signed-in caller. */
    permission?: string;
    /** Who may call: console users (default), API keys, or either. */
    auth?: 'user' | 'apiKey' | 'any';
    /** Set false only where the route's own table is the record (documented at the route). */
    audit?: boolean;
    /**
     * For routes with an `{id}` of a tenant-owned object: which kind it is. The authorization
     * test uses it to prove a customer of another tenant gets 404.
     */
    tenantResource?: string;
  }

  interface FastifyRequest {
    /** Set by the guard for every non-public route. */
    auth: AuthContext | null;
    /** Optional target id for the operation log, when it is not the `{id}` parameter. */
    auditTarget: string | null;
  }
}
