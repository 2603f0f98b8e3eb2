// What the SMSC simulator keeps of the submits it accepted: the parts (bounded), the messages
// they make up (long ones reassembled), and in counting mode how often each message arrived and
// in which order per destination (submit-ledger.ts), so tests can prove "no duplicate" and "no
// overtaking".
import { SubmitLedger } from './submit-ledger.js';

export interface ReceivedPart {
  messageId: string;
  systemId: string;
  from: string;
  to: string;
  dataCoding: number;
  registeredDelivery: number;
  /** This part's text, decoded. */
  text: string;
  concat?: { reference: number; total: number; sequence: number };
  receivedAt: Date;
}

export interface ReceivedMessage {
  from: string;
  to: string;
  /** The parts received so far, joined in order. */
  text: string;
  parts: number;
  partsReceived: number;
  messageIds: string[];
  isComplete: boolean;
}

/** Counting mode: which key a submit counts under (default: sender, recipient, part, text). */
export interface CountingOptions {
  key?: (part: ReceivedPart) => string;
}

interface StoredMessage extends ReceivedMessage {
  partTexts: (string | undefined)[];
}

/** The default counting key: a resent part has the same one whatever its new reference. */
export function defaultCountingKey(part: ReceivedPart): string {
  const c = part.concat;
  return [part.from, part.to, c ? `${c.sequence}/${c.total}` : '', part.text].join('\u0000');
}

export class SmscStore {
  private readonly parts: ReceivedPart[] = [];
  private readonly messageStore = new Map<string, StoredMessage>();
  private readonly ledger: SubmitLedger<ReceivedPart> | null;
  /** Distinct messages: a long message counts once however often its parts are resent. */
  uniqueMessages = 0;

  constructor(
    private readonly maxStored: number,
    counting: CountingOptions | null,
  ) {
    this.ledger = counting ? new SubmitLedger(counting.key ?? defaultCountingKey, (p) => p.to) : null;
  }

  /** Accepted submits whose counting key had been seen before. */
  get duplicates(): number {
    return this.ledger?.duplicates ?? 0;
  }

  add(part: ReceivedPart): void {
    this.parts.push(part);
    if (this.parts.length > this.maxStored) {
      this.parts.splice(0, this.parts.length - this.maxStored);
    }
    this.storeMessage(part);
    this.ledger?.add(part);
  }

  received(): ReceivedPart[] {
    return [...this.parts];
  }

  messages(): ReceivedMessage[] {
    return [...this.messageStore.values()].map(({ partTexts: _partTexts, ...message }) => message);
  }

  /** Counting mode: accepted submits per key (a count above 1 is a duplicate at the carrier). */
  submitCounts(): Map<string, number> {
    return this.requireLedger().submitCounts();
  }

  /** Counting mode: the keys of accepted submits per destination, in the order they arrived. */
  submitOrder(): Map<string, string[]> {
    return this.requireLedger().submitOrder();
  }

  private requireLedger(): SubmitLedger<ReceivedPart> {
    if (!this.ledger) {
      throw new Error('the SMSC simulator counts submits only when started with `counting`');
    }
    return this.ledger;
  }

  private storeMessage(part: ReceivedPart): void {
    const c = part.concat;
    let key = `single\u0000${part.messageId}`;
    let stored: StoredMessage | undefined;
    if (c) {
      key = [part.systemId, part.from, part.to, c.reference, c.total].join('\u0000');
      stored = this.messageStore.get(key);
      const seen = stored?.partTexts[c.sequence - 1];
      if (stored && seen !== undefined && seen !== part.text) {
        // The reference came round again for another message: the old one is finished.
        this.messageStore.delete(key);
        key = `${key}\u0000${part.messageId}`;
        stored = undefined;
      }
    }
    if (!stored) {
      stored = {
        from: part.from,
        to: part.to,
        text: '',
        parts: c?.total ?? 1,
        partsReceived: 0,
        messageIds: [],
        isComplete: false,
        partTexts: new Array<string | undefined>(c?.total ?? 1).fill(undefined),
      };
      this.messageStore.set(key, stored);
      this.uniqueMessages++;
      if (this.messageStore.size > this.maxStored) {
        const oldest = this.messageStore.keys().next().value;
        if (oldest !== undefined) {
          this.messageStore.delete(oldest);
        }
      }
    }
    const index = (c?.sequence ?? 1) - 1;
    if (stored.partTexts[index] === undefined) {
      stored.partsReceived++;
    }
    stored.partTexts[index] = part.text;
    stored.messageIds.push(part.messageId);
    stored.text = stored.partTexts.map((t) => t ?? '').join('');
    stored.isComplete = stored.partsReceived === stored.parts;
  }
}
