// API keys (ID-6): created for an owner (sending account or service account), shown once,
// stored as a hash with a visible prefix, scoped, expirable, IP-restricted and revocable.
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { newId } from '../../platform/ids.js';
import { API_KEY_SCOPE_NAMES } from './builtin-roles.js';
import type { ApiKeyOwnerType, ApiKeysTable } from './identity.tables.js';
import { generateApiKey } from './tokens.js';
import { isValidIpOrCidr, type AuthService } from './auth.service.js';
import { ApiKeyErrors, ApiKeyReasons } from './identity.errors.js';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  ownerType: ApiKeyOwnerType;
  ownerId: string;
  enterpriseId: string;
  scopes: string[];
  ipAllowlist: string[];
  rateLimit: number | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/**
 * Resolves the enterprise a key's owner belongs to, or null when it does not exist. A port of
 * identity, answered by the customers module (the owners are its sending accounts).
 */
export type OwnerLookup = (ownerType: ApiKeyOwnerType, ownerId: string) => Promise<string | null>;

export class ApiKeyService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly auth: AuthService,
    private readonly ownerEnterprise: OwnerLookup,
  ) {}

  view(r: ApiKeysTable): ApiKeyView {
    return {
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      ownerType: r.owner_type,
      ownerId: r.owner_id,
      enterpriseId: r.enterprise_id,
      scopes: JSON.parse(r.scopes) as string[],
      ipAllowlist: JSON.parse(r.ip_allowlist) as string[],
      rateLimit: r.rate_limit,
      expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
      createdAt: r.created_at,
    };
  }

  async create(
    auth: AuthContext,
    input: {
      name: string;
      ownerType: ApiKeyOwnerType;
      ownerId: string;
      scopes: string[];
      ipAllowlist?: string[];
      expiresAt?: string | null;
      rateLimit?: number | null;
    },
  ): Promise<ApiKeyView & { key: string }> {
    const enterpriseId = await this.ownerEnterprise(input.ownerType, input.ownerId);
    const own = tenantFilter(auth);
    if (!enterpriseId || (own !== null && own !== enterpriseId)) {
      throw errors.invalid([{ field: 'ownerId', reason: ApiKeyReasons.ownerNotFound }]);
    }
    const bad = (input.ipAllowlist ?? []).filter((ip) => !isValidIpOrCidr(ip));
    if (bad.length) {
      throw errors.invalid([
        { field: 'ipAllowlist', reason: ApiKeyReasons.badIp, params: { value: bad.join(', ') } },
      ]);
    }
    if (input.scopes.some((s) => !API_KEY_SCOPE_NAMES.includes(s))) {
      throw errors.invalid([
        { field: 'scopes', reason: ApiKeyReasons.badScope, params: { values: API_KEY_SCOPE_NAMES } },
      ]);
    }
    if (input.expiresAt && Date.parse(input.expiresAt) <= this.ctx.clock.now()) {
      throw errors.invalid([{ field: 'expiresAt', reason: ApiKeyReasons.pastExpiry }]);
    }
    const { key, prefix, hash } = generateApiKey();
    const row: ApiKeysTable = {
      id: newId(),
      name: input.name,
      prefix,
      key_hash: hash,
      owner_type: input.ownerType,
      owner_id: input.ownerId,
      enterprise_id: enterpriseId,
      scopes: JSON.stringify([...new Set(input.scopes)]),
      ip_allowlist: JSON.stringify(input.ipAllowlist ?? []),
      rate_limit: input.rateLimit ?? null,
      expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      last_used_at: null,
      revoked_at: null,
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'api_key',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId,
      });
    });
    return { ...this.view(row), key };
  }

  async list(
    auth: AuthContext,
    q: {
      page: number;
      size: number;
      ownerType?: ApiKeyOwnerType;
      ownerId?: string;
      enterpriseId?: string;
      includeRevoked?: boolean;
    },
  ): Promise<{ items: ApiKeyView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('api_keys');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    } else if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.ownerType) {
      base = base.where('owner_type', '=', q.ownerType);
    }
    if (q.ownerId) {
      base = base.where('owner_id', '=', q.ownerId);
    }
    if (!q.includeRevoked) {
      base = base.where('revoked_at', 'is', null);
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map((r) => this.view(r)), pagination: page.pagination };
  }

  async get(auth: AuthContext, id: string): Promise<ApiKeyView> {
    return this.view(await this.load(auth, id));
  }

  private async load(auth: AuthContext, id: string): Promise<ApiKeysTable> {
    const row = await this.ctx.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    const own = tenantFilter(auth);
    if (!row || (own !== null && row.enterprise_id !== own)) {
      throw ApiKeyErrors.notFound();
    }
    return row;
  }

  async revoke(auth: AuthContext, id: string): Promise<ApiKeyView> {
    const before = await this.load(auth, id);
    if (before.revoked_at) {
      throw ApiKeyErrors.alreadyRevoked();
    }
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'api_key',
        entityId: id,
        action: 'update',
        before: { revoked_at: null },
        after: { revoked_at: now },
        enterpriseId: before.enterprise_id,
      });
    });
    this.auth.invalidate();
    return this.view({ ...before, revoked_at: now });
  }

  /** Revokes every key of an owner (used when an owner is deleted). */
  async revokeAllOf(ownerType: ApiKeyOwnerType, ownerId: string): Promise<void> {
    await this.ctx.db
      .updateTable('api_keys')
      .set({ revoked_at: this.ctx.clock.iso() })
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .where('revoked_at', 'is', null)
      .execute();
    this.auth.invalidate();
  }
}
