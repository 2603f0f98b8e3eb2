// Senders and sender domains (CU-3): SMS sender ids and e-mail sender addresses an enterprise
// may send as, checked against the format rules of sender-rules.ts; e-mail senders only on a
// domain the enterprise registered. New senders wait for approval when the enterprise asks so.
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import {
  assertTenant,
  tenantFilter,
  tenantForWrite,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { likeEscaped } from '../../platform/db/dialects.js';
import { newId } from '../../platform/ids.js';
import type { SenderDomainsTable, SendersTable, SenderStatus } from './customers.tables.js';
import type {
  CreateSenderInput,
  SenderDomainView,
  SenderListInput,
  SenderView,
} from './customers.schemas.js';
import { validateEmailSender, validateSmsSender } from './sender-rules.js';
import { CustomersErrors, CustomersReasons, isDomain } from './customers.errors.js';

export function senderView(r: SendersTable): SenderView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    channel: r.channel,
    value: r.value,
    kind: r.kind,
    status: r.status,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    reviewNote: r.review_note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function domainView(r: SenderDomainsTable): SenderDomainView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    domain: r.domain,
    verified: r.verified === 1,
    createdAt: r.created_at,
  };
}

export class SenderService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  private async enterpriseFor(auth: AuthContext, requested: string | undefined) {
    const enterpriseId = tenantForWrite(auth, requested);
    if (!enterpriseId) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseRequired }]);
    }
    const ent = await this.ctx.db
      .selectFrom('enterprises')
      .select(['id', 'require_sender_approval'])
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!ent) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseMissing }]);
    }
    return ent;
  }

  // --- senders -------------------------------------------------------------------------------

  async load(auth: AuthContext, id: string): Promise<SendersTable> {
    const row = await this.ctx.db.selectFrom('senders').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw CustomersErrors.senderNotFound();
    }
    assertTenant(auth, row.enterprise_id, 'SENDER_NOT_FOUND');
    return row;
  }

  async get(auth: AuthContext, id: string): Promise<SenderView> {
    return senderView(await this.load(auth, id));
  }

  async list(
    auth: AuthContext,
    q: SenderListInput,
  ): Promise<{ items: SenderView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('senders');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    }
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    if (q.status) {
      base = base.where('status', '=', q.status);
    }
    const keyword = q.keyword?.trim();
    if (keyword) {
      base = base.where(likeEscaped(this.ctx.dialect, 'value', keyword));
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map(senderView), pagination: page.pagination };
  }

  async create(auth: AuthContext, input: CreateSenderInput): Promise<SenderView> {
    const ent = await this.enterpriseFor(auth, input.enterpriseId);
    const value = input.channel === 'email' ? input.value.trim() : input.value;
    let check;
    if (input.channel === 'sms') {
      check = validateSmsSender(value);
    } else {
      const domains = await this.ctx.db
        .selectFrom('sender_domains')
        .select('domain')
        .where('enterprise_id', '=', ent.id)
        .execute();
      check = validateEmailSender(
        value,
        domains.map((d) => d.domain),
      );
    }
    if (!check.ok) {
      throw errors.invalid([{ field: 'value', reason: check.reason }]);
    }
    const exists = await this.ctx.db
      .selectFrom('senders')
      .select('id')
      .where('enterprise_id', '=', ent.id)
      .where('channel', '=', input.channel)
      .where('value', '=', value)
      .executeTakeFirst();
    if (exists) {
      throw CustomersErrors.senderExists();
    }
    const now = this.ctx.clock.iso();
    const row: SendersTable = {
      id: newId(),
      enterprise_id: ent.id,
      channel: input.channel,
      value,
      kind: check.kind,
      status: ent.require_sender_approval === 1 ? 'pending' : 'approved',
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: now,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('senders').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'sender',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId: ent.id,
      });
    });
    this.ctx.events.emit('sender.created', senderView(row), ent.id);
    return senderView(row);
  }

  async review(
    auth: AuthContext,
    id: string,
    decision: Extract<SenderStatus, 'approved' | 'rejected'>,
    note?: string,
  ): Promise<SenderView> {
    const before = await this.load(auth, id);
    if (before.status !== 'pending') {
      throw CustomersErrors.senderNotPending();
    }
    const now = this.ctx.clock.iso();
    const after: SendersTable = {
      ...before,
      status: decision,
      reviewed_by: auth.actorName,
      reviewed_at: now,
      review_note: note ?? null,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('senders')
        .set({
          status: after.status,
          reviewed_by: after.reviewed_by,
          reviewed_at: now,
          review_note: after.review_note,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'sender',
        entityId: id,
        action: 'update',
        before,
        after,
        enterpriseId: before.enterprise_id,
      });
    });
    this.ctx.events.emit(`sender.${decision}`, senderView(after), before.enterprise_id);
    return senderView(after);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const before = await this.load(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('senders').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'sender',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
    this.ctx.events.emit('sender.deleted', { id }, before.enterprise_id);
  }

  // --- domains -------------------------------------------------------------------------------

  async loadDomain(auth: AuthContext, id: string): Promise<SenderDomainsTable> {
    const row = await this.ctx.db
      .selectFrom('sender_domains')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw CustomersErrors.domainNotFound();
    }
    assertTenant(auth, row.enterprise_id, 'SENDER_DOMAIN_NOT_FOUND');
    return row;
  }

  async listDomains(
    auth: AuthContext,
    q: { page: number; size: number; enterpriseId?: string; keyword?: string },
  ): Promise<{ items: SenderDomainView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('sender_domains');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    }
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    const keyword = q.keyword?.trim();
    if (keyword) {
      base = base.where(likeEscaped(this.ctx.dialect, 'domain', keyword));
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map(domainView), pagination: page.pagination };
  }

  async createDomain(
    auth: AuthContext,
    input: { enterpriseId?: string; domain: string },
  ): Promise<SenderDomainView> {
    const ent = await this.enterpriseFor(auth, input.enterpriseId);
    const domain = input.domain.trim().toLowerCase();
    if (!isDomain(domain)) {
      throw errors.invalid([{ field: 'domain', reason: CustomersReasons.domain }]);
    }
    const exists = await this.ctx.db
      .selectFrom('sender_domains')
      .select('id')
      .where('enterprise_id', '=', ent.id)
      .where('domain', '=', domain)
      .executeTakeFirst();
    if (exists) {
      throw CustomersErrors.domainExists();
    }
    const row: SenderDomainsTable = {
      id: newId(),
      enterprise_id: ent.id,
      domain,
      verified: 0,
      created_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('sender_domains').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'sender_domain',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId: ent.id,
      });
    });
    this.ctx.events.emit('sender_domain.created', domainView(row), ent.id);
    return domainView(row);
  }

  async deleteDomain(auth: AuthContext, id: string): Promise<void> {
    const before = await this.loadDomain(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      const emailSenders = await trx
        .selectFrom('senders')
        .select('value')
        .where('enterprise_id', '=', before.enterprise_id)
        .where('channel', '=', 'email')
        .execute();
      if (emailSenders.some((r) => r.value.toLowerCase().endsWith(`@${before.domain}`))) {
        throw CustomersErrors.domainInUse();
      }
      await trx.deleteFrom('sender_domains').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'sender_domain',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
    this.ctx.events.emit('sender_domain.deleted', { id }, before.enterprise_id);
  }
}
