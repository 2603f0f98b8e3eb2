// Receipts and inbound (MO) messages to ESMEs (DL-8): made from `message.status` and
// `message.inbound` events, sent as deliver_sm to the account's receiver binds, at most a window
// per bind, resent when not answered in time, offered again when refused (5 attempts), and kept
// in smpp_pending_deliveries while no receiver is bound, until their validity ends.
import type { Logger } from 'pino';
import { toSmppMessageId } from '../../lib/smpp/index.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { MessageInboundEvent, MessageStatusEvent } from '../messages/index.js';
import type { AccountState, Accounts, Bind, Delivery } from './binds.js';
import {
  deliverSmFromJson,
  deliverSmToJson,
  moPdus,
  RECEIPT_STATUS,
  receiptPdu,
  ServerStatus,
  wantsReceipt,
} from './smpp-pdu.js';
import type { SmppServerRepository } from './smpp-server.repository.js';

/** Receipt preferences of a message accepted over SMPP (registered_delivery, validity). */
export interface ReceiptRequest {
  mask: number;
  retentionMs: number | null;
}

export interface DeliveryOptions {
  windowSize: number;
  responseTimeoutMs: number;
  defaultRetentionMs: number;
}

const MAX_DELIVERY_ATTEMPTS = 5;
const RETRY_DELAY_MS = 1_000;
const MAX_TRACKED = 1_000_000;

export class SmppDeliveries {
  private readonly receiptRequests = new Map<string, ReceiptRequest>();
  /** deliver_sm the ESME refused, waiting to be offered again. */
  private readonly retries = new Map<NodeJS.Timeout, { account: AccountState; delivery: Delivery }>();

  constructor(
    private readonly o: DeliveryOptions,
    private readonly accounts: Accounts,
    private readonly repository: SmppServerRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Whether the server listens (deliveries go to binds only then). */
    private readonly isListening: () => boolean,
    /** Keeps background work so `settle()` and `close()` can wait for it. */
    private readonly track: (work: Promise<unknown>) => void,
  ) {}

  /** What a submit asked for its receipt (kept in memory; its metadata has it too). */
  rememberReceiptRequest(messageId: string, request: ReceiptRequest): void {
    if (this.receiptRequests.size >= MAX_TRACKED) {
      const oldest = this.receiptRequests.keys().next().value;
      if (oldest !== undefined) {
        this.receiptRequests.delete(oldest);
      }
    }
    this.receiptRequests.set(messageId, request);
  }

  async onStatus(e: MessageStatusEvent): Promise<void> {
    if (e.source !== 'smpp' || e.channel !== 'sms') {
      return;
    }
    const status = RECEIPT_STATUS[e.status];
    if (!status) {
      return;
    }
    let request = this.receiptRequests.get(e.messageId);
    if (request) {
      this.receiptRequests.delete(e.messageId);
    } else {
      // Accepted before a restart (or by another node): the submit's wishes are in metadata.
      const json = await this.repository.findMessageMetadata(e.messageId);
      const metadata = json ? (JSON.parse(json) as Record<string, string>) : {};
      const validity = Number(metadata.smpp_validity);
      request = {
        mask: Number(metadata.smpp_dlr ?? 0),
        retentionMs: Number.isFinite(validity) && validity > 0 ? validity * 1000 : null,
      };
    }
    if (!wantsReceipt(request.mask, status)) {
      return;
    }
    const account = await this.accounts.load(e.sendingAccountId);
    if (!account) {
      return;
    }
    const pdu = receiptPdu({
      smppId: toSmppMessageId(e.messageId, account.idFormat),
      status,
      to: e.to,
      from: e.from,
      submittedAt: new Date(e.createdAt),
      doneAt: new Date(e.at),
      errorCode: e.errorCode,
      textStart: e.textStart,
    });
    await this.enqueue(account, [
      {
        kind: 'receipt',
        refId: e.messageId,
        pdu,
        expiresAt: this.clock.now() + (request.retentionMs ?? this.o.defaultRetentionMs),
        storedId: null,
        attempts: 0,
      },
    ]);
  }

  async onInbound(e: MessageInboundEvent): Promise<void> {
    if (!e.sendingAccountId) {
      return; // matched to no account: nobody to deliver it to
    }
    const account = await this.accounts.load(e.sendingAccountId);
    if (!account) {
      return; // not an SMPP account: the inbox forwards it by callback only
    }
    const expiresAt = this.clock.now() + this.o.defaultRetentionMs;
    account.nextMoReference = (account.nextMoReference + 1) & 0xff;
    const deliveries = moPdus(e.from, e.to, e.text, account.nextMoReference).map((pdu): Delivery => ({
      kind: 'mo',
      refId: e.inboundId,
      pdu,
      expiresAt,
      storedId: null,
      attempts: 0,
    }));
    await this.enqueue(account, deliveries);
  }

  /** A receiver bound: what was kept for the account is loaded and sent. */
  async onReceiverBound(account: AccountState): Promise<void> {
    await this.loadPending(account);
    this.flush(account);
  }

  /** A bind is gone: its unanswered deliver_sm go back to the front, or to the table. */
  onBindGone(bind: Bind, account: AccountState): void {
    const back = [...bind.outstanding.values()].map((o) => {
      clearTimeout(o.timer);
      return o.delivery;
    });
    bind.outstanding.clear();
    account.queue.unshift(...back);
    if (this.accounts.receivers(account).length === 0) {
      const queued = account.queue.splice(0);
      this.track(this.persist(account, queued));
    } else {
      this.flush(account);
    }
  }

  /** The server closes: retries stop and everything queued is kept for the next start. */
  close(): void {
    for (const [timer, { account, delivery }] of this.retries) {
      clearTimeout(timer);
      account.queue.push(delivery);
    }
    this.retries.clear();
    for (const account of this.accounts.values()) {
      const queued = account.queue.splice(0);
      this.track(this.persist(account, queued));
    }
  }

  /** A deliver_sm_resp or generic_nack from an ESME. */
  onResponse(bind: Bind, sequenceNumber: number, status: number): void {
    const entry = bind.outstanding.get(sequenceNumber);
    const account = bind.account;
    if (!entry || !account) {
      return;
    }
    clearTimeout(entry.timer);
    bind.outstanding.delete(sequenceNumber);
    const { delivery } = entry;
    if (status === ServerStatus.ESME_ROK) {
      this.forget(account, delivery);
    } else if (++delivery.attempts < MAX_DELIVERY_ATTEMPTS) {
      // The ESME cannot take it now: offer it again a little later.
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        if (this.accounts.receivers(account).length > 0) {
          account.queue.push(delivery);
          this.flush(account);
        } else {
          this.track(this.persist(account, [delivery]));
        }
      }, RETRY_DELAY_MS);
      timer.unref();
      this.retries.set(timer, { account, delivery });
    } else {
      this.log.warn(
        { account: account.id, kind: delivery.kind, ref: delivery.refId, status },
        'the ESME refused a deliver_sm; giving up',
      );
      this.forget(account, delivery);
    }
    this.flush(account);
  }

  private async enqueue(account: AccountState, deliveries: Delivery[]): Promise<void> {
    if (this.accounts.receivers(account).length > 0 && this.isListening()) {
      account.queue.push(...deliveries);
      this.flush(account);
      return;
    }
    await this.persist(account, deliveries);
    // A receiver may have bound while the rows were written: hand them over now.
    if (this.accounts.receivers(account).length > 0 && this.isListening()) {
      await this.loadPending(account);
      this.flush(account);
    }
  }

  /** Keeps deliveries for the next receiver bind (rows already kept stay as they are). */
  private async persist(account: AccountState, deliveries: Delivery[]): Promise<void> {
    const now = this.clock.now();
    const rows = deliveries
      .filter((d) => {
        if (d.storedId) {
          account.inMemory.delete(d.storedId);
          return false;
        }
        return d.expiresAt > now;
      })
      .map((d) => ({
        id: newId(),
        enterprise_id: account.enterpriseId,
        sending_account_id: account.id,
        kind: d.kind,
        ref_id: d.refId,
        pdu: deliverSmToJson(d.pdu),
        expires_at: new Date(d.expiresAt).toISOString(),
        created_at: this.clock.iso(),
      }));
    await this.repository.insertPending(rows);
  }

  /** Moves the account's kept deliveries into its queue (expired ones are deleted). */
  private async loadPending(account: AccountState): Promise<void> {
    const rows = await this.repository.takePending(account.id, this.clock.iso());
    for (const row of rows) {
      if (account.inMemory.has(row.id)) {
        continue;
      }
      account.inMemory.add(row.id);
      account.queue.push({
        kind: row.kind,
        refId: row.ref_id,
        pdu: deliverSmFromJson(row.pdu),
        expiresAt: Date.parse(row.expires_at),
        storedId: row.id,
        attempts: 0,
      });
    }
  }

  private forget(account: AccountState, delivery: Delivery): void {
    const id = delivery.storedId;
    if (id) {
      account.inMemory.delete(id);
      this.track(this.repository.deletePending(id));
    }
  }

  /** Sends queued deliver_sm to the account's receiver binds, each up to its window. */
  private flush(account: AccountState): void {
    const receivers = this.accounts.receivers(account);
    if (receivers.length === 0) {
      return;
    }
    const now = this.clock.now();
    while (account.queue.length > 0) {
      let bind: Bind | undefined;
      for (let i = 0; i < receivers.length; i++) {
        const candidate = receivers[(account.turn + i) % receivers.length];
        if (candidate && candidate.outstanding.size < this.o.windowSize) {
          bind = candidate;
          account.turn = (account.turn + i + 1) % receivers.length;
          break;
        }
      }
      if (!bind) {
        return; // every window is full: the next response sends more
      }
      const delivery = account.queue.shift();
      if (!delivery) {
        return;
      }
      if (delivery.expiresAt <= now) {
        this.forget(account, delivery);
        continue;
      }
      const sequenceNumber = bind.session.send(delivery.pdu);
      if (sequenceNumber === null) {
        account.queue.unshift(delivery);
        return;
      }
      const target = bind;
      const timer = setTimeout(() => this.onTimeout(target, sequenceNumber), this.o.responseTimeoutMs);
      timer.unref();
      bind.outstanding.set(sequenceNumber, { delivery, timer });
    }
  }

  private onTimeout(bind: Bind, sequenceNumber: number): void {
    const entry = bind.outstanding.get(sequenceNumber);
    const account = bind.account;
    if (!entry || !account) {
      return;
    }
    bind.outstanding.delete(sequenceNumber);
    account.queue.unshift(entry.delivery);
    this.flush(account);
  }
}
