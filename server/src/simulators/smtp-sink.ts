// SMTP sink: an SMTP server (smtp-server + mailparser) that accepts mail and keeps it in memory,
// a bounded list, for demo mode, tests and benchmarks. Recipients matching a pattern are refused
// with a chosen reply code, so connectors can be tested against 4xx and 5xx answers, and shares
// of transactions get the temporary answers of a struggling mail server (issue 26): 421 at MAIL
// FROM (and the connection closed), 454 at RCPT TO, 451 after DATA.
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';

export interface RecipientFailure {
  /** Matched against the whole recipient address. */
  pattern: RegExp;
  /** SMTP reply code: 4xx temporary, 5xx permanent. */
  code: number;
  message?: string;
}

export interface SmtpSinkOptions {
  host?: string;
  /** Messages kept (oldest dropped first); default 1000. */
  maxMessages?: number;
  /** Default: `^fail5` → 550, `^fail4` → 451. */
  failures?: RecipientFailure[];
  /** Require AUTH with these credentials; by default AUTH is optional. */
  auth?: { user: string; pass: string };
  /** Largest message accepted, in bytes (default 10 MiB). */
  maxSize?: number;
  /** Shares (0–1) of transactions answered 421 (MAIL FROM), 451 (after DATA) or 454 (RCPT TO). */
  transientFailures?: TransientFailureShares;
  /** Random source in [0, 1), for repeatable transient failures. */
  random?: () => number;
}

export type TransientCode = 421 | 451 | 454;
export type TransientFailureShares = Partial<Record<TransientCode, number>>;

const TRANSIENT_REPLIES: Readonly<Record<TransientCode, string>> = {
  421: 'Service not available, closing transmission channel (simulated)',
  451: 'Requested action aborted: local error in processing (simulated)',
  454: 'Temporary failure, try again later (simulated)',
};

export interface SinkMessage {
  messageId: string;
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  size: number;
  receivedAt: Date;
}

export interface SmtpSinkCounters {
  connections: number;
  messagesAccepted: number;
  recipientsAccepted: number;
  recipientsRejected: number;
  authFailures: number;
  /** Transactions answered with each simulated temporary failure. */
  transient421: number;
  transient451: number;
  transient454: number;
}

export const DEFAULT_RECIPIENT_FAILURES: readonly RecipientFailure[] = [
  { pattern: /^fail5/i, code: 550, message: 'Mailbox unavailable (simulated)' },
  { pattern: /^fail4/i, code: 451, message: 'Try again later (simulated)' },
];

interface SmtpReplyError extends Error {
  responseCode: number;
}

function replyError(code: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter((a) => a !== '');
}

export class SmtpSink {
  readonly counters: SmtpSinkCounters = {
    connections: 0,
    messagesAccepted: 0,
    recipientsAccepted: 0,
    recipientsRejected: 0,
    authFailures: 0,
    transient421: 0,
    transient451: 0,
    transient454: 0,
  };

  private server: SMTPServer | null = null;
  private store: SinkMessage[] = [];
  private actualPort = 0;
  /** The temporary failure chosen for each connection's current transaction. */
  private readonly planned = new Map<string, TransientCode>();
  private transient: TransientFailureShares;

  constructor(private readonly options: SmtpSinkOptions = {}) {
    this.transient = { ...options.transientFailures };
  }

  /** Changes the shares of temporary failures while running. */
  configure(options: { transientFailures?: TransientFailureShares }): void {
    this.transient = { ...options.transientFailures };
  }

  get port(): number {
    return this.actualPort;
  }

  async start(options: { port?: number } = {}): Promise<number> {
    const auth = this.options.auth;
    const server = new SMTPServer({
      logger: false,
      banner: 'Pigeon SMTP sink',
      disabledCommands: ['STARTTLS'],
      authOptional: !auth,
      allowInsecureAuth: true,
      disableReverseLookup: true,
      size: this.options.maxSize ?? 10 * 1024 * 1024,
      onConnect: (_session, callback) => {
        this.counters.connections++;
        callback();
      },
      onAuth: (credentials, _session, callback) => {
        if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
          callback(null, { user: credentials.username });
          return;
        }
        this.counters.authFailures++;
        callback(replyError(535, 'Authentication failed'));
      },
      onMailFrom: (_address, session, callback) => {
        const code = this.pickTransient();
        this.planned.delete(session.id);
        if (code === 421) {
          this.counters.transient421++;
          callback(replyError(421, TRANSIENT_REPLIES[421]));
          return;
        }
        if (code !== null) {
          this.planned.set(session.id, code);
        }
        callback();
      },
      onRcptTo: (address, session, callback) => {
        if (this.planned.get(session.id) === 454) {
          this.counters.transient454++;
          callback(replyError(454, TRANSIENT_REPLIES[454]));
          return;
        }
        this.checkRecipient(address, session, callback);
      },
      onClose: (session) => {
        this.planned.delete(session.id);
      },
      onData: (stream, session, callback) => {
        if (this.planned.get(session.id) === 451) {
          this.planned.delete(session.id);
          stream.on('end', () => {
            this.counters.transient451++;
            callback(replyError(451, TRANSIENT_REPLIES[451]));
          });
          stream.resume();
          return;
        }
        this.receive(stream, session).then(
          () => callback(),
          (err: unknown) =>
            callback(replyError(451, err instanceof Error ? err.message : 'could not read message')),
        );
      },
    });
    this.server = server;
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.actualPort = (server.server.address() as AddressInfo).port;
    return this.actualPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Accepted messages, oldest first. */
  messages(): SinkMessage[] {
    return [...this.store];
  }

  clear(): void {
    this.store = [];
  }

  /** One roll per transaction: 421, 451, 454 by their shares, or none. */
  private pickTransient(): TransientCode | null {
    const shares = this.transient;
    const total = (shares[421] ?? 0) + (shares[451] ?? 0) + (shares[454] ?? 0);
    if (total <= 0) {
      return null;
    }
    let roll = (this.options.random ?? Math.random)();
    for (const code of [421, 451, 454] as const) {
      roll -= shares[code] ?? 0;
      if (roll < 0) {
        return code;
      }
    }
    return null;
  }

  private checkRecipient(
    address: SMTPServerAddress,
    _session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const failure = (this.options.failures ?? DEFAULT_RECIPIENT_FAILURES).find((f) =>
      f.pattern.test(address.address),
    );
    if (failure) {
      this.counters.recipientsRejected++;
      callback(replyError(failure.code, failure.message ?? `Recipient refused (simulated ${failure.code})`));
      return;
    }
    this.counters.recipientsAccepted++;
    callback();
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(stream);
    const headers: Record<string, string> = {};
    for (const line of parsed.headerLines) {
      headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
    }
    const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
    this.store.push({
      messageId: parsed.messageId ?? '',
      envelopeFrom,
      envelopeTo: session.envelope.rcptTo.map((r) => r.address),
      from: addresses(parsed.from)[0] ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : null,
      headers,
      size: stream.byteLength,
      receivedAt: new Date(),
    });
    const max = this.options.maxMessages ?? 1000;
    if (this.store.length > max) {
      this.store.splice(0, this.store.length - max);
    }
    this.counters.messagesAccepted++;
  }
}
