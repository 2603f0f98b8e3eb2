// Who is calling, resolved once per request by the guard and passed explicitly to services
// (CONVENTIONS: services check access first). The tenant scope lives here and nowhere else.
import { grants } from './permissions.js';
import { errors } from '../http/errors.js';

export type UserType = 'staff' | 'customer';
/** Which rows a caller sees: staff roles have all/department/own, customers their tenant. */
export type DataScope = 'all' | 'department' | 'own' | 'tenant';

export interface AuthContext {
  kind: 'user' | 'apiKey' | 'system';
  /** User id (kind 'user'), API key id (kind 'apiKey'). */
  actorId: string;
  actorName: string;
  userType: UserType;
  /** The caller's tenant: set for customer users and API keys, null for staff. */
  enterpriseId: string | null;
  permissions: readonly string[];
  dataScope: DataScope;
  /** For data scope 'department': the user's department and its descendants. */
  departmentIds: readonly string[];
  /** API key callers: the key's owner (sending account or service account). */
  apiKey?: {
    id: string;
    ownerType: 'sending_account' | 'service_account';
    ownerId: string;
    scopes: readonly string[];
  };
  sessionFamilyId?: string;
  requestId: string;
  ip: string;
  userAgent: string;
}

/** Staff and system callers see every tenant; customers and keys see their own. */
export function tenantFilter(auth: AuthContext): string | null {
  return auth.userType === 'customer' || auth.kind === 'apiKey' ? auth.enterpriseId : null;
}

/**
 * Throws 404 when an object of another tenant is asked for: a customer never learns that
 * another tenant's object exists (ID-3).
 */
export function assertTenant(
  auth: AuthContext,
  objectEnterpriseId: string | null | undefined,
  code = 'NOT_FOUND',
): void {
  const own = tenantFilter(auth);
  if (own !== null && objectEnterpriseId !== own) {
    throw errors.notFound(code);
  }
}

/** For creates: a customer always writes into its own tenant, whatever the body says. */
export function tenantForWrite(auth: AuthContext, requested: string | null | undefined): string | null {
  const own = tenantFilter(auth);
  if (own !== null) {
    if (requested && requested !== own) {
      throw errors.notFound('NOT_FOUND');
    }
    return own;
  }
  return requested ?? null;
}

export function can(auth: AuthContext, permission: string): boolean {
  return grants(auth.permissions, permission);
}

export function requirePermission(auth: AuthContext, permission: string): void {
  if (!can(auth, permission)) {
    throw errors.forbidden('FORBIDDEN', { permission });
  }
}

export function isCustomer(auth: AuthContext): boolean {
  return tenantFilter(auth) !== null;
}

/** A system caller for jobs, start-up seeding and the CLI. */
export function systemAuth(name = 'system'): AuthContext {
  return {
    kind: 'system',
    actorId: '00000000-0000-7000-8000-000000000000',
    actorName: name,
    userType: 'staff',
    enterpriseId: null,
    permissions: ['*'],
    dataScope: 'all',
    departmentIds: [],
    requestId: `system-${Date.now()}`,
    ip: '127.0.0.1',
    userAgent: 'pigeon',
  };
}
