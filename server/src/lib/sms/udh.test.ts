import { describe, expect, it } from 'vitest';
import { buildConcatUdh, parseUdh, splitUserData } from './udh.js';

describe('concatenation UDH', () => {
  it('builds the 8-bit reference header (IEI 0x00)', () => {
    expect(buildConcatUdh({ reference: 0xab, total: 3, sequence: 2 }).toString('hex')).toBe('050003ab0302');
  });

  it('builds the 16-bit reference header (IEI 0x08)', () => {
    expect(
      buildConcatUdh({ reference: 0x1234, total: 4, sequence: 4, referenceBits: 16 }).toString('hex'),
    ).toBe('0608041234' + '0404');
  });

  it('parses both forms back', () => {
    expect(parseUdh(buildConcatUdh({ reference: 7, total: 2, sequence: 1 }))?.concat).toEqual({
      reference: 7,
      total: 2,
      sequence: 1,
      referenceBits: 8,
    });
    expect(
      parseUdh(buildConcatUdh({ reference: 65000, total: 9, sequence: 5, referenceBits: 16 }))?.concat,
    ).toEqual({ reference: 65000, total: 9, sequence: 5, referenceBits: 16 });
  });

  it('rejects impossible part numbers', () => {
    expect(() => buildConcatUdh({ reference: 1, total: 2, sequence: 3 })).toThrow(RangeError);
    expect(() => buildConcatUdh({ reference: 1, total: 0, sequence: 0 })).toThrow(RangeError);
  });

  it('keeps other information elements and finds the concatenation among them', () => {
    // port addressing (0x05, 4 octets) followed by an 8-bit concatenation element
    const udh = Buffer.from('0b05040b8423f00003200302', 'hex');
    const parsed = parseUdh(udh);
    expect(parsed?.length).toBe(12);
    expect(parsed?.elements.map((e) => e.iei)).toEqual([0x05, 0x00]);
    expect(parsed?.concat).toMatchObject({ reference: 0x20, total: 3, sequence: 2 });
  });

  it('returns null for a header whose lengths overrun the data', () => {
    expect(parseUdh(Buffer.from('0500', 'hex'))).toBeNull();
    expect(parseUdh(Buffer.from('03000503', 'hex'))).toBeNull();
    expect(parseUdh(Buffer.alloc(0))).toBeNull();
  });

  it('ignores a concatenation element with a zero or out-of-range sequence', () => {
    expect(parseUdh(Buffer.from('050003010300', 'hex'))?.concat).toBeNull();
    expect(parseUdh(Buffer.from('050003010204', 'hex'))?.concat).toBeNull();
  });

  it('splits user data into header and payload', () => {
    const data = Buffer.concat([buildConcatUdh({ reference: 1, total: 2, sequence: 1 }), Buffer.from('hi')]);
    const { udh, payload } = splitUserData(data);
    expect(udh?.concat?.sequence).toBe(1);
    expect(payload.toString()).toBe('hi');
  });
});
