import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeGsm7, encodeUcs2 } from '../sms/index.js';
import type { ReassembledMessage } from './reassembly.js';
import { InboundReassembler } from './reassembly.js';

afterEach(() => {
  vi.useRealTimers();
});

const base = { from: '491511', to: '4711' };

describe('InboundReassembler', () => {
  it('passes a single-part message straight through', () => {
    const r = new InboundReassembler(1000, () => undefined);
    expect(r.add({ ...base, dataCoding: 0, payload: encodeGsm7('hi') })).toMatchObject({
      text: 'hi',
      parts: 1,
      isComplete: true,
      encoding: 'gsm7',
    });
  });

  it('joins parts arriving in any order, ignoring duplicates', () => {
    const r = new InboundReassembler(1000, () => undefined);
    const add = (sequence: number, text: string) =>
      r.add({
        ...base,
        dataCoding: 0,
        payload: encodeGsm7(text),
        concat: { reference: 5, total: 3, sequence },
      });
    expect(add(3, 'three')).toBeNull();
    expect(add(1, 'one ')).toBeNull();
    expect(add(1, 'one ')).toBeNull();
    expect(add(2, 'two ')).toMatchObject({ text: 'one two three', parts: 3, isComplete: true });
    expect(r.size).toBe(0);
  });

  it('joins octets before decoding, so a surrogate pair split across parts survives', () => {
    const r = new InboundReassembler(1000, () => undefined);
    const bytes = encodeUcs2('a😀b');
    const first = bytes.subarray(0, 4); // 'a' and the high surrogate
    const second = bytes.subarray(4);
    r.add({ ...base, dataCoding: 8, payload: first, concat: { reference: 1, total: 2, sequence: 1 } });
    expect(
      r.add({ ...base, dataCoding: 8, payload: second, concat: { reference: 1, total: 2, sequence: 2 } })
        ?.text,
    ).toBe('a😀b');
  });

  it('keeps messages with the same reference from different senders apart', () => {
    const r = new InboundReassembler(1000, () => undefined);
    const concat = { reference: 1, total: 2, sequence: 1 };
    r.add({ from: 'A', to: 'X', dataCoding: 0, payload: encodeGsm7('a1'), concat });
    r.add({ from: 'B', to: 'X', dataCoding: 0, payload: encodeGsm7('b1'), concat });
    expect(r.size).toBe(2);
  });

  it('hands over an incomplete message when the timeout expires', () => {
    vi.useFakeTimers();
    const expired: ReassembledMessage[] = [];
    const r = new InboundReassembler(5000, (m) => expired.push(m));
    r.add({
      ...base,
      dataCoding: 0,
      payload: encodeGsm7('first '),
      concat: { reference: 2, total: 3, sequence: 1 },
    });
    r.add({
      ...base,
      dataCoding: 0,
      payload: encodeGsm7('last'),
      concat: { reference: 2, total: 3, sequence: 3 },
    });
    vi.advanceTimersByTime(5001);
    expect(expired).toEqual([expect.objectContaining({ text: 'first last', isComplete: false, parts: 3 })]);
    expect(r.size).toBe(0);
  });
});
