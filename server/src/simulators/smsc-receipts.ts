// Delivery receipts of the SMSC simulator: which outcome a message gets (weighted), how its id
// is written (same form as the submit_sm_resp, the other base, zero-padded), and the deliver_sm
// that carries it (standard text, receipted_message_id, message_state, network_error_code).
import {
  receiptDeliverSm,
  type PduInput,
  type ReceiptDeliverSmInput,
  type ReceiptStatus,
  type ShortMessagePdu,
} from '../lib/smpp/index.js';

export type ReceiptOutcome = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD';

const OUTCOME_STATUS: Readonly<Record<ReceiptOutcome, ReceiptStatus>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undelivered',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
};

const OUTCOME_ERROR: Readonly<Record<ReceiptOutcome, number>> = {
  DELIVRD: 0,
  UNDELIV: 1,
  EXPIRED: 0,
  REJECTD: 11,
};

/** A weighted pick among outcomes (all DELIVRD when none has a weight). */
export function pickOutcome(
  weights: Partial<Record<ReceiptOutcome, number>> | undefined,
  random: () => number,
): ReceiptOutcome {
  const entries = Object.entries(weights ?? { DELIVRD: 1 }).filter(
    (e): e is [ReceiptOutcome, number] => typeof e[1] === 'number' && e[1] > 0,
  );
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) {
    return 'DELIVRD';
  }
  let roll = random() * total;
  for (const [outcome, weight] of entries) {
    roll -= weight;
    if (roll < 0) {
      return outcome;
    }
  }
  return entries[entries.length - 1]?.[0] ?? 'DELIVRD';
}

export interface ReceiptIdOptions {
  /** How receipts write ids: like the submit_sm_resp (default), or the other base. */
  receiptIdFormat?: 'same' | 'hex' | 'decimal';
  /** Left-pad receipt ids with zeros to this width (some carriers do). */
  receiptIdPadding?: number;
}

/** How a receipt writes the id `submitted` (the numeric id `id`) was answered with. */
export function receiptIdOf(id: number, submitted: string, o: ReceiptIdOptions): string {
  const format = o.receiptIdFormat ?? 'same';
  const base =
    format === 'same' ? submitted : format === 'decimal' ? id.toString(10) : id.toString(16).toUpperCase();
  return base.padStart(o.receiptIdPadding ?? 0, '0');
}

/** The receipt deliver_sm for an accepted submit (addresses swapped, as a handset's answer). */
export function receiptFor(
  sm: ShortMessagePdu,
  receiptId: string,
  outcome: ReceiptOutcome,
  text: string,
  submittedAt: Date,
  doneAt: Date,
): PduInput & { command: 'deliver_sm' } {
  const error = OUTCOME_ERROR[outcome];
  const input: ReceiptDeliverSmInput = {
    id: receiptId,
    status: OUTCOME_STATUS[outcome],
    submitDate: submittedAt,
    doneDate: doneAt,
    err: String(error).padStart(3, '0'),
    text: [...text].filter((ch) => /[A-Za-z0-9 .,!?-]/.test(ch)).join(''),
    source: { ton: sm.destTon, npi: sm.destNpi, address: sm.destination },
    destination: { ton: sm.sourceTon, npi: sm.sourceNpi, address: sm.source },
  };
  if (outcome !== 'DELIVRD' && error > 0) {
    input.networkErrorCode = error;
  }
  return receiptDeliverSm(input);
}
