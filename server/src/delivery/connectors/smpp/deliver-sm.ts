// What a deliver_sm from the carrier is: a delivery receipt (by esm_class, or a plain one with
// receipted_message_id), or one part of an inbound (MO) message, which is joined with its other
// parts before it is handed over.
import { decodeShortMessage } from '../../../lib/sms/index.js';
import {
  concatOf,
  isReceiptDeliverSm,
  receiptFromDeliverSm,
  userDataOf,
  type InboundPart,
  type InboundReassembler,
  type MessageIdFormat,
  type ShortMessagePdu,
} from '../../../lib/smpp/index.js';
import type { DeliveryReceipt, InboundMessage } from '../types.js';

export type DeliverSmContent =
  | { kind: 'receipt'; receipt: DeliveryReceipt }
  | { kind: 'inbound'; message: InboundMessage }
  /** A part of a longer message, or a receipt without any message id: acknowledge and wait. */
  | { kind: 'nothing' };

export function readDeliverSm(
  pdu: ShortMessagePdu,
  receiptIdFormat: MessageIdFormat,
  reassembler: InboundReassembler,
  receivedAt: Date,
): DeliverSmContent {
  const { payload, concat } = concatOf(pdu, userDataOf(pdu));
  if (isReceiptDeliverSm(pdu)) {
    const text = decodeShortMessage(payload, pdu.dataCoding);
    const receipt = receiptFromDeliverSm({ text, tlvs: pdu.tlvs }, receiptIdFormat, receivedAt);
    return receipt ? { kind: 'receipt', receipt } : { kind: 'nothing' };
  }
  const part: InboundPart = { from: pdu.source, to: pdu.destination, dataCoding: pdu.dataCoding, payload };
  if (concat) {
    part.concat = concat;
  }
  const message = reassembler.add(part);
  return message ? { kind: 'inbound', message } : { kind: 'nothing' };
}
