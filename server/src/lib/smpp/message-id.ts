// Message ids in their SMPP forms. A carrier writes the id of one message differently in its
// submit_sm_resp and its receipt (hex, decimal, leading zeros): `normalizeProviderMessageId`
// gives the one form both compare equal in. Pigeon's own ids (UUIDv7) go to ESMEs as hex or
// decimal of all 128 bits, so they convert back without a lookup.

/**
 * How a carrier writes message ids. `auto`: digits-only ids are decimal, ids with hex letters
 * are hex, anything else is an opaque string. Set `hex` for a carrier whose all-digit ids are
 * hex too (Kannel's msg-id-type does the same job).
 */
export type MessageIdFormat = 'auto' | 'decimal' | 'hex' | 'string';

const DECIMAL = /^[0-9]+$/;
const HEX = /^(?:0x)?([0-9a-f]+)$/i;

/**
 * The canonical form of a provider message id: numeric ids become their decimal value without
 * leading zeros (so `0000A1B2`, `a1b2` and `41394` all become `41394`); other ids are trimmed
 * and lower-cased.
 */
export function normalizeProviderMessageId(id: string, format: MessageIdFormat = 'auto'): string {
  const trimmed = id.trim();
  if (trimmed === '' || format === 'string') {
    return trimmed;
  }
  if ((format === 'decimal' || format === 'auto') && DECIMAL.test(trimmed)) {
    return BigInt(trimmed).toString(10);
  }
  const hex = HEX.exec(trimmed);
  if (hex && (format === 'hex' || format === 'auto')) {
    return BigInt(`0x${hex[1]}`).toString(10);
  }
  return trimmed.toLowerCase();
}

/** How Pigeon writes its message ids to an ESME (a sending account's setting). */
export type SmppIdFormat = 'hex' | 'decimal';

/**
 * A UUID as an SMPP message id: `hex` = the 32 hex digits without dashes (lower case),
 * `decimal` = the same 128-bit number in decimal (up to 39 digits; SMPP allows 64).
 */
export function toSmppMessageId(uuid: string, format: SmppIdFormat): string {
  const hex = uuid.replace(/-/g, '').toLowerCase();
  return format === 'hex' ? hex : BigInt(`0x${hex}`).toString(10);
}

/** The UUID of an SMPP message id in either format; null when it is not one. */
export function fromSmppMessageId(smppId: string, format: SmppIdFormat): string | null {
  const id = smppId.trim();
  let hex: string;
  if (format === 'hex') {
    if (!/^[0-9a-fA-F]{1,32}$/.test(id)) {
      return null;
    }
    hex = id.toLowerCase().padStart(32, '0');
  } else {
    if (!/^\d{1,39}$/.test(id)) {
      return null;
    }
    const n = BigInt(id);
    if (n >= 1n << 128n) {
      return null;
    }
    hex = n.toString(16).padStart(32, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
