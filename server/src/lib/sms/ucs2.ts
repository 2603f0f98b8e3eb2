// UCS-2 as SMS carries it (data_coding 8): UTF-16 big-endian code units, so characters outside
// the Basic Multilingual Plane (emoji) travel as surrogate pairs and count as two units.

export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** Decodes UTF-16BE; a trailing odd octet (a truncated unit) is ignored. */
export function decodeUcs2(bytes: Uint8Array): string {
  const even = bytes.length - (bytes.length % 2);
  const copy = Buffer.from(bytes.subarray(0, even));
  return copy.swap16().toString('utf16le');
}

/** UTF-16 code units the text takes, which is what UCS-2 segment limits count. */
export function countUcs2Units(text: string): number {
  return text.length;
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
