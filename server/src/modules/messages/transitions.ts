// The message lifecycle as data (MS-3, BL-3): which status may follow which, which are final,
// and what each final state gives back. Pure: the lifecycle service asks here before every
// status write, and the tests walk the table.
import type { MessageStatus } from './messages.tables.js';

/**
 * Every status a message may move to from each status. `queued → queued` is a re-route to
 * another provider; `sending → queued` a retry, or a lease that ran out after a crash.
 */
export const TRANSITIONS: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  accepted: ['queued', 'pending_review', 'canceled', 'rejected', 'expired'],
  pending_review: ['queued', 'accepted', 'rejected', 'canceled', 'expired'],
  queued: ['sending', 'queued', 'canceled', 'expired', 'failed'],
  sending: ['sent', 'delivered', 'queued', 'failed', 'expired'],
  sent: ['delivered', 'undelivered', 'expired', 'partially_delivered', 'unknown'],
  delivered: [],
  undelivered: [],
  expired: [],
  failed: [],
  rejected: [],
  canceled: [],
  partially_delivered: [],
  unknown: [],
};

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which a given status can be reached (the `where status in (…)` of a write). */
export function sourcesOf(to: MessageStatus): MessageStatus[] {
  return (Object.keys(TRANSITIONS) as MessageStatus[]).filter((from) => canTransition(from, to));
}

export function isFinal(status: MessageStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Statuses a message can be canceled from: it has not been handed to a provider yet. */
export const CANCELABLE: readonly MessageStatus[] = sourcesOf('canceled');

export interface Chargeable {
  /** Micro-units charged at accept. */
  price: number;
  segments: number;
  /** The price plan's rule, copied onto the message at accept. */
  refundOnFailure: boolean;
}

/**
 * Micro-units to give back when a message reaches `status` (BL-3). A message that never left
 * Pigeon (canceled, rejected by review) is always refunded; one a provider failed, expired or
 * could not deliver is refunded when its plan says so; a long SMS some of whose parts arrived
 * gives back the share of the parts that did not (rounded down, so the customer is never paid
 * more than was charged). `unknown` (no receipt by the receipt timeout) is not refunded: the
 * carrier took it and charges for it.
 */
export function refundFor(status: MessageStatus, m: Chargeable, partsDelivered = 0): number {
  if (m.price <= 0) {
    return 0;
  }
  switch (status) {
    case 'canceled':
    case 'rejected':
      return m.price;
    case 'failed':
    case 'expired':
    case 'undelivered':
      return m.refundOnFailure ? m.price : 0;
    case 'partially_delivered': {
      if (!m.refundOnFailure || m.segments <= 0) {
        return 0;
      }
      const missing = Math.max(0, m.segments - Math.min(partsDelivered, m.segments));
      return Math.floor((m.price * missing) / m.segments);
    }
    case 'accepted':
    case 'pending_review':
    case 'queued':
    case 'sending':
    case 'sent':
    case 'delivered':
    case 'unknown':
      return 0;
  }
}
