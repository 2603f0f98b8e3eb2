// TLV values: reading integers and C-octet strings out of a PDU's TLVs, and building them.
import type { Tlvs } from './pdu.js';

/** A C-octet-string TLV value without its terminating zero. */
export function tlvString(value: Buffer | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const zero = value.indexOf(0);
  return value.toString('latin1', 0, zero < 0 ? value.length : zero);
}

/** An integer TLV of 1, 2 or 4 octets. */
export function tlvInt(value: Buffer | undefined): number | undefined {
  if (!value || value.length === 0) {
    return undefined;
  }
  return value.length === 1
    ? value.readUInt8(0)
    : value.length === 2 || value.length === 3
      ? value.readUInt16BE(0)
      : value.readUInt32BE(0);
}

export function u8Tlv(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

export function u16Tlv(value: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(value & 0xffff, 0);
  return b;
}

/** A C-octet-string TLV value, terminating zero included. */
export function cstringTlv(value: string): Buffer {
  const b = Buffer.alloc(value.length + 1);
  b.write(value, 0, 'latin1');
  return b;
}

/** Builds a TLV map from [tag, value] pairs, skipping absent values. */
export function tlvs(...entries: ReadonlyArray<readonly [number, Buffer | undefined]>): Tlvs {
  const map = new Map<number, Buffer>();
  for (const [tag, value] of entries) {
    if (value) {
      map.set(tag, value);
    }
  }
  return map;
}
