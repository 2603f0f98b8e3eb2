// Encoding choice and segmentation. Limits are in septets for GSM-7 (160 alone, 153 per part
// of a concatenated message) and in UTF-16 units for UCS-2 (70 alone, 67 per part); a part
// never ends between a GSM escape and its character or between the halves of a surrogate pair.
import { countSeptets, decodeGsm7, encodeGsm7, gsmSeptetsOf, isGsm7 } from './gsm7.js';
import { decodeUcs2, encodeUcs2 } from './ucs2.js';
import { concatUdhLength, type ConcatReferenceBits } from './udh.js';

export type SmsEncoding = 'gsm7' | 'ucs2';

/** SMPP data_coding for each encoding (SMPP 3.4 §5.2.19). */
export const DATA_CODING: Readonly<Record<SmsEncoding, number>> = { gsm7: 0x00, ucs2: 0x08 };

export const SINGLE_PART_LIMIT: Readonly<Record<SmsEncoding, number>> = { gsm7: 160, ucs2: 70 };

/** Units per part of a concatenated message: 140 octets less the header. */
export function multiPartLimit(encoding: SmsEncoding, referenceBits: ConcatReferenceBits = 8): number {
  const octets = 140 - concatUdhLength(referenceBits);
  return encoding === 'gsm7' ? Math.floor((octets * 8) / 7) : Math.floor(octets / 2);
}

export function detectEncoding(text: string): SmsEncoding {
  return isGsm7(text) ? 'gsm7' : 'ucs2';
}

/** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
export function countUnits(text: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') {
    return text.length;
  }
  const septets = countSeptets(text);
  if (septets < 0) {
    throw new RangeError('text has characters outside GSM 03.38; use UCS-2');
  }
  return septets;
}

function unitsOf(ch: string, encoding: SmsEncoding): number {
  return encoding === 'ucs2' ? ch.length : gsmSeptetsOf(ch);
}

/** The text cut into the parts it is sent as (one part when it fits a single message). */
export function splitText(
  text: string,
  encoding: SmsEncoding = detectEncoding(text),
  referenceBits: ConcatReferenceBits = 8,
): string[] {
  if (countUnits(text, encoding) <= SINGLE_PART_LIMIT[encoding]) {
    return [text];
  }
  const limit = multiPartLimit(encoding, referenceBits);
  const parts: string[] = [];
  let current = '';
  let used = 0;
  // for…of walks code points, so a surrogate pair is one step; an extension character is one
  // step of two septets. Either goes whole into the next part when it does not fit.
  for (const ch of text) {
    const units = unitsOf(ch, encoding);
    if (used + units > limit) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += units;
  }
  parts.push(current);
  return parts;
}

export function countSegments(text: string, encoding: SmsEncoding = detectEncoding(text)): number {
  return splitText(text, encoding).length;
}

export function encodeText(text: string, encoding: SmsEncoding): Buffer {
  return encoding === 'gsm7' ? encodeGsm7(text) : encodeUcs2(text);
}

/**
 * Decodes a short message by its SMPP data_coding: 0 as unpacked GSM-7, 8 as UCS-2, 3 as
 * Latin-1, 1 as IA5/ASCII; other schemes (binary and national ones) as Latin-1 so that no octet
 * is lost.
 */
export function decodeShortMessage(bytes: Uint8Array, dataCoding: number): string {
  const buffer = Buffer.from(bytes);
  switch (dataCoding) {
    case 0x00:
      return decodeGsm7(buffer);
    case 0x08:
      return decodeUcs2(buffer);
    case 0x01:
      return buffer.toString('ascii');
    default:
      return buffer.toString('latin1');
  }
}

export function decodeText(bytes: Uint8Array, encoding: SmsEncoding): string {
  return encoding === 'gsm7' ? decodeGsm7(bytes) : decodeUcs2(bytes);
}
