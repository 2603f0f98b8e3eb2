// Callback signatures (MS-8): HMAC-SHA256 over `${timestamp}.${body}` with the sending account's
// callback secret, sent as `X-Pigeon-Signature: v1=<hex>` next to `X-Pigeon-Timestamp` (Unix
// seconds). The README's "Callbacks" section shows the same steps for receivers.
import { createHmac } from 'node:crypto';

export const CALLBACK_HEADERS = {
  timestamp: 'X-Pigeon-Timestamp',
  signature: 'X-Pigeon-Signature',
  event: 'X-Pigeon-Event',
  delivery: 'X-Pigeon-Delivery',
} as const;

export function signCallback(secret: string, timestamp: number | string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
