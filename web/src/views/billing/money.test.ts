import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney } from './money';

describe('BL money text', () => {
  it('formats micro-units without floats', () => {
    expect(formatMoney(35_000)).toBe('0.035');
    expect(formatMoney(-1_250_000)).toBe('-1.25');
    expect(formatMoney(1_234_567_000_000)).toBe('1,234,567.00');
    expect(formatMoney(null)).toBe('—');
  });
  it('parses decimals to micro-units and refuses more than 6 places', () => {
    expect(parseMoney('0.1')).toBe(100_000);
    expect(parseMoney('-12.000001')).toBe(-12_000_001);
    expect(parseMoney('1.0000001')).toBeNull();
    expect(parseMoney('abc')).toBeNull();
  });
});
