// SMS text rules shared by the send API (quote, validation) and the SMPP connector: encoding
// detection, segment counting, splitting, GSM-7/UCS-2 codecs, concatenation headers.
import { applySmartEncoding } from './smart-encoding.js';
import { countUnits, detectEncoding, splitText, type SmsEncoding } from './segments.js';

export * from './gsm7.js';
export * from './ucs2.js';
export * from './udh.js';
export * from './segments.js';
export * from './smart-encoding.js';

export interface TextDescription {
  encoding: SmsEncoding;
  /** Number of SMS parts the text is sent as. */
  segments: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  septetsOrUnits: number;
  parts: string[];
  /** The text that is sent: the input, or its smart-encoded form. */
  text: string;
}

export interface DescribeTextOptions {
  /** Replace typographic characters by GSM-7 look-alikes when that avoids UCS-2. */
  smartEncoding?: boolean;
}

export function describeText(text: string, options: DescribeTextOptions = {}): TextDescription {
  const sent = options.smartEncoding ? applySmartEncoding(text) : text;
  const encoding = detectEncoding(sent);
  const parts = splitText(sent, encoding);
  return {
    encoding,
    segments: parts.length,
    septetsOrUnits: countUnits(sent, encoding),
    parts,
    text: sent,
  };
}
