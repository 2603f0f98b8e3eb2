// SMPP 3.4 numbers: command ids, command status codes (with their names and how a failure is
// classified), TLV tags and esm_class bits. Pure data; the codec and the session use them.

/** Command ids of SMPP 3.4 (§5.1.2); a response is its request's id with bit 31 set. */
export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof CommandId;

export const RESPONSE_BIT = 0x80000000;

const COMMAND_NAMES: ReadonlyMap<number, CommandName> = new Map(
  Object.entries(CommandId).map(([name, id]) => [id, name as CommandName] as const),
);

/** The command's name, or undefined for an id SMPP 3.4 does not define. */
export function commandName(commandId: number): CommandName | undefined {
  return COMMAND_NAMES.get(commandId);
}

export function isResponseId(commandId: number): boolean {
  return (commandId & RESPONSE_BIT) !== 0;
}

/** Command status codes (SMPP 3.4 §5.1.3, and the SMPP 5 codes Pigeon answers with). */
export const SmppStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RCANCELFAIL: 0x11,
  ESME_RREPLACEFAIL: 0x13,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RINVDESTFLAG: 0x40,
  ESME_RINVSUBREP: 0x42,
  ESME_RINVESMCLASS: 0x43,
  ESME_RCNTSUBDL: 0x44,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RINVREPFLAG: 0x54,
  ESME_RINVNUMMSGS: 0x55,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVDFTMSGID: 0x63,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
  ESME_RSERTYPUNAUTH: 0x100,
  ESME_RPROHIBITED: 0x101,
  ESME_RSERTYPUNAVAIL: 0x102,
  ESME_RSERTYPDENIED: 0x103,
  ESME_RINVDCS: 0x104,
} as const;

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(SmppStatus).map(([name, code]) => [code, name] as const),
);

/** `ESME_RTHROTTLED`, or `SMPP_0x00000123` for a code without a name. */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `SMPP_0x${status.toString(16).padStart(8, '0').toUpperCase()}`;
}

/** Statuses that mean "not now": the same submit can succeed later or elsewhere. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  SmppStatus.ESME_RSYSERR,
  SmppStatus.ESME_RMSGQFUL,
  SmppStatus.ESME_RTHROTTLED,
  SmppStatus.ESME_RSUBMITFAIL,
  SmppStatus.ESME_RX_T_APPN,
  SmppStatus.ESME_RDELIVERYFAILURE,
  SmppStatus.ESME_RUNKNOWNERR,
  SmppStatus.ESME_RINVBNDSTS,
]);

export function isRetryableStatus(status: number): boolean {
  // 0x400–0x4FF is reserved for SMSC vendor errors: unknown meaning, so not final.
  return RETRYABLE_STATUSES.has(status) || (status >= 0x400 && status <= 0x4ff);
}

/** Statuses after which the sender pauses and resubmits the same part. */
export function isThrottleStatus(status: number): boolean {
  return status === SmppStatus.ESME_RTHROTTLED || status === SmppStatus.ESME_RMSGQFUL;
}

/** esm_class bit 6: short_message starts with a user data header. */
export const ESM_CLASS_UDHI = 0x40;
/** Message type bits 2–5 of esm_class in a deliver_sm. */
export const ESM_TYPE_MASK = 0x3c;
export const ESM_TYPE_DELIVERY_RECEIPT = 0x04;
export const ESM_TYPE_INTERMEDIATE_NOTIFICATION = 0x20;

/** TLV tags Pigeon reads or writes (SMPP 3.4 §5.3.2). */
export const TLV = {
  sc_interface_version: 0x0210,
  receipted_message_id: 0x001e,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const;

/** The interface_version of SMPP 3.4 in binds. */
export const SMPP_VERSION_34 = 0x34;

/** Longest PDU accepted from a peer (64 KiB: a message_payload of any sane size fits). */
export const MAX_PDU_LENGTH = 65_536;
