// GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table. Encodes to unpacked
// septets, one octet each, as SMPP data_coding 0 carries them; extension characters are an
// escape (0x1B) followed by their code, so they count as two septets.

/** The basic table, indexed by septet value. 0x1B is the escape to the extension table. */
const BASIC_TABLE: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u001b', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
]; // prettier-ignore

/** The extension table: character → the septet that follows the escape. */
const EXTENSION_TABLE: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

export const GSM_ESCAPE = 0x1b;

const BASIC_ENCODE: ReadonlyMap<string, number> = new Map(
  BASIC_TABLE.flatMap((ch, septet) => (septet === GSM_ESCAPE ? [] : [[ch, septet] as const])),
);
const EXTENSION_DECODE: ReadonlyMap<number, string> = new Map(
  [...EXTENSION_TABLE].map(([ch, septet]) => [septet, ch] as const),
);

/** Septets one character takes: 1 (basic table), 2 (extension table) or 0 (not GSM-7). */
export function gsmSeptetsOf(ch: string): 0 | 1 | 2 {
  if (BASIC_ENCODE.has(ch)) {
    return 1;
  }
  return EXTENSION_TABLE.has(ch) ? 2 : 0;
}

export function isGsmExtensionChar(ch: string): boolean {
  return EXTENSION_TABLE.has(ch);
}

/** True when every character of the text is in the GSM 03.38 basic or extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (gsmSeptetsOf(ch) === 0) {
      return false;
    }
  }
  return true;
}

/** Septets the text takes in GSM-7, or -1 when a character is outside the alphabet. */
export function countSeptets(text: string): number {
  let septets = 0;
  for (const ch of text) {
    const n = gsmSeptetsOf(ch);
    if (n === 0) {
      return -1;
    }
    septets += n;
  }
  return septets;
}

/** Unpacked septets (one per octet). Throws on a character outside the GSM-7 alphabet. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const basic = BASIC_ENCODE.get(ch);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = EXTENSION_TABLE.get(ch);
    if (ext === undefined) {
      throw new RangeError(
        `character U+${ch.codePointAt(0)?.toString(16).toUpperCase()} is not in GSM 03.38`,
      );
    }
    out.push(GSM_ESCAPE, ext);
  }
  return Buffer.from(out);
}

/**
 * Decodes unpacked septets. The high bit of each octet is ignored; an escape followed by a
 * code the extension table does not define shows the basic character (TS 23.038 §6.2.1.1),
 * and a trailing lone escape is dropped.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = (bytes[i] ?? 0) & 0x7f;
    if (septet !== GSM_ESCAPE) {
      text += BASIC_TABLE[septet] ?? ' ';
      continue;
    }
    i++;
    if (i >= bytes.length) {
      break;
    }
    const next = (bytes[i] ?? 0) & 0x7f;
    text += EXTENSION_DECODE.get(next) ?? (next === GSM_ESCAPE ? ' ' : (BASIC_TABLE[next] ?? ' '));
  }
  return text;
}

/** Packs septets 8-into-7 octets (TS 23.038 §6.1.2.1), for peers that want packed GSM-7. */
export function packSeptets(septets: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.ceil((septets.length * 7) / 8));
  let bit = 0;
  for (const value of septets) {
    const septet = value & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = (out[byte] ?? 0) | ((septet << shift) & 0xff);
    if (shift > 1) {
      out[byte + 1] = (out[byte + 1] ?? 0) | (septet >> (8 - shift));
    }
    bit += 7;
  }
  return out;
}

/** Unpacks `count` septets from packed octets; the inverse of {@link packSeptets}. */
export function unpackSeptets(packed: Uint8Array, count = Math.floor((packed.length * 8) / 7)): Buffer {
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    const bit = i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    let value = (packed[byte] ?? 0) >> shift;
    if (shift > 1) {
      value |= (packed[byte + 1] ?? 0) << (8 - shift);
    }
    out[i] = value & 0x7f;
  }
  return out;
}
