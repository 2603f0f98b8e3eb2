// The accept path (MS-1, MS-2, ARCHITECTURE §4): validate → hooks (templates, suppression) →
// route → price → group commit (quota, charge, message rows and idempotency key in one
// transaction shared by concurrent requests) → enqueue after commit. Each item is accepted or
// rejected on its own with a stable code; a request is never half written.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError, errors } from '../../platform/http/errors.js';
import { translate, type Locale } from '../../platform/i18n/i18n.js';
import { MemoryRateLimiter } from '../../platform/http/rate-limit.js';
import { newId } from '../../platform/ids.js';
import { wallClock, zonedToUtc } from '../../platform/time-zones.js';
import { Batcher } from '../../platform/batcher.js';
import type { QueuePriority } from '../../platform/queue/queue.js';
import {
  type SendingContext,
  type Customers,
  describeSenderRule,
  validateSmsSender,
} from '../customers/index.js';
import type { RoutingService } from '../routing/index.js';
import type { BillingServices, Charge } from '../billing/index.js';
import { checkSmsText, parseEmailRecipient, parsePhoneRecipient } from './validation.js';
import type {
  AcceptHooks,
  AcceptOrigin,
  AcceptResult,
  AcceptedMessage,
  Rejection,
  SendItem,
  ValidItem,
} from './messages.contract.js';
import { NO_COUNTRY, QUEUE_PRIORITY } from './messages.contract.js';
import type { MessagesTable } from './messages.tables.js';
import type { Requeue, WorkIntake } from '../../delivery/ports.js';
import type { LifecycleService } from './lifecycle.service.js';
import type { MessageRepository } from './messages.repository.js';
import { MessagesErrors as ME, MessagesReasons as MR } from './messages.errors.js';

const MAX_SCHEDULE_MS = 30 * 86_400_000;
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
export { NO_COUNTRY };

/** An item that passed validation, routing and pricing, ready to be written. */
interface Draft {
  index: number;
  row: MessagesTable;
  charge: Charge;
  /** In-memory queue priority. */
  priority: QueuePriority;
  dayKey: string;
}

interface CommitRequest {
  origin: AcceptOrigin;
  account: SendingContext;
  drafts: Draft[];
  idempotency?: IdempotencyInput & { results: Array<AcceptResult | null> };
  locale: Locale;
}

/** What a committed request tells its caller: per draft, accepted or rejected. */
type CommitOutcome = Map<number, Rejection | null>;

export interface IdempotencyInput {
  /** `key:<api key id>` or `user:<user id>`. */
  scope: string;
  key: string;
  /** Hash of the request (method, path, account and body). */
  hash: string;
}

export interface AcceptOptions {
  locale?: Locale;
  idempotency?: IdempotencyInput;
}

export function requestHash(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function rejection(
  code: string,
  reason: string,
  locale: Locale,
  field?: string,
  params: Record<string, unknown> = {},
): Rejection {
  const text = translate(`field.${reason}`, locale, params);
  return {
    code,
    reason,
    message: field ? `${field}: ${text}` : text,
    ...(field !== undefined ? { field } : {}),
    ...(Object.keys(params).length ? { params } : {}),
  };
}

function isRejection(v: unknown): v is Rejection {
  return typeof v === 'object' && v !== null && 'code' in v && 'reason' in v && !('channel' in v);
}

/** Turns a per-item rejection into the error a single send answers with. */
export function rejectionError(r: Rejection): AppError {
  const status =
    r.code === 'INSUFFICIENT_BALANCE'
      ? 402
      : r.code === 'QUOTA_EXCEEDED'
        ? 402
        : r.code === 'DAILY_LIMIT_EXCEEDED'
          ? 429
          : r.code === 'SENDING_ACCOUNT_NOT_FOUND'
            ? 404
            : 422;
  if (r.code === 'VALIDATION_FAILED') {
    return errors.invalid([{ field: r.field ?? '', reason: r.reason, params: r.params ?? {} }]);
  }
  return new AppError(
    r.code,
    status,
    r.params ?? {},
    r.field ? [{ field: r.field, reason: r.reason, params: r.params ?? {} }] : [],
  );
}

export class AcceptService {
  private readonly batcher: Batcher<CommitRequest, CommitOutcome>;
  private readonly limiter: MemoryRateLimiter;
  /** Messages accepted per account and local day (seeded from the database once per day). */
  private readonly daily = new Map<string, { day: string; count: number }>();
  private readonly dailySeeds = new Map<string, Promise<number>>();
  private readonly senderCache = new Map<string, { at: number; approved: Set<string>; strict: boolean }>();
  private readonly inflightKeys = new Map<string, { hash: string; done: Promise<AcceptResult[]> }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly deps: {
      customers: Customers;
      routing: RoutingService;
      billing: BillingServices;
      hooks: AcceptHooks;
      /** Stores the rows (the one owner of message status). */
      lifecycle: LifecycleService;
      repo: MessageRepository;
      /** The delivery engine: queued messages are handed to it after commit. */
      sink: WorkIntake;
    },
  ) {
    this.batcher = new Batcher((reqs) => this.commit(reqs), 256);
    this.limiter = new MemoryRateLimiter(ctx.clock);
  }

  /** Requests waiting for the next group commit. */
  get pending(): number {
    return this.batcher.pending;
  }

  idle(): Promise<void> {
    return this.batcher.idle();
  }

  async accept(origin: AcceptOrigin, items: SendItem[], opts: AcceptOptions = {}): Promise<AcceptResult[]> {
    const idem = opts.idempotency;
    if (!idem) {
      return this.acceptNow(origin, items, opts);
    }
    const slot = `${idem.scope}\u0000${idem.key}`;
    const running = this.inflightKeys.get(slot);
    if (running) {
      if (running.hash !== idem.hash) {
        throw ME.idempotencyReused();
      }
      return running.done;
    }
    // Registered before the first await, so a concurrent duplicate waits for this one.
    const done = (async () => {
      const stored = await this.deps.repo.findIdempotencyKey(idem.scope, idem.key);
      if (stored && stored.expires_at > this.ctx.clock.iso()) {
        if (stored.request_hash !== idem.hash) {
          throw ME.idempotencyReused();
        }
        return JSON.parse(stored.response) as AcceptResult[];
      }
      return this.acceptNow(origin, items, opts);
    })();
    this.inflightKeys.set(slot, { hash: idem.hash, done });
    try {
      return await done;
    } finally {
      this.inflightKeys.delete(slot);
    }
  }

  private async acceptNow(
    origin: AcceptOrigin,
    items: SendItem[],
    opts: AcceptOptions,
  ): Promise<AcceptResult[]> {
    const locale = opts.locale ?? 'en-US';
    const account = await this.deps.customers.sendingContext(origin.accountId);
    if (!account) {
      throw ME.accountNotFound();
    }
    if (!account.isSendingAllowed) {
      throw ME.accountSuspended();
    }
    this.checkBackpressure(items.length);
    if (account.tpsLimit) {
      for (let i = 0; i < items.length; i++) {
        const wait = this.limiter.take(`acct:${account.account.id}`, account.tpsLimit, account.tpsLimit);
        if (wait > 0) {
          throw new AppError('THROTTLED', 429, { tps: account.tpsLimit, retryAfter: wait }, [], {
            'retry-after': String(wait),
          });
        }
      }
    }
    const results: Array<AcceptResult | null> = items.map(() => null);
    const valid: Array<{ index: number; item: SendItem; v: Validated }> = [];
    for (let i = 0; i < items.length; i++) {
      let item = items[i] as SendItem;
      let refused: Rejection | null = null;
      for (const hook of this.deps.hooks.prepare) {
        const r = await hook(item, account);
        if (isRejection(r)) {
          refused = r;
          break;
        }
        item = r;
      }
      if (!refused) {
        const v = await this.validate(item, account, locale);
        if ('code' in v) {
          refused = v;
        } else {
          valid.push({ index: i, item, v });
        }
      }
      if (refused) {
        results[i] = { ok: false, ...refused };
      }
    }
    // Hooks that look at the batch as a whole (the suppression list: one query per batch).
    let checked = valid;
    if (this.deps.hooks.check.length > 0 && valid.length > 0) {
      const views: ValidItem[] = valid.map((x) => ({
        index: x.index,
        item: x.item,
        to: x.v.to,
        country: x.v.country,
      }));
      const refusedAt = new Map<number, Rejection>();
      for (const hook of this.deps.hooks.check) {
        const verdicts = await hook(views, account, locale);
        verdicts.forEach((r, k) => {
          const idx = views[k]?.index;
          if (r && idx !== undefined && !refusedAt.has(idx)) {
            refusedAt.set(idx, r);
          }
        });
      }
      checked = valid.filter((x) => {
        const r = refusedAt.get(x.index);
        if (r) {
          results[x.index] = { ok: false, ...r };
        }
        return !r;
      });
    }
    const drafts: Draft[] = [];
    const now = this.ctx.clock.now();
    const nowIso = new Date(now).toISOString();
    for (const x of checked) {
      const d = await this.draft(origin, account, x.item, x.v, x.index, now, nowIso, locale);
      if ('code' in d) {
        results[x.index] = { ok: false, ...d };
      } else {
        drafts.push(d);
      }
    }
    // Daily limit: counted in memory per account and local day, seeded from the table.
    const limit = account.dailyLimit;
    if (limit > 0 && drafts.length > 0) {
      const used = await this.dailyUsed(account, drafts[0]?.dayKey ?? '');
      const room = Math.max(0, limit - used);
      const over = drafts.splice(room);
      for (const d of over) {
        results[d.index] = {
          ok: false,
          ...rejection('DAILY_LIMIT_EXCEEDED', MR.dailyLimit, locale, undefined, { limit }),
        };
      }
      this.addDaily(account.account.id, drafts[0]?.dayKey ?? '', drafts.length);
    }
    if (drafts.length > 0) {
      this.pendingItems += drafts.length;
      const outcome = await this.batcher.add({
        origin,
        account,
        drafts,
        locale,
        ...(opts.idempotency ? { idempotency: { ...opts.idempotency, results } } : {}),
      });
      let refusedCount = 0;
      for (const d of drafts) {
        const r = outcome.get(d.index) ?? null;
        if (r) {
          refusedCount++;
          results[d.index] = { ok: false, ...r };
        } else {
          results[d.index] = { ok: true, ...acceptedView(d.row) };
        }
      }
      if (refusedCount > 0 && limit > 0) {
        this.addDaily(account.account.id, drafts[0]?.dayKey ?? '', -refusedCount);
      }
    }
    return results as AcceptResult[];
  }

  /** 503 before memory grows: too much queued, or too much waiting for the group commit. */
  checkBackpressure(extra: number): void {
    const cfg = this.ctx.config;
    if (this.deps.sink.backlog() + extra > cfg.maxBacklog) {
      const e = ME.backlogFull({ retryAfter: 5 });
      throw new AppError(e.code, 503, e.params, [], { 'retry-after': '5' });
    }
    if (this.pendingItems + extra > cfg.maxPendingAccepts) {
      const e = ME.backlogFull({ retryAfter: 1 });
      throw new AppError(e.code, 503, e.params, [], { 'retry-after': '1' });
    }
  }

  private pendingItems = 0;

  // --- validation ---------------------------------------------------------------------------

  private async validate(
    item: SendItem,
    account: SendingContext,
    locale: Locale,
  ): Promise<Validated | Rejection> {
    const invalid = (field: string, reason: string, params: Record<string, unknown> = {}) =>
      rejection('VALIDATION_FAILED', reason, locale, field, params);
    if (!account.allowedChannels.includes(item.channel)) {
      return rejection('CHANNEL_NOT_ALLOWED', MR.channelNotAllowed, locale, 'channel', {
        channel: item.channel,
      });
    }
    let sendAt: number | null = null;
    if (item.sendAt !== undefined) {
      const t = Date.parse(item.sendAt);
      if (Number.isNaN(t)) {
        return invalid('sendAt', MR.invalidDate);
      }
      if (t - this.ctx.clock.now() > MAX_SCHEDULE_MS) {
        return invalid('sendAt', MR.sendAtTooFar);
      }
      sendAt = t;
    }
    if (item.channel === 'sms') {
      const to = parsePhoneRecipient(item.to, account.allowedCountries);
      if (!to.ok) {
        return invalid('to', to.reason, to.params);
      }
      const text = checkSmsText(item.text ?? '', account.maxParts, item.smartEncoding ?? false);
      if (!text.ok) {
        return invalid('text', text.reason, text.params);
      }
      const from = item.from ?? account.defaultSender;
      if (from) {
        const rule = validateSmsSender(from);
        if (!rule.ok) {
          return invalid('from', MR.senderRule, { detail: describeSenderRule(rule.reason, locale) });
        }
        if (!(await this.senderAllowed(account, 'sms', from))) {
          return rejection('SENDER_NOT_ALLOWED', MR.senderNotApproved, locale, 'from', { sender: from });
        }
      }
      return {
        to: to.value.to,
        country: to.value.country,
        numberType: to.value.numberType as string,
        from: from ?? null,
        body: text.value.text,
        subject: null,
        html: null,
        encoding: text.value.encoding,
        segments: text.value.segments,
        sendAt,
      };
    }
    const to = parseEmailRecipient(item.to);
    if (!to.ok) {
      return invalid('to', to.reason);
    }
    if (!item.subject || item.subject.trim() === '') {
      return invalid('subject', MR.required);
    }
    if (!item.text && !item.html) {
      return invalid('text', 'empty_text');
    }
    const fromRaw = item.from ?? account.defaultSender;
    if (!fromRaw) {
      return invalid('from', MR.required);
    }
    const from = parseEmailRecipient(fromRaw);
    if (!from.ok) {
      return invalid('from', from.reason);
    }
    if (!(await this.senderAllowed(account, 'email', from.value))) {
      return rejection('SENDER_NOT_ALLOWED', MR.senderNotApproved, locale, 'from', { sender: from.value });
    }
    return {
      to: to.value,
      country: null,
      numberType: null,
      from: from.value,
      body: item.text ?? '',
      subject: item.subject,
      html: item.html ?? null,
      encoding: null,
      segments: 1,
      sendAt,
    };
  }

  /**
   * A sender must be one of the enterprise's approved senders when the enterprise requires
   * approval or has registered any for the channel; otherwise any well-formed sender goes.
   */
  private async senderAllowed(
    account: SendingContext,
    channel: 'sms' | 'email',
    sender: string,
  ): Promise<boolean> {
    const key = `${account.enterprise.id}|${channel}`;
    const now = this.ctx.clock.now();
    let hit = this.senderCache.get(key);
    if (!hit || now - hit.at > 10_000) {
      const [rows, ent] = await Promise.all([
        this.ctx.db
          .selectFrom('senders')
          .select(['value', 'status'])
          .where('enterprise_id', '=', account.enterprise.id)
          .where('channel', '=', channel)
          .execute(),
        this.ctx.db
          .selectFrom('enterprises')
          .select('require_sender_approval')
          .where('id', '=', account.enterprise.id)
          .executeTakeFirst(),
      ]);
      hit = {
        at: now,
        approved: new Set(rows.filter((r) => r.status === 'approved').map((r) => r.value.toLowerCase())),
        strict: ent?.require_sender_approval === 1 || rows.length > 0,
      };
      this.senderCache.set(key, hit);
    }
    return !hit.strict || hit.approved.has(sender.toLowerCase());
  }

  private async draft(
    origin: AcceptOrigin,
    account: SendingContext,
    item: SendItem,
    v: Validated,
    index: number,
    now: number,
    nowIso: string,
    locale: Locale,
  ): Promise<Draft | Rejection> {
    const routing = this.deps.routing;
    const selection = await routing.select(
      await routing.input({
        accountId: account.account.id,
        channel: item.channel,
        to: v.to,
        sender: v.from,
        country: v.country,
        timeZone: account.enterprise.timezone,
      }),
    );
    if (!selection.ok) {
      return rejection('NO_ROUTE', MR.noRoute, locale, 'to', { detail: selection.reason });
    }
    let quote;
    try {
      quote = await this.deps.billing.quote({
        enterpriseId: account.enterprise.id,
        sendingAccountId: account.account.id,
        channel: item.channel,
        country: v.country ?? NO_COUNTRY,
        segments: v.segments,
        destination: v.to.replace(/^\+/, ''),
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'NO_PRICE') {
        return rejection('NO_PRICE', MR.noPrice, locale, 'to', err.params);
      }
      throw err;
    }
    const id = newId();
    const scheduled = v.sendAt !== null && v.sendAt > now;
    const start = scheduled ? (v.sendAt as number) : now;
    const unitCost = selection.provider.costByCountry.get(v.country ?? NO_COUNTRY);
    const priority = item.priority ?? 'normal';
    const row: MessagesTable = {
      id,
      enterprise_id: account.enterprise.id,
      sending_account_id: account.account.id,
      source: origin.source,
      api_key_id: origin.apiKeyId ?? null,
      user_id: origin.userId ?? null,
      channel: item.channel,
      recipient: v.to,
      country: v.country,
      number_type: v.numberType,
      sender: v.from,
      subject: v.subject,
      body: v.body,
      html: v.html,
      encoding: v.encoding,
      segments: v.segments,
      smart_encoding: item.smartEncoding ? 1 : 0,
      priority,
      status: scheduled ? 'accepted' : 'queued',
      client_ref: item.clientRef ?? null,
      campaign_id: item.campaignId ?? null,
      template_id: item.templateId ?? null,
      metadata: JSON.stringify(item.metadata ?? {}),
      send_at: scheduled ? new Date(start).toISOString() : null,
      expires_at: item.validityPeriod ? new Date(start + item.validityPeriod * 1000).toISOString() : null,
      price: quote.amount,
      currency: quote.currency,
      refund_on_failure: quote.refundOnFailure ? 1 : 0,
      refunded: 0,
      cost: unitCost === undefined ? null : unitCost * v.segments,
      provider_id: selection.provider.id,
      route_rule_id: selection.rule.id,
      attempts: 0,
      next_attempt_at: null,
      tried_providers: '[]',
      lease_until: null,
      lease_owner: null,
      error_code: null,
      error_message: null,
      created_at: nowIso,
      queued_at: scheduled ? null : nowIso,
      sent_at: null,
      done_at: null,
      updated_at: nowIso,
    };
    return {
      index,
      row,
      priority: QUEUE_PRIORITY[priority],
      dayKey: account.dailyLimit > 0 ? this.dayKey(account, now) : '',
      charge: {
        enterpriseId: account.enterprise.id,
        amount: quote.amount,
        objectType: 'message',
        objectId: id,
        channel: item.channel,
        country: v.country ?? NO_COUNTRY,
        quantity: v.segments,
      },
    };
  }

  // --- daily limit --------------------------------------------------------------------------

  private dayKey(account: SendingContext, now: number): string {
    const w = wallClock(now, account.enterprise.timezone);
    return `${w.y}-${w.mo}-${w.d}`;
  }

  private async dailyUsed(account: SendingContext, day: string): Promise<number> {
    const id = account.account.id;
    const hit = this.daily.get(id);
    if (hit && hit.day === day) {
      return hit.count;
    }
    const seedKey = `${id}|${day}`;
    let seed = this.dailySeeds.get(seedKey);
    if (!seed) {
      const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
      const start = new Date(zonedToUtc(y, mo, d, 0, 0, account.enterprise.timezone)).toISOString();
      seed = this.deps.repo.countSince(id, start);
      this.dailySeeds.set(seedKey, seed);
    }
    const counted = await seed;
    this.dailySeeds.delete(seedKey);
    const again = this.daily.get(id);
    if (again && again.day === day) {
      return again.count;
    }
    this.daily.set(id, { day, count: counted });
    return counted;
  }

  private addDaily(accountId: string, day: string, n: number): void {
    const hit = this.daily.get(accountId);
    if (hit && hit.day === day) {
      hit.count = Math.max(0, hit.count + n);
    }
  }

  // --- the group commit ---------------------------------------------------------------------

  private async commit(reqs: CommitRequest[]): Promise<CommitOutcome[]> {
    const outcomes: CommitOutcome[] = reqs.map(() => new Map<number, Rejection | null>());
    const { billing } = this.deps;
    const itemCount = reqs.reduce((n, r) => n + r.drafts.length, 0);
    this.pendingItems = Math.max(0, this.pendingItems - itemCount);
    const lowBalance: Array<{
      lowBalance: Parameters<BillingServices['ledger']['emitAfterCommit']>[0]['lowBalance'];
    }> = [];
    const accepted: MessagesTable[] = [];
    const toQueue: Requeue[] = [];
    await this.deps.lifecycle.run(async (trx, fx) => {
      // Quotas: one deduction per account and channel for the whole batch; when that is refused,
      // request by request, then item by item, so what fits is still accepted.
      const refusedByQuota = await this.deductQuotas(trx, reqs, outcomes);
      // Charges: one chargeMany for the batch; enterprises that cannot pay for all of it are
      // charged request by request, item by item, in order.
      const charges: Charge[] = [];
      reqs.forEach((r, i) => {
        for (const d of r.drafts) {
          if (!outcomes[i]?.has(d.index)) {
            charges.push(d.charge);
          }
        }
      });
      const first = await billing.chargeMany(trx, charges, { onInsufficient: 'skip' });
      lowBalance.push(first);
      if (first.refused.length > 0) {
        const refusedEnterprises = new Set(first.refused.map((r) => r.enterpriseId));
        for (let i = 0; i < reqs.length; i++) {
          const r = reqs[i] as CommitRequest;
          if (!refusedEnterprises.has(r.account.enterprise.id)) {
            continue;
          }
          // Set once a charge was refused: what the balance still had then (micro-units).
          let available: number | null = null;
          for (const d of r.drafts) {
            if (outcomes[i]?.has(d.index)) {
              continue;
            }
            if (available === null) {
              const one = await billing.chargeMany(trx, [d.charge], { onInsufficient: 'skip' });
              lowBalance.push(one);
              const refused = one.refused[0];
              if (!refused) {
                continue;
              }
              available = refused.available;
            }
            const shortfall = { required: d.charge.amount, available };
            outcomes[i]?.set(
              d.index,
              rejection('INSUFFICIENT_BALANCE', MR.insufficientBalance, r.locale, undefined, shortfall),
            );
          }
        }
      }
      // Give back the quota of items refused after their quota was taken.
      for (let i = 0; i < reqs.length; i++) {
        const r = reqs[i] as CommitRequest;
        const back = new Map<string, number>();
        for (const d of r.drafts) {
          const why = outcomes[i]?.get(d.index);
          if (why && why.code === 'INSUFFICIENT_BALANCE' && !refusedByQuota.has(d.row.id)) {
            back.set(d.row.channel, (back.get(d.row.channel) ?? 0) + 1);
          }
        }
        for (const [channel, n] of back) {
          await billing.returnQuota(trx, r.account.account.id, channel as 'sms', n);
        }
      }
      for (let i = 0; i < reqs.length; i++) {
        const r = reqs[i] as CommitRequest;
        for (const d of r.drafts) {
          if (outcomes[i]?.has(d.index)) {
            continue;
          }
          outcomes[i]?.set(d.index, null);
          accepted.push(d.row);
          if (d.row.status === 'queued') {
            toQueue.push({
              id: d.row.id,
              providerId: d.row.provider_id as string,
              priority: d.priority,
              due: 0,
            });
          }
        }
      }
      await this.deps.lifecycle.insertAccepted(trx, fx, accepted);
      // Idempotency keys are stored with the response when something was accepted (a request
      // refused as a whole may be retried after the customer fixed it).
      for (let i = 0; i < reqs.length; i++) {
        const r = reqs[i] as CommitRequest;
        if (!r.idempotency) {
          continue;
        }
        const results = [...r.idempotency.results];
        let any = false;
        for (const d of r.drafts) {
          const why = outcomes[i]?.get(d.index) ?? null;
          if (!why) {
            any = true;
          }
          results[d.index] = why ? { ok: false, ...why } : { ok: true, ...acceptedView(d.row) };
        }
        if (any) {
          const at = this.ctx.clock.now();
          await this.deps.repo.saveIdempotencyKey(trx, {
            id: newId(),
            scope: r.idempotency.scope,
            key: r.idempotency.key,
            request_hash: r.idempotency.hash,
            status_code: 200,
            response: JSON.stringify(results),
            created_at: new Date(at).toISOString(),
            expires_at: new Date(at + IDEMPOTENCY_TTL_MS).toISOString(),
          });
        }
      }
      fx.then(() => {
        for (const l of lowBalance) {
          billing.ledger.emitAfterCommit(l);
        }
        this.deps.sink.enqueue(toQueue);
      });
    });
    return outcomes;
  }

  /** Returns the ids of drafts refused for quota (their quota was never taken). */
  private async deductQuotas(
    trx: Transaction<Database>,
    reqs: CommitRequest[],
    outcomes: CommitOutcome[],
  ): Promise<Set<string>> {
    const refused = new Set<string>();
    const { billing } = this.deps;
    const groups = new Map<string, { accountId: string; channel: string; reqs: number[]; count: number }>();
    reqs.forEach((r, i) => {
      for (const d of r.drafts) {
        const key = `${r.account.account.id}|${d.row.channel}`;
        const g = groups.get(key) ?? {
          accountId: r.account.account.id,
          channel: d.row.channel,
          reqs: [],
          count: 0,
        };
        if (!g.reqs.includes(i)) {
          g.reqs.push(i);
        }
        g.count++;
        groups.set(key, g);
      }
    });
    for (const g of groups.values()) {
      try {
        await billing.deductQuota(trx, g.accountId, g.channel as 'sms', g.count);
        continue;
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'QUOTA_EXCEEDED') {
          throw err;
        }
      }
      // Short: item by item in request order until the quota runs out.
      let out = false;
      // The refusal's text names the channel and what was left, as the quota error states them.
      let quotaShortfall: Record<string, unknown> = { channel: g.channel, remaining: 0, requested: 1 };
      for (const i of g.reqs) {
        const r = reqs[i] as CommitRequest;
        for (const d of r.drafts) {
          if (d.row.channel !== g.channel) {
            continue;
          }
          if (!out) {
            try {
              await billing.deductQuota(trx, g.accountId, g.channel, 1, d.row.id);
              continue;
            } catch (err) {
              if (!(err instanceof AppError) || err.code !== 'QUOTA_EXCEEDED') {
                throw err;
              }
              out = true;
              quotaShortfall = { ...quotaShortfall, ...err.params };
            }
          }
          refused.add(d.row.id);
          outcomes[i]?.set(
            d.index,
            rejection('QUOTA_EXCEEDED', MR.quotaExceeded, r.locale, undefined, { ...quotaShortfall }),
          );
        }
      }
    }
    return refused;
  }
}

interface Validated {
  to: string;
  country: string | null;
  numberType: string | null;
  from: string | null;
  body: string;
  subject: string | null;
  html: string | null;
  encoding: 'gsm7' | 'ucs2' | null;
  segments: number;
  sendAt: number | null;
}

export function acceptedView(row: MessagesTable): AcceptedMessage {
  return {
    id: row.id,
    status: row.status,
    to: row.recipient,
    channel: row.channel as 'sms' | 'email',
    country: row.country,
    segments: row.segments,
    encoding: row.encoding,
    price: Number(row.price),
    currency: row.currency,
    clientRef: row.client_ref,
  };
}
