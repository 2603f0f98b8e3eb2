// The SMPP 3.4 PDUs Pigeon speaks, as types: binds, outbind, unbind, enquire_link, generic_nack,
// submit_sm, deliver_sm, data_sm and query_sm with their responses; any other command is `other`
// (header and raw body) so a peer can answer it. The codec is encode.ts and decode.ts.
import {
  CommandId,
  commandName,
  isResponseId,
  RESPONSE_BIT,
  SmppStatus,
  type CommandName,
} from './constants.js';

/** TLVs by tag, values as sent (a C-octet string keeps its zero). */
export type Tlvs = ReadonlyMap<number, Buffer>;

/** Shared empty TLV map: most PDUs carry none, and decoding them allocates nothing for it. */
export const NO_TLVS: Tlvs = new Map<number, Buffer>();

export interface PduHeader {
  commandId: number;
  commandStatus: number;
  sequenceNumber: number;
}

export type BindCommand = 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver';
export type BindRespCommand = `${BindCommand}_resp`;

export interface BindPdu extends PduHeader {
  command: BindCommand;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

export interface BindRespPdu extends PduHeader {
  command: BindRespCommand;
  systemId: string;
  tlvs: Tlvs;
}

export interface OutbindPdu extends PduHeader {
  command: 'outbind';
  systemId: string;
  password: string;
}

export interface EmptyPdu extends PduHeader {
  command: 'unbind' | 'unbind_resp' | 'enquire_link' | 'enquire_link_resp' | 'generic_nack';
}

/** submit_sm and deliver_sm share one layout in SMPP 3.4 (§4.4.1, §4.6.1). */
export interface ShortMessagePdu extends PduHeader {
  command: 'submit_sm' | 'deliver_sm';
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destTon: number;
  destNpi: number;
  destination: string;
  esmClass: number;
  protocolId: number;
  priority: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresent: number;
  dataCoding: number;
  smDefaultMsgId: number;
  /** short_message octets as sent, a user data header included. */
  shortMessage: Buffer;
  tlvs: Tlvs;
}

export interface DataSmPdu extends PduHeader {
  command: 'data_sm';
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destTon: number;
  destNpi: number;
  destination: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  tlvs: Tlvs;
}

export interface MessageIdRespPdu extends PduHeader {
  command: 'submit_sm_resp' | 'deliver_sm_resp' | 'data_sm_resp';
  messageId: string;
  tlvs: Tlvs;
}

export interface QuerySmPdu extends PduHeader {
  command: 'query_sm';
  messageId: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
}

export interface QuerySmRespPdu extends PduHeader {
  command: 'query_sm_resp';
  messageId: string;
  finalDate: string;
  messageState: number;
  errorCode: number;
}

/** A command this codec does not decode (cancel_sm, submit_multi, an unknown id…). */
export interface OtherPdu extends PduHeader {
  command: 'other';
  body: Buffer;
}

export type Pdu =
  | BindPdu
  | BindRespPdu
  | OutbindPdu
  | EmptyPdu
  | ShortMessagePdu
  | DataSmPdu
  | MessageIdRespPdu
  | QuerySmPdu
  | QuerySmRespPdu
  | OtherPdu;

export type PduCommand = Pdu['command'];

type Fields<P extends PduHeader> = Partial<Omit<P, keyof PduHeader | 'command'>>;
type Input<P extends { command: string } & PduHeader> = P extends unknown
  ? Fields<P> & { command: P['command']; commandStatus?: number }
  : never;

/** What is encoded: a PDU's command and body fields (absent ones are 0, '' or empty). */
export type PduInput =
  | Input<Exclude<Pdu, OtherPdu>>
  | { command: 'other'; commandId: number; commandStatus?: number; body?: Buffer };

/** A PDU that is not a response (the session numbers these). */
export function isRequest(pdu: PduInput | Pdu): boolean {
  return !isResponseId(commandIdOf(pdu));
}

export function commandIdOf(pdu: PduInput | Pdu): number {
  return pdu.command === 'other' ? pdu.commandId : CommandId[pdu.command];
}

const REQUESTS_WITH_RESPONSE: ReadonlySet<CommandName> = new Set<CommandName>([
  'bind_receiver',
  'bind_transmitter',
  'bind_transceiver',
  'query_sm',
  'submit_sm',
  'deliver_sm',
  'unbind',
  'replace_sm',
  'cancel_sm',
  'enquire_link',
  'submit_multi',
  'data_sm',
]);

/**
 * The command id that answers a request: its `_resp`, or generic_nack for an id SMPP 3.4
 * does not define (or one that has no response, such as outbind).
 */
export function responseIdFor(requestCommandId: number): number {
  const name = commandName(requestCommandId);
  return name && REQUESTS_WITH_RESPONSE.has(name)
    ? (requestCommandId | RESPONSE_BIT) >>> 0
    : CommandId.generic_nack;
}

/** A header-only error response to any request: `<command>_resp` or generic_nack. */
export function errorResponse(request: PduHeader, status: number): PduInput {
  const commandId = responseIdFor(request.commandId);
  return { command: 'other', commandId, commandStatus: status === 0 ? SmppStatus.ESME_RSYSERR : status };
}
