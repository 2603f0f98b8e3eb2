import { describe, expect, it } from 'vitest';
import { isGsm7 } from './gsm7.js';
import { applySmartEncoding, replaceWithGsmLookalikes } from './smart-encoding.js';

describe('smart encoding', () => {
  it('replaces curly quotes, dashes, ellipsis and odd spaces with GSM look-alikes', () => {
    expect(applySmartEncoding('‘a’ “b” c–d—e … f\u00a0g\u2009h')).toBe('\'a\' "b" c-d-e ... f g h');
  });

  it('removes zero-width characters and soft hyphens', () => {
    expect(applySmartEncoding('co\u00adop\u200beration\ufeff')).toBe('cooperation');
  });

  it('turns accented letters that GSM lacks into their plain form', () => {
    const out = applySmartEncoding('São Paulo, Málaga, façade');
    expect(out).toBe('Sao Paulo, Malaga, faÇade');
    expect(isGsm7(out)).toBe(true);
  });

  it('leaves GSM-7 text untouched', () => {
    expect(applySmartEncoding('Plain text, é and € stay')).toBe('Plain text, é and € stay');
  });

  it('leaves text untouched when UCS-2 is needed anyway', () => {
    expect(applySmartEncoding('“验证码” 1234')).toBe('“验证码” 1234');
  });

  it('replaces look-alikes in a mixed text when asked directly', () => {
    expect(replaceWithGsmLookalikes('“验证码”')).toBe('"验证码"');
  });
});
