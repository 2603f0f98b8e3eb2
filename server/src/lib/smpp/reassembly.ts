// Reassembly of long inbound (MO) messages: parts carry a concatenation reference (UDH or the
// sar_* TLVs) and may arrive in any order, duplicated, or not at all. Octets are joined before
// decoding so a GSM escape or a surrogate pair split by a foreign sender still decodes.
import { decodeShortMessage } from '../sms/index.js';
import type { ConcatPart } from './concat.js';

/** A message as reassembled (the connectors' InboundMessage has this shape). */
export interface ReassembledMessage {
  from: string;
  to: string;
  text: string;
  encoding: 'gsm7' | 'ucs2' | 'latin1' | 'ascii' | 'binary';
  /** Parts it arrived in. */
  parts: number;
  /** False when parts were still missing when the reassembly timeout expired. */
  isComplete: boolean;
  receivedAt: Date;
}

export interface InboundPart {
  from: string;
  to: string;
  dataCoding: number;
  /** The part's text octets, without the UDH. */
  payload: Buffer;
  /** Absent for a message that came in one piece. */
  concat?: ConcatPart;
}

interface Pending {
  parts: (Buffer | undefined)[];
  received: number;
  first: InboundPart;
  timer: NodeJS.Timeout;
}

export function inboundEncodingOf(dataCoding: number): ReassembledMessage['encoding'] {
  switch (dataCoding) {
    case 0x00:
      return 'gsm7';
    case 0x08:
      return 'ucs2';
    case 0x01:
      return 'ascii';
    case 0x03:
      return 'latin1';
    default:
      return 'binary';
  }
}

export class InboundReassembler {
  private readonly pending = new Map<string, Pending>();

  /**
   * @param onExpired receives what arrived of a message whose parts did not all come within
   *   `timeoutMs`, flagged `isComplete: false`.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: (message: ReassembledMessage) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a part; returns the whole message once its last missing part arrives. */
  add(part: InboundPart): ReassembledMessage | null {
    if (
      !part.concat ||
      part.concat.total <= 1 ||
      part.concat.sequence < 1 ||
      part.concat.sequence > part.concat.total
    ) {
      return this.build(part, [part.payload], true);
    }
    const { reference, total, sequence } = part.concat;
    const key = `${part.from}\u0000${part.to}\u0000${reference}\u0000${total}`;
    let entry = this.pending.get(key);
    if (!entry) {
      const timer = setTimeout(() => this.expire(key), this.timeoutMs);
      timer.unref();
      entry = {
        parts: new Array<Buffer | undefined>(total).fill(undefined),
        received: 0,
        first: part,
        timer,
      };
      this.pending.set(key, entry);
    }
    if (entry.parts[sequence - 1] === undefined) {
      entry.received++;
    }
    entry.parts[sequence - 1] = part.payload;
    if (entry.received < total) {
      return null;
    }
    clearTimeout(entry.timer);
    this.pending.delete(key);
    return this.build(entry.first, entry.parts, true);
  }

  /** Messages waiting for parts. */
  get size(): number {
    return this.pending.size;
  }

  clear(): void {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
    }
    this.pending.clear();
  }

  private expire(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) {
      return;
    }
    this.pending.delete(key);
    this.onExpired(this.build(entry.first, entry.parts, false));
  }

  private build(first: InboundPart, parts: (Buffer | undefined)[], isComplete: boolean): ReassembledMessage {
    const present = parts.filter((p): p is Buffer => p !== undefined);
    return {
      from: first.from,
      to: first.to,
      text: decodeShortMessage(Buffer.concat(present), first.dataCoding),
      encoding: inboundEncodingOf(first.dataCoding),
      parts: parts.length,
      isComplete,
      receivedAt: this.now(),
    };
  }
}
