// SMTP connector: e-mail through a pooled nodemailer transport. Reply codes decide the failure
// kind: 4xx is retryable, 5xx permanent; connection-level problems (refused, timed out, closed,
// refused login) are retryable, since another attempt or route can succeed.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import {
  type Connector,
  type FailureKind,
  type InboundHandler,
  type OutboundMessage,
  type ProbeResult,
  type ReceiptHandler,
  type SubmitResult,
} from '../types.js';

export interface SmtpConnectorOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when offered. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTls?: boolean;
  /** Never use STARTTLS, even when offered. */
  ignoreTls?: boolean;
  /** Accept self-signed certificates (default false: verify). */
  allowInvalidCertificates?: boolean;
  auth?: { user: string; pass: string };
  /** Connections kept in the pool (default 5). */
  maxConnections?: number;
  /** Messages per connection before it is recycled (default 100). */
  maxMessagesPerConnection?: number;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** Host name announced in EHLO. */
  clientName?: string;
}

const RETRYABLE_ERROR_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EAUTH',
  'EPROTOCOL',
  'ETLS',
]);

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** How a nodemailer error maps onto a submit failure. */
export function classifySmtpError(err: unknown): { kind: FailureKind; code: string; message: string } {
  const e = (err instanceof Error ? err : new Error(String(err))) as SmtpError;
  const message = e.response ?? e.message;
  if (e.code === 'EAUTH') {
    // A refused login is the provider's configuration, not the message's fault: another
    // attempt (after a fix, or on another route) can succeed.
    return { kind: 'retryable', code: 'EAUTH', message };
  }
  if (typeof e.responseCode === 'number') {
    return {
      kind: e.responseCode >= 500 ? 'permanent' : 'retryable',
      code: `SMTP_${e.responseCode}`,
      message,
    };
  }
  const code = e.code ?? 'SMTP_ERROR';
  return { kind: RETRYABLE_ERROR_CODES.has(code) ? 'retryable' : 'permanent', code, message };
}

export class SmtpConnector implements Connector {
  readonly type = 'smtp' as const;
  private transporter: Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options> | null = null;
  private closed = false;

  constructor(private readonly options: SmtpConnectorOptions) {}

  /** Creates the pool and checks the server answers (and accepts the login, if any). */
  async connect(): Promise<void> {
    await this.pool().verify();
  }

  async submit(message: OutboundMessage): Promise<SubmitResult> {
    if (message.channel !== 'email') {
      return {
        ok: false,
        kind: 'permanent',
        code: 'UNSUPPORTED_CHANNEL',
        message: 'SMTP carries e-mail only',
      };
    }
    if (this.closed) {
      return { ok: false, kind: 'retryable', code: 'CONNECTOR_CLOSED', message: 'SMTP connector is closed' };
    }
    try {
      const info = await this.pool().sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        ...(message.text !== undefined ? { text: message.text } : {}),
        ...(message.html !== undefined ? { html: message.html } : {}),
        ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
        headers: { ...message.headers, 'X-Pigeon-Message-Id': message.id },
      });
      const rejected = info.rejected.map(String);
      if (rejected.length > 0 && info.accepted.length === 0) {
        return {
          ok: false,
          kind: 'permanent',
          code: 'SMTP_REJECTED',
          message: `rejected: ${rejected.join(', ')}`,
        };
      }
      return { ok: true, providerMessageIds: [info.messageId], parts: 1 };
    } catch (err) {
      return { ok: false, ...classifySmtpError(err) };
    }
  }

  /** SMTP has no delivery receipts in this connector (bounces arrive as mail). */
  onReceipt(_handler: ReceiptHandler): () => void {
    return () => undefined;
  }

  onInbound(_handler: InboundHandler): () => void {
    return () => undefined;
  }

  /** Opens a connection, greets, logs in if configured and quits (nodemailer's verify). */
  async probe(): Promise<ProbeResult> {
    const checkedAt = new Date();
    if (this.closed) {
      return { healthy: false, detail: 'connector closed', checkedAt };
    }
    const started = performance.now();
    try {
      await this.pool().verify();
      return {
        healthy: true,
        latencyMs: performance.now() - started,
        detail: 'SMTP server answered',
        checkedAt,
      };
    } catch (err) {
      const { code, message } = classifySmtpError(err);
      return { healthy: false, detail: `${code}: ${message}`, checkedAt };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.transporter?.close();
    this.transporter = null;
  }

  private pool(): Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options> {
    if (!this.transporter) {
      const o = this.options;
      this.transporter = nodemailer.createTransport({
        pool: true,
        host: o.host,
        port: o.port,
        secure: o.secure ?? false,
        requireTLS: o.requireTls ?? false,
        ignoreTLS: o.ignoreTls ?? false,
        tls: { rejectUnauthorized: !(o.allowInvalidCertificates ?? false) },
        ...(o.auth ? { auth: { user: o.auth.user, pass: o.auth.pass } } : {}),
        maxConnections: o.maxConnections ?? 5,
        maxMessages: o.maxMessagesPerConnection ?? 100,
        connectionTimeout: o.connectionTimeoutMs ?? 10_000,
        greetingTimeout: o.connectionTimeoutMs ?? 10_000,
        socketTimeout: o.socketTimeoutMs ?? 30_000,
        ...(o.clientName ? { name: o.clientName } : {}),
      });
    }
    return this.transporter;
  }
}
