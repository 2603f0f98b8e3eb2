// The callback outbox writer (MS-8): turns message events into rows of the durable `callbacks`
// table. Events can come at thousands per second, so they are buffered in memory and written
// in batches per tick; an event is raised after its message's commit, so a crash can lose at
// most the buffered tick (documented in the README).
import type { AppContext } from '../../context.js';
import { newId } from '../../platform/ids.js';
import type { SendingContext } from '../customers/index.js';
import type { MessageStatusEvent } from './messages.contract.js';
import { FINAL_STATUSES } from './messages.tables.js';
import type { CallbackEvent, CallbacksTable } from './callbacks.tables.js';
import './callbacks.tables.js';

/** Raised by the inbox (MS-6) for every stored inbound message. */
export const MESSAGE_INBOUND_EVENT = 'message.inbound';

export interface MessageInboundEvent {
  inboundId: string;
  /** null when the message matched no enterprise/account (nothing to call back). */
  enterpriseId: string | null;
  sendingAccountId: string | null;
  from: string;
  to: string;
  text: string;
  receivedAt: string;
  classification: string;
}

/** How long a callback is retried before it is dead-lettered. */
export const CALLBACK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

interface Pending {
  event: CallbackEvent;
  accountId: string;
  referenceId: string;
  data: Record<string, unknown>;
}

const INSERT_CHUNK = 200;

export class CallbackOutbox {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly sendingContext: (accountId: string) => Promise<SendingContext | null>,
    /** Called after rows are written (the dispatcher delivers them without waiting for its tick). */
    private readonly onWritten: () => void,
    private readonly flushIntervalMs = 50,
    private readonly maxBuffer = 2_000,
  ) {}

  /** Status callbacks go out for `sent` and every final state. */
  onStatus(e: MessageStatusEvent): void {
    if (e.status !== 'sent' && !FINAL_STATUSES.has(e.status)) {
      return;
    }
    this.push({
      event: 'message.status',
      accountId: e.sendingAccountId,
      referenceId: e.messageId,
      data: {
        messageId: e.messageId,
        status: e.status,
        channel: e.channel,
        to: e.to,
        from: e.from,
        country: e.country,
        segments: e.segments,
        price: e.price,
        clientRef: e.clientRef,
        errorCode: e.errorCode,
        at: e.at,
      },
    });
  }

  onInbound(e: MessageInboundEvent): void {
    if (!e.sendingAccountId) {
      return;
    }
    this.push({
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
    });
  }

  private push(p: Pending): void {
    this.buffer.push(p);
    if (this.buffer.length >= this.maxBuffer) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes what is buffered; resolves when everything queued so far is stored. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) {
        return;
      }
      try {
        const written = await this.write(batch);
        if (written > 0) {
          this.onWritten();
        }
      } catch (err) {
        this.ctx.log.error({ err, lost: batch.length }, 'failed to write callbacks to the outbox');
      }
    });
    return this.flushing;
  }

  private async write(batch: Pending[]): Promise<number> {
    const accounts = new Map<string, SendingContext | null>();
    for (const id of new Set(batch.map((p) => p.accountId))) {
      accounts.set(id, await this.sendingContext(id));
    }
    const now = this.ctx.clock.iso();
    const expires = new Date(this.ctx.clock.now() + CALLBACK_RETRY_WINDOW_MS).toISOString();
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
      await this.ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('callbacks')
            .values(rows.slice(i, i + INSERT_CHUNK))
            .execute();
        }
      });
    }
    return rows.length;
  }
}
