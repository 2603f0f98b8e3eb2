// submit_sm, data_sm and query_sm from ESMEs (DL-8). A submit is checked (data_coding, schedule,
// validity), long ones are held until every part has arrived and joined into one message, and
// the message goes through the same accept path as the HTTP API; every part is answered with
// its id in the account's format, or with the status the README's table gives the outcome.
import type { Logger } from 'pino';
import {
  addressToE164,
  concatOf,
  decodeSubmitText,
  formatSmppTime,
  fromSmppMessageId,
  isSupportedDataCoding,
  parseSmppTime,
  submitView,
  toSmppMessageId,
  type DataSmPdu,
  type QuerySmPdu,
  type ShortMessagePdu,
  type SubmitView,
} from '../../lib/smpp/index.js';
import type { Clock } from '../../platform/clock.js';
import type { AcceptOrigin, AcceptResult, SendItem } from '../messages/index.js';
import type { AccountState, Bind, HeldPart } from './binds.js';
import type { SmppDeliveries } from './deliveries.js';
import { messageStateOf, ServerStatus, statusOfError, statusOfRejection } from './smpp-pdu.js';
import type { SmppServerRepository } from './smpp-server.repository.js';

export type AcceptFn = (origin: AcceptOrigin, items: SendItem[]) => Promise<AcceptResult[]>;

/** Answers parts of a submit: the message id on success, or a header-only error. */
function answer(parts: HeldPart[], status: number, messageId = ''): void {
  for (const part of parts) {
    const command = part.command === 'data_sm' ? 'data_sm_resp' : 'submit_sm_resp';
    part.bind.session.respond(
      part.sequenceNumber,
      status === ServerStatus.ESME_ROK ? { command, messageId } : { command, commandStatus: status },
    );
  }
}

export class SmppSubmits {
  constructor(
    private readonly accept: AcceptFn,
    private readonly deliveries: SmppDeliveries,
    private readonly repository: SmppServerRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly reassemblyTimeoutMs: number,
  ) {}

  /** A submit whose octets could not be read at all. */
  malformed(bind: Bind, part: HeldPart): void {
    if (!this.submitter(bind)) {
      answer([part], ServerStatus.ESME_RINVBNDSTS);
      return;
    }
    this.count(bind);
    answer([part], ServerStatus.ESME_RINVPARLEN);
  }

  async submit(bind: Bind, pdu: ShortMessagePdu | DataSmPdu): Promise<void> {
    const part: HeldPart = {
      bind,
      command: pdu.command === 'data_sm' ? 'data_sm' : 'submit_sm',
      sequenceNumber: pdu.sequenceNumber,
    };
    const account = this.submitter(bind);
    if (!account) {
      answer([part], ServerStatus.ESME_RINVBNDSTS);
      return;
    }
    this.count(bind);
    let sm: SubmitView;
    try {
      sm = submitView(pdu);
    } catch {
      answer([part], ServerStatus.ESME_RINVPARLEN);
      return;
    }
    if (!isSupportedDataCoding(sm.dataCoding)) {
      answer([part], ServerStatus.ESME_RINVDCS);
      return;
    }
    const now = this.clock.date();
    const sendAt = parseSmppTime(sm.scheduleDeliveryTime, now);
    if (sendAt === 'invalid') {
      answer([part], ServerStatus.ESME_RINVSCHED);
      return;
    }
    const validUntil = parseSmppTime(sm.validityPeriod, sendAt ?? now);
    if (validUntil === 'invalid' || (validUntil && validUntil.getTime() <= (sendAt ?? now).getTime())) {
      answer([part], ServerStatus.ESME_RINVEXPIRY);
      return;
    }
    const { payload, concat } = concatOf(sm, sm.userData);
    let text: string | null;
    let parts: HeldPart[];
    if (concat) {
      if (concat.sequence < 1 || concat.sequence > concat.total) {
        answer([part], ServerStatus.ESME_RINVESMCLASS);
        return;
      }
      const key = `${sm.source}\u0000${sm.destination}\u0000${concat.reference}\u0000${concat.total}`;
      let held = account.held.get(key);
      if (!held) {
        const timer = setTimeout(() => this.expireHeld(account, key), this.reassemblyTimeoutMs);
        timer.unref();
        held = { parts: [], first: sm, timer };
        account.held.set(key, held);
      }
      held.parts.push(part);
      const whole = account.reassembler.add({
        from: sm.source,
        to: sm.destination,
        dataCoding: sm.dataCoding,
        payload,
        concat,
      });
      if (!whole) {
        return; // answered with the whole message
      }
      clearTimeout(held.timer);
      account.held.delete(key);
      text = whole.text;
      parts = held.parts;
      sm = held.first;
    } else {
      text = decodeSubmitText(payload, sm.dataCoding);
      parts = [part];
    }
    await this.acceptMessage(account, sm, text ?? '', parts, sendAt, validUntil, now);
  }

  /** query_sm: the state of one of the account's messages, by the id its submit was answered with. */
  async query(bind: Bind, pdu: QuerySmPdu): Promise<void> {
    const { session } = bind;
    const account = this.submitter(bind);
    if (!account) {
      session.respond(pdu, { command: 'query_sm_resp', commandStatus: ServerStatus.ESME_RINVBNDSTS });
      return;
    }
    const messageId = fromSmppMessageId(pdu.messageId, account.idFormat);
    if (!messageId) {
      session.respond(pdu, { command: 'query_sm_resp', commandStatus: ServerStatus.ESME_RINVMSGID });
      return;
    }
    const row = await this.repository.findMessageState(messageId, account.id);
    if (!row) {
      session.respond(pdu, { command: 'query_sm_resp', commandStatus: ServerStatus.ESME_RQUERYFAIL });
      return;
    }
    const errorCode = row.error_code && /^\d+$/.test(row.error_code) ? Number(row.error_code) & 0xff : 0;
    session.respond(pdu, {
      command: 'query_sm_resp',
      messageId: pdu.messageId,
      finalDate: row.done_at ? formatSmppTime(new Date(row.done_at)) : '',
      messageState: messageStateOf(row.status),
      errorCode,
    });
  }

  /** The server closes: long submits still waiting for parts are forgotten. */
  close(accounts: Iterable<AccountState>): void {
    for (const account of accounts) {
      for (const held of account.held.values()) {
        clearTimeout(held.timer);
      }
      account.held.clear();
      account.reassembler.clear();
    }
  }

  /** The bind's account when the bind may submit (bound, not a receiver). */
  private submitter(bind: Bind): AccountState | null {
    return bind.state === 'bound' && bind.account && bind.mode !== 'receiver' ? bind.account : null;
  }

  private count(bind: Bind): void {
    bind.tps.tick(this.clock.now());
    bind.submits++;
  }

  private async acceptMessage(
    account: AccountState,
    sm: SubmitView,
    text: string,
    parts: HeldPart[],
    sendAt: Date | null,
    validUntil: Date | null,
    now: Date,
  ): Promise<void> {
    const mask = sm.registeredDelivery & 0x03;
    const item: SendItem = { channel: 'sms', to: addressToE164(sm.destination, sm.destTon), text };
    if (sm.source !== '') {
      item.from = sm.sourceTon === 1 ? addressToE164(sm.source, 1) : sm.source;
    }
    if (sendAt) {
      item.sendAt = sendAt.toISOString();
    }
    let retentionMs: number | null = null;
    if (validUntil) {
      const seconds = Math.max(1, Math.round((validUntil.getTime() - (sendAt ?? now).getTime()) / 1000));
      item.validityPeriod = seconds;
      retentionMs = seconds * 1000;
    }
    if (mask !== 0) {
      item.metadata = { smpp_dlr: String(mask) };
      if (retentionMs !== null) {
        item.metadata.smpp_validity = String(retentionMs / 1000);
      }
    }
    let result: AcceptResult | undefined;
    try {
      [result] = await this.accept({ accountId: account.id, source: 'smpp' }, [item]);
    } catch (err) {
      const status = statusOfError(err);
      if (status === ServerStatus.ESME_RSYSERR) {
        this.log.error({ err, account: account.id }, 'SMPP submit failed');
      }
      answer(parts, status);
      return;
    }
    if (!result) {
      answer(parts, ServerStatus.ESME_RSYSERR);
      return;
    }
    if (!result.ok) {
      answer(parts, statusOfRejection(result));
      return;
    }
    this.deliveries.rememberReceiptRequest(result.id, { mask, retentionMs });
    answer(parts, ServerStatus.ESME_ROK, toSmppMessageId(result.id, account.idFormat));
  }

  private expireHeld(account: AccountState, key: string): void {
    const held = account.held.get(key);
    if (!held) {
      return;
    }
    account.held.delete(key);
    answer(held.parts, ServerStatus.ESME_RSUBMITFAIL);
  }
}
