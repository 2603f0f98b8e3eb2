// An outbound SMS as submit_sm PDUs: encoding chosen (smart encoding when asked), long texts cut
// into UDH-concatenated parts, addresses with their TON/NPI, receipt and validity requested.
import {
  DATA_CODING,
  describeText,
  splitText,
  type ConcatReferenceBits,
  type SmsEncoding,
} from '../../../lib/sms/index.js';
import {
  concatenatedShortMessages,
  relativeTime,
  submitAddress,
  type PduInput,
} from '../../../lib/smpp/index.js';
import type { SmsOutbound } from '../types.js';

export type SubmitSmInput = PduInput & { command: 'submit_sm' };

export interface SubmitPartsOptions {
  /** TON/NPI of the sender; by default chosen by the address (see `submitAddress`). */
  sourceTon: number | undefined;
  sourceNpi: number | undefined;
  destTon: number;
  destNpi: number;
  serviceType: string;
  registeredDelivery: number;
  concatReferenceBits: ConcatReferenceBits;
}

/**
 * The submit_sm of each part. `reference` is the concatenation reference a long message gets.
 * Throws RangeError when the text needs more than 255 parts.
 */
export function buildSubmitParts(
  message: SmsOutbound,
  o: SubmitPartsOptions,
  reference: number,
): { pdus: SubmitSmInput[]; encoding: SmsEncoding } {
  const described = describeText(message.text, { smartEncoding: message.smartEncoding ?? false });
  if (described.segments > 255) {
    throw new RangeError(`text needs ${described.segments} parts; at most 255 can be concatenated`);
  }
  const source = submitAddress(message.from, o.sourceTon, o.sourceNpi, true);
  const dest = submitAddress(message.to, o.destTon, o.destNpi, false);
  const registeredDelivery = message.requestReceipt === false ? 0 : o.registeredDelivery;
  const dataCoding = DATA_CODING[described.encoding];
  const validityPeriod = message.validitySeconds === undefined ? '' : relativeTime(message.validitySeconds);
  const bits = o.concatReferenceBits;
  // Parts were cut for an 8-bit reference; a 16-bit one needs one unit less per part.
  const texts =
    described.segments > 1 && bits === 16
      ? splitText(described.text, described.encoding, bits)
      : described.parts;
  // Every part written out in full (one object shape, no spread: see lib/smpp/decode.ts).
  const pdus = concatenatedShortMessages(texts, described.encoding, reference, bits).map(
    ({ esmClass, shortMessage }): SubmitSmInput => ({
      command: 'submit_sm',
      serviceType: o.serviceType,
      sourceTon: source.ton,
      sourceNpi: source.npi,
      source: source.address,
      destTon: dest.ton,
      destNpi: dest.npi,
      destination: dest.address,
      esmClass,
      validityPeriod,
      registeredDelivery,
      dataCoding,
      shortMessage,
    }),
  );
  return { pdus, encoding: described.encoding };
}
