// Provider records (DL-1): CRUD with per-type settings whose secrets never leave the server,
// costs per country, enable/disable and unfreeze with their status log, and the operator's
// test send. Changes are committed first, then the registry rebuilds connectors and events go out.
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { createConnector, type OutboundMessage, type SubmitResult } from '../../delivery/connectors/index.js';
import { likeEscaped } from '../../platform/db/dialects.js';
import { flag } from '../../platform/db/schema.js';
import type { CursorPagination, Pagination } from '../../platform/http/envelope.js';
import { errors } from '../../platform/http/errors.js';
import { cursorPage, decodeCursor, fetchPage } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { writeStatusLog, type ProviderRegistry, type StatusChange } from './provider-registry.js';
import {
  assertChannelFits,
  assertTimeZone,
  connectorConfigOf,
  defaultSenderOf,
  mergeSecrets,
  nextQuotaReset,
  publicSettings,
  validateSettings,
  type Settings,
} from './provider-settings.js';
import type {
  ProviderCostInput,
  ProviderCostUpdate,
  ProviderCostView,
  ProviderCreate,
  ProviderListQuery,
  ProviderUpdate,
  ProviderView,
  StatusLogView,
  TestSendBody,
  TestSendResult,
} from './providers.schemas.js';
import type { ProviderCostsTable, ProvidersTable, ProviderStatusLogsTable } from './providers.tables.js';
import { ProviderErrors, ProviderReasons } from './providers.errors.js';

/** Connection time allowed to a temporary connector built for a test send. */
const TEST_SEND_TIMEOUT_MS = 30_000;

function costView(r: ProviderCostsTable): ProviderCostView {
  return {
    id: r.id,
    providerId: r.provider_id,
    country: r.country,
    currency: r.currency,
    cost: Number(r.cost),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function logView(r: ProviderStatusLogsTable): StatusLogView {
  return {
    id: r.id,
    providerId: r.provider_id,
    fromState: r.from_state,
    toState: r.to_state,
    reason: r.reason,
    actor: r.actor,
    createdAt: r.created_at,
  };
}

export class ProviderService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly registry: ProviderRegistry,
  ) {}

  view(r: ProvidersTable): ProviderView {
    const shown = publicSettings(JSON.parse(r.settings) as Settings);
    return {
      id: r.id,
      name: r.name,
      channel: r.channel,
      type: r.type,
      settings: shown.settings,
      hasPassword: shown.hasPassword,
      secretVariableNames: shown.secretVariableNames,
      enabled: r.enabled === 1,
      priority: r.priority,
      weight: r.weight,
      tps: r.tps,
      windowSize: r.window_size,
      dailyQuota: r.daily_quota,
      quotaResetTime: r.quota_reset_time,
      quotaTimezone: r.quota_timezone,
      quotaUsed: r.quota_used,
      quotaResetsAt: r.quota_resets_at,
      health: r.health,
      healthDetail: r.health_detail,
      healthCheckedAt: r.health_checked_at,
      isFrozen: r.is_frozen === 1,
      consecutiveFailures: r.consecutive_failures,
      remark: r.remark,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private async load(id: string): Promise<ProvidersTable> {
    const row = await this.ctx.db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw ProviderErrors.notFound();
    }
    return row;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    let q = this.ctx.db.selectFrom('providers').select('id').where('name', '=', name);
    if (exceptId) {
      q = q.where('id', '!=', exceptId);
    }
    if (await q.executeTakeFirst()) {
      throw ProviderErrors.nameTaken();
    }
  }

  async list(
    _auth: AuthContext,
    q: ProviderListQuery,
  ): Promise<{ items: ProviderView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('providers');
    if (q.keyword) {
      base = base.where(likeEscaped(this.ctx.dialect, 'name', q.keyword));
    }
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    if (q.type) {
      base = base.where('type', '=', q.type);
    }
    if (q.enabled !== undefined) {
      base = base.where('enabled', '=', flag(q.enabled));
    }
    if (q.isFrozen !== undefined) {
      base = base.where('is_frozen', '=', flag(q.isFrozen));
    }
    if (q.health) {
      base = base.where('health', '=', q.health);
    }
    const page = await fetchPage(base.selectAll(), q, (qb) => qb.orderBy('name').orderBy('id'));
    return { items: page.items.map((r) => this.view(r)), pagination: page.pagination };
  }

  async get(_auth: AuthContext, id: string): Promise<ProviderView> {
    return this.view(await this.load(id));
  }

  async create(auth: AuthContext, input: ProviderCreate): Promise<ProviderView> {
    assertChannelFits(input.type, input.channel);
    validateSettings(input.type, input.settings);
    const quotaTimezone = input.quotaTimezone ?? 'UTC';
    assertTimeZone(quotaTimezone);
    await this.assertNameFree(input.name);
    const now = this.ctx.clock.iso();
    const quotaResetTime = input.quotaResetTime ?? '00:00';
    const row: ProvidersTable = {
      id: newId(),
      name: input.name,
      channel: input.channel,
      type: input.type,
      settings: JSON.stringify(input.settings),
      enabled: flag(input.enabled ?? false),
      priority: input.priority ?? 0,
      weight: input.weight ?? 1,
      tps: input.tps ?? null,
      window_size: input.windowSize ?? null,
      daily_quota: input.dailyQuota ?? null,
      quota_reset_time: quotaResetTime,
      quota_timezone: quotaTimezone,
      quota_used: 0,
      quota_resets_at: nextQuotaReset(this.ctx.clock.now(), quotaResetTime, quotaTimezone),
      health: 'unknown',
      health_detail: '',
      health_checked_at: null,
      is_frozen: 0,
      consecutive_failures: 0,
      remark: input.remark ?? '',
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: now,
      updated_at: now,
    };
    const view = this.view(row);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('providers').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider',
        entityId: row.id,
        action: 'create',
        after: view,
      });
    });
    await this.registry.sync(row.id);
    this.registry.invalidate(row.id);
    return view;
  }

  async update(auth: AuthContext, id: string, input: ProviderUpdate): Promise<ProviderView> {
    const before = await this.load(id);
    const patch: Partial<ProvidersTable> = {};
    if (input.name !== undefined && input.name !== before.name) {
      await this.assertNameFree(input.name, id);
      patch.name = input.name;
    }
    if (input.settings !== undefined) {
      const merged = mergeSecrets(before.type, JSON.parse(before.settings) as Settings, input.settings);
      validateSettings(before.type, merged);
      patch.settings = JSON.stringify(merged);
    }
    if (input.enabled !== undefined) {
      patch.enabled = flag(input.enabled);
    }
    if (input.priority !== undefined) {
      patch.priority = input.priority;
    }
    if (input.weight !== undefined) {
      patch.weight = input.weight;
    }
    if (input.tps !== undefined) {
      patch.tps = input.tps;
    }
    if (input.windowSize !== undefined) {
      patch.window_size = input.windowSize;
    }
    if (input.dailyQuota !== undefined) {
      patch.daily_quota = input.dailyQuota;
    }
    if (input.remark !== undefined) {
      patch.remark = input.remark;
    }
    if (input.quotaResetTime !== undefined || input.quotaTimezone !== undefined) {
      const time = input.quotaResetTime ?? before.quota_reset_time;
      const tz = input.quotaTimezone ?? before.quota_timezone;
      assertTimeZone(tz);
      patch.quota_reset_time = time;
      patch.quota_timezone = tz;
      patch.quota_resets_at = nextQuotaReset(this.ctx.clock.now(), time, tz);
    }
    return this.write(auth, before, patch, 'updated by an operator');
  }

  async setEnabled(auth: AuthContext, id: string, enabled: boolean, reason: string): Promise<ProviderView> {
    const before = await this.load(id);
    return this.write(auth, before, { enabled: flag(enabled) }, reason);
  }

  /** Writes a change of the record; enabling and disabling also go to the status log. */
  private async write(
    auth: AuthContext,
    before: ProvidersTable,
    patch: Partial<ProvidersTable>,
    reason: string,
  ): Promise<ProviderView> {
    const after: ProvidersTable = { ...before, ...patch, updated_at: this.ctx.clock.iso() };
    const change: StatusChange | null =
      after.enabled === before.enabled
        ? null
        : {
            providerId: before.id,
            from: before.enabled ? 'enabled' : 'disabled',
            to: after.enabled ? 'enabled' : 'disabled',
            reason,
            actor: auth.actorName,
          };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('providers')
        .set({ ...patch, updated_at: after.updated_at })
        .where('id', '=', before.id)
        .execute();
      if (change) {
        await writeStatusLog(trx, after.updated_at, change);
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider',
        entityId: before.id,
        action: 'update',
        before: this.view(before),
        after: this.view(after),
      });
    });
    await this.registry.sync(before.id);
    this.registry.invalidate(before.id);
    if (change) {
      this.registry.announce(change);
    }
    return this.view(after);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const before = await this.load(id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('provider_costs').where('provider_id', '=', id).execute();
      await trx.deleteFrom('providers').where('id', '=', id).execute();
      await writeStatusLog(trx, this.ctx.clock.iso(), {
        providerId: id,
        from: before.enabled ? 'enabled' : 'disabled',
        to: 'deleted',
        reason: `provider ${before.name} deleted`,
        actor: auth.actorName,
      });
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider',
        entityId: id,
        action: 'delete',
        before: this.view(before),
      });
    });
    await this.registry.sync(id);
    this.registry.invalidate(id);
    this.ctx.events.emit('provider.deleted', { providerId: id });
  }

  // --- freeze -----------------------------------------------------------------------------

  async unfreeze(auth: AuthContext, id: string, reason: string): Promise<ProviderView> {
    const before = await this.load(id);
    if (before.is_frozen !== 1) {
      throw ProviderErrors.notFrozen();
    }
    const after: ProvidersTable = {
      ...before,
      is_frozen: 0,
      consecutive_failures: 0,
      updated_at: this.ctx.clock.iso(),
    };
    const change: StatusChange = {
      providerId: id,
      from: 'frozen',
      to: 'active',
      reason,
      actor: auth.actorName,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      // updated_at is left alone: unfreezing does not rebuild the connector.
      await trx
        .updateTable('providers')
        .set({ is_frozen: 0, consecutive_failures: 0 })
        .where('id', '=', id)
        .execute();
      await writeStatusLog(trx, after.updated_at, change);
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider',
        entityId: id,
        action: 'update',
        before: { isFrozen: true, consecutiveFailures: before.consecutive_failures },
        after: { isFrozen: false, consecutiveFailures: 0, reason },
      });
    });
    this.registry.invalidate(id);
    this.registry.announce(change);
    return this.view({ ...after, updated_at: before.updated_at });
  }

  async statusLogs(
    _auth: AuthContext,
    id: string,
    q: { cursor?: string; size: number },
  ): Promise<{ items: StatusLogView[]; pagination: CursorPagination }> {
    let query = this.ctx.db.selectFrom('provider_status_logs').selectAll().where('provider_id', '=', id);
    const exists = await this.ctx.db
      .selectFrom('providers')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!exists) {
      throw ProviderErrors.notFound();
    }
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const at = String(c.sortKey);
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', c.id)])]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.size + 1)
      .execute();
    const page = cursorPage(rows, q.size, (r) => ({ sortKey: r.created_at, id: r.id }));
    return { items: page.items.map(logView), pagination: { nextCursor: page.nextCursor, size: q.size } };
  }

  // --- costs ------------------------------------------------------------------------------

  async listCosts(
    _auth: AuthContext,
    id: string,
    q: { page: number; size: number },
  ): Promise<{ items: ProviderCostView[]; pagination: Pagination }> {
    await this.load(id);
    const base = this.ctx.db.selectFrom('provider_costs').selectAll().where('provider_id', '=', id);
    const page = await fetchPage(base, q, (qb) => qb.orderBy('country').orderBy('id'));
    return { items: page.items.map(costView), pagination: page.pagination };
  }

  async createCost(auth: AuthContext, id: string, input: ProviderCostInput): Promise<ProviderCostView> {
    await this.load(id);
    const country = input.country.toUpperCase();
    const exists = await this.ctx.db
      .selectFrom('provider_costs')
      .select('id')
      .where('provider_id', '=', id)
      .where('country', '=', country)
      .executeTakeFirst();
    if (exists) {
      throw ProviderErrors.costExists();
    }
    const now = this.ctx.clock.iso();
    const row: ProviderCostsTable = {
      id: newId(),
      provider_id: id,
      country,
      currency: input.currency.toUpperCase(),
      cost: input.cost,
      created_at: now,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('provider_costs').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider_cost',
        entityId: row.id,
        action: 'create',
        after: row,
      });
    });
    this.registry.invalidate(id);
    return costView(row);
  }

  private async loadCost(id: string, costId: string): Promise<ProviderCostsTable> {
    const row = await this.ctx.db
      .selectFrom('provider_costs')
      .selectAll()
      .where('id', '=', costId)
      .where('provider_id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw ProviderErrors.costNotFound();
    }
    return row;
  }

  async updateCost(
    auth: AuthContext,
    id: string,
    costId: string,
    input: ProviderCostUpdate,
  ): Promise<ProviderCostView> {
    const before = await this.loadCost(id, costId);
    const after: ProviderCostsTable = {
      ...before,
      ...(input.currency !== undefined ? { currency: input.currency.toUpperCase() } : {}),
      ...(input.cost !== undefined ? { cost: input.cost } : {}),
      updated_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('provider_costs')
        .set({ currency: after.currency, cost: after.cost, updated_at: after.updated_at })
        .where('id', '=', costId)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider_cost',
        entityId: costId,
        action: 'update',
        before,
        after,
      });
    });
    this.registry.invalidate(id);
    return costView(after);
  }

  async removeCost(auth: AuthContext, id: string, costId: string): Promise<void> {
    const before = await this.loadCost(id, costId);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('provider_costs').where('id', '=', costId).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'provider_cost',
        entityId: costId,
        action: 'delete',
        before,
      });
    });
    this.registry.invalidate(id);
  }

  // --- test send --------------------------------------------------------------------------

  /**
   * Sends one message through the provider's connector: the live one when the provider is
   * enabled, otherwise a temporary one (so a provider can be tried before it takes traffic).
   * Test sends do not count towards the freeze rule or the quota.
   */
  async testSend(_auth: AuthContext, id: string, input: TestSendBody): Promise<TestSendResult> {
    const row = await this.load(id);
    const from = input.from ?? defaultSenderOf(row);
    if (!from) {
      throw errors.invalid([{ field: 'from', reason: ProviderReasons.fromRequired }]);
    }
    const messageId = newId();
    let message: OutboundMessage;
    if (row.channel === 'email') {
      if (!input.subject || !(input.body ?? input.text)) {
        throw errors.invalid([{ field: 'subject', reason: ProviderReasons.emailNeedsSubject }]);
      }
      message = {
        channel: 'email',
        id: messageId,
        to: input.to,
        from,
        subject: input.subject,
        text: input.body ?? input.text,
      };
    } else {
      const text = input.text ?? input.body;
      if (!text) {
        throw errors.invalid([{ field: 'text', reason: ProviderReasons.smsNeedsText }]);
      }
      message = { channel: 'sms', id: messageId, to: input.to, from, text };
    }
    const started = Date.now();
    const live = this.registry.get(id);
    let result: SubmitResult;
    if (live) {
      result = await live.submit(message);
    } else {
      const connector = createConnector(connectorConfigOf(row));
      try {
        result = await connectWithin(connector.connect(), TEST_SEND_TIMEOUT_MS).then(
          () => connector.submit(message),
          (err: unknown) => ({
            ok: false as const,
            kind: 'retryable' as const,
            code: 'CONNECT_FAILED',
            message: err instanceof Error ? err.message : String(err),
          }),
        );
      } finally {
        await connector.close().catch(() => undefined);
      }
    }
    const durationMs = Date.now() - started;
    return result.ok
      ? {
          ok: true,
          providerMessageIds: result.providerMessageIds,
          parts: result.parts,
          encoding: result.encoding ?? null,
          kind: null,
          errorCode: null,
          errorMessage: null,
          durationMs,
        }
      : {
          ok: false,
          providerMessageIds: result.acceptedProviderMessageIds ?? [],
          parts: 0,
          encoding: null,
          kind: result.kind,
          errorCode: result.code,
          errorMessage: result.message,
          durationMs,
        };
  }
}

function connectWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<void>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`could not connect within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
