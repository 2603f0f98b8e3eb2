// Minimal types for the `smpp` package (farhadi/node-smpp), a dev dependency: tests and the
// benchmark use it as an SMPP implementation independent of Pigeon's lib/smpp. It ships no types.
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    /** Mandatory parameters and TLVs by their SMPP names; values depend on the field. */
    interface PduFields {
      command_status?: number;
      sequence_number?: number;
      [field: string]: unknown;
    }

    class PDU {
      constructor(command: string, options?: PduFields);
      constructor(buffer: Buffer);
      command: string;
      command_id: number;
      command_status: number;
      command_length: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      /** The response PDU for this request, with its sequence number. */
      response(options?: PduFields): PDU;
      toBuffer(): Buffer;
      static maxLength: number;
    }

    interface SessionOptions {
      host?: string;
      port?: number;
      socket?: Socket;
      tls?: boolean;
      auto_enquire_link_period?: number;
    }

    class Session extends EventEmitter {
      constructor(options: SessionOptions);
      socket: Socket;
      sequence: number;
      paused: boolean;
      server?: Server;
      /** Writes the PDU (numbering a request); false when the socket is not writable. */
      send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
      pause(): void;
      resume(): void;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
    }

    class Server extends NetServer {
      sessions: Session[];
    }

    function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;
    function connect(options: SessionOptions, listener?: () => void): Session;

    /** Command status names (ESME_ROK, ESME_RTHROTTLED…) to codes. */
    const errors: Readonly<Record<string, number>>;
  }

  export = smpp;
}
