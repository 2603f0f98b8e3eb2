// Route rules (RT-1), the user–service mapping (RT-3), selection for the delivery engine
// (RT-2, RT-4) and explain (RT-5). Rules and mappings are cached compiled in memory and
// recompiled on change, so a selection costs no database query.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { flag } from '../../platform/db/schema.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { explainSelection, type SelectionExplanation } from './explain.js';
import {
  RoundRobinState,
  compileRules,
  selectProvider,
  type Channel,
  type CompiledRules,
  type ProviderState,
  type RouteMatch,
  type RouteRule,
  type RouteTier,
  type RoutingMode,
  type SelectionInput,
  type SelectionResult,
} from './selection.js';
import type { RouteRulesTable } from './routing.tables.js';
import { RoutingErrors, RoutingReasons } from './routing.errors.js';

export interface RuleView {
  id: string;
  name: string;
  priority: number;
  enabled: boolean;
  mode: RoutingMode;
  channel: Channel;
  match: Omit<RouteMatch, 'channel'>;
  tiers: RouteTier[];
  createdAt: string;
  updatedAt: string;
}

export interface RuleInput {
  name: string;
  priority?: number;
  enabled?: boolean;
  mode?: RoutingMode;
  channel: Channel;
  match?: Omit<RouteMatch, 'channel'>;
  tiers: RouteTier[];
}

/** Where provider states come from: a port of routing, answered by the providers module. */
export interface ProviderSource {
  states(): Promise<ReadonlyMap<string, ProviderState>> | ReadonlyMap<string, ProviderState>;
}

/**
 * What selection needs to know about a sending account: a port of routing, answered by the
 * customers module.
 */
export type AccountLookup = (accountId: string) => Promise<{ enterpriseId: string; timezone: string } | null>;

function toRule(r: RouteRulesTable): RouteRule {
  return {
    id: r.id,
    priority: r.priority,
    enabled: r.enabled === 1,
    mode: r.mode,
    match: { ...(JSON.parse(r.match) as Omit<RouteMatch, 'channel'>), channel: r.channel },
    tiers: JSON.parse(r.tiers) as RouteTier[],
  };
}

export class RoutingService {
  private compiled: CompiledRules | null = null;
  private mappings: Map<string, Set<string>> | null = null;
  private readonly roundRobin = new RoundRobinState();

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly providers: ProviderSource,
    private readonly accountLookup: AccountLookup,
  ) {}

  view(r: RouteRulesTable): RuleView {
    return {
      id: r.id,
      name: r.name,
      priority: r.priority,
      enabled: r.enabled === 1,
      mode: r.mode,
      channel: r.channel,
      match: JSON.parse(r.match) as Omit<RouteMatch, 'channel'>,
      tiers: JSON.parse(r.tiers) as RouteTier[],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** Drops the compiled rules and mappings; the next selection reloads them. */
  invalidate(): void {
    this.compiled = null;
    this.mappings = null;
    this.ctx.events.emit('routing.changed', {});
  }

  private async rules(): Promise<CompiledRules> {
    if (!this.compiled) {
      const rows = await this.ctx.db
        .selectFrom('route_rules')
        .selectAll()
        .orderBy('priority')
        .orderBy('id')
        .execute();
      this.compiled = compileRules(rows.map(toRule));
      this.roundRobin.retainOnly(this.compiled);
    }
    return this.compiled;
  }

  private async allowed(accountId: string): Promise<ReadonlySet<string> | 'all'> {
    if (!this.mappings) {
      const rows = await this.ctx.db.selectFrom('account_providers').selectAll().execute();
      const m = new Map<string, Set<string>>();
      for (const r of rows) {
        const set = m.get(r.sending_account_id) ?? new Set<string>();
        set.add(r.provider_id);
        m.set(r.sending_account_id, set);
      }
      this.mappings = m;
    }
    return this.mappings.get(accountId) ?? 'all';
  }

  /** Checks a rule by compiling it alone; compile errors become a 422 naming the rule field. */
  private async validate(input: RuleInput, id: string): Promise<void> {
    try {
      compileRules([
        {
          id,
          priority: 0,
          enabled: true,
          mode: input.mode ?? 'priority',
          match: { ...(input.match ?? {}), channel: input.channel },
          tiers: input.tiers,
        },
      ]);
    } catch (err) {
      throw errors.invalid([
        { field: 'rule', reason: RoutingReasons.invalidRule, params: { detail: (err as Error).message } },
      ]);
    }
    const states = await this.providers.states();
    const unknown = input.tiers
      .flatMap((t) => t.providers.map((p) => p.providerId))
      .filter((p) => !states.has(p));
    if (unknown.length) {
      throw errors.invalid([
        {
          field: 'tiers',
          reason: RoutingReasons.unknownProvider,
          params: { value: [...new Set(unknown)].join(', ') },
        },
      ]);
    }
  }

  async list(q: { page: number; size: number; channel?: Channel }) {
    let base = this.ctx.db.selectFrom('route_rules');
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    const page = await fetchPage(base.selectAll(), q, (qb) => qb.orderBy('priority').orderBy('id'));
    return { items: page.items.map((r) => this.view(r)), pagination: page.pagination };
  }

  private async load(id: string): Promise<RouteRulesTable> {
    const row = await this.ctx.db
      .selectFrom('route_rules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw RoutingErrors.ruleNotFound();
    }
    return row;
  }

  async get(id: string): Promise<RuleView> {
    return this.view(await this.load(id));
  }

  async create(auth: AuthContext, input: RuleInput): Promise<RuleView> {
    const id = newId();
    await this.validate(input, id);
    const now = this.ctx.clock.iso();
    const row = await this.ctx.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('route_rules')
        .select((eb) => eb.fn.max('priority').as('p'))
        .executeTakeFirst();
      const r: RouteRulesTable = {
        id,
        name: input.name,
        priority: input.priority ?? Number(last?.p ?? 0) + 10,
        enabled: flag(input.enabled ?? true),
        mode: input.mode ?? 'priority',
        channel: input.channel,
        match: JSON.stringify(input.match ?? {}),
        tiers: JSON.stringify(input.tiers),
        created_by: auth.kind === 'user' ? auth.actorId : null,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('route_rules').values(r).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'route_rule',
        entityId: id,
        action: 'create',
        after: r,
      });
      return r;
    });
    this.invalidate();
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, input: Partial<RuleInput>): Promise<RuleView> {
    const before = await this.load(id);
    const current = this.view(before);
    const merged: RuleInput = {
      name: input.name ?? current.name,
      priority: input.priority ?? current.priority,
      enabled: input.enabled ?? current.enabled,
      mode: input.mode ?? current.mode,
      channel: input.channel ?? current.channel,
      match: input.match ?? current.match,
      tiers: input.tiers ?? current.tiers,
    };
    await this.validate(merged, id);
    const patch = {
      name: merged.name,
      priority: merged.priority ?? current.priority,
      enabled: flag(merged.enabled ?? true),
      mode: merged.mode ?? 'priority',
      channel: merged.channel,
      match: JSON.stringify(merged.match ?? {}),
      tiers: JSON.stringify(merged.tiers),
      updated_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('route_rules').set(patch).where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'route_rule',
        entityId: id,
        action: 'update',
        before,
        after: patch,
      });
    });
    this.invalidate();
    return this.get(id);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const before = await this.load(id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('route_rules').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'route_rule',
        entityId: id,
        action: 'delete',
        before,
      });
    });
    this.invalidate();
  }

  /** Drag-to-reorder: the full list of rule ids in their new order; priorities become 10, 20, … */
  async reorder(auth: AuthContext, ids: string[]): Promise<void> {
    const existing = await this.ctx.db.selectFrom('route_rules').select(['id', 'priority']).execute();
    const known = new Set(existing.map((r) => r.id));
    if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((i) => !known.has(i))) {
      throw errors.invalid([{ field: 'ids', reason: RoutingReasons.orderMismatch }]);
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const [i, id] of ids.entries()) {
        await trx
          .updateTable('route_rules')
          .set({ priority: (i + 1) * 10, updated_at: this.ctx.clock.iso() })
          .where('id', '=', id)
          .execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'route_rule_order',
        entityId: 'all',
        action: 'update',
        before: existing.sort((a, b) => a.priority - b.priority).map((r) => r.id),
        after: ids,
      });
    });
    this.invalidate();
  }

  // --- user–service mapping (RT-3) ---------------------------------------------------------

  async getMapping(accountId: string): Promise<{ restricted: boolean; providerIds: string[] }> {
    await this.requireAccount(accountId);
    const rows = await this.ctx.db
      .selectFrom('account_providers')
      .select('provider_id')
      .where('sending_account_id', '=', accountId)
      .execute();
    return { restricted: rows.length > 0, providerIds: rows.map((r) => r.provider_id).sort() };
  }

  /** An empty list lifts the restriction (the account may use every provider). */
  async setMapping(
    auth: AuthContext,
    accountId: string,
    providerIds: string[],
  ): Promise<{ restricted: boolean; providerIds: string[] }> {
    const account = await this.requireAccount(accountId);
    const states = await this.providers.states();
    const unknown = providerIds.filter((p) => !states.has(p));
    if (unknown.length) {
      throw errors.invalid([
        {
          field: 'providerIds',
          reason: RoutingReasons.unknownProvider,
          params: { value: unknown.join(', ') },
        },
      ]);
    }
    const before = await this.getMapping(accountId);
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('account_providers').where('sending_account_id', '=', accountId).execute();
      const unique = [...new Set(providerIds)];
      if (unique.length) {
        await trx
          .insertInto('account_providers')
          .values(
            unique.map((provider_id) => ({ sending_account_id: accountId, provider_id, created_at: now })),
          )
          .execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'account_providers',
        entityId: accountId,
        action: 'update',
        before,
        after: { providerIds: unique },
        enterpriseId: account.enterpriseId,
      });
    });
    this.invalidate();
    return this.getMapping(accountId);
  }

  private async requireAccount(accountId: string): Promise<{ enterpriseId: string; timezone: string }> {
    const a = await this.accountLookup(accountId);
    if (!a) {
      throw RoutingErrors.accountNotFound();
    }
    return a;
  }

  // --- selection and explain ---------------------------------------------------------------

  /** Builds the selection input for a destination; the country comes from the number for SMS. */
  async input(args: {
    accountId: string;
    channel: Channel;
    to: string;
    sender?: string | null;
    country?: string | null;
    exclude?: ReadonlySet<string>;
    /** The tenant's time zone when the caller has it (the send path), saving a look-up. */
    timeZone?: string;
  }): Promise<SelectionInput> {
    const timeZone = args.timeZone ?? (await this.requireAccount(args.accountId)).timezone;
    const country =
      args.country ??
      (args.channel === 'sms'
        ? (parsePhoneNumberFromString(args.to.startsWith('+') ? args.to : `+${args.to}`)?.country ?? null)
        : null);
    return {
      channel: args.channel,
      destination: args.to,
      country,
      sendingAccountId: args.accountId,
      sender: args.sender ?? null,
      allowedProviderIds: await this.allowed(args.accountId),
      exclude: args.exclude,
      now: this.ctx.clock.now(),
      timeZone,
    };
  }

  /** The delivery engine's call: picks a provider and advances round-robin state. */
  async select(input: SelectionInput): Promise<SelectionResult> {
    return selectProvider(input, {
      rules: await this.rules(),
      providers: await this.providers.states(),
      roundRobin: this.roundRobin,
    });
  }

  async explain(input: SelectionInput): Promise<SelectionExplanation> {
    return explainSelection(input, {
      rules: await this.rules(),
      providers: await this.providers.states(),
      roundRobin: this.roundRobin,
    });
  }
}
