// Enterprises (CU-1): the tenants. Create, list, update, suspend/resume and delete, which is
// refused while anything still hangs off the enterprise (sending accounts, users, and whatever
// other modules veto through `deleteGuards`, e.g. billing's non-zero balance).
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import {
  assertTenant,
  isCustomer,
  tenantFilter,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import { AppError, errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { likeEscaped } from '../../platform/db/dialects.js';
import { newId } from '../../platform/ids.js';
import type { EnterprisesTable, EnterpriseStatus } from './customers.tables.js';
import type {
  CreateEnterpriseInput,
  EnterpriseListInput,
  EnterpriseView,
  UpdateEnterpriseInput,
} from './customers.schemas.js';
import { CustomersErrors, CustomersReasons, isCurrency, isEmail, isTimeZone } from './customers.errors.js';

/**
 * Vetoes the deletion of an enterprise: returns an error code (registered with defineError,
 * answered with 409) or null. Runs inside the delete transaction.
 */
export type EnterpriseDeleteGuard = (db: Kysely<Database>, enterpriseId: string) => Promise<string | null>;

export function enterpriseView(r: EnterprisesTable): EnterpriseView {
  return {
    id: r.id,
    name: r.name,
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
    contactEmail: r.contact_email,
    status: r.status,
    currency: r.currency,
    timezone: r.timezone,
    trustLevel: r.trust_level,
    requireSenderApproval: r.require_sender_approval === 1,
    remark: r.remark,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkFields(input: { currency?: string; timezone?: string; contactEmail?: string }): void {
  const bad: Array<{ field: string; reason: string }> = [];
  if (input.currency !== undefined && !isCurrency(input.currency)) {
    bad.push({ field: 'currency', reason: CustomersReasons.currency });
  }
  if (input.timezone !== undefined && !isTimeZone(input.timezone)) {
    bad.push({ field: 'timezone', reason: CustomersReasons.timezone });
  }
  if (input.contactEmail && !isEmail(input.contactEmail)) {
    bad.push({ field: 'contactEmail', reason: CustomersReasons.email });
  }
  if (bad.length) {
    throw errors.invalid(bad);
  }
}

/** How long an enterprise's suspension is remembered for the API-key check. */
const SUSPENDED_TTL_MS = 30_000;

export class EnterpriseService {
  private readonly suspended = new Map<string, { value: boolean; at: number }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly hooks: {
      /** Called after any change that affects sending (status), to drop cached sending contexts. */
      changed: (enterpriseId: string) => void;
      /** Vetoes of a deletion, asked in order inside the delete transaction. */
      deleteGuards: EnterpriseDeleteGuard[];
    },
  ) {}

  /** Vetoes of a deletion (from the constructor; tests may add one for a while). */
  get deleteGuards(): EnterpriseDeleteGuard[] {
    return this.hooks.deleteGuards;
  }

  private changed(enterpriseId: string): void {
    this.suspended.delete(enterpriseId);
    this.hooks.changed(enterpriseId);
  }

  /**
   * Whether an enterprise is not active (or gone), for refusing its API keys on every request:
   * cached briefly per enterprise and dropped when its status changes in this process.
   */
  async isSuspended(enterpriseId: string): Promise<boolean> {
    const now = this.ctx.clock.now();
    let hit = this.suspended.get(enterpriseId);
    if (!hit || now - hit.at >= SUSPENDED_TTL_MS) {
      const row = await this.ctx.db
        .selectFrom('enterprises')
        .select('status')
        .where('id', '=', enterpriseId)
        .executeTakeFirst();
      hit = { value: row?.status !== 'active', at: now };
      this.suspended.set(enterpriseId, hit);
    }
    return hit.value;
  }

  async load(auth: AuthContext, id: string): Promise<EnterprisesTable> {
    const row = await this.ctx.db
      .selectFrom('enterprises')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw CustomersErrors.enterpriseNotFound();
    }
    assertTenant(auth, row.id, 'ENTERPRISE_NOT_FOUND');
    return row;
  }

  async get(auth: AuthContext, id: string): Promise<EnterpriseView> {
    return enterpriseView(await this.load(auth, id));
  }

  async list(
    auth: AuthContext,
    q: EnterpriseListInput,
  ): Promise<{ items: EnterpriseView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('enterprises');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('id', '=', own);
    }
    if (q.status) {
      base = base.where('status', '=', q.status);
    }
    if (q.trustLevel) {
      base = base.where('trust_level', '=', q.trustLevel);
    }
    const keyword = q.keyword?.trim();
    if (keyword) {
      const d = this.ctx.dialect;
      base = base.where((eb) =>
        eb.or([
          likeEscaped(d, 'name', keyword),
          likeEscaped(d, 'contact_name', keyword),
          likeEscaped(d, 'contact_phone', keyword),
          likeEscaped(d, 'contact_email', keyword),
        ]),
      );
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map(enterpriseView), pagination: page.pagination };
  }

  async create(auth: AuthContext, input: CreateEnterpriseInput): Promise<EnterpriseView> {
    if (isCustomer(auth)) {
      throw errors.forbidden('FORBIDDEN', { permission: 'customers:enterprise:create' });
    }
    const currency = input.currency ?? 'USD';
    const timezone = input.timezone ?? 'UTC';
    checkFields({ currency, timezone, contactEmail: input.contactEmail });
    const now = this.ctx.clock.iso();
    const row: EnterprisesTable = {
      id: newId(),
      name: input.name.trim(),
      contact_name: input.contactName ?? '',
      contact_phone: input.contactPhone ?? '',
      contact_email: input.contactEmail ?? '',
      status: 'active',
      currency,
      timezone,
      trust_level: input.trustLevel ?? 'normal',
      require_sender_approval: input.requireSenderApproval ? 1 : 0,
      remark: input.remark ?? '',
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: now,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('enterprises').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'enterprise',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId: row.id,
      });
    });
    this.ctx.events.emit('enterprise.created', enterpriseView(row), row.id);
    return enterpriseView(row);
  }

  async update(auth: AuthContext, id: string, input: UpdateEnterpriseInput): Promise<EnterpriseView> {
    const before = await this.load(auth, id);
    if (isCustomer(auth)) {
      // A customer admin keeps its contact details current but does not grade itself.
      for (const field of ['trustLevel', 'requireSenderApproval', 'currency'] as const) {
        if (input[field] !== undefined) {
          throw CustomersErrors.enterpriseFieldForbidden({ field });
        }
      }
    }
    checkFields(input);
    const patch: Partial<EnterprisesTable> = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.contactName !== undefined ? { contact_name: input.contactName } : {}),
      ...(input.contactPhone !== undefined ? { contact_phone: input.contactPhone } : {}),
      ...(input.contactEmail !== undefined ? { contact_email: input.contactEmail } : {}),
      ...(input.currency !== undefined ? { currency: input.currency } : {}),
      ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
      ...(input.trustLevel !== undefined ? { trust_level: input.trustLevel } : {}),
      ...(input.requireSenderApproval !== undefined
        ? { require_sender_approval: input.requireSenderApproval ? 1 : 0 }
        : {}),
      ...(input.remark !== undefined ? { remark: input.remark } : {}),
    };
    return this.write(auth, before, patch, 'enterprise.updated');
  }

  async setStatus(auth: AuthContext, id: string, status: EnterpriseStatus): Promise<EnterpriseView> {
    if (isCustomer(auth)) {
      throw errors.forbidden('FORBIDDEN', { permission: 'customers:enterprise:suspend' });
    }
    const before = await this.load(auth, id);
    if (before.status === status) {
      return enterpriseView(before);
    }
    return this.write(
      auth,
      before,
      { status },
      status === 'suspended' ? 'enterprise.suspended' : 'enterprise.resumed',
    );
  }

  private async write(
    auth: AuthContext,
    before: EnterprisesTable,
    patch: Partial<EnterprisesTable>,
    event: string,
  ): Promise<EnterpriseView> {
    const after: EnterprisesTable = { ...before, ...patch, updated_at: this.ctx.clock.iso() };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('enterprises')
        .set({ ...patch, updated_at: after.updated_at })
        .where('id', '=', before.id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'enterprise',
        entityId: before.id,
        action: 'update',
        before,
        after,
        enterpriseId: before.id,
      });
    });
    this.changed(before.id);
    this.ctx.events.emit(event, enterpriseView(after), before.id);
    return enterpriseView(after);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    if (isCustomer(auth)) {
      throw errors.forbidden('FORBIDDEN', { permission: 'customers:enterprise:delete' });
    }
    const before = await this.load(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      const accounts = await trx
        .selectFrom('sending_accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('enterprise_id', '=', id)
        .executeTakeFirst();
      if (Number(accounts?.n ?? 0) > 0) {
        throw CustomersErrors.hasSendingAccounts({ count: Number(accounts?.n) });
      }
      const users = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('enterprise_id', '=', id)
        .executeTakeFirst();
      if (Number(users?.n ?? 0) > 0) {
        throw CustomersErrors.hasUsers({ count: Number(users?.n) });
      }
      for (const guard of this.deleteGuards) {
        const code = await guard(trx, id);
        if (code) {
          throw new AppError(code, 409, { enterpriseId: id });
        }
      }
      await trx.deleteFrom('senders').where('enterprise_id', '=', id).execute();
      await trx.deleteFrom('sender_domains').where('enterprise_id', '=', id).execute();
      await trx.deleteFrom('enterprises').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'enterprise',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: id,
      });
    });
    this.changed(id);
    this.ctx.events.emit('enterprise.deleted', { id }, id);
  }
}
