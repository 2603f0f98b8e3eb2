// Sending accounts (CU-2): what an enterprise sends through — limits, channels, countries,
// callbacks, SMPP credentials — and the sending context the messages module asks for on every
// accept (cached, dropped on any change of the account or its enterprise).
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
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
import { hashPassword, isValidIpOrCidr, type ApiKeyService } from '../identity/index.js';
import type {
  Channel,
  EnterpriseStatus,
  EnterprisesTable,
  SendingAccountsTable,
} from './customers.tables.js';
import type {
  CreateSendingAccountInput,
  SendingAccountListInput,
  SendingAccountView,
  UpdateSendingAccountInput,
} from './customers.schemas.js';
import { CustomersErrors, CHANNELS, CustomersReasons, isCountry, isHttpUrl } from './customers.errors.js';

export const DEFAULT_DAILY_LIMIT = 10_000;
const CONTEXT_TTL_MS = 30_000;

/** Everything the send path needs to know about an account, in one cached lookup. */
export interface SendingContext {
  account: SendingAccountView;
  enterprise: { id: string; name: string; status: EnterpriseStatus; currency: string; timezone: string };
  /** False when the account or its enterprise is suspended. */
  isSendingAllowed: boolean;
  allowedChannels: Channel[];
  /** Empty = every country. */
  allowedCountries: string[];
  defaultSender: string | null;
  tpsLimit: number | null;
  maxParts: number;
  dailyLimit: number;
  callbackSecret: string;
}

export function sendingAccountView(r: SendingAccountsTable): SendingAccountView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    name: r.name,
    status: r.status,
    dailyLimit: r.daily_limit,
    allowedChannels: JSON.parse(r.allowed_channels) as Channel[],
    allowedCountries: JSON.parse(r.allowed_countries) as string[],
    defaultSender: r.default_sender,
    tpsLimit: r.tps_limit,
    maxParts: r.max_parts,
    statusCallbackUrl: r.status_callback_url,
    inboundCallbackUrl: r.inbound_callback_url,
    smppSystemId: r.smpp_system_id,
    hasSmppPassword: r.smpp_password_hash !== null,
    smppMaxBinds: r.smpp_max_binds,
    smppIpAllowlist: JSON.parse(r.smpp_ip_allowlist) as string[],
    smppIdFormat: r.smpp_id_format,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

type AccountFields = Partial<Omit<CreateSendingAccountInput, 'enterpriseId' | 'name'>> & { name?: string };

function checkFields(input: AccountFields): void {
  const bad: Array<{ field: string; reason: string; params?: Record<string, unknown> }> = [];
  if (input.allowedChannels?.some((c) => !(CHANNELS as readonly string[]).includes(c))) {
    bad.push({
      field: 'allowedChannels',
      reason: CustomersReasons.channel,
      params: { values: [...CHANNELS] },
    });
  }
  const badCountries = (input.allowedCountries ?? []).filter((c) => !isCountry(c));
  if (badCountries.length) {
    bad.push({
      field: 'allowedCountries',
      reason: CustomersReasons.country,
      params: { value: badCountries.join(', ') },
    });
  }
  for (const field of ['statusCallbackUrl', 'inboundCallbackUrl'] as const) {
    const v = input[field];
    if (v && !isHttpUrl(v)) {
      bad.push({ field, reason: CustomersReasons.url });
    }
  }
  const badIps = (input.smppIpAllowlist ?? []).filter((ip) => !isValidIpOrCidr(ip));
  if (badIps.length) {
    bad.push({
      field: 'smppIpAllowlist',
      reason: CustomersReasons.badIp,
      params: { value: badIps.join(', ') },
    });
  }
  if (bad.length) {
    throw errors.invalid(bad);
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || /UNIQUE constraint failed/i.test(e.message ?? '');
}

export class SendingAccountService {
  private readonly contexts = new Map<string, { value: SendingContext | null; at: number }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /** Drops cached sending contexts: of one enterprise's accounts, or all. */
  invalidate(enterpriseId?: string): void {
    if (!enterpriseId) {
      this.contexts.clear();
      return;
    }
    for (const [id, entry] of this.contexts) {
      if (!entry.value || entry.value.enterprise.id === enterpriseId) {
        this.contexts.delete(id);
      }
    }
  }

  /**
   * The account as the send path sees it (cached briefly). `ex` is the caller's transaction when
   * it holds one (on SQLite a query outside it would wait for it to end).
   */
  async sendingContext(
    accountId: string,
    ex: Kysely<Database> = this.ctx.db,
  ): Promise<SendingContext | null> {
    const now = this.ctx.clock.now();
    const hit = this.contexts.get(accountId);
    if (hit && now - hit.at < CONTEXT_TTL_MS) {
      return hit.value;
    }
    const account = await ex
      .selectFrom('sending_accounts')
      .selectAll()
      .where('id', '=', accountId)
      .executeTakeFirst();
    const enterprise = account
      ? await ex
          .selectFrom('enterprises')
          .selectAll()
          .where('id', '=', account.enterprise_id)
          .executeTakeFirst()
      : undefined;
    const value = account && enterprise ? this.contextOf(account, enterprise) : null;
    this.contexts.set(accountId, { value, at: now });
    return value;
  }

  async isSendingAllowed(accountId: string): Promise<boolean> {
    return (await this.sendingContext(accountId))?.isSendingAllowed ?? false;
  }

  private contextOf(account: SendingAccountsTable, enterprise: EnterprisesTable): SendingContext {
    const view = sendingAccountView(account);
    return {
      account: view,
      enterprise: {
        id: enterprise.id,
        name: enterprise.name,
        status: enterprise.status,
        currency: enterprise.currency,
        timezone: enterprise.timezone,
      },
      isSendingAllowed: account.status === 'active' && enterprise.status === 'active',
      allowedChannels: view.allowedChannels,
      allowedCountries: view.allowedCountries,
      defaultSender: account.default_sender,
      tpsLimit: account.tps_limit,
      maxParts: account.max_parts,
      dailyLimit: account.daily_limit,
      callbackSecret: account.callback_secret,
    };
  }

  async load(auth: AuthContext, id: string): Promise<SendingAccountsTable> {
    const row = await this.ctx.db
      .selectFrom('sending_accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw CustomersErrors.sendingAccountNotFound();
    }
    assertTenant(auth, row.enterprise_id, 'SENDING_ACCOUNT_NOT_FOUND');
    return row;
  }

  async get(auth: AuthContext, id: string): Promise<SendingAccountView> {
    return sendingAccountView(await this.load(auth, id));
  }

  async list(
    auth: AuthContext,
    q: SendingAccountListInput,
  ): Promise<{ items: SendingAccountView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('sending_accounts');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    }
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.status) {
      base = base.where('status', '=', q.status);
    }
    const keyword = q.keyword?.trim();
    if (keyword) {
      const d = this.ctx.dialect;
      base = base.where((eb) =>
        eb.or([likeEscaped(d, 'name', keyword), likeEscaped(d, 'smpp_system_id', keyword)]),
      );
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map(sendingAccountView), pagination: page.pagination };
  }

  async create(auth: AuthContext, input: CreateSendingAccountInput): Promise<SendingAccountView> {
    const enterpriseId = tenantForWrite(auth, input.enterpriseId);
    if (!enterpriseId) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseRequired }]);
    }
    const enterprise = await this.ctx.db
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!enterprise) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseMissing }]);
    }
    checkFields(input);
    if (input.smppPassword && !input.smppSystemId) {
      throw errors.invalid([{ field: 'smppPassword', reason: CustomersReasons.smppPasswordWithoutId }]);
    }
    const now = this.ctx.clock.iso();
    const row: SendingAccountsTable = {
      id: newId(),
      enterprise_id: enterpriseId,
      name: input.name.trim(),
      status: 'active',
      daily_limit: input.dailyLimit ?? DEFAULT_DAILY_LIMIT,
      allowed_channels: JSON.stringify(input.allowedChannels ?? ['sms']),
      allowed_countries: JSON.stringify(input.allowedCountries ?? []),
      default_sender: input.defaultSender ?? null,
      tps_limit: input.tpsLimit ?? null,
      max_parts: input.maxParts ?? 10,
      status_callback_url: input.statusCallbackUrl ?? null,
      inbound_callback_url: input.inboundCallbackUrl ?? null,
      callback_secret: randomBytes(24).toString('base64url'),
      smpp_system_id: input.smppSystemId ?? null,
      smpp_password_hash: input.smppPassword ? await hashPassword(input.smppPassword) : null,
      smpp_max_binds: input.smppMaxBinds ?? 4,
      smpp_ip_allowlist: JSON.stringify(input.smppIpAllowlist ?? []),
      smpp_id_format: input.smppIdFormat ?? 'hex',
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: now,
      updated_at: now,
    };
    await this.insertOrUpdate(async () => {
      await this.ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('sending_accounts').values(row).execute();
        await this.audit.recordChange(trx, auth, {
          entityType: 'sending_account',
          entityId: row.id,
          action: 'create',
          after: row,
          enterpriseId,
        });
      });
    }, row.smpp_system_id);
    this.ctx.events.emit('sending_account.created', sendingAccountView(row), enterpriseId);
    return sendingAccountView(row);
  }

  /** Runs a write, turning a taken SMPP system_id into 409 (checked first, enforced by the index). */
  private async insertOrUpdate(
    write: () => Promise<void>,
    systemId: string | null,
    selfId?: string,
  ): Promise<void> {
    if (systemId) {
      let q = this.ctx.db.selectFrom('sending_accounts').select('id').where('smpp_system_id', '=', systemId);
      if (selfId) {
        q = q.where('id', '!=', selfId);
      }
      if (await q.executeTakeFirst()) {
        throw CustomersErrors.smppSystemIdTaken();
      }
    }
    try {
      await write();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw CustomersErrors.smppSystemIdTaken();
      }
      throw err;
    }
  }

  async update(auth: AuthContext, id: string, input: UpdateSendingAccountInput): Promise<SendingAccountView> {
    const before = await this.load(auth, id);
    checkFields(input);
    const systemId = input.smppSystemId === undefined ? before.smpp_system_id : input.smppSystemId;
    if (input.smppPassword && !systemId) {
      throw errors.invalid([{ field: 'smppPassword', reason: CustomersReasons.smppPasswordWithoutId }]);
    }
    let passwordHash = before.smpp_password_hash;
    if (input.smppPassword !== undefined) {
      passwordHash = input.smppPassword === null ? null : await hashPassword(input.smppPassword);
    }
    if (systemId === null) {
      passwordHash = null;
    }
    const patch: Partial<SendingAccountsTable> = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.dailyLimit !== undefined ? { daily_limit: input.dailyLimit } : {}),
      ...(input.allowedChannels !== undefined
        ? { allowed_channels: JSON.stringify(input.allowedChannels) }
        : {}),
      ...(input.allowedCountries !== undefined
        ? { allowed_countries: JSON.stringify(input.allowedCountries) }
        : {}),
      ...(input.defaultSender !== undefined ? { default_sender: input.defaultSender } : {}),
      ...(input.tpsLimit !== undefined ? { tps_limit: input.tpsLimit } : {}),
      ...(input.maxParts !== undefined ? { max_parts: input.maxParts } : {}),
      ...(input.statusCallbackUrl !== undefined ? { status_callback_url: input.statusCallbackUrl } : {}),
      ...(input.inboundCallbackUrl !== undefined ? { inbound_callback_url: input.inboundCallbackUrl } : {}),
      smpp_system_id: systemId,
      smpp_password_hash: passwordHash,
      ...(input.smppMaxBinds !== undefined ? { smpp_max_binds: input.smppMaxBinds } : {}),
      ...(input.smppIpAllowlist !== undefined
        ? { smpp_ip_allowlist: JSON.stringify(input.smppIpAllowlist) }
        : {}),
      ...(input.smppIdFormat !== undefined ? { smpp_id_format: input.smppIdFormat } : {}),
    };
    const after: SendingAccountsTable = { ...before, ...patch, updated_at: this.ctx.clock.iso() };
    await this.insertOrUpdate(
      async () => {
        await this.ctx.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('sending_accounts')
            .set({ ...patch, updated_at: after.updated_at })
            .where('id', '=', id)
            .execute();
          await this.audit.recordChange(trx, auth, {
            entityType: 'sending_account',
            entityId: id,
            action: 'update',
            before,
            after,
            enterpriseId: before.enterprise_id,
          });
        });
      },
      systemId,
      id,
    );
    this.contexts.delete(id);
    this.ctx.events.emit('sending_account.updated', sendingAccountView(after), before.enterprise_id);
    return sendingAccountView(after);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const before = await this.load(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sending_accounts').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'sending_account',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
    await this.apiKeys.revokeAllOf('sending_account', id);
    this.contexts.delete(id);
    this.ctx.events.emit('sending_account.deleted', { id }, before.enterprise_id);
  }
}
