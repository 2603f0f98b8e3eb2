// The callback outbox writer (MS-8): a status change or an inbound message becomes a row of the
// durable `callbacks` table in the same transaction that writes it, so a crash loses neither
// the change nor its callback. The dispatcher delivers the rows.
import type { Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import type { SendingContext } from '../customers/index.js';
import type { Executor } from './messages.repository.js';
import type { StatusChange } from './lifecycle.effects.js';
import { FINAL_STATUSES } from './messages.tables.js';
import type { CallbackEvent, CallbacksTable } from './callbacks.tables.js';
import type { CallbackRepository } from './callbacks.repository.js';
import type { MessageInboundEvent } from './inbox.service.js';
import './callbacks.tables.js';

/** How long a callback is retried before it is dead-lettered. */
export const CALLBACK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

interface Pending {
  event: CallbackEvent;
  accountId: string;
  referenceId: string;
  data: Record<string, unknown>;
}

export class CallbackOutbox {
  constructor(
    private readonly clock: Clock,
    private readonly repo: CallbackRepository,
    private readonly sendingContext: (accountId: string, ex: Executor) => Promise<SendingContext | null>,
    /** Called after rows are written (the dispatcher delivers them without waiting for its tick). */
    private readonly onWritten: () => void,
  ) {}

  /** The lifecycle's in-transaction writer: status callbacks for `sent` and every final state. */
  readonly writeStatusChanges = async (trx: Transaction<Database>, changes: readonly StatusChange[]) => {
    const pending: Pending[] = [];
    for (const c of changes) {
      const e = c.row;
      if (e.status !== 'sent' && !FINAL_STATUSES.has(e.status)) {
        continue;
      }
      pending.push({
        event: 'message.status',
        accountId: e.sending_account_id,
        referenceId: e.id,
        data: {
          messageId: e.id,
          status: e.status,
          channel: e.channel,
          to: e.recipient,
          from: e.sender,
          country: e.country,
          segments: e.segments,
          price: Number(e.price),
          clientRef: e.client_ref,
          errorCode: c.errorCode,
          at: c.at,
        },
      });
    }
    await this.write(trx, pending);
  };

  /** Inside the inbox's transaction: the inbound callback of a stored inbound message. */
  async writeInbound(trx: Transaction<Database>, e: MessageInboundEvent): Promise<void> {
    if (!e.sendingAccountId) {
      return;
    }
    await this.write(trx, [
      {
        event: 'message.inbound',
        accountId: e.sendingAccountId,
        referenceId: e.inboundId,
        data: {
          inboundId: e.inboundId,
          from: e.from,
          to: e.to,
          text: e.text,
          receivedAt: e.receivedAt,
          classification: e.classification,
        },
      },
    ]);
  }

  private async write(trx: Transaction<Database>, batch: readonly Pending[]): Promise<void> {
    if (batch.length === 0) {
      return;
    }
    const accounts = new Map<string, SendingContext | null>();
    for (const id of new Set(batch.map((p) => p.accountId))) {
      accounts.set(id, await this.sendingContext(id, trx));
    }
    const now = this.clock.iso();
    const expires = new Date(this.clock.now() + CALLBACK_RETRY_WINDOW_MS).toISOString();
    const rows: CallbacksTable[] = [];
    for (const p of batch) {
      const account = accounts.get(p.accountId)?.account;
      const url = p.event === 'message.status' ? account?.statusCallbackUrl : account?.inboundCallbackUrl;
      if (!account || !url) {
        continue;
      }
      const id = newId();
      rows.push({
        id,
        enterprise_id: account.enterpriseId,
        sending_account_id: account.id,
        event: p.event,
        reference_id: p.referenceId,
        url,
        payload: JSON.stringify({ id, event: p.event, createdAt: now, data: p.data }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        expires_at: expires,
        claim_token: null,
        last_status_code: null,
        last_error: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      });
    }
    if (rows.length > 0) {
      await this.repo.insert(trx, rows);
      // Harmless if the transaction is rolled back: the dispatcher finds nothing new.
      setImmediate(() => this.onWritten());
    }
  }
}
