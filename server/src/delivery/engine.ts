// The delivery engine (ARCHITECTURE §4, DL-2, DL-3, DL-6, MS-3, MS-4): per-provider queues of
// message ids, workers that load rows in batches and submit through connectors with a bounded
// in-flight window, retries with exponential backoff and failover to the next route, receipts
// matched by provider message id, refunds on final failure, scheduled sends, and recovery of
// queued work at start. Every write on the hot path is batched (one transaction per turn).
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../platform/db/schema.js';
import { newId } from '../platform/ids.js';
import { insertRows } from '../platform/db/bulk.js';
import { EmbeddedQueue, type QueuePriority, type WorkQueue } from '../platform/queue/queue.js';
import { Batcher } from './batcher.js';
import { DueHeap } from './heap.js';
import {
  combinePartStates,
  isFinalReceiptStatus,
  type Connector,
  type DeliveryReceipt,
  type OutboundMessage,
  type SubmitResult,
} from './connectors/index.js';
import type { ProviderRegistry } from '../modules/providers/provider-registry.js';
import type { RoutingService } from '../modules/routing/routing.service.js';
import type { BillingServices } from '../modules/billing/billing.module.js';
import type { Customers } from '../modules/customers/customers.module.js';
import {
  MESSAGE_STATUS_EVENT,
  NO_COUNTRY,
  QUEUE_PRIORITY,
  type MessageStatusEvent,
} from '../modules/messages/messages.contract.js';
import type { MessageStatus, MessagesTable } from '../modules/messages/messages.tables.js';

const CHUNK = 500;
const MAX_BACKOFF_MS = 5 * 60_000;
/** How long a receipt whose submit response is not yet written is kept before it is dropped. */
const HOLD_RECEIPT_MS = 120_000;

/** Columns a worker needs to submit a message and to describe it in events. */
const ROW_COLUMNS = [
  'id',
  'enterprise_id',
  'sending_account_id',
  'source',
  'channel',
  'recipient',
  'country',
  'sender',
  'subject',
  'body',
  'html',
  'segments',
  'smart_encoding',
  'priority',
  'status',
  'client_ref',
  'expires_at',
  'price',
  'refund_on_failure',
  'refunded',
  'provider_id',
  'attempts',
  'tried_providers',
  'created_at',
] as const;

type Row = Pick<MessagesTable, (typeof ROW_COLUMNS)[number]>;

interface SubmitOutcome {
  row: Row;
  providerId: string;
  result: SubmitResult | { expired: true };
  startedAt: number;
  finishedAt: number;
}

interface HeldReceipt {
  providerId: string;
  receipt: DeliveryReceipt;
  at: number;
}

export interface EngineDeps {
  registry: ProviderRegistry;
  routing: RoutingService;
  billing: BillingServices;
  customers: Customers;
}

export interface QueueState {
  providerId: string;
  queued: number;
  inflight: number;
  paused: boolean;
}

export class DeliveryEngine {
  readonly queue: WorkQueue = new EmbeddedQueue();
  private readonly inflight = new Map<string, number>();
  /** Ids a worker holds right now (reported as `sending`). */
  private readonly sending = new Set<string>();
  private readonly paused = new Set<string>();
  /** Providers that must not take traffic now (disabled, frozen, deleted). */
  private blocked = new Set<string>();
  private readonly delayed = new DueHeap<{
    due: number;
    id: string;
    providerId: string;
    priority: QueuePriority;
  }>();
  private readonly held = new Map<string, HeldReceipt>();
  private readonly reroutedAt = new Map<string, number>();
  private readonly results: Batcher<SubmitOutcome, void>;
  private readonly receipts: Batcher<
    { providerId: string; receipt: DeliveryReceipt; heldSince?: number },
    void
  >;
  private readonly timers: NodeJS.Timeout[] = [];
  private scheduledDue = true;
  private scheduling: Promise<void> | null = null;
  private sweeping: Promise<void> | null = null;
  private closed = false;
  private started = false;
  readonly counters = { submitted: 0, sent: 0, failed: 0, retried: 0, receipts: 0, unmatchedReceipts: 0 };

  constructor(
    private readonly ctx: AppContext,
    private readonly deps: EngineDeps,
  ) {
    this.results = new Batcher((items) => this.writeResults(items), 2000);
    this.receipts = new Batcher((items) => this.writeReceipts(items), 2000);
    this.queue.onPush((providerId) => this.pump(providerId));
  }

  // --- the accept side (AcceptSink) ---------------------------------------------------------

  /** Messages queued or waiting for a retry (backpressure reads it). */
  backlog(): number {
    return this.queue.total() + this.delayed.size;
  }

  enqueue(items: Array<{ id: string; providerId: string; priority: QueuePriority }>): void {
    const byProvider = new Map<string, Array<{ id: string; priority: QueuePriority }>>();
    for (const it of items) {
      const list = byProvider.get(it.providerId) ?? [];
      list.push({ id: it.id, priority: it.priority });
      byProvider.set(it.providerId, list);
    }
    for (const [providerId, list] of byProvider) {
      this.queue.push(providerId, list);
    }
  }

  scheduled(): void {
    this.scheduledDue = true;
  }

  emitStatus(rows: readonly Row[], at = this.ctx.clock.iso()): void {
    for (const row of rows) {
      this.emit(row, row.status, at, null);
    }
  }

  private emit(
    row: Row,
    status: MessageStatus,
    at: string,
    errorCode: string | null,
    skippedSent = false,
  ): void {
    const event: MessageStatusEvent = {
      messageId: row.id,
      enterpriseId: row.enterprise_id,
      sendingAccountId: row.sending_account_id,
      source: row.source,
      channel: row.channel as 'sms' | 'email',
      status,
      to: row.recipient,
      from: row.sender,
      country: row.country,
      providerId: row.provider_id,
      segments: row.segments,
      price: Number(row.price),
      clientRef: row.client_ref,
      errorCode,
      textStart: row.body.slice(0, 20),
      createdAt: row.created_at,
      at,
      ...(skippedSent ? { skippedSent } : {}),
    };
    this.ctx.events.emit(MESSAGE_STATUS_EVENT, event, row.enterprise_id);
  }

  // --- state for the console -----------------------------------------------------------------

  isSending(id: string): boolean {
    return this.sending.has(id);
  }

  queues(): QueueState[] {
    const ids = new Set([
      ...Object.keys(this.queue.sizes()),
      ...this.inflight.keys(),
      ...this.paused,
      ...this.deps.registry.liveProviderIds(),
    ]);
    return [...ids].sort().map((providerId) => ({
      providerId,
      queued: this.queue.size(providerId),
      inflight: this.inflight.get(providerId) ?? 0,
      paused: this.paused.has(providerId),
    }));
  }

  queueDepths(): Record<string, number> {
    return this.queue.sizes();
  }

  pause(providerId: string): void {
    this.paused.add(providerId);
  }

  resume(providerId: string): void {
    this.paused.delete(providerId);
    this.pump(providerId);
  }

  // --- life cycle -----------------------------------------------------------------------------

  /** Resumes queued work (DL-6), hangs receipt handlers on connectors and starts the timers. */
  async start(): Promise<void> {
    if (this.started) {
      return;
    }
    this.started = true;
    await this.refreshBlocked();
    await this.recover();
    this.deps.registry.onConnector((providerId, connector) => this.attach(providerId, connector));
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(100, () => this.releaseDelayed());
    every(1000, () => {
      this.scheduledDue = true;
      void this.runScheduler();
      void this.sweep();
    });
    every(5000, () => this.dropStaleReceipts());
    this.scheduledDue = true;
    void this.runScheduler();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) {
      clearInterval(t);
    }
    // Give submits under way a moment to finish; what is left stays queued in the table and
    // is resumed by the next start (a message is sent at most twice, charged once).
    const deadline = Date.now() + Math.min(5000, this.ctx.config.shutdownTimeoutMs);
    while (this.sending.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.results.idle();
    await this.receipts.idle();
  }

  /** Resolves when every result and receipt handed in so far is written (tests, shutdown). */
  async idle(): Promise<void> {
    await this.results.idle();
    await this.receipts.idle();
  }

  private attach(providerId: string, connector: Connector): void {
    connector.onReceipt((receipt) => this.onReceipt(providerId, receipt));
    this.pump(providerId);
  }

  /** Puts every queued message of the table back into the queues (start-up, DL-6). */
  private async recover(): Promise<void> {
    let after = '';
    const now = this.ctx.clock.now();
    let count = 0;
    for (;;) {
      const rows = await this.ctx.db
        .selectFrom('messages')
        .select(['id', 'provider_id', 'priority', 'next_attempt_at'])
        .where('status', 'in', ['queued', 'sending'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(10_000)
        .execute();
      if (rows.length === 0) {
        break;
      }
      after = (rows[rows.length - 1] as { id: string }).id;
      const ready: Array<{ id: string; providerId: string; priority: QueuePriority }> = [];
      for (const r of rows) {
        const item = { id: r.id, providerId: r.provider_id ?? '', priority: QUEUE_PRIORITY[r.priority] };
        const due = r.next_attempt_at ? Date.parse(r.next_attempt_at) : 0;
        if (due > now) {
          this.delayed.push({ ...item, due });
        } else {
          ready.push(item);
        }
      }
      count += rows.length;
      this.enqueue(ready);
    }
    if (count > 0) {
      this.ctx.log.info({ count }, 'resumed queued messages');
    }
  }

  // --- workers ------------------------------------------------------------------------------

  private pump(providerId: string): void {
    if (this.closed || !this.started || this.paused.has(providerId) || this.blocked.has(providerId)) {
      return;
    }
    const connector = this.deps.registry.get(providerId);
    if (!connector) {
      return;
    }
    const max = this.ctx.config.deliveryInflight;
    let n = this.inflight.get(providerId) ?? 0;
    while (n < max && this.queue.size(providerId) > 0) {
      const ids = this.queue.take(providerId, Math.min(256, max - n));
      n += ids.length;
      for (const id of ids) {
        this.sending.add(id);
      }
      this.inflight.set(providerId, n);
      void this.dispatch(providerId, connector, ids);
    }
  }

  private done(providerId: string, id: string): void {
    this.sending.delete(id);
    const n = (this.inflight.get(providerId) ?? 1) - 1;
    if (n <= 0) {
      this.inflight.delete(providerId);
    } else {
      this.inflight.set(providerId, n);
    }
  }

  private async dispatch(providerId: string, connector: Connector, ids: string[]): Promise<void> {
    let rows: Row[];
    try {
      rows = await this.ctx.db.selectFrom('messages').select(ROW_COLUMNS).where('id', 'in', ids).execute();
    } catch (err) {
      this.ctx.log.error({ err, providerId }, 'loading messages to send failed; they are put back');
      for (const id of ids) {
        this.done(providerId, id);
      }
      this.queue.push(
        providerId,
        ids.map((id) => ({ id, priority: 1 })),
      );
      return;
    }
    const found = new Set(rows.map((r) => r.id));
    for (const id of ids) {
      if (!found.has(id)) {
        this.done(providerId, id);
      }
    }
    const now = this.ctx.clock.now();
    await Promise.all(
      rows.map(async (row) => {
        try {
          // Canceled or already handled (a duplicate queue entry after recovery): skip.
          if (row.status !== 'queued' || row.provider_id !== providerId) {
            return;
          }
          if (row.expires_at && Date.parse(row.expires_at) <= now) {
            await this.results.add({
              row,
              providerId,
              result: { expired: true },
              startedAt: now,
              finishedAt: now,
            });
            return;
          }
          const startedAt = this.ctx.clock.now();
          this.counters.submitted++;
          const result = await connector.submit(outbound(row));
          if (this.closed) {
            return;
          }
          await this.results.add({ row, providerId, result, startedAt, finishedAt: this.ctx.clock.now() });
        } catch (err) {
          this.ctx.log.error({ err, messageId: row.id }, 'recording a submit result failed');
        } finally {
          this.done(providerId, row.id);
        }
      }),
    );
    this.pump(providerId);
  }

  // --- results of submits -------------------------------------------------------------------

  private async writeResults(items: SubmitOutcome[]): Promise<void[]> {
    const now = this.ctx.clock.now();
    const nowIso = new Date(now).toISOString();
    const sent: SubmitOutcome[] = [];
    const delivered: SubmitOutcome[] = [];
    const finals: Array<{ o: SubmitOutcome; status: MessageStatus; code: string; message: string }> = [];
    const retries: Array<{
      o: SubmitOutcome;
      providerId: string;
      due: number;
      code: string;
      message: string;
      tried: string[];
      cost: number | null;
    }> = [];
    const attempts: Array<Database['message_attempts']> = [];
    const parts: Array<Database['message_parts']> = [];
    const maxAttempts = this.ctx.config.deliveryMaxAttempts;
    for (const o of items) {
      const r = o.result;
      const attempt = o.row.attempts + 1;
      const base = {
        id: newId(),
        message_id: o.row.id,
        attempt,
        provider_id: o.providerId,
        latency_ms: Math.max(0, Math.round(o.finishedAt - o.startedAt)),
        started_at: new Date(o.startedAt).toISOString(),
        finished_at: new Date(o.finishedAt).toISOString(),
      };
      if ('expired' in r) {
        finals.push({
          o,
          status: 'expired',
          code: 'VALIDITY_EXPIRED',
          message: 'the validity period ended before it could be sent',
        });
        continue;
      }
      if (r.ok) {
        attempts.push({ ...base, outcome: 'sent', error_code: null, error_message: null });
        r.providerMessageIds.forEach((pmid, i) =>
          parts.push({
            id: newId(),
            message_id: o.row.id,
            part_index: i,
            provider_id: o.providerId,
            provider_message_id: pmid,
            receipt_status: null,
            provider_status: null,
            error_code: null,
            submitted_at: base.finished_at,
            receipt_at: null,
          }),
        );
        // An SMTP server's 250 is the last word e-mail gets: the receiving side took it.
        (o.row.channel === 'email' ? delivered : sent).push(o);
        continue;
      }
      const tried = [...new Set([...(JSON.parse(o.row.tried_providers) as string[]), o.providerId])];
      if (r.kind === 'permanent' || attempt >= maxAttempts) {
        attempts.push({
          ...base,
          outcome: 'failed',
          error_code: r.code,
          error_message: r.message.slice(0, 500),
        });
        finals.push({ o, status: 'failed', code: r.code, message: r.message });
        continue;
      }
      attempts.push({
        ...base,
        outcome: 'retry',
        error_code: r.code,
        error_message: r.message.slice(0, 500),
      });
      // Failover: the next route that has not been tried yet, at once; else the same
      // provider after an exponential backoff with jitter (or what the provider asked for).
      const next = await this.nextProvider(o.row, new Set(tried));
      const backoff = Math.min(MAX_BACKOFF_MS, this.ctx.config.deliveryRetryBaseMs * 2 ** (attempt - 1));
      const jittered = Math.round(backoff * (0.5 + Math.random() * 0.5));
      const due = next ? now : now + Math.max(jittered, r.retryAfterMs ?? 0);
      if (o.row.expires_at && Date.parse(o.row.expires_at) <= due) {
        finals.push({ o, status: 'expired', code: r.code, message: r.message });
        continue;
      }
      retries.push({
        o,
        providerId: next?.id ?? o.providerId,
        due,
        code: r.code,
        message: r.message,
        tried,
        cost: next ? next.cost : null,
      });
    }
    const refundIds: string[] = [];
    for (const f of finals) {
      if (f.o.row.refund_on_failure === 1 && Number(f.o.row.price) > 0 && f.o.row.refunded === 0) {
        refundIds.push(f.o.row.id);
      }
    }
    const lowBalance: Array<Parameters<BillingServices['ledger']['emitAfterCommit']>[0]> = [];
    await this.ctx.db.transaction().execute(async (trx) => {
      await insertRows(trx, this.ctx.database, 'message_attempts', attempts);
      await insertRows(trx, this.ctx.database, 'message_parts', parts);
      for (const [list, status] of [
        [sent, 'sent'],
        [delivered, 'delivered'],
      ] as const) {
        for (let i = 0; i < list.length; i += CHUNK) {
          await trx
            .updateTable('messages')
            .set({
              status,
              sent_at: nowIso,
              updated_at: nowIso,
              ...(status === 'delivered' ? { done_at: nowIso } : {}),
              attempts: sql<number>`attempts + 1`,
              next_attempt_at: null,
              error_code: null,
              error_message: null,
            })
            .where(
              'id',
              'in',
              list.slice(i, i + CHUNK).map((o) => o.row.id),
            )
            .execute();
        }
      }
      for (const f of finals) {
        await trx
          .updateTable('messages')
          .set({
            status: f.status,
            done_at: nowIso,
            updated_at: nowIso,
            attempts:
              f.status === 'expired' && 'expired' in f.o.result ? f.o.row.attempts : f.o.row.attempts + 1,
            next_attempt_at: null,
            error_code: f.code,
            error_message: f.message.slice(0, 500),
          })
          .where('id', '=', f.o.row.id)
          .execute();
      }
      for (const r of retries) {
        await trx
          .updateTable('messages')
          .set({
            status: 'queued',
            provider_id: r.providerId,
            attempts: r.o.row.attempts + 1,
            next_attempt_at: r.due > now ? new Date(r.due).toISOString() : null,
            tried_providers: JSON.stringify(r.tried),
            error_code: r.code,
            error_message: r.message.slice(0, 500),
            updated_at: nowIso,
            ...(r.providerId !== r.o.providerId ? { cost: r.cost } : {}),
          })
          .where('id', '=', r.o.row.id)
          .execute();
      }
      if (refundIds.length > 0) {
        lowBalance.push(await this.refund(trx, refundIds));
      }
    });
    for (const l of lowBalance) {
      this.deps.billing.ledger.emitAfterCommit(l);
    }
    // After commit: queues, receipts that arrived before their submit response, provider
    // health counts, events.
    for (const r of retries) {
      this.counters.retried++;
      const item = { id: r.o.row.id, providerId: r.providerId, priority: QUEUE_PRIORITY[r.o.row.priority] };
      if (r.due > now) {
        this.delayed.push({ ...item, due: r.due });
      } else {
        this.queue.push(item.providerId, [item]);
      }
    }
    if (this.held.size > 0) {
      for (const p of parts) {
        const key = `${p.provider_id}|${p.provider_message_id}`;
        const h = this.held.get(key);
        if (h) {
          this.held.delete(key);
          void this.receipts.add({ providerId: h.providerId, receipt: h.receipt }).catch(() => undefined);
        }
      }
    }
    this.countProviderResults(items);
    for (const o of sent) {
      this.counters.sent++;
      this.emit({ ...o.row, status: 'sent' }, 'sent', nowIso, null);
    }
    for (const o of delivered) {
      this.counters.sent++;
      this.emit({ ...o.row, status: 'delivered' }, 'delivered', nowIso, null, true);
    }
    for (const f of finals) {
      this.counters.failed++;
      this.emit({ ...f.o.row, status: f.status }, f.status, nowIso, f.code);
    }
    return items.map(() => undefined);
  }

  /** The freeze rule and provider quotas count outcomes per provider, once per batch. */
  private countProviderResults(items: SubmitOutcome[]): void {
    const byProvider = new Map<string, { okSeen: boolean; trailingFailures: string[]; sentCount: number }>();
    for (const o of items) {
      if ('expired' in o.result) {
        continue;
      }
      const s = byProvider.get(o.providerId) ?? { okSeen: false, trailingFailures: [], sentCount: 0 };
      if (o.result.ok) {
        s.okSeen = true;
        s.trailingFailures = [];
        s.sentCount++;
      } else if (o.result.kind === 'retryable') {
        // Only the provider's own trouble counts toward a freeze, not a bad number.
        s.trailingFailures.push(`${o.result.code}: ${o.result.message}`);
      }
      byProvider.set(o.providerId, s);
    }
    void this.deps.registry.snapshot().then((snap) => {
      for (const [providerId, s] of byProvider) {
        const { registry } = this.deps;
        if (s.okSeen) {
          void registry.recordResult(providerId, true, 'sent').catch(() => undefined);
        }
        for (const reason of s.trailingFailures) {
          void registry.recordResult(providerId, false, reason).catch(() => undefined);
        }
        if (s.sentCount > 0 && snap.get(providerId)?.quotaLeft !== null && snap.has(providerId)) {
          void registry.useQuota(providerId, s.sentCount).catch(() => undefined);
        }
      }
    });
  }

  private async nextProvider(
    row: Row,
    tried: ReadonlySet<string>,
  ): Promise<{ id: string; cost: number | null } | null> {
    try {
      const account = await this.deps.customers.sendingContext(row.sending_account_id);
      const routing = this.deps.routing;
      const selection = await routing.select(
        await routing.input({
          accountId: row.sending_account_id,
          channel: row.channel,
          to: row.recipient,
          sender: row.sender,
          country: row.country,
          exclude: tried,
          ...(account ? { timeZone: account.enterprise.timezone } : {}),
        }),
      );
      if (!selection.ok) {
        return null;
      }
      const unit = selection.provider.costByCountry.get(row.country ?? NO_COUNTRY);
      return { id: selection.provider.id, cost: unit === undefined ? null : unit * row.segments };
    } catch (err) {
      this.ctx.log.warn({ err, messageId: row.id }, 'failover selection failed');
      return null;
    }
  }

  private async refund(trx: Transaction<Database>, ids: string[]) {
    const out = await this.deps.billing.refundMany(trx, ids, { note: 'message failed' });
    for (let i = 0; i < ids.length; i += CHUNK) {
      await trx
        .updateTable('messages')
        .set({ refunded: 1 })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
    return out;
  }

  // --- receipts (MS-4) ----------------------------------------------------------------------

  private onReceipt(providerId: string, receipt: DeliveryReceipt): Promise<void> {
    this.counters.receipts++;
    return this.receipts.add({ providerId, receipt });
  }

  private async writeReceipts(
    items: Array<{ providerId: string; receipt: DeliveryReceipt; heldSince?: number }>,
  ): Promise<void[]> {
    const nowIso = this.ctx.clock.iso();
    const ids = [...new Set(items.map((i) => i.receipt.providerMessageId))];
    const found: Array<Database['message_parts']> = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      found.push(
        ...(await this.ctx.db
          .selectFrom('message_parts')
          .selectAll()
          .where('provider_message_id', 'in', ids.slice(i, i + CHUNK))
          .execute()),
      );
    }
    const partOf = new Map(found.map((p) => [`${p.provider_id}|${p.provider_message_id}`, p]));
    // Per part, the newest receipt of this batch wins; a part already final ignores later ones.
    const updates = new Map<string, { part: Database['message_parts']; receipt: DeliveryReceipt }>();
    for (const it of items) {
      const key = `${it.providerId}|${it.receipt.providerMessageId}`;
      const part = partOf.get(key);
      if (!part) {
        // The submit response may not be written yet: hold it until it is.
        if (!this.held.has(key)) {
          this.held.set(key, {
            providerId: it.providerId,
            receipt: it.receipt,
            at: it.heldSince ?? this.ctx.clock.now(),
          });
        }
        continue;
      }
      if (part.receipt_status && isFinalReceiptStatus(part.receipt_status as DeliveryReceipt['status'])) {
        continue;
      }
      const prev = updates.get(part.id);
      if (!prev || !isFinalReceiptStatus(prev.receipt.status)) {
        updates.set(part.id, { part, receipt: it.receipt });
      }
    }
    if (updates.size === 0) {
      return items.map(() => undefined);
    }
    const finals: Array<{ row: Row; status: MessageStatus; code: string | null }> = [];
    const lowBalance: Array<Parameters<BillingServices['ledger']['emitAfterCommit']>[0]> = [];
    await this.ctx.db.transaction().execute(async (trx) => {
      const groups = new Map<string, string[]>();
      for (const u of updates.values()) {
        const k = JSON.stringify([u.receipt.status, u.receipt.providerStatus, u.receipt.errorCode ?? null]);
        const list = groups.get(k) ?? [];
        list.push(u.part.id);
        groups.set(k, list);
      }
      for (const [k, partIds] of groups) {
        const [status, providerStatus, errorCode] = JSON.parse(k) as [string, string, string | null];
        for (let i = 0; i < partIds.length; i += CHUNK) {
          await trx
            .updateTable('message_parts')
            .set({
              receipt_status: status,
              provider_status: providerStatus,
              error_code: errorCode,
              receipt_at: nowIso,
            })
            .where('id', 'in', partIds.slice(i, i + CHUNK))
            .execute();
        }
      }
      const messageIds = [...new Set([...updates.values()].map((u) => u.part.message_id))];
      const allParts: Array<{
        message_id: string;
        part_index: number;
        receipt_status: string | null;
        error_code: string | null;
      }> = [];
      const rows: Row[] = [];
      for (let i = 0; i < messageIds.length; i += CHUNK) {
        const chunk = messageIds.slice(i, i + CHUNK);
        allParts.push(
          ...(await trx
            .selectFrom('message_parts')
            .select(['message_id', 'part_index', 'receipt_status', 'error_code'])
            .where('message_id', 'in', chunk)
            .execute()),
        );
        rows.push(
          ...(await trx
            .selectFrom('messages')
            .select(ROW_COLUMNS)
            .where('id', 'in', chunk)
            .where('status', '=', 'sent')
            .execute()),
        );
      }
      const partsBy = new Map<string, typeof allParts>();
      for (const p of allParts) {
        const list = partsBy.get(p.message_id) ?? [];
        list.push(p);
        partsBy.set(p.message_id, list);
      }
      const byStatus = new Map<string, Array<{ row: Row; code: string | null }>>();
      for (const row of rows) {
        const ps = partsBy.get(row.id) ?? [];
        const state = combinePartStates(
          ps.map((p) => (p.receipt_status ?? undefined) as DeliveryReceipt['status'] | undefined),
        );
        if (state === 'pending') {
          continue;
        }
        const code = state === 'delivered' ? null : (ps.find((p) => p.error_code)?.error_code ?? null);
        const k = `${state}|${code ?? ''}`;
        const list = byStatus.get(k) ?? [];
        list.push({ row, code });
        byStatus.set(k, list);
        finals.push({ row, status: state, code });
      }
      for (const [k, list] of byStatus) {
        const status = k.slice(0, k.indexOf('|')) as MessageStatus;
        const code = list[0]?.code ?? null;
        for (let i = 0; i < list.length; i += CHUNK) {
          await trx
            .updateTable('messages')
            .set({ status, done_at: nowIso, updated_at: nowIso, error_code: code })
            .where(
              'id',
              'in',
              list.slice(i, i + CHUNK).map((x) => x.row.id),
            )
            .where('status', '=', 'sent')
            .execute();
        }
      }
      const refundIds = finals
        .filter(
          (f) =>
            (f.status === 'undelivered' || f.status === 'expired') &&
            f.row.refund_on_failure === 1 &&
            f.row.refunded === 0 &&
            Number(f.row.price) > 0,
        )
        .map((f) => f.row.id);
      if (refundIds.length > 0) {
        lowBalance.push(await this.refund(trx, refundIds));
      }
    });
    for (const l of lowBalance) {
      this.deps.billing.ledger.emitAfterCommit(l);
    }
    for (const f of finals) {
      this.emit({ ...f.row, status: f.status }, f.status, nowIso, f.code);
    }
    return items.map(() => undefined);
  }

  /**
   * Held receipts are looked up again every few seconds (a submit result may have committed
   * just after the receipt's look-up), and dropped after HOLD_RECEIPT_MS.
   */
  private dropStaleReceipts(): void {
    const now = this.ctx.clock.now();
    for (const [key, h] of this.held) {
      this.held.delete(key);
      if (h.at < now - HOLD_RECEIPT_MS) {
        this.counters.unmatchedReceipts++;
        this.ctx.log.warn(
          { providerId: h.providerId, providerMessageId: h.receipt.providerMessageId },
          'receipt matched no message',
        );
        continue;
      }
      void this.receipts
        .add({ providerId: h.providerId, receipt: h.receipt, heldSince: h.at })
        .catch(() => undefined);
    }
  }

  // --- timers -------------------------------------------------------------------------------

  private releaseDelayed(): void {
    if (this.closed) {
      return;
    }
    const due = this.delayed.popDue(this.ctx.clock.now(), 10_000);
    if (due.length > 0) {
      this.enqueue(due);
    }
  }

  /** Moves scheduled messages whose send_at has come to the queues. */
  private runScheduler(): Promise<void> {
    if (this.scheduling || !this.scheduledDue || this.closed) {
      return this.scheduling ?? Promise.resolve();
    }
    this.scheduledDue = false;
    this.scheduling = (async () => {
      for (;;) {
        const nowIso = this.ctx.clock.iso();
        const rows = await this.ctx.db
          .selectFrom('messages')
          .select(ROW_COLUMNS)
          .where('status', '=', 'accepted')
          .where('send_at', '<=', nowIso)
          .orderBy('send_at')
          .limit(2000)
          .execute();
        if (rows.length === 0) {
          return;
        }
        await this.ctx.db
          .updateTable('messages')
          .set({ status: 'queued', queued_at: nowIso, updated_at: nowIso })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .where('status', '=', 'accepted')
          .execute();
        this.enqueue(
          rows.map((r) => ({
            id: r.id,
            providerId: r.provider_id ?? '',
            priority: QUEUE_PRIORITY[r.priority],
          })),
        );
        this.emitStatus(
          rows.map((r) => ({ ...r, status: 'queued' as const })),
          nowIso,
        );
        if (rows.length < 2000 || this.closed) {
          return;
        }
      }
    })()
      .catch((err: unknown) => {
        this.ctx.log.error({ err }, 'releasing scheduled messages failed');
      })
      .finally(() => {
        this.scheduling = null;
      });
    return this.scheduling;
  }

  private async refreshBlocked(): Promise<void> {
    const snap = await this.deps.registry.snapshot();
    const blocked = new Set<string>();
    for (const [id, p] of snap) {
      if (!p.enabled || p.frozen) {
        blocked.add(id);
      }
    }
    const unblocked = [...this.blocked].filter((id) => !blocked.has(id));
    this.blocked = blocked;
    for (const id of unblocked) {
      this.pump(id);
    }
  }

  /**
   * Queues of providers that cannot take traffic (disabled, frozen, deleted) fail over to the
   * next route; what has no other route waits where it is.
   */
  private sweep(): Promise<void> {
    if (this.sweeping || this.closed) {
      return this.sweeping ?? Promise.resolve();
    }
    this.sweeping = (async () => {
      await this.refreshBlocked();
      const snap = await this.deps.registry.snapshot();
      for (const providerId of Object.keys(this.queue.sizes())) {
        if (this.paused.has(providerId)) {
          continue;
        }
        const gone = !snap.has(providerId);
        if (!gone && !this.blocked.has(providerId)) {
          this.pump(providerId);
          continue;
        }
        await this.reroute(providerId);
      }
    })()
      .catch((err: unknown) => {
        this.ctx.log.error({ err }, 'queue sweep failed');
      })
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  private async reroute(providerId: string): Promise<void> {
    // A queue nothing else could take is looked at again only every 30 s.
    const now = this.ctx.clock.now();
    if (now - (this.reroutedAt.get(providerId) ?? 0) < 30_000) {
      return;
    }
    this.reroutedAt.set(providerId, now);
    const items = this.queue.drain(providerId);
    const stay: typeof items = [];
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      const rows = await this.ctx.db
        .selectFrom('messages')
        .select(ROW_COLUMNS)
        .where(
          'id',
          'in',
          chunk.map((c) => c.id),
        )
        .execute();
      const moved = new Map<string, { cost: number | null; ids: string[] }>();
      const rowById = new Map(rows.map((r) => [r.id, r]));
      for (const item of chunk) {
        const row = rowById.get(item.id);
        if (!row || row.status !== 'queued') {
          continue;
        }
        const tried = new Set([...(JSON.parse(row.tried_providers) as string[]), providerId]);
        const next = await this.nextProvider(row, tried);
        if (!next) {
          stay.push(item);
          continue;
        }
        const key = JSON.stringify([next.id, next.cost]);
        const m = moved.get(key) ?? { cost: next.cost, ids: [] };
        m.ids.push(item.id);
        moved.set(key, m);
      }
      for (const [key, m] of moved) {
        const [nextId] = JSON.parse(key) as [string];
        await this.ctx.db
          .updateTable('messages')
          .set({ provider_id: nextId, cost: m.cost, updated_at: this.ctx.clock.iso() })
          .where('id', 'in', m.ids)
          .where('status', '=', 'queued')
          .execute();
        this.queue.push(
          nextId,
          m.ids.map((id) => ({ id, priority: chunk.find((c) => c.id === id)?.priority ?? 1 })),
        );
      }
    }
    if (stay.length > 0) {
      // Nothing else can take them: they wait for this provider. Pushing back does not pump
      // a blocked provider.
      this.queue.push(providerId, stay);
    }
  }
}

function outbound(row: Row): OutboundMessage {
  if (row.channel === 'email') {
    return {
      channel: 'email',
      id: row.id,
      to: row.recipient,
      from: row.sender ?? '',
      subject: row.subject ?? '',
      ...(row.body ? { text: row.body } : {}),
      ...(row.html ? { html: row.html } : {}),
    };
  }
  const validitySeconds = row.expires_at
    ? Math.max(1, Math.round((Date.parse(row.expires_at) - Date.now()) / 1000))
    : undefined;
  return {
    channel: 'sms',
    id: row.id,
    to: row.recipient,
    from: row.sender ?? '',
    text: row.body,
    smartEncoding: row.smart_encoding === 1,
    requestReceipt: true,
    ...(validitySeconds !== undefined ? { validitySeconds } : {}),
  };
}
