// What a lifecycle write leaves to do after its transaction commits: status events for the live
// views, statistics and the SMPP server, and low-balance notices from refunds. Collected while
// the transaction runs, run once it has committed (never on rollback).
import type { Transaction } from 'kysely';
import type { EventBus } from '../../platform/events/bus.js';
import type { Database } from '../../platform/db/schema.js';
import { MESSAGE_STATUS_EVENT, type MessageStatusEvent } from './messages.contract.js';
import type { MessageRow } from './messages.repository.js';
import type { MessageStatus } from './messages.tables.js';

/** One status change, as written. `row` carries the new status. */
export interface StatusChange {
  row: MessageRow;
  /** null for a message just accepted. */
  from: MessageStatus | null;
  at: string;
  errorCode: string | null;
}

/**
 * Written inside the transaction of the status changes it is about (the callback outbox), so a
 * crash loses neither or both.
 */
export type TransitionWriter = (
  trx: Transaction<Database>,
  changes: readonly StatusChange[],
) => Promise<void>;

export class AfterCommit {
  readonly changes: StatusChange[] = [];
  private readonly tasks: Array<() => void> = [];

  add(change: StatusChange): void {
    this.changes.push(change);
  }

  addAll(changes: readonly StatusChange[]): void {
    for (const c of changes) {
      this.changes.push(c);
    }
  }

  then(task: () => void): void {
    this.tasks.push(task);
  }

  /** Runs after commit: the tasks, then one `message.status` event per change. */
  run(events: EventBus): void {
    for (const t of this.tasks) {
      t();
    }
    for (const c of this.changes) {
      events.emit(MESSAGE_STATUS_EVENT, statusEvent(c), c.row.enterprise_id);
    }
  }
}

export function statusEvent(c: StatusChange): MessageStatusEvent {
  const row = c.row;
  return {
    messageId: row.id,
    enterpriseId: row.enterprise_id,
    sendingAccountId: row.sending_account_id,
    source: row.source,
    channel: row.channel as 'sms' | 'email',
    status: row.status,
    to: row.recipient,
    from: row.sender,
    country: row.country,
    providerId: row.provider_id,
    segments: row.segments,
    price: Number(row.price),
    clientRef: row.client_ref,
    errorCode: c.errorCode,
    textStart: row.body.slice(0, 20),
    createdAt: row.created_at,
    at: c.at,
    // E-mail: the SMTP server's acceptance is its final state; it never went through `sent`.
    ...(c.from === 'sending' && row.status !== 'sent' && row.status !== 'queued'
      ? { skippedSent: true }
      : {}),
  };
}
