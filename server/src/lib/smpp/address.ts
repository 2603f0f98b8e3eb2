// SMPP addresses (TON, NPI, digits or a name) and E.164: SMPP 3.4 addresses carry no '+', so a
// number's TON says whether it is international.
import type { SmppAddress } from './receipt.js';

/** TON values Pigeon writes or reads (SMPP 3.4 §5.2.5). */
export const Ton = {
  unknown: 0,
  international: 1,
  national: 2,
  networkSpecific: 3,
  alphanumeric: 5,
} as const;
/** NPI values Pigeon writes (SMPP 3.4 §5.2.6). */
export const Npi = { unknown: 0, isdn: 1 } as const;

/** An address as E.164 when it is a number: digits (not national, not `00…`) gain a '+'. */
export function addressToE164(address: string, ton: number): string {
  const a = address.trim();
  if (/^\d+$/.test(a) && !a.startsWith('00') && ton !== Ton.national) {
    return `+${a}`;
  }
  return a;
}

/** An E.164 number, a bare number or an alphanumeric name as an SMPP address. */
export function e164ToAddress(value: string): SmppAddress {
  if (/^\+\d+$/.test(value)) {
    return { ton: Ton.international, npi: Npi.isdn, address: value.slice(1) };
  }
  if (/^\d+$/.test(value)) {
    return { ton: Ton.unknown, npi: Npi.isdn, address: value };
  }
  return { ton: Ton.alphanumeric, npi: Npi.unknown, address: value };
}

/**
 * The address an ESME submits with: `+` dropped from numbers; alphanumeric senders get TON 5 /
 * NPI 0; short numbers (up to 8 digits without '+') are network-specific, longer ones
 * international. A TON and NPI given by the provider's settings win.
 */
export function submitAddress(
  value: string,
  ton: number | undefined,
  npi: number | undefined,
  isSource: boolean,
): SmppAddress {
  const trimmed = value.trim();
  const isNumber = /^\+?[0-9]+$/.test(trimmed);
  const address = isNumber ? trimmed.replace(/^\+/, '') : trimmed;
  if (ton !== undefined && npi !== undefined) {
    return { address, ton, npi };
  }
  if (isSource && !isNumber) {
    return { address, ton: ton ?? Ton.alphanumeric, npi: npi ?? Npi.unknown };
  }
  const isShort = isNumber && address.length <= 8 && !trimmed.startsWith('+');
  return {
    address,
    ton: ton ?? (isShort ? Ton.networkSpecific : Ton.international),
    npi: npi ?? Npi.isdn,
  };
}
