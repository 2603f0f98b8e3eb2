import { describe, expect, it } from 'vitest';
import {
  countSeptets,
  decodeGsm7,
  encodeGsm7,
  gsmSeptetsOf,
  isGsm7,
  packSeptets,
  unpackSeptets,
} from './gsm7.js';
import { decodeUcs2, encodeUcs2 } from './ucs2.js';

describe('GSM 03.38 alphabet', () => {
  it('accepts every basic-table character as one septet', () => {
    const basic =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect(isGsm7(basic)).toBe(true);
    expect(countSeptets(basic)).toBe([...basic].length);
  });

  it('counts each extension-table character as two septets', () => {
    for (const ch of ['€', '[', ']', '{', '}', '^', '~', '|', '\\', '\f']) {
      expect(gsmSeptetsOf(ch)).toBe(2);
    }
    expect(countSeptets('€10 [ok]')).toBe(11);
  });

  it('rejects characters outside the alphabet', () => {
    expect(isGsm7('price: 5 ₽')).toBe(false);
    expect(isGsm7('“quoted”')).toBe(false);
    expect(isGsm7('你好')).toBe(false);
    expect(isGsm7('`')).toBe(false);
    expect(isGsm7('\u001b')).toBe(false);
    expect(countSeptets('abc😀')).toBe(-1);
  });
});

describe('GSM-7 codec', () => {
  it('encodes to unpacked septets with escapes for extension characters', () => {
    expect([...encodeGsm7('A@€')]).toEqual([0x41, 0x00, 0x1b, 0x65]);
    expect([...encodeGsm7('{}')]).toEqual([0x1b, 0x28, 0x1b, 0x29]);
    expect([...encodeGsm7('ü\n')]).toEqual([0x7e, 0x0a]);
  });

  it('round-trips every character of both tables', () => {
    const text = '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€\f\r\n';
    expect(decodeGsm7(encodeGsm7(text))).toBe(text);
  });

  it('throws when asked to encode a character it cannot carry', () => {
    expect(() => encodeGsm7('日本')).toThrow(/not in GSM 03.38/);
  });

  it('decodes an unknown escape as the basic character and drops a trailing escape', () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41, 0x42]))).toBe('AB');
    expect(decodeGsm7(Buffer.from([0x41, 0x1b]))).toBe('A');
  });

  it('packs and unpacks septets 8 into 7 octets', () => {
    // "hellohello" packed is the classic example from TS 23.038.
    const septets = encodeGsm7('hellohello');
    const packed = packSeptets(septets);
    expect(packed.toString('hex')).toBe('e8329bfd4697d9ec37');
    expect(decodeGsm7(unpackSeptets(packed, septets.length))).toBe('hellohello');
  });
});

describe('UCS-2 codec', () => {
  it('encodes big-endian UTF-16 with surrogate pairs for emoji', () => {
    expect(encodeUcs2('你😀').toString('hex')).toBe('4f60d83dde00');
    expect(decodeUcs2(Buffer.from('4f60d83dde00', 'hex'))).toBe('你😀');
  });

  it('ignores a truncated trailing octet', () => {
    expect(decodeUcs2(Buffer.from([0x00, 0x41, 0x00]))).toBe('A');
  });
});
