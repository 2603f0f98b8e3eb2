// Long messages in SMPP: the text octets of a submit_sm / deliver_sm / data_sm (short_message or
// message_payload), its concatenation reference (a UDH in short_message, or the sar_* TLVs), and
// the reverse: text cut into UDH-concatenated short_message values.
import {
  buildConcatUdh,
  decodeShortMessage,
  encodeText,
  splitUserData,
  type ConcatReferenceBits,
  type SmsEncoding,
} from '../sms/index.js';
import { ESM_CLASS_UDHI, TLV } from './constants.js';
import type { Tlvs } from './pdu.js';
import { tlvInt } from './tlv.js';

export interface ConcatPart {
  reference: number;
  total: number;
  /** 1-based; may be out of range when a peer sent it so (the caller decides). */
  sequence: number;
}

/**
 * The user data of a PDU: short_message, or message_payload when short_message is empty. With
 * `strict`, both present is a RangeError (SMPP 3.4 §5.3.2.32 forbids it).
 */
export function userDataOf(pdu: { shortMessage?: Buffer; tlvs: Tlvs }, strict = false): Buffer {
  const payload = pdu.tlvs.get(TLV.message_payload);
  const sm = pdu.shortMessage;
  if (sm && sm.length > 0) {
    if (payload && strict) {
      throw new RangeError('both short_message and message_payload are present');
    }
    return sm;
  }
  return payload ?? sm ?? Buffer.alloc(0);
}

/**
 * The text octets of a PDU's user data and its concatenation reference, if it is one part of
 * several: the UDH's (when esm_class has UDHI) or the sar_* TLVs'.
 */
export function concatOf(
  pdu: { esmClass: number; tlvs: Tlvs },
  userData: Buffer,
): { payload: Buffer; concat: ConcatPart | null } {
  if (pdu.esmClass & ESM_CLASS_UDHI) {
    const { udh, payload } = splitUserData(userData);
    const c = udh?.concat;
    return {
      payload,
      concat: c && c.total > 1 ? { reference: c.reference, total: c.total, sequence: c.sequence } : null,
    };
  }
  const total = tlvInt(pdu.tlvs.get(TLV.sar_total_segments));
  const sequence = tlvInt(pdu.tlvs.get(TLV.sar_segment_seqnum));
  if (total !== undefined && total > 1 && sequence !== undefined) {
    return {
      payload: userData,
      concat: { reference: tlvInt(pdu.tlvs.get(TLV.sar_msg_ref_num)) ?? 0, total, sequence },
    };
  }
  return { payload: userData, concat: null };
}

/**
 * Decodes text octets by data_coding: 0 GSM 03.38 (unpacked septets, the SMPP default), 1 IA5 /
 * ASCII, 3 Latin-1, 8 UCS-2 (UTF-16BE, surrogate pairs kept). Null for any other coding.
 */
export function decodeSubmitText(payload: Buffer, dataCoding: number): string | null {
  return isSupportedDataCoding(dataCoding) ? decodeShortMessage(payload, dataCoding) : null;
}

/** True when a part's data_coding can be decoded as text. */
export function isSupportedDataCoding(dataCoding: number): boolean {
  return dataCoding === 0x00 || dataCoding === 0x01 || dataCoding === 0x03 || dataCoding === 0x08;
}

/**
 * short_message values for text already cut into parts (lib/sms `splitText`): the part itself
 * when there is one, otherwise each behind a concatenation UDH with esm_class UDHI.
 */
export function concatenatedShortMessages(
  texts: readonly string[],
  encoding: SmsEncoding,
  reference: number,
  referenceBits: ConcatReferenceBits = 8,
): { esmClass: number; shortMessage: Buffer }[] {
  if (texts.length <= 1) {
    return [{ esmClass: 0, shortMessage: encodeText(texts[0] ?? '', encoding) }];
  }
  const ref = reference % (referenceBits === 8 ? 0x100 : 0x10000);
  return texts.map((text, i) => ({
    esmClass: ESM_CLASS_UDHI,
    shortMessage: Buffer.concat([
      buildConcatUdh({ reference: ref, total: texts.length, sequence: i + 1, referenceBits }),
      encodeText(text, encoding),
    ]),
  }));
}
