// Receipts and inbound (MO) parts on their way from the SMSC simulator to bound ESMEs: queued per
// system_id, sent round-robin to its receiver binds, and kept when not taken — an unanswered
// one goes again after a reconnect, one refused with a temporary error after a short delay or
// (reofferAfterRebind) after the next bind, one refused for good is dropped.
import {
  isRetryableStatus,
  SmppStatus,
  type Pdu,
  type PduInput,
  type SmppSession,
} from '../lib/smpp/index.js';

export interface Delivery {
  systemId: string;
  kind: 'receipt' | 'mo';
  pdu: PduInput;
  /** Offered before (and not taken). */
  offered: boolean;
  onAck?: () => void;
}

/** A bound session that takes deliveries, with its deliver_sm awaiting an answer. */
export interface Receiver {
  session: SmppSession;
  deliveries: Map<number, Delivery>;
}

export interface DeliveryCounters {
  /** deliver_sm_resp / generic_nack matching no deliver_sm awaiting an answer on that bind. */
  deliveryResponsesUnmatched: number;
  receiptsSent: number;
  receiptsAcknowledged: number;
  deliveriesRefused: number;
  deliveriesReoffered: number;
  moPartsSent: number;
  moPartsAcknowledged: number;
}

export interface DeliveryOptions {
  reofferAfterRebind?: boolean;
  reofferDelayMs?: number;
}

export class SmscDeliveries {
  private readonly waiting = new Map<string, Delivery[]>();
  /** Refused deliveries kept for the next bind (reofferAfterRebind). */
  private readonly heldForRebind = new Map<string, Delivery[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly counters: DeliveryCounters,
    private readonly options: () => DeliveryOptions,
    /** The receiver binds of a system_id now (none while the simulator is stopped). */
    private readonly receiversOf: (systemId: string) => Receiver[],
  ) {}

  /** A bind that takes deliveries: what was held for it is queued again, and all is sent. */
  onBind(systemId: string): void {
    const held = this.heldForRebind.get(systemId);
    if (held) {
      this.heldForRebind.delete(systemId);
      for (const delivery of held) {
        this.queueDelivery(delivery);
      }
    }
    this.flush(systemId);
  }

  /** A connection closed: what it had not acknowledged waits for the next bind. */
  onClose(receiver: Receiver): void {
    for (const delivery of receiver.deliveries.values()) {
      delivery.offered = true;
      this.queueDelivery(delivery);
    }
    receiver.deliveries.clear();
  }

  /** Deliveries waiting for a receiver bind, and refused ones held for the next bind. */
  backlog(systemId: string): { waiting: number; heldForRebind: number } {
    return {
      waiting: this.waiting.get(systemId)?.length ?? 0,
      heldForRebind: this.heldForRebind.get(systemId)?.length ?? 0,
    };
  }

  stop(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }

  deliver(delivery: Delivery): void {
    this.queueDelivery(delivery);
    this.flush(delivery.systemId);
  }

  private queueDelivery(delivery: Delivery): void {
    const queue = this.waiting.get(delivery.systemId) ?? [];
    queue.push(delivery);
    this.waiting.set(delivery.systemId, queue);
  }

  private flush(systemId: string): void {
    const queue = this.waiting.get(systemId);
    if (!queue || queue.length === 0) {
      return;
    }
    const receivers = this.receiversOf(systemId);
    if (receivers.length === 0) {
      return;
    }
    let turn = 0;
    while (queue.length > 0) {
      const delivery = queue.shift();
      const state = receivers[turn++ % receivers.length];
      if (!delivery || !state) {
        break;
      }
      const sequenceNumber = state.session.send(delivery.pdu);
      if (sequenceNumber === null) {
        queue.unshift(delivery);
        break;
      }
      state.deliveries.set(sequenceNumber, delivery);
      if (delivery.offered) {
        this.counters.deliveriesReoffered++;
      }
      if (delivery.kind === 'receipt') {
        this.counters.receiptsSent++;
      } else {
        this.counters.moPartsSent++;
      }
    }
  }

  /** A deliver_sm_resp or generic_nack from a receiver. */
  onResponse(state: Receiver, pdu: Pdu): void {
    const delivery = state.deliveries.get(pdu.sequenceNumber);
    if (!delivery) {
      this.counters.deliveryResponsesUnmatched++;
      return;
    }
    state.deliveries.delete(pdu.sequenceNumber);
    const status = pdu.commandStatus;
    if (status !== SmppStatus.ESME_ROK || pdu.command === 'generic_nack') {
      this.counters.deliveriesRefused++;
      if (status !== SmppStatus.ESME_ROK && !isRetryableStatus(status)) {
        return; // refused for good (ESME_RX_P_APPN…): a carrier gives up on it
      }
      delivery.offered = true;
      if (this.options().reofferAfterRebind) {
        const held = this.heldForRebind.get(delivery.systemId) ?? [];
        held.push(delivery);
        this.heldForRebind.set(delivery.systemId, held);
        return;
      }
      // Offered again a little later (a real timer even in instant mode, so a refusing ESME
      // does not spin).
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.deliver(delivery);
      }, this.options().reofferDelayMs ?? 50);
      this.timers.add(timer);
      return;
    }
    if (delivery.kind === 'receipt') {
      this.counters.receiptsAcknowledged++;
    } else {
      this.counters.moPartsAcknowledged++;
    }
    delivery.onAck?.();
  }
}
