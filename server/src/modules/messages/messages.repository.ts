// The only code that touches the message store's tables (messages, message_attempts,
// message_parts, pending_receipts, idempotency_keys). Kysely and nothing else: no business
// rules, no permissions. Status writes come only from the lifecycle service, which checks each
// against transitions.ts and names the statuses a row may be in (`where status in (…)`).
import type { Kysely, Transaction, UpdateObject } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { insertRows } from '../../platform/db/bulk.js';
import type {
  IdempotencyKeysTable,
  MessageAttemptsTable,
  MessagePartsTable,
  MessageStatus,
  MessagesTable,
  PendingReceiptsTable,
} from './messages.tables.js';
import './messages.tables.js';

export type Executor = Kysely<Database> | Transaction<Database>;
/** Column values (or expressions such as `attempts + 1`) for a message update. */
export type MessageUpdate = UpdateObject<Database, 'messages'>;

const CHUNK = 500;

/** Columns the lifecycle and the engine need of a message (not the console's whole row). */
export const ROW_COLUMNS = [
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
  'send_at',
  'expires_at',
  'price',
  'refund_on_failure',
  'refunded',
  'provider_id',
  'attempts',
  'tried_providers',
  'sent_at',
  'created_at',
] as const;

export type MessageRow = Pick<MessagesTable, (typeof ROW_COLUMNS)[number]>;

/** Whose messages a reader sees: null = not restricted on that column. */
export interface OutboxScope {
  enterpriseId: string | null;
  sendingAccountId: string | null;
}

export interface OutboxFilter {
  size: number;
  from?: string;
  to?: string;
  enterpriseId?: string;
  sendingAccountId?: string;
  status?: MessageStatus;
  channel?: string;
  country?: string;
  providerId?: string;
  campaignId?: string;
  recipient?: string;
  clientRef?: string;
  beforeId?: string;
}

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) {
    out.push(list.slice(i, i + size));
  }
  return out;
}

export class MessageRepository {
  constructor(private readonly database: Db) {}

  get db(): Kysely<Database> {
    return this.database.db;
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.database.db.transaction().execute(fn);
  }

  // --- accept ---------------------------------------------------------------------------------

  insertMessages(trx: Transaction<Database>, rows: readonly MessagesTable[]): Promise<void> {
    return insertRows(trx, this.database, 'messages', rows);
  }

  findIdempotencyKey(scope: string, key: string) {
    return this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response', 'expires_at'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async saveIdempotencyKey(trx: Transaction<Database>, row: IdempotencyKeysTable): Promise<void> {
    await trx
      .insertInto('idempotency_keys')
      .values(row)
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .execute();
  }

  /** Messages of an account created since a time (the daily limit's seed). */
  async countSince(sendingAccountId: string, sinceIso: string): Promise<number> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sending_account_id', '=', sendingAccountId)
      .where('created_at', '>=', sinceIso)
      .where('status', '!=', 'rejected')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // --- rows for the lifecycle -------------------------------------------------------------------

  async rows(ex: Executor, ids: readonly string[]): Promise<MessageRow[]> {
    const out: MessageRow[] = [];
    for (const c of chunks(ids)) {
      out.push(...(await ex.selectFrom('messages').select(ROW_COLUMNS).where('id', 'in', c).execute()));
    }
    return out;
  }

  /**
   * Sets columns on the messages among `ids` whose status is one of `from`; returns the rows as
   * they are afterwards (only those that changed).
   */
  async update(
    ex: Executor,
    ids: readonly string[],
    from: readonly MessageStatus[],
    set: MessageUpdate,
    extra?: { providerId?: string },
  ): Promise<MessageRow[]> {
    const out: MessageRow[] = [];
    for (const c of chunks(ids)) {
      let q = ex
        .updateTable('messages')
        .set(set)
        .where('id', 'in', c)
        .where('status', 'in', [...from]);
      if (extra?.providerId !== undefined) {
        q = q.where('provider_id', '=', extra.providerId);
      }
      out.push(...(await q.returning(ROW_COLUMNS).execute()));
    }
    return out;
  }

  /** Like `update`, without reading the rows back (the caller has them). */
  async updateQuiet(
    ex: Executor,
    ids: readonly string[],
    from: readonly MessageStatus[],
    set: MessageUpdate,
  ): Promise<number> {
    let n = 0;
    for (const c of chunks(ids)) {
      const r = await ex
        .updateTable('messages')
        .set(set)
        .where('id', 'in', c)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    return n;
  }

  /** One queued-for-delivery view per row, in id order, for start-up recovery. */
  queuedAfter(afterId: string, limit: number) {
    return this.db
      .selectFrom('messages')
      .select(['id', 'provider_id', 'priority', 'next_attempt_at', 'status'])
      .where('status', 'in', ['queued', 'sending'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  dueScheduled(nowIso: string, limit: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('messages')
      .select(ROW_COLUMNS)
      .where('status', '=', 'accepted')
      .where('send_at', '<=', nowIso)
      .orderBy('send_at')
      .limit(limit)
      .execute();
  }

  /** Messages whose lease ran out (a worker died with the submit unanswered). */
  staleLeases(nowIso: string, limit: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('messages')
      .select(ROW_COLUMNS)
      .where('status', '=', 'sending')
      .where('lease_until', '<', nowIso)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Sent messages past their validity (plus grace) or past the receipt timeout. */
  overdueSent(validityCutoffIso: string, sentCutoffIso: string, limit: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('messages')
      .select(ROW_COLUMNS)
      .where('status', '=', 'sent')
      .where((eb) =>
        eb.or([
          eb.and([eb('expires_at', 'is not', null), eb('expires_at', '<=', validityCutoffIso)]),
          eb('sent_at', '<=', sentCutoffIso),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  // --- attempts, parts and receipts -----------------------------------------------------------

  insertAttempts(trx: Transaction<Database>, rows: readonly MessageAttemptsTable[]): Promise<void> {
    return insertRows(trx, this.database, 'message_attempts', rows);
  }

  insertParts(trx: Transaction<Database>, rows: readonly MessagePartsTable[]): Promise<void> {
    return insertRows(trx, this.database, 'message_parts', rows);
  }

  async partsByProviderMessageIds(ex: Executor, ids: readonly string[]): Promise<MessagePartsTable[]> {
    const out: MessagePartsTable[] = [];
    for (const c of chunks([...new Set(ids)])) {
      out.push(
        ...(await ex.selectFrom('message_parts').selectAll().where('provider_message_id', 'in', c).execute()),
      );
    }
    return out;
  }

  async partsOfMessages(ex: Executor, messageIds: readonly string[]) {
    const out: Array<Pick<MessagePartsTable, 'message_id' | 'part_index' | 'receipt_status' | 'error_code'>> =
      [];
    for (const c of chunks(messageIds)) {
      out.push(
        ...(await ex
          .selectFrom('message_parts')
          .select(['message_id', 'part_index', 'receipt_status', 'error_code'])
          .where('message_id', 'in', c)
          .execute()),
      );
    }
    return out;
  }

  async setPartReceipts(
    trx: Transaction<Database>,
    partIds: readonly string[],
    set: Pick<MessagePartsTable, 'receipt_status' | 'provider_status' | 'error_code' | 'receipt_at'>,
  ): Promise<void> {
    for (const c of chunks(partIds)) {
      await trx.updateTable('message_parts').set(set).where('id', 'in', c).execute();
    }
  }

  insertPendingReceipts(trx: Transaction<Database>, rows: readonly PendingReceiptsTable[]): Promise<void> {
    return insertRows(trx, this.database, 'pending_receipts', rows);
  }

  async pendingReceiptsFor(
    ex: Executor,
    providerMessageIds: readonly string[],
  ): Promise<PendingReceiptsTable[]> {
    const out: PendingReceiptsTable[] = [];
    for (const c of chunks([...new Set(providerMessageIds)])) {
      out.push(
        ...(await ex
          .selectFrom('pending_receipts')
          .selectAll()
          .where('provider_message_id', 'in', c)
          .execute()),
      );
    }
    return out;
  }

  /** Pending receipts, oldest first, for the periodic re-match (another process wrote the part). */
  pendingReceipts(afterId: string, limit: number): Promise<PendingReceiptsTable[]> {
    return this.db
      .selectFrom('pending_receipts')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async deletePendingReceipts(trx: Executor, ids: readonly string[]): Promise<void> {
    for (const c of chunks(ids)) {
      await trx.deleteFrom('pending_receipts').where('id', 'in', c).execute();
    }
  }

  /** Removes pending receipts past their keep time; returns how many. */
  async dropExpiredPendingReceipts(nowIso: string): Promise<number> {
    const r = await this.db
      .deleteFrom('pending_receipts')
      .where('expires_at', '<=', nowIso)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async countPendingReceipts(): Promise<number> {
    const r = await this.db
      .selectFrom('pending_receipts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // --- the console's reads ------------------------------------------------------------------

  /** MS-5: the outbox, newest first, one page past `beforeId` (keyset on the time-ordered id). */
  outbox(scope: OutboxScope, f: OutboxFilter): Promise<MessagesTable[]> {
    let q = this.scoped(scope).selectAll();
    if (f.from) {
      q = q.where('created_at', '>=', new Date(f.from).toISOString());
    }
    if (f.to) {
      q = q.where('created_at', '<', new Date(f.to).toISOString());
    }
    const eq = [
      ['enterprise_id', f.enterpriseId],
      ['sending_account_id', f.sendingAccountId],
      ['status', f.status],
      ['channel', f.channel],
      ['country', f.country],
      ['provider_id', f.providerId],
      ['campaign_id', f.campaignId],
      ['recipient', f.recipient],
      ['client_ref', f.clientRef],
    ] as const;
    for (const [column, value] of eq) {
      if (value !== undefined) {
        q = q.where(column, '=', value);
      }
    }
    if (f.beforeId) {
      q = q.where('id', '<', f.beforeId);
    }
    return q
      .orderBy('id', 'desc')
      .limit(f.size + 1)
      .execute();
  }

  findOne(scope: OutboxScope, id: string): Promise<MessagesTable | undefined> {
    return this.scoped(scope).selectAll().where('id', '=', id).executeTakeFirst();
  }

  private scoped(scope: OutboxScope) {
    let q = this.db.selectFrom('messages');
    if (scope.enterpriseId !== null) {
      q = q.where('enterprise_id', '=', scope.enterpriseId);
    }
    if (scope.sendingAccountId !== null) {
      q = q.where('sending_account_id', '=', scope.sendingAccountId);
    }
    return q;
  }

  attemptsOf(messageId: string) {
    return this.db
      .selectFrom('message_attempts')
      .selectAll()
      .where('message_id', '=', messageId)
      .orderBy('attempt')
      .execute();
  }

  partsOf(messageId: string) {
    return this.db
      .selectFrom('message_parts')
      .selectAll()
      .where('message_id', '=', messageId)
      .orderBy('part_index')
      .execute();
  }

  /** Counts per status (tests and diagnostics). */
  async statusCounts(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['status', sql<number>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
