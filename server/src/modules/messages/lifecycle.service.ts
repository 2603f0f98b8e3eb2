// The one owner of message status (MS-3, DL-6, ARCHITECTURE §4): every status write — accept,
// scheduled release, lease, submit results, receipts, retries, expiry, receipt timeout, cancel —
// goes through this service, which checks it against transitions.ts, applies the refund the
// table says, writes in-transaction subscribers (the callback outbox) and raises events after
// commit. It is also the delivery engine's work source and outcome sink (delivery/ports.ts).
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { OutboundMessage } from '../../delivery/connectors/types.js';
import type {
  OutcomeSink,
  ReceiptReport,
  Requeue,
  SubmitReport,
  Work,
  WorkSource,
} from '../../delivery/ports.js';
import { QUEUE_PRIORITY } from './messages.contract.js';
import type { MessageRepository, MessageRow, MessageUpdate } from './messages.repository.js';
import type { MessageStatus, MessagesTable } from './messages.tables.js';
import { CANCELABLE, canTransition, refundFor, sourcesOf } from './transitions.js';
import { AfterCommit, type StatusChange, type TransitionWriter } from './lifecycle.effects.js';
import { applyPendingReceipts, recordOutcomes } from './lifecycle.outcomes.js';

/** A sent message with a validity period ends `expired` this long after it (no receipt came). */
export const RECEIPT_GRACE_MS = 10 * 60_000;
/** How long a receipt for a message whose submit result is not written is kept. */
export const PENDING_RECEIPT_KEEP_MS = 3 * 86_400_000;
const SCAN = 2000;

export interface RefundOutcome {
  lowBalance: readonly unknown[];
}

/** What the lifecycle needs of billing, inside its own transactions. */
export interface LifecycleBilling {
  refundMany(
    trx: Transaction<Database>,
    ids: string[],
    opts: { note: string; amounts?: ReadonlyMap<string, number> },
  ): Promise<RefundOutcome>;
  returnQuota(
    trx: Transaction<Database>,
    accountId: string,
    channel: 'sms' | 'email',
    n: number,
    objectId?: string,
  ): Promise<unknown>;
  emitAfterCommit(outcome: RefundOutcome): void;
}

/** RT-4: the next route for a message that failed on the providers it has tried. */
export interface FailoverRoutes {
  next(
    row: MessageRow,
    exclude: ReadonlySet<string>,
  ): Promise<{ providerId: string; cost: number | null } | null>;
}

export interface LifecycleSettings {
  maxAttempts: number;
  retryBaseMs: number;
  /** A sent message without a receipt ends `unknown` after this long. */
  receiptTimeoutMs: number;
  /** How long a worker's lease on a message it is submitting lasts. */
  leaseMs: number;
  /** This process, as written in `lease_owner`. */
  workerId: string;
  /**
   * At start, take back every `sending` row (the only worker: role `all`), or only those whose
   * lease ran out (other workers may hold the rest).
   */
  soleWorker: boolean;
}

export interface LifecycleDeps {
  repo: MessageRepository;
  clock: Clock;
  log: Logger;
  events: EventBus;
  billing: LifecycleBilling;
  routes: FailoverRoutes;
  writers: readonly TransitionWriter[];
  settings: LifecycleSettings;
}

export class LifecycleService implements WorkSource, OutcomeSink {
  /** Rows leased by this process, by id (results are recorded without reading them back). */
  readonly leased = new Map<string, MessageRow>();
  private lastLeaseScan = 0;
  private lastOverdueScan = 0;
  private lastPendingScan = 0;
  readonly counters = { recoveredLeases: 0, pendingReceipts: 0, unmatchedReceipts: 0, receiptTimeouts: 0 };

  constructor(readonly deps: LifecycleDeps) {}

  get settings(): LifecycleSettings {
    return this.deps.settings;
  }

  // --- writes shared by every path -------------------------------------------------------------

  /**
   * Moves rows to `to` inside `trx` (only those still in a status that may lead there), applies
   * the refunds the transition table gives, runs the in-transaction writers and collects the
   * changes for after commit. Returns the changes made.
   */
  async transition(
    trx: Transaction<Database>,
    fx: AfterCommit,
    rows: readonly MessageRow[],
    to: MessageStatus,
    set: Omit<MessageUpdate, 'status'>,
    opts: {
      refundNote?: string;
      partsDelivered?: ReadonlyMap<string, number>;
      onlyFrom?: MessageStatus[];
    } = {},
  ): Promise<StatusChange[]> {
    if (rows.length === 0) {
      return [];
    }
    const from = (opts.onlyFrom ?? sourcesOf(to)).filter((s) => canTransition(s, to));
    const at = this.deps.clock.iso();
    const updated = await this.deps.repo.update(
      trx,
      rows.map((r) => r.id),
      from,
      { ...set, status: to, updated_at: at },
    );
    const before = new Map(rows.map((r) => [r.id, r.status]));
    const changes: StatusChange[] = updated.map((row) => ({
      row,
      from: before.get(row.id) ?? null,
      at,
      errorCode: row.status === 'delivered' || typeof set.error_code !== 'string' ? null : set.error_code,
    }));
    await this.refund(trx, fx, changes, opts.refundNote ?? `message ${to}`, opts.partsDelivered);
    await this.write(trx, fx, changes);
    return changes;
  }

  /** Refunds what the transition table gives for each change (once: `refunded` guards it). */
  private async refund(
    trx: Transaction<Database>,
    fx: AfterCommit,
    changes: readonly StatusChange[],
    note: string,
    partsDelivered?: ReadonlyMap<string, number>,
  ): Promise<void> {
    const amounts = new Map<string, number>();
    for (const c of changes) {
      const r = c.row;
      if (r.refunded === 1) {
        continue;
      }
      const amount = refundFor(
        r.status,
        { price: Number(r.price), segments: r.segments, refundOnFailure: r.refund_on_failure === 1 },
        partsDelivered?.get(r.id) ?? 0,
      );
      if (amount > 0) {
        amounts.set(r.id, amount);
      }
    }
    if (amounts.size === 0) {
      return;
    }
    const ids = [...amounts.keys()];
    const outcome = await this.deps.billing.refundMany(trx, ids, { note, amounts });
    await this.deps.repo.updateQuiet(trx, ids, [...new Set(changes.map((c) => c.row.status))], {
      refunded: 1,
    });
    for (const c of changes) {
      if (amounts.has(c.row.id)) {
        c.row = { ...c.row, refunded: 1 };
      }
    }
    fx.then(() => this.deps.billing.emitAfterCommit(outcome));
  }

  /** Runs the in-transaction writers and records the changes for after commit. */
  async write(trx: Transaction<Database>, fx: AfterCommit, changes: readonly StatusChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    for (const w of this.deps.writers) {
      await w(trx, changes);
    }
    fx.addAll(changes);
  }

  /** Opens a transaction, runs `fn`, and after commit the effects it collected. */
  async run<T>(fn: (trx: Transaction<Database>, fx: AfterCommit) => Promise<T>): Promise<T> {
    const fx = new AfterCommit();
    const out = await this.deps.repo.transaction((trx) => fn(trx, fx));
    fx.run(this.deps.events);
    return out;
  }

  // --- accept ---------------------------------------------------------------------------------

  /** Stores newly accepted messages inside the accept transaction (status accepted or queued). */
  async insertAccepted(
    trx: Transaction<Database>,
    fx: AfterCommit,
    rows: readonly MessagesTable[],
  ): Promise<void> {
    await this.deps.repo.insertMessages(trx, rows);
    const at = this.deps.clock.iso();
    await this.write(
      trx,
      fx,
      rows.map((row) => ({ row, from: null, at, errorCode: null })),
    );
  }

  /** Cancels a message not yet handed to a provider: refunds it and gives its quota back. */
  async cancel(row: MessageRow): Promise<StatusChange | null> {
    if (!CANCELABLE.includes(row.status)) {
      return null;
    }
    return this.run(async (trx, fx) => {
      const [change] = await this.transition(
        trx,
        fx,
        [row],
        'canceled',
        { done_at: this.deps.clock.iso(), error_code: 'CANCELED', next_attempt_at: null },
        { refundNote: 'message canceled' },
      );
      if (!change) {
        return null;
      }
      await this.deps.billing.returnQuota(trx, row.sending_account_id, row.channel as 'sms', 1, row.id);
      return change;
    });
  }

  // --- the engine's work source ---------------------------------------------------------------

  async recover(onChunk: (items: Requeue[]) => void): Promise<number> {
    let after = '';
    let count = 0;
    const now = this.deps.clock.now();
    for (;;) {
      const rows = await this.deps.repo.queuedAfter(after, 10_000);
      if (rows.length === 0) {
        break;
      }
      after = (rows[rows.length - 1] as { id: string }).id;
      const ready: Requeue[] = [];
      const orphans: string[] = [];
      for (const r of rows) {
        if (r.status === 'sending') {
          if (!this.settings.soleWorker) {
            continue; // another worker may hold it; `due` takes it back when its lease runs out
          }
          orphans.push(r.id);
        }
        const due = r.next_attempt_at ? Date.parse(r.next_attempt_at) : 0;
        ready.push({ id: r.id, providerId: r.provider_id ?? '', priority: QUEUE_PRIORITY[r.priority], due });
      }
      if (orphans.length > 0) {
        await this.unlease(orphans);
      }
      count += ready.length;
      onChunk(ready.map((r) => (r.due > now ? r : { ...r, due: 0 })));
    }
    return count;
  }

  /**
   * A lease left by a crash (or a dead worker): the submit may or may not have reached the
   * carrier, so the message is sent again — the one window in which a duplicate is possible
   * (counted, and logged).
   */
  private async unlease(ids: readonly string[]): Promise<MessageRow[]> {
    const rows = await this.deps.repo.update(this.deps.repo.db, ids, ['sending'], {
      status: 'queued',
      lease_until: null,
      lease_owner: null,
      updated_at: this.deps.clock.iso(),
    });
    this.counters.recoveredLeases += rows.length;
    if (rows.length > 0) {
      this.deps.log.warn(
        { count: rows.length },
        'leases of unanswered submits taken back; they are sent again',
      );
    }
    return rows;
  }

  async due(): Promise<Requeue[]> {
    const out: Requeue[] = [];
    const now = this.deps.clock.now();
    out.push(...(await this.releaseScheduled()));
    if (now - this.lastLeaseScan >= 5_000) {
      this.lastLeaseScan = now;
      const stale = await this.deps.repo.staleLeases(new Date(now).toISOString(), SCAN);
      const back = await this.unlease(stale.map((r) => r.id));
      out.push(...back.map((r) => requeueOf(r, 0)));
    }
    if (now - this.lastPendingScan >= 10_000) {
      this.lastPendingScan = now;
      await this.rematchPendingReceipts();
    }
    if (now - this.lastOverdueScan >= 60_000) {
      this.lastOverdueScan = now;
      await this.endOverdue();
    }
    return out;
  }

  /** Moves scheduled messages whose send_at has come to the queues. */
  private async releaseScheduled(): Promise<Requeue[]> {
    const out: Requeue[] = [];
    for (;;) {
      const nowIso = this.deps.clock.iso();
      const rows = await this.deps.repo.dueScheduled(nowIso, SCAN);
      if (rows.length === 0) {
        return out;
      }
      const changes = await this.run((trx, fx) =>
        this.transition(trx, fx, rows, 'queued', { queued_at: nowIso }),
      );
      out.push(...changes.map((c) => requeueOf(c.row, 0)));
      if (rows.length < SCAN) {
        return out;
      }
    }
  }

  /** Sent messages with no receipt: `expired` past their validity, else `unknown` at the timeout. */
  async endOverdue(): Promise<number> {
    const now = this.deps.clock.now();
    const validityCutoff = new Date(now - RECEIPT_GRACE_MS).toISOString();
    const sentCutoff = new Date(now - this.settings.receiptTimeoutMs).toISOString();
    let total = 0;
    for (;;) {
      const rows = await this.deps.repo.overdueSent(validityCutoff, sentCutoff, SCAN);
      if (rows.length === 0) {
        return total;
      }
      const nowIso = new Date(now).toISOString();
      await this.run(async (trx, fx) => {
        const expired = rows.filter((r) => r.expires_at !== null && r.expires_at <= validityCutoff);
        const timedOut = rows.filter((r) => !expired.includes(r));
        await this.transition(trx, fx, expired, 'expired', {
          done_at: nowIso,
          error_code: 'NO_RECEIPT',
          error_message: 'the validity period ended without a delivery receipt',
        });
        await this.transition(trx, fx, timedOut, 'unknown', {
          done_at: nowIso,
          error_code: 'NO_RECEIPT',
          error_message: 'no delivery receipt came within the receipt timeout',
        });
      });
      total += rows.length;
      this.counters.receiptTimeouts += rows.length;
      if (rows.length < SCAN) {
        return total;
      }
    }
  }

  async lease(providerId: string, ids: readonly string[]): Promise<Work[]> {
    const now = this.deps.clock.now();
    const nowIso = new Date(now).toISOString();
    const rows = await this.deps.repo.update(
      this.deps.repo.db,
      ids,
      ['queued'],
      {
        status: 'sending',
        lease_until: new Date(now + this.settings.leaseMs).toISOString(),
        lease_owner: this.settings.workerId,
        updated_at: nowIso,
      },
      { providerId },
    );
    const expired = rows.filter((r) => r.expires_at !== null && Date.parse(r.expires_at) <= now);
    if (expired.length > 0) {
      await this.run((trx, fx) =>
        this.transition(trx, fx, expired, 'expired', {
          done_at: nowIso,
          error_code: 'VALIDITY_EXPIRED',
          error_message: 'the validity period ended before it could be sent',
          lease_until: null,
          lease_owner: null,
          next_attempt_at: null,
        }),
      );
    }
    const work: Work[] = [];
    for (const r of rows) {
      if (r.expires_at !== null && Date.parse(r.expires_at) <= now) {
        continue;
      }
      this.leased.set(r.id, r);
      work.push({ id: r.id, providerId, message: outbound(r, now) });
    }
    return work;
  }

  async reroute(providerId: string, ids: readonly string[]): Promise<Requeue[]> {
    const rows = (await this.deps.repo.rows(this.deps.repo.db, ids)).filter(
      (r) => r.status === 'queued' && r.provider_id === providerId,
    );
    const moves = new Map<string, { providerId: string; cost: number | null; rows: MessageRow[] }>();
    for (const row of rows) {
      const tried = new Set([...(JSON.parse(row.tried_providers) as string[]), providerId]);
      const next = await this.deps.routes.next(row, tried);
      if (!next) {
        continue;
      }
      const key = `${next.providerId}|${next.cost ?? ''}`;
      const m = moves.get(key) ?? { ...next, rows: [] };
      m.rows.push(row);
      moves.set(key, m);
    }
    const out: Requeue[] = [];
    for (const m of moves.values()) {
      // queued → queued: only the provider changes (no event, no refund).
      const moved = await this.deps.repo.update(
        this.deps.repo.db,
        m.rows.map((r) => r.id),
        ['queued'],
        { provider_id: m.providerId, cost: m.cost, updated_at: this.deps.clock.iso() },
        { providerId },
      );
      out.push(...moved.map((r) => requeueOf(r, 0)));
    }
    return out;
  }

  // --- the engine's outcome sink --------------------------------------------------------------

  record(results: readonly SubmitReport[], receipts: readonly ReceiptReport[]): Promise<Requeue[]> {
    return recordOutcomes(this, results, receipts);
  }

  /** Pending receipts whose part another process (or a later batch) has written since. */
  private async rematchPendingReceipts(): Promise<void> {
    const nowIso = this.deps.clock.iso();
    const dropped = await this.deps.repo.dropExpiredPendingReceipts(nowIso);
    if (dropped > 0) {
      this.counters.unmatchedReceipts += dropped;
      this.deps.log.warn({ count: dropped }, 'receipts matched no message within the keep time; dropped');
    }
    let after = '';
    for (;;) {
      const pending = await this.deps.repo.pendingReceipts(after, SCAN);
      if (pending.length === 0) {
        return;
      }
      after = (pending[pending.length - 1] as { id: string }).id;
      const parts = await this.deps.repo.partsByProviderMessageIds(
        this.deps.repo.db,
        pending.map((p) => p.provider_message_id),
      );
      const known = new Set(parts.map((p) => `${p.provider_id}|${p.provider_message_id}`));
      const matched = pending.filter((p) => known.has(`${p.provider_id}|${p.provider_message_id}`));
      if (matched.length > 0) {
        await applyPendingReceipts(this, matched);
      }
      if (pending.length < SCAN) {
        return;
      }
    }
  }
}

export function requeueOf(row: Pick<MessageRow, 'id' | 'provider_id' | 'priority'>, due: number): Requeue {
  return { id: row.id, providerId: row.provider_id ?? '', priority: QUEUE_PRIORITY[row.priority], due };
}

/** The connector's view of a message. */
export function outbound(row: MessageRow, now: number): OutboundMessage {
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
    ? Math.max(1, Math.round((Date.parse(row.expires_at) - now) / 1000))
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
