// Smart encoding: typographic characters that word processors and phones insert (curly quotes,
// dashes, ellipsis, odd spaces) force a whole message into UCS-2, which more than halves the
// characters per part. When they are the only reason, they are replaced by GSM-7 look-alikes.
import { isGsm7 } from './gsm7.js';

const REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  // quotes and primes
  ['\u2018', "'"], // ‘
  ['\u2019', "'"], // ’
  ['\u201a', "'"], // ‚
  ['\u201b', "'"], // ‛
  ['\u2032', "'"], // ′
  ['\u2039', '<'], // ‹
  ['\u203a', '>'], // ›
  ['\u00b4', "'"], // ´
  ['\u02bc', "'"], // ʼ
  ['\u02cb', "'"], // ˋ
  ['`', "'"], // GSM 03.38 has no backtick
  ['\u201c', '"'], // “
  ['\u201d', '"'], // ”
  ['\u201e', '"'], // „
  ['\u201f', '"'], // ‟
  ['\u2033', '"'], // ″
  ['\u00ab', '"'], // «
  ['\u00bb', '"'], // »
  // dashes and hyphens
  ['\u2010', '-'], // ‐
  ['\u2011', '-'], // non-breaking hyphen
  ['\u2012', '-'], // ‒
  ['\u2013', '-'], // –
  ['\u2014', '-'], // —
  ['\u2015', '-'], // ―
  ['\u2212', '-'], // minus sign
  ['\u00ad', ''], // soft hyphen
  // punctuation
  ['\u2026', '...'], // …
  ['\u2022', '*'], // •
  ['\u00b7', '.'], // ·
  ['\u02c6', '^'], // ˆ
  ['\u02dc', '~'], // ˜
  ['\u00d7', 'x'], // ×
  ['\u00f7', '/'], // ÷
  ['\u2044', '/'], // fraction slash
  ['\u00a9', '(c)'], // ©
  ['\u00ae', '(r)'], // ®
  ['\u2122', '(tm)'], // ™
  // spaces and invisible characters
  ['\t', ' '],
  ['\u00a0', ' '], // no-break space
  ['\u2000', ' '],
  ['\u2001', ' '],
  ['\u2002', ' '],
  ['\u2003', ' '],
  ['\u2004', ' '],
  ['\u2005', ' '],
  ['\u2006', ' '],
  ['\u2007', ' '],
  ['\u2008', ' '],
  ['\u2009', ' '],
  ['\u200a', ' '],
  ['\u202f', ' '], // narrow no-break space
  ['\u205f', ' '],
  ['\u3000', ' '], // ideographic space
  ['\u2028', '\n'], // line separator
  ['\u2029', '\n'], // paragraph separator
  ['\u200b', ''], // zero-width space
  ['\u200c', ''],
  ['\u200d', ''],
  ['\u2060', ''],
  ['\ufeff', ''], // byte-order mark
  // letters missing from GSM 03.38 whose accent-less form is there
  ['\u00e1', 'a'], // á
  ['\u00e2', 'a'], // â
  ['\u00e3', 'a'], // ã
  ['\u00c0', 'A'], // À
  ['\u00c1', 'A'], // Á
  ['\u00c2', 'A'], // Â
  ['\u00c3', 'A'], // Ã
  ['\u00e7', 'Ç'], // ç → Ç (GSM 0x09)
  ['\u00ea', 'e'], // ê
  ['\u00eb', 'e'], // ë
  ['\u00c8', 'E'], // È
  ['\u00ca', 'E'], // Ê
  ['\u00cb', 'E'], // Ë
  ['\u00ed', 'i'], // í
  ['\u00ee', 'i'], // î
  ['\u00ef', 'i'], // ï
  ['\u00cc', 'I'], // Ì
  ['\u00cd', 'I'], // Í
  ['\u00ce', 'I'], // Î
  ['\u00cf', 'I'], // Ï
  ['\u00f3', 'o'], // ó
  ['\u00f4', 'o'], // ô
  ['\u00f5', 'o'], // õ
  ['\u00d2', 'O'], // Ò
  ['\u00d3', 'O'], // Ó
  ['\u00d4', 'O'], // Ô
  ['\u00d5', 'O'], // Õ
  ['\u00fa', 'u'], // ú
  ['\u00fb', 'u'], // û
  ['\u00d9', 'U'], // Ù
  ['\u00da', 'U'], // Ú
  ['\u00db', 'U'], // Û
  ['\u00fd', 'y'], // ý
  ['\u00ff', 'y'], // ÿ
  ['\u00dd', 'Y'], // Ý
]);

/** Replaces every character that has a GSM-7 look-alike; other characters are kept. */
export function replaceWithGsmLookalikes(text: string): string {
  let out = '';
  for (const ch of text) {
    out += REPLACEMENTS.get(ch) ?? ch;
  }
  return out;
}

/**
 * The text to send under smart encoding: the look-alike version when it is pure GSM-7,
 * otherwise the original (UCS-2 is needed anyway, and it carries the characters as typed).
 */
export function applySmartEncoding(text: string): string {
  if (isGsm7(text)) {
    return text;
  }
  const replaced = replaceWithGsmLookalikes(text);
  return isGsm7(replaced) ? replaced : text;
}
