// A submit as a server reads it: submit_sm and data_sm in one shape (data_sm has no
// short_message, schedule or validity), the user data from short_message or message_payload.
import { userDataOf } from './concat.js';
import type { DataSmPdu, ShortMessagePdu, Tlvs } from './pdu.js';

export interface SubmitView {
  commandId: number;
  sequenceNumber: number;
  sourceTon: number;
  source: string;
  destTon: number;
  destination: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  /** Empty for data_sm. */
  scheduleDeliveryTime: string;
  validityPeriod: string;
  /** short_message octets (a UDH included), or message_payload when that was used. */
  userData: Buffer;
  tlvs: Tlvs;
}

/**
 * The submit view of a submit_sm or data_sm. Throws RangeError when short_message and
 * message_payload are both present (SMPP 3.4 §5.3.2.32).
 */
export function submitView(pdu: ShortMessagePdu | DataSmPdu): SubmitView {
  const isData = pdu.command === 'data_sm';
  return {
    commandId: pdu.commandId,
    sequenceNumber: pdu.sequenceNumber,
    sourceTon: pdu.sourceTon,
    source: pdu.source,
    destTon: pdu.destTon,
    destination: pdu.destination,
    esmClass: pdu.esmClass,
    registeredDelivery: pdu.registeredDelivery,
    dataCoding: pdu.dataCoding,
    scheduleDeliveryTime: isData ? '' : pdu.scheduleDeliveryTime,
    validityPeriod: isData ? '' : pdu.validityPeriod,
    userData: userDataOf(isData ? { tlvs: pdu.tlvs } : pdu, true),
    tlvs: pdu.tlvs,
  };
}
