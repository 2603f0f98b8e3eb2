// User Data Header (3GPP TS 23.040 §9.2.3.24) for concatenated SMS: information element 0x00
// carries an 8-bit reference, 0x08 a 16-bit one; both then give the part count and the part's
// 1-based sequence number.

export const IEI_CONCAT_8BIT = 0x00;
export const IEI_CONCAT_16BIT = 0x08;

export type ConcatReferenceBits = 8 | 16;

export interface ConcatInfo {
  reference: number;
  total: number;
  sequence: number;
  referenceBits: ConcatReferenceBits;
}

export interface UdhElement {
  iei: number;
  data: Buffer;
}

export interface ParsedUdh {
  /** Octets the header takes, the length octet included. */
  length: number;
  elements: UdhElement[];
  concat: ConcatInfo | null;
}

/** Octets a concatenation header takes: 6 with an 8-bit reference, 7 with a 16-bit one. */
export function concatUdhLength(referenceBits: ConcatReferenceBits): number {
  return referenceBits === 8 ? 6 : 7;
}

export function buildConcatUdh(
  info: Omit<ConcatInfo, 'referenceBits'> & { referenceBits?: ConcatReferenceBits },
): Buffer {
  const bits = info.referenceBits ?? 8;
  const { reference, total, sequence } = info;
  if (total < 1 || total > 255 || sequence < 1 || sequence > total) {
    throw new RangeError(`invalid concatenation: part ${sequence} of ${total}`);
  }
  if (bits === 8) {
    return Buffer.from([0x05, IEI_CONCAT_8BIT, 0x03, reference & 0xff, total, sequence]);
  }
  return Buffer.from([
    0x06,
    IEI_CONCAT_16BIT,
    0x04,
    (reference >> 8) & 0xff,
    reference & 0xff,
    total,
    sequence,
  ]);
}

/** Parses the header at the start of `userData`; null when it is malformed (lengths overrun). */
export function parseUdh(userData: Uint8Array): ParsedUdh | null {
  const udhl = userData[0];
  if (udhl === undefined || udhl + 1 > userData.length) {
    return null;
  }
  const elements: UdhElement[] = [];
  let concat: ConcatInfo | null = null;
  let offset = 1;
  while (offset < udhl + 1) {
    const iei = userData[offset];
    const len = userData[offset + 1];
    if (iei === undefined || len === undefined || offset + 2 + len > udhl + 1) {
      return null;
    }
    const data = Buffer.from(userData.subarray(offset + 2, offset + 2 + len));
    elements.push({ iei, data });
    if (iei === IEI_CONCAT_8BIT && len === 3) {
      concat = { reference: data[0] ?? 0, total: data[1] ?? 0, sequence: data[2] ?? 0, referenceBits: 8 };
    } else if (iei === IEI_CONCAT_16BIT && len === 4) {
      concat = {
        reference: data.readUInt16BE(0),
        total: data[2] ?? 0,
        sequence: data[3] ?? 0,
        referenceBits: 16,
      };
    }
    offset += 2 + len;
  }
  if (concat && (concat.total === 0 || concat.sequence === 0 || concat.sequence > concat.total)) {
    concat = null;
  }
  return { length: udhl + 1, elements, concat };
}

/** Splits user data that starts with a header into the header and the payload after it. */
export function splitUserData(userData: Uint8Array): { udh: ParsedUdh | null; payload: Buffer } {
  const udh = parseUdh(userData);
  if (!udh) {
    return { udh: null, payload: Buffer.from(userData) };
  }
  return { udh, payload: Buffer.from(userData.subarray(udh.length)) };
}
