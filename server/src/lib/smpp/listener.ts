// Accepting SMPP connections: a TCP or TLS listener whose sockets become SmppSessions in the
// role's hands (the customer SMPP server, the SMSC simulator).
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';

export interface SmppListenOptions {
  port: number;
  host?: string;
  /** With a key and certificate the listener speaks TLS only. */
  tls?: { key: Buffer | string; cert: Buffer | string };
  /** Errors after listening (an accept failing…); before, `listen` rejects. */
  onError?: (err: Error) => void;
}

export class SmppListener {
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Listens; every accepted (and, with TLS, handshaken) socket goes to `onSocket`. */
  static async listen(
    options: SmppListenOptions,
    onSocket: (socket: net.Socket) => void,
  ): Promise<SmppListener> {
    const server = options.tls
      ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onSocket)
      : net.createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err: Error) => options.onError?.(err));
    if (options.tls) {
      // A client that fails the handshake is its own problem, not the listener's.
      server.on('tlsClientError', () => undefined);
    }
    return new SmppListener(server, (server.address() as AddressInfo).port);
  }

  /** Stops accepting; resolves once every accepted connection has closed too. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
