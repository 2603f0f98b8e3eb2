import { describe, expect, it } from 'vitest';
import { describeText } from './index.js';
import {
  countSegments,
  countUnits,
  decodeShortMessage,
  detectEncoding,
  encodeText,
  multiPartLimit,
  splitText,
} from './segments.js';
import { countSeptets } from './gsm7.js';

describe('detectEncoding', () => {
  it('chooses GSM-7 for text within GSM 03.38, extension characters included', () => {
    expect(detectEncoding('Hello, world! €5 {x}')).toBe('gsm7');
  });

  it('chooses UCS-2 as soon as one character is outside', () => {
    expect(detectEncoding('Hello “world”')).toBe('ucs2');
    expect(detectEncoding('验证码 1234')).toBe('ucs2');
  });
});

describe('segment counting', () => {
  it('fits 160 septets in one GSM-7 message and needs two for 161', () => {
    expect(countSegments('a'.repeat(160))).toBe(1);
    expect(countSegments('a'.repeat(161))).toBe(2);
    expect(countSegments('a'.repeat(306))).toBe(2);
    expect(countSegments('a'.repeat(307))).toBe(3);
  });

  it('counts extension characters double against the limit', () => {
    expect(countSegments('€'.repeat(80))).toBe(1);
    expect(countSegments('€'.repeat(81))).toBe(2);
    expect(countSegments('a'.repeat(159) + '€')).toBe(2);
  });

  it('fits 70 UCS-2 units in one message and 67 per part after that', () => {
    expect(countSegments('你'.repeat(70))).toBe(1);
    expect(countSegments('你'.repeat(71))).toBe(2);
    expect(countSegments('你'.repeat(134))).toBe(2);
    expect(countSegments('你'.repeat(135))).toBe(3);
  });

  it('counts an emoji as two UCS-2 units', () => {
    expect(countUnits('😀', 'ucs2')).toBe(2);
    expect(countSegments('😀'.repeat(35))).toBe(1);
    expect(countSegments('😀'.repeat(36))).toBe(2);
  });

  it('gives the per-part limits for 8- and 16-bit references', () => {
    expect(multiPartLimit('gsm7', 8)).toBe(153);
    expect(multiPartLimit('ucs2', 8)).toBe(67);
    expect(multiPartLimit('gsm7', 16)).toBe(152);
    expect(multiPartLimit('ucs2', 16)).toBe(66);
  });

  it('counts an empty text as one segment', () => {
    expect(describeText('')).toMatchObject({ encoding: 'gsm7', segments: 1, septetsOrUnits: 0, parts: [''] });
  });
});

describe('splitText', () => {
  it('splits a 400-character GSM text into 153 + 153 + 94', () => {
    const parts = splitText('x'.repeat(400), 'gsm7');
    expect(parts.map((p) => p.length)).toEqual([153, 153, 94]);
  });

  it('never separates an escape from its extension character', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const parts = splitText(text, 'gsm7');
    expect(parts).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)]);
    for (const part of parts) {
      expect(countSeptets(part)).toBeLessThanOrEqual(153);
    }
  });

  it('never separates the halves of a surrogate pair', () => {
    const text = '你'.repeat(66) + '😀' + '好'.repeat(10);
    const parts = splitText(text, 'ucs2');
    expect(parts[0]).toBe('你'.repeat(66));
    expect(parts[1]?.startsWith('😀')).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('uses smaller parts with a 16-bit reference', () => {
    expect(splitText('x'.repeat(400), 'gsm7', 16).map((p) => p.length)).toEqual([152, 152, 96]);
  });

  it('keeps every character: the parts join back to the text', () => {
    const text = 'Grüße aus Köln! €€€ [{}] '.repeat(20);
    expect(splitText(text).join('')).toBe(text);
  });
});

describe('encodeText and decodeShortMessage', () => {
  it('round-trips GSM-7 (data_coding 0) and UCS-2 (data_coding 8)', () => {
    expect(decodeShortMessage(encodeText('Hi €', 'gsm7'), 0)).toBe('Hi €');
    expect(decodeShortMessage(encodeText('你好😀', 'ucs2'), 8)).toBe('你好😀');
  });

  it('decodes Latin-1 (3) and ASCII (1) data codings', () => {
    expect(decodeShortMessage(Buffer.from('café', 'latin1'), 3)).toBe('café');
    expect(decodeShortMessage(Buffer.from('plain'), 1)).toBe('plain');
  });
});

describe('describeText', () => {
  it('describes a long GSM text', () => {
    const d = describeText('x'.repeat(400));
    expect(d).toMatchObject({ encoding: 'gsm7', segments: 3, septetsOrUnits: 400 });
    expect(d.parts).toHaveLength(3);
  });

  it('describes Chinese with an emoji as UCS-2 units', () => {
    const d = describeText('你好，世界😀');
    expect(d).toMatchObject({ encoding: 'ucs2', segments: 1, septetsOrUnits: 7 });
  });

  it('applies smart encoding only when asked', () => {
    const text = '“Hello” — it’s 5…';
    expect(describeText(text).encoding).toBe('ucs2');
    const smart = describeText(text, { smartEncoding: true });
    expect(smart).toMatchObject({ encoding: 'gsm7', text: '"Hello" - it\'s 5...', segments: 1 });
  });

  it('keeps the original text when smart encoding cannot avoid UCS-2', () => {
    const text = '“你好”';
    expect(describeText(text, { smartEncoding: true })).toMatchObject({ encoding: 'ucs2', text });
  });
});
