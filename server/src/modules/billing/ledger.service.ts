// Balances and the ledger (BL-2, BL-3): recharges, adjustments and the charging API the
// message path calls inside its own transaction. The balance always equals the ledger's sum.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { assertTenant, tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { cursorPage, decodeCursor, fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { newId } from '../../platform/ids.js';
import { insertRows } from '../../platform/db/bulk.js';
import type { BalancesTable, LedgerEntriesTable, LedgerEntryType } from './billing.tables.js';
import { LedgerErrors, LedgerReasons } from './billing.errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The event raised after commit when a balance falls below its low-balance threshold. */
export const BALANCE_LOW_EVENT = 'billing.balance_low';
/** Raised after commit when a recharge or adjustment changes a balance (live views). */
export const BALANCE_CHANGED_EVENT = 'billing.balance_changed';

export interface BalanceLow {
  enterpriseId: string;
  balance: number;
  threshold: number;
}

export interface BalanceView {
  enterpriseId: string;
  enterpriseName: string;
  currency: string;
  balance: number;
  creditLimit: number;
  available: number;
  lowBalanceThreshold: number | null;
  updatedAt: string | null;
}

export interface LedgerEntryView {
  id: string;
  enterpriseId: string;
  entryType: LedgerEntryType;
  amount: number;
  balanceAfter: number;
  objectType: string | null;
  objectId: string | null;
  channel: string | null;
  country: string | null;
  quantity: number;
  method: string | null;
  reference: string | null;
  note: string;
  createdBy: string | null;
  createdAt: string;
}

/** One message (or other object) to charge, in the enterprise's currency. */
export interface Charge {
  enterpriseId: string;
  /** Micro-units, ≥ 0. */
  amount: number;
  objectType: string;
  objectId: string;
  channel?: string | null;
  country?: string | null;
  /** Segments or messages charged. */
  quantity?: number;
}

export interface ChargeResult {
  /** Ledger entries written, in input order. */
  entries: LedgerEntryView[];
  /** Objects skipped because they were charged before (a retried accept). */
  alreadyCharged: string[];
  /** With `onInsufficient: 'skip'`: enterprises whose charges were refused (nothing written for them). */
  refused: Array<{ enterpriseId: string; objectIds: string[]; required: number; available: number }>;
  /** Emit with `ledger.emitAfterCommit(result)` once the caller's transaction commits. */
  lowBalance: BalanceLow[];
}

interface NewEntry {
  entry_type: LedgerEntryType;
  amount: number;
  object_type?: string | null;
  object_id?: string | null;
  channel?: string | null;
  country?: string | null;
  quantity?: number;
  method?: string | null;
  reference?: string | null;
  note?: string;
  created_by?: string | null;
}

const INSERT_CHUNK = 400;

function view(r: LedgerEntriesTable): LedgerEntryView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    entryType: r.entry_type,
    amount: Number(r.amount),
    balanceAfter: Number(r.balance_after),
    objectType: r.object_type,
    objectId: r.object_id,
    channel: r.channel,
    country: r.country,
    quantity: Number(r.quantity),
    method: r.method,
    reference: r.reference,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function assertMicro(field: string, v: number, positive: boolean): void {
  if (!Number.isSafeInteger(v)) {
    throw errors.invalid([{ field, reason: LedgerReasons.notSafe }]);
  }
  if (positive && v <= 0) {
    throw errors.invalid([{ field, reason: LedgerReasons.notPositive }]);
  }
}

export class LedgerService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  // --- core: move a balance and append its entries ------------------------------------------

  /**
   * Adds `sum(entries.amount)` to the enterprise's balance and appends the entries with their
   * running balance. With `guard`, refuses (returns null, nothing changed) when the result
   * would go below −credit_limit. On PostgreSQL the UPDATE row-locks the balance; on SQLite
   * the write transaction is already exclusive.
   */
  private async move(
    trx: Db,
    enterpriseId: string,
    entries: NewEntry[],
    guard: boolean,
  ): Promise<{ rows: LedgerEntriesTable[]; before: number; after: number; low: BalanceLow | null } | null> {
    const total = entries.reduce((s, e) => s + e.amount, 0);
    const now = this.ctx.clock.iso();
    const update = async () => {
      let q = trx
        .updateTable('balances')
        .set({ balance: sql<number>`balance + ${total}`, updated_at: now })
        .where('enterprise_id', '=', enterpriseId);
      if (guard && total < 0) {
        q = q.where(sql<boolean>`balance + ${total} >= -credit_limit`);
      }
      return q.returning(['balance', 'low_balance_threshold']).executeTakeFirst();
    };
    let updated = await update();
    if (!updated) {
      const exists = await trx
        .selectFrom('balances')
        .select('enterprise_id')
        .where('enterprise_id', '=', enterpriseId)
        .executeTakeFirst();
      if (exists) {
        return null;
      }
      await trx
        .insertInto('balances')
        .values({
          enterprise_id: enterpriseId,
          balance: 0,
          credit_limit: 0,
          low_balance_threshold: null,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('enterprise_id').doNothing())
        .execute();
      updated = await update();
      if (!updated) {
        return null;
      }
    }
    // Stamped after the lock is taken, so entry order (created_at, id) follows balance order.
    const at = this.ctx.clock.iso();
    const after = Number(updated.balance);
    const before = after - total;
    let running = before;
    const rows: LedgerEntriesTable[] = entries.map((e) => {
      running += e.amount;
      return {
        id: newId(),
        enterprise_id: enterpriseId,
        entry_type: e.entry_type,
        amount: e.amount,
        balance_after: running,
        object_type: e.object_type ?? null,
        object_id: e.object_id ?? null,
        channel: e.channel ?? null,
        country: e.country ?? null,
        quantity: e.quantity ?? 0,
        method: e.method ?? null,
        reference: e.reference ?? null,
        note: e.note ?? '',
        created_by: e.created_by ?? null,
        created_at: at,
      };
    });
    // Always inside the caller's transaction (charge, refund, post).
    await insertRows(trx, this.ctx.database, 'ledger_entries', rows);
    const threshold = updated.low_balance_threshold === null ? null : Number(updated.low_balance_threshold);
    const low =
      threshold !== null && after < threshold && before >= threshold
        ? { enterpriseId, balance: after, threshold }
        : null;
    return { rows, before, after, low };
  }

  private async available(trx: Db, enterpriseId: string): Promise<number> {
    const row = await trx
      .selectFrom('balances')
      .select(['balance', 'credit_limit'])
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirst();
    return row ? Number(row.balance) + Number(row.credit_limit) : 0;
  }

  /** Raises `billing.balance_low` for each crossing; call after the transaction commits. */
  emitAfterCommit(result: { lowBalance: BalanceLow[] }): void {
    for (const low of result.lowBalance) {
      this.ctx.events.emit(BALANCE_LOW_EVENT, low, low.enterpriseId);
    }
  }

  // --- charging API for the message path ----------------------------------------------------

  /**
   * Charges a batch inside the caller's transaction: one conditional UPDATE per enterprise,
   * then the ledger rows. An object already charged is skipped (exactly once per object; a
   * unique index backs this up). When an enterprise cannot pay, the default is to throw
   * INSUFFICIENT_BALANCE after undoing this call's other balance moves, so nothing of the
   * batch is written; `onInsufficient: 'skip'` instead leaves that enterprise out and reports it.
   */
  async chargeMany(
    trx: Transaction<Database>,
    charges: Charge[],
    opts: { onInsufficient?: 'throw' | 'skip' } = {},
  ): Promise<ChargeResult> {
    const result: ChargeResult = { entries: [], alreadyCharged: [], refused: [], lowBalance: [] };
    if (charges.length === 0) {
      return result;
    }
    charges.forEach((c, i) => assertMicro(`charges.${i}.amount`, c.amount, false));
    if (charges.some((c) => c.amount < 0)) {
      throw errors.invalid([{ field: 'charges.amount', reason: LedgerReasons.notPositive }]);
    }
    const key = (type: string, id: string) => `${type}\u0000${id}`;
    const seen = new Set<string>();
    // One look-up per object type and chunk, on the (object_type, object_id) index.
    const idsByType = new Map<string, string[]>();
    for (const c of charges) {
      idsByType.set(c.objectType, [...(idsByType.get(c.objectType) ?? []), c.objectId]);
    }
    for (const [objectType, ids] of idsByType) {
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        const done = await trx
          .selectFrom('ledger_entries')
          .select('object_id')
          .where('object_type', '=', objectType)
          .where('object_id', 'in', ids.slice(i, i + INSERT_CHUNK))
          .where('entry_type', '=', 'charge')
          .execute();
        for (const d of done) {
          seen.add(key(objectType, d.object_id ?? ''));
        }
      }
    }
    const byEnterprise = new Map<string, Charge[]>();
    for (const c of charges) {
      const k = key(c.objectType, c.objectId);
      if (seen.has(k)) {
        result.alreadyCharged.push(c.objectId);
        continue;
      }
      seen.add(k);
      byEnterprise.set(c.enterpriseId, [...(byEnterprise.get(c.enterpriseId) ?? []), c]);
    }
    // A fixed lock order keeps two batches over the same enterprises from deadlocking.
    const moved: Array<{ enterpriseId: string; total: number }> = [];
    const written = new Map<string, LedgerEntriesTable>();
    for (const enterpriseId of [...byEnterprise.keys()].sort()) {
      const list = byEnterprise.get(enterpriseId) ?? [];
      const entries: NewEntry[] = list.map((c) => ({
        entry_type: 'charge',
        amount: -c.amount,
        object_type: c.objectType,
        object_id: c.objectId,
        channel: c.channel ?? null,
        country: c.country ?? null,
        quantity: c.quantity ?? 1,
      }));
      const total = entries.reduce((s, e) => s + e.amount, 0);
      const done = await this.move(trx, enterpriseId, entries, true);
      if (!done) {
        const required = -total;
        const available = await this.available(trx, enterpriseId);
        if (opts.onInsufficient === 'skip') {
          result.refused.push({ enterpriseId, objectIds: list.map((c) => c.objectId), required, available });
          continue;
        }
        await this.undo(
          trx,
          moved,
          [...written.values()].map((r) => r.id),
        );
        throw LedgerErrors.insufficientBalance({ enterpriseId, required, available });
      }
      moved.push({ enterpriseId, total });
      for (const r of done.rows) {
        written.set(key(r.object_type ?? '', r.object_id ?? ''), r);
      }
      if (done.low) {
        result.lowBalance.push(done.low);
      }
    }
    for (const c of charges) {
      const r = written.get(key(c.objectType, c.objectId));
      if (r) {
        result.entries.push(view(r));
        written.delete(key(c.objectType, c.objectId));
      }
    }
    return result;
  }

  /** Reverses this call's balance moves inside the same transaction (the rows stay locked). */
  private async undo(trx: Db, moved: Array<{ enterpriseId: string; total: number }>, entryIds: string[]) {
    for (const m of moved) {
      await trx
        .updateTable('balances')
        .set({ balance: sql<number>`balance - ${m.total}` })
        .where('enterprise_id', '=', m.enterpriseId)
        .execute();
    }
    for (let i = 0; i < entryIds.length; i += INSERT_CHUNK) {
      await trx
        .deleteFrom('ledger_entries')
        .where('id', 'in', entryIds.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  }

  /** Charges one object; see `chargeMany`. */
  async charge(trx: Transaction<Database>, charge: Charge): Promise<ChargeResult> {
    return this.chargeMany(trx, [charge]);
  }

  /**
   * Refunds the charges of these objects inside the caller's transaction. Idempotent: an
   * object refunded before, or never charged, is left alone. Returns the refund entries written.
   */
  async refundMany(
    trx: Transaction<Database>,
    objectIds: string[],
    opts: {
      objectType?: string;
      note?: string;
      /** Part of the charge to give back per object (micro-units); the whole charge when absent. */
      amounts?: ReadonlyMap<string, number>;
    } = {},
  ): Promise<{ entries: LedgerEntryView[]; lowBalance: BalanceLow[] }> {
    const objectType = opts.objectType ?? 'message';
    const out: { entries: LedgerEntryView[]; lowBalance: BalanceLow[] } = { entries: [], lowBalance: [] };
    if (objectIds.length === 0) {
      return out;
    }
    const charges: LedgerEntriesTable[] = [];
    for (let i = 0; i < objectIds.length; i += INSERT_CHUNK) {
      charges.push(
        ...(await trx
          .selectFrom('ledger_entries')
          .selectAll()
          .where('entry_type', '=', 'charge')
          .where('object_type', '=', objectType)
          .where('object_id', 'in', objectIds.slice(i, i + INSERT_CHUNK))
          .execute()),
      );
    }
    const byEnterprise = new Map<string, LedgerEntriesTable[]>();
    for (const c of charges) {
      byEnterprise.set(c.enterprise_id, [...(byEnterprise.get(c.enterprise_id) ?? []), c]);
    }
    for (const enterpriseId of [...byEnterprise.keys()].sort()) {
      const list = byEnterprise.get(enterpriseId) ?? [];
      // Lock the balance first, then look for earlier refunds: a concurrent refund of the same
      // object has committed (and is seen) or waits behind this lock.
      if (this.ctx.dialect === 'postgres') {
        await trx
          .selectFrom('balances')
          .select('enterprise_id')
          .where('enterprise_id', '=', enterpriseId)
          .forUpdate()
          .execute();
      }
      const refunded = new Set(
        (
          await trx
            .selectFrom('ledger_entries')
            .select('object_id')
            .where('entry_type', '=', 'refund')
            .where('object_type', '=', objectType)
            .where(
              'object_id',
              'in',
              list.map((c) => c.object_id ?? ''),
            )
            .execute()
        ).map((r) => r.object_id),
      );
      const entries: NewEntry[] = [];
      for (const c of list) {
        const charged = -Number(c.amount);
        if (refunded.has(c.object_id) || charged === 0) {
          continue;
        }
        const asked = opts.amounts?.get(c.object_id ?? '');
        const amount = asked === undefined ? charged : Math.min(charged, Math.max(0, Math.floor(asked)));
        if (amount === 0) {
          continue;
        }
        entries.push({
          entry_type: 'refund',
          amount,
          object_type: c.object_type,
          object_id: c.object_id,
          channel: c.channel,
          country: c.country,
          // A partial refund covers that share of the charged quantity (segments).
          quantity:
            amount === charged ? Number(c.quantity) : Math.round((Number(c.quantity) * amount) / charged),
          note: opts.note ?? '',
        });
      }
      if (entries.length === 0) {
        continue;
      }
      const done = await this.move(trx, enterpriseId, entries, false);
      if (done) {
        out.entries.push(...done.rows.map(view));
      }
    }
    return out;
  }

  /** Refunds one message; idempotent. Returns the refund entry, or null when nothing was due. */
  async refund(trx: Transaction<Database>, messageId: string): Promise<LedgerEntryView | null> {
    const r = await this.refundMany(trx, [messageId]);
    return r.entries[0] ?? null;
  }

  // --- reservations (campaigns hold their estimated cost) ----------------------------------

  /** Locks an enterprise's balance row on PostgreSQL (SQLite's write transaction is exclusive). */
  private async lockBalance(trx: Db, enterpriseId: string): Promise<void> {
    if (this.ctx.dialect === 'postgres') {
      await trx
        .selectFrom('balances')
        .select('enterprise_id')
        .where('enterprise_id', '=', enterpriseId)
        .forUpdate()
        .execute();
    }
  }

  /**
   * What is held for an object: the reserved amount, what was released of it and what is
   * still held (all ≥ 0, micro-units); null when the object has no reservation.
   */
  async reservationOf(
    trx: Db,
    objectType: string,
    objectId: string,
  ): Promise<{ enterpriseId: string; reserved: number; released: number; remaining: number } | null> {
    const rows = await trx
      .selectFrom('ledger_entries')
      .select(['enterprise_id', 'entry_type', 'amount'])
      .where('object_type', '=', objectType)
      .where('object_id', '=', objectId)
      .where('entry_type', 'in', ['reservation', 'release'])
      .execute();
    const held = rows.find((r) => r.entry_type === 'reservation');
    if (!held) {
      return null;
    }
    const reserved = -Number(held.amount);
    const released = rows.filter((r) => r.entry_type === 'release').reduce((s, r) => s + Number(r.amount), 0);
    return {
      enterpriseId: held.enterprise_id,
      reserved,
      released,
      remaining: Math.max(0, reserved - released),
    };
  }

  /**
   * Holds `amount` of an enterprise's balance for an object (a campaign's estimated cost)
   * inside the caller's transaction: deducted like a charge, refused with INSUFFICIENT_BALANCE
   * (nothing written) when balance and credit limit are not enough, and refused with
   * ALREADY_RESERVED when the object holds a reservation already (one per object; a unique
   * index backs this up). Give back what is not used with `release`.
   */
  async reserve(
    trx: Transaction<Database>,
    input: { enterpriseId: string; amount: number; objectType: string; objectId: string; note?: string },
  ): Promise<{ entry: LedgerEntryView; lowBalance: BalanceLow[] }> {
    assertMicro('amount', input.amount, true);
    // Lock first, then look: a concurrent reservation of the same object has committed (and
    // is seen) or waits behind this lock. The row must exist for the lock to mean anything.
    await trx
      .insertInto('balances')
      .values({
        enterprise_id: input.enterpriseId,
        balance: 0,
        credit_limit: 0,
        low_balance_threshold: null,
        updated_at: this.ctx.clock.iso(),
      })
      .onConflict((oc) => oc.column('enterprise_id').doNothing())
      .execute();
    await this.lockBalance(trx, input.enterpriseId);
    if (await this.reservationOf(trx, input.objectType, input.objectId)) {
      throw LedgerErrors.alreadyReserved({ objectType: input.objectType, objectId: input.objectId });
    }
    const done = await this.move(
      trx,
      input.enterpriseId,
      [
        {
          entry_type: 'reservation',
          amount: -input.amount,
          object_type: input.objectType,
          object_id: input.objectId,
          note: input.note ?? '',
        },
      ],
      true,
    );
    if (!done) {
      const available = await this.available(trx, input.enterpriseId);
      throw LedgerErrors.insufficientBalance({
        enterpriseId: input.enterpriseId,
        required: input.amount,
        available,
      });
    }
    return { entry: view(done.rows[0] as LedgerEntriesTable), lowBalance: done.low ? [done.low] : [] };
  }

  /**
   * Gives back what an object's reservation still holds, inside the caller's transaction:
   * all of it, or at most `amountToRelease` (a campaign releasing a batch's share before
   * charging its messages). Idempotent: once nothing is held (or nothing was reserved) it
   * writes nothing and returns a null entry.
   */
  async release(
    trx: Transaction<Database>,
    objectType: string,
    objectId: string,
    amountToRelease?: number,
  ): Promise<{ entry: LedgerEntryView | null; released: number; remaining: number }> {
    if (amountToRelease !== undefined) {
      assertMicro('amountToRelease', amountToRelease, true);
    }
    const first = await this.reservationOf(trx, objectType, objectId);
    if (!first) {
      return { entry: null, released: 0, remaining: 0 };
    }
    // Lock, then read again: two releases of one object never give back the same money twice.
    await this.lockBalance(trx, first.enterpriseId);
    const held = (await this.reservationOf(trx, objectType, objectId)) ?? first;
    const amount = Math.min(held.remaining, amountToRelease ?? held.remaining);
    if (amount <= 0) {
      return { entry: null, released: 0, remaining: held.remaining };
    }
    const done = await this.move(
      trx,
      held.enterpriseId,
      [{ entry_type: 'release', amount, object_type: objectType, object_id: objectId }],
      false,
    );
    if (!done) {
      throw LedgerErrors.enterpriseNotFound();
    }
    return {
      entry: view(done.rows[0] as LedgerEntriesTable),
      released: amount,
      remaining: held.remaining - amount,
    };
  }

  // --- console operations ------------------------------------------------------------------

  private async enterprise(auth: AuthContext, enterpriseId: string, db: Db = this.ctx.db) {
    const row = await db
      .selectFrom('enterprises')
      .select(['id', 'name', 'currency', 'timezone'])
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!row) {
      throw LedgerErrors.enterpriseNotFound();
    }
    assertTenant(auth, row.id, 'ENTERPRISE_NOT_FOUND');
    return row;
  }

  async recharge(
    auth: AuthContext,
    input: { enterpriseId: string; amount: number; method: string; reference?: string; note?: string },
  ): Promise<LedgerEntryView> {
    assertMicro('amount', input.amount, true);
    return this.post(auth, input.enterpriseId, {
      entry_type: 'recharge',
      amount: input.amount,
      method: input.method,
      reference: input.reference ?? null,
      note: input.note ?? '',
    });
  }

  async adjust(
    auth: AuthContext,
    input: { enterpriseId: string; amount: number; reason: string },
  ): Promise<LedgerEntryView> {
    assertMicro('amount', input.amount, false);
    if (input.amount === 0) {
      throw errors.invalid([{ field: 'amount', reason: LedgerReasons.notZero }]);
    }
    return this.post(auth, input.enterpriseId, {
      entry_type: 'adjustment',
      amount: input.amount,
      note: input.reason,
    });
  }

  private async post(auth: AuthContext, enterpriseId: string, entry: NewEntry): Promise<LedgerEntryView> {
    await this.enterprise(auth, enterpriseId);
    const created_by = auth.kind === 'user' ? auth.actorId : null;
    const done = await this.ctx.db.transaction().execute(async (trx) => {
      const moved = await this.move(trx, enterpriseId, [{ ...entry, created_by }], false);
      if (!moved) {
        throw LedgerErrors.enterpriseNotFound();
      }
      const row = moved.rows[0] as LedgerEntriesTable;
      await this.audit.recordChange(trx, auth, {
        entityType: 'ledger_entry',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId,
      });
      return moved;
    });
    if (done.low) {
      this.emitAfterCommit({ lowBalance: [done.low] });
    }
    const posted = view(done.rows[0] as LedgerEntriesTable);
    this.ctx.events.emit(
      BALANCE_CHANGED_EVENT,
      { enterpriseId, balance: posted.balanceAfter, entryType: posted.entryType, amount: posted.amount },
      enterpriseId,
    );
    return posted;
  }

  async updateSettings(
    auth: AuthContext,
    input: { enterpriseId: string; creditLimit?: number; lowBalanceThreshold?: number | null },
  ): Promise<BalanceView> {
    await this.enterprise(auth, input.enterpriseId);
    if (input.creditLimit !== undefined) {
      assertMicro('creditLimit', input.creditLimit, false);
      if (input.creditLimit < 0) {
        throw errors.invalid([{ field: 'creditLimit', reason: LedgerReasons.notPositive }]);
      }
    }
    if (input.lowBalanceThreshold !== undefined && input.lowBalanceThreshold !== null) {
      assertMicro('lowBalanceThreshold', input.lowBalanceThreshold, false);
    }
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('balances')
        .values({
          enterprise_id: input.enterpriseId,
          balance: 0,
          credit_limit: 0,
          low_balance_threshold: null,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('enterprise_id').doNothing())
        .execute();
      const before = await trx
        .selectFrom('balances')
        .selectAll()
        .where('enterprise_id', '=', input.enterpriseId)
        .executeTakeFirstOrThrow();
      const patch: Partial<BalancesTable> = { updated_at: now };
      if (input.creditLimit !== undefined) {
        patch.credit_limit = input.creditLimit;
      }
      if (input.lowBalanceThreshold !== undefined) {
        patch.low_balance_threshold = input.lowBalanceThreshold;
      }
      await trx.updateTable('balances').set(patch).where('enterprise_id', '=', input.enterpriseId).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'balance',
        entityId: input.enterpriseId,
        action: 'update',
        before: { credit_limit: before.credit_limit, low_balance_threshold: before.low_balance_threshold },
        after: patch,
        enterpriseId: input.enterpriseId,
      });
    });
    return this.get(auth, input.enterpriseId);
  }

  private balanceQuery() {
    return this.ctx.db
      .selectFrom('enterprises as e')
      .leftJoin('balances as b', 'b.enterprise_id', 'e.id')
      .select([
        'e.id as enterprise_id',
        'e.name',
        'e.currency',
        'b.balance',
        'b.credit_limit',
        'b.low_balance_threshold',
        'b.updated_at',
      ]);
  }

  private balanceView(r: {
    enterprise_id: string;
    name: string;
    currency: string;
    balance: number | null;
    credit_limit: number | null;
    low_balance_threshold: number | null;
    updated_at: string | null;
  }): BalanceView {
    const balance = Number(r.balance ?? 0);
    const creditLimit = Number(r.credit_limit ?? 0);
    return {
      enterpriseId: r.enterprise_id,
      enterpriseName: r.name,
      currency: r.currency,
      balance,
      creditLimit,
      available: balance + creditLimit,
      lowBalanceThreshold: r.low_balance_threshold === null ? null : Number(r.low_balance_threshold),
      updatedAt: r.updated_at,
    };
  }

  async get(auth: AuthContext, enterpriseId: string): Promise<BalanceView> {
    await this.enterprise(auth, enterpriseId);
    const row = await this.balanceQuery().where('e.id', '=', enterpriseId).executeTakeFirstOrThrow();
    return this.balanceView(row);
  }

  async list(
    auth: AuthContext,
    q: { page: number; size: number; below?: number },
  ): Promise<{ items: BalanceView[]; pagination: Pagination }> {
    let base = this.balanceQuery();
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('e.id', '=', own);
    }
    if (q.below !== undefined) {
      base = base.where(sql<boolean>`coalesce(b.balance, 0) < ${q.below}`);
    }
    const page = await fetchPage(base, q, (qb) => qb.orderBy('e.name').orderBy('e.id'));
    return { items: page.items.map((r) => this.balanceView(r)), pagination: page.pagination };
  }

  async ledger(
    auth: AuthContext,
    q: {
      cursor?: string;
      size: number;
      enterpriseId?: string;
      entryType?: LedgerEntryType;
      objectId?: string;
      from?: string;
      to?: string;
    },
  ): Promise<{ items: LedgerEntryView[]; nextCursor: string | null }> {
    let base = this.ctx.db.selectFrom('ledger_entries').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    } else if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.entryType) {
      base = base.where('entry_type', '=', q.entryType);
    }
    if (q.objectId) {
      base = base.where('object_id', '=', q.objectId);
    }
    if (q.from) {
      base = base.where('created_at', '>=', new Date(q.from).toISOString());
    }
    if (q.to) {
      base = base.where('created_at', '<', new Date(q.to).toISOString());
    }
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const at = String(c.sortKey);
      base = base.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', c.id)])]),
      );
    }
    const rows = await base
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.size + 1)
      .execute();
    const page = cursorPage(rows, q.size, (r) => ({ sortKey: r.created_at, id: r.id }));
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  /**
   * The ledger check (BL-3): the balance equals the sum of the ledger and the newest entry's
   * balance_after. Used by tests and the check route/job.
   */
  async checkLedger(enterpriseId: string): Promise<{
    enterpriseId: string;
    balance: number;
    ledgerSum: number;
    entries: number;
    lastBalanceAfter: number | null;
    consistent: boolean;
  }> {
    const bal = await this.ctx.db
      .selectFrom('balances')
      .select('balance')
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirst();
    const sum = await this.ctx.db
      .selectFrom('ledger_entries')
      .select((eb) => [eb.fn.sum<number>('amount').as('total'), eb.fn.countAll<number>().as('n')])
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirstOrThrow();
    const last = await this.ctx.db
      .selectFrom('ledger_entries')
      .select('balance_after')
      .where('enterprise_id', '=', enterpriseId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const balance = Number(bal?.balance ?? 0);
    const ledgerSum = Number(sum.total ?? 0);
    const lastBalanceAfter = last ? Number(last.balance_after) : null;
    return {
      enterpriseId,
      balance,
      ledgerSum,
      entries: Number(sum.n),
      lastBalanceAfter,
      consistent:
        balance === ledgerSum && (lastBalanceAfter === null ? balance === 0 : lastBalanceAfter === balance),
    };
  }

  /** The ledger check job: every balance against its ledger; returns the inconsistent ones. */
  async checkAllLedgers(): Promise<Array<Awaited<ReturnType<LedgerService['checkLedger']>>>> {
    const bad: Array<Awaited<ReturnType<LedgerService['checkLedger']>>> = [];
    let after = '';
    for (;;) {
      const ids = await this.ctx.db
        .selectFrom('balances')
        .select('enterprise_id')
        .where('enterprise_id', '>', after)
        .orderBy('enterprise_id')
        .limit(500)
        .execute();
      for (const { enterprise_id } of ids) {
        const result = await this.checkLedger(enterprise_id);
        if (!result.consistent) {
          bad.push(result);
          this.ctx.log.error({ ledger: result }, 'balance differs from its ledger');
        }
      }
      if (ids.length < 500) {
        return bad;
      }
      after = ids[ids.length - 1]?.enterprise_id ?? after;
    }
  }

  async check(auth: AuthContext, enterpriseId: string) {
    await this.enterprise(auth, enterpriseId);
    return this.checkLedger(enterpriseId);
  }
}
