// One SMPP connection over a net.Socket or tls.TLSSocket: frames the byte stream into PDUs,
// numbers requests, matches responses to `request()` calls, and writes every PDU sent in one
// turn of the event loop in one go (corked), so a window of submits or deliveries leaves as one
// packet. What the PDUs mean is up to the role on top (client connector, server, simulator).
import type net from 'node:net';
import { isResponseId, MAX_PDU_LENGTH, SmppStatus } from './constants.js';
import { decodePdu, readHeader } from './decode.js';
import { encodePdu } from './encode.js';
import { commandIdOf, errorResponse, type Pdu, type PduHeader, type PduInput } from './pdu.js';

/** Splits a byte stream into PDUs by their command_length. */
export class PduFramer {
  private rest: Buffer | null = null;

  constructor(private readonly maxLength = MAX_PDU_LENGTH) {}

  /** Bytes received but not yet a whole PDU. */
  get buffered(): number {
    return this.rest?.length ?? 0;
  }

  /**
   * Feeds a chunk and calls `onFrame` with each complete PDU (a view into the chunk: decode
   * before keeping it). Throws RangeError on a command_length outside 16…maxLength, after
   * which the stream cannot be framed again.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (length < 16 || length > this.maxLength) {
        throw new RangeError(`invalid PDU length ${length}`);
      }
      if (data.length - offset < length) {
        break;
      }
      onFrame(data.subarray(offset, offset + length));
      offset += length;
    }
    if (offset < data.length) {
      this.rest = data.subarray(offset);
    }
  }
}

export interface SmppSessionHandlers {
  /** Every PDU except the responses that settle a `request()`. */
  onPdu(pdu: Pdu): void;
  /**
   * A PDU whose body could not be decoded (a field overruns it, a string is unterminated).
   * Without this handler a request is answered with generic_nack ESME_RINVCMDLEN (SMPP 3.4
   * §2.8: a PDU that cannot be parsed).
   */
  onMalformed?(header: PduHeader, error: Error): void;
  /** The connection is gone; `error` says why when it was not a clean close. */
  onClose?(error: Error | null): void;
}

export interface SmppSessionOptions {
  maxPduLength?: number;
}

interface PendingRequest {
  resolve: (pdu: Pdu) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SmppSession {
  private sequence = 0;
  private readonly framer: PduFramer;
  private readonly pending = new Map<number, PendingRequest>();
  private corked = false;
  private error: Error | null = null;
  private isClosed = false;
  private readonly closedPromise: Promise<void>;

  constructor(
    readonly socket: net.Socket,
    private readonly handlers: SmppSessionHandlers,
    options: SmppSessionOptions = {},
  ) {
    this.framer = new PduFramer(options.maxPduLength ?? MAX_PDU_LENGTH);
    socket.setNoDelay(true); // a window of small PDUs must not wait for Nagle
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err: Error) => {
      this.error ??= err;
    });
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.handleClose();
        resolve();
      });
    });
  }

  /** True once the socket has closed (or is being destroyed). */
  get closed(): boolean {
    return this.isClosed || this.socket.destroyed;
  }

  /** True while PDUs can be written. */
  get writable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Resolves when the connection has closed. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Sends a request with the next sequence number; returns it, or null when not writable. */
  send(pdu: PduInput): number | null {
    if (!this.writable) {
      return null;
    }
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    const sequenceNumber = this.sequence;
    this.write(encodePdu(pdu, sequenceNumber));
    return sequenceNumber;
  }

  /** Answers a request (its header or sequence number); false when not writable. */
  respond(request: PduHeader | number, pdu: PduInput): boolean {
    if (!this.writable) {
      return false;
    }
    const sequenceNumber = typeof request === 'number' ? request : request.sequenceNumber;
    this.write(encodePdu(pdu, sequenceNumber));
    return true;
  }

  /** Answers any request with a header-only error: its `_resp`, or generic_nack. */
  respondError(request: PduHeader, status: number): boolean {
    return this.respond(request, errorResponse(request, status));
  }

  /** Sends a request and waits for its response (rejects on timeout or when the connection goes). */
  request(pdu: PduInput, timeoutMs: number): Promise<Pdu> {
    return new Promise((resolve, reject) => {
      const sequenceNumber = this.send(pdu);
      if (sequenceNumber === null) {
        reject(new Error('SMPP connection is not writable'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(sequenceNumber);
        reject(
          new Error(
            `no ${pdu.command === 'other' ? 'response' : `${pdu.command}_resp`} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(sequenceNumber, { resolve, reject, timer });
    });
  }

  /** Closes after what was written has been sent (TCP FIN). */
  end(): void {
    if (!this.socket.destroyed) {
      this.socket.end();
    }
  }

  /** Drops the connection at once, as a network failure would. */
  destroy(error?: Error): void {
    if (error) {
      this.error ??= error;
    }
    this.socket.destroy();
  }

  private write(buffer: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(buffer);
  }

  private receive(chunk: Buffer): void {
    try {
      this.framer.push(chunk, (frame) => this.dispatch(frame));
    } catch (err) {
      this.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private dispatch(frame: Buffer): void {
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame);
    } catch (err) {
      const header = readHeader(frame);
      const error = err instanceof Error ? err : new Error(String(err));
      if (this.handlers.onMalformed) {
        this.handlers.onMalformed(header, error);
      } else if (!isResponseId(header.commandId)) {
        this.respond(header, { command: 'generic_nack', commandStatus: SmppStatus.ESME_RINVCMDLEN });
      }
      return;
    }
    if (isResponseId(commandIdOf(pdu))) {
      const waiting = this.pending.get(pdu.sequenceNumber);
      if (waiting) {
        this.pending.delete(pdu.sequenceNumber);
        clearTimeout(waiting.timer);
        waiting.resolve(pdu);
        return;
      }
    }
    try {
      this.handlers.onPdu(pdu);
    } catch (err) {
      // The role's state for this connection is unknown now: drop it rather than guess.
      this.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private handleClose(): void {
    if (this.isClosed) {
      return;
    }
    this.isClosed = true;
    for (const [sequenceNumber, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('SMPP connection closed'));
      this.pending.delete(sequenceNumber);
    }
    this.handlers.onClose?.(this.error);
  }
}
