// The one small interface every delivery connector implements (ARCHITECTURE §4): connect,
// submit, receipts, inbound messages, probe, close. Plain TypeScript: no database, no queue —
// the engine and the providers module own those and drive connectors through this interface.

export type ConnectorType = 'smpp' | 'smtp' | 'http';

export interface SmsOutbound {
  channel: 'sms';
  /** Pigeon's message id; connectors use it in logs, templates and as a correlation key. */
  id: string;
  to: string;
  from: string;
  text: string;
  /** Replace typographic characters by GSM-7 look-alikes when that avoids UCS-2. */
  smartEncoding?: boolean;
  /** Ask for a delivery receipt (default true). */
  requestReceipt?: boolean;
  /** Validity period in seconds, when the provider should give up delivering. */
  validitySeconds?: number;
}

export interface EmailOutbound {
  channel: 'email';
  id: string;
  to: string;
  from: string;
  subject: string;
  text?: string;
  html?: string;
  replyTo?: string;
  headers?: Record<string, string>;
}

export type OutboundMessage = SmsOutbound | EmailOutbound;

export type FailureKind = 'retryable' | 'permanent';

export interface SubmitAccepted {
  ok: true;
  /** One id per part, in part order, normalized (see each connector's normalizer). */
  providerMessageIds: string[];
  /** Number of parts sent (SMS segments; 1 for other channels). */
  parts: number;
  /** The SMS encoding used, when the channel has one. */
  encoding?: 'gsm7' | 'ucs2';
}

export interface SubmitFailure {
  ok: false;
  kind: FailureKind;
  /** Stable machine-readable code: `ESME_RINVDSTADR`, `SMTP_550`, `HTTP_503`, `TIMEOUT`… */
  code: string;
  message: string;
  /**
   * Parts the provider had already accepted before the failure (a long SMS can fail half way);
   * their receipts may still arrive.
   */
  acceptedProviderMessageIds?: string[];
  /** When the provider said when to come back (HTTP 429/503 Retry-After). */
  retryAfterMs?: number;
}

export type SubmitResult = SubmitAccepted | SubmitFailure;

/** Delivery state reported by a receipt (SMPP message_state names, lower-cased). */
export type ReceiptStatus =
  'enroute' | 'delivered' | 'expired' | 'deleted' | 'undelivered' | 'accepted' | 'unknown' | 'rejected';

export interface DeliveryReceipt {
  /** Normalized so it equals the id returned by `submit` for the same part. */
  providerMessageId: string;
  /** The id exactly as the provider wrote it in the receipt. */
  rawProviderMessageId: string;
  status: ReceiptStatus;
  /** True when the status is final (anything but enroute/accepted). */
  isFinal: boolean;
  /** The provider's own status word (`DELIVRD`, `UNDELIV`…) or code. */
  providerStatus: string;
  errorCode?: string;
  submittedAt?: Date;
  doneAt?: Date;
  receivedAt: Date;
}

export interface InboundMessage {
  from: string;
  to: string;
  text: string;
  encoding: 'gsm7' | 'ucs2' | 'latin1' | 'ascii' | 'binary';
  /** Parts it arrived in; a long message is reassembled before it is reported. */
  parts: number;
  /** False when parts were still missing when the reassembly timeout expired. */
  isComplete: boolean;
  receivedAt: Date;
}

export interface ProbeResult {
  healthy: boolean;
  /** Round-trip time of the probe, when one was made. */
  latencyMs?: number;
  detail: string;
  checkedAt: Date;
}

/**
 * Handlers may return a promise: the SMPP connector acknowledges a deliver_sm only after it
 * settles (and asks the SMSC to retry when it rejects), so a receipt is never acknowledged
 * before the engine has taken it.
 */
export type ReceiptHandler = (receipt: DeliveryReceipt) => void | Promise<void>;
export type InboundHandler = (message: InboundMessage) => void | Promise<void>;

export interface Connector {
  readonly type: ConnectorType;
  /** Opens connections (binds, pools); resolves once the connector can submit or throws. */
  connect(): Promise<void>;
  /** Never throws for delivery problems: every outcome is a `SubmitResult`. */
  submit(message: OutboundMessage): Promise<SubmitResult>;
  /** Registers a receipt handler; returns a function that removes it. */
  onReceipt(handler: ReceiptHandler): () => void;
  /** Registers an inbound (MO) handler; returns a function that removes it. */
  onInbound(handler: InboundHandler): () => void;
  /** Health check: SMPP bind state and enquire_link, SMTP NOOP, HTTP health URL. */
  probe(): Promise<ProbeResult>;
  /** Stops accepting submits, fails what is pending as retryable, closes connections. */
  close(): Promise<void>;
}

export function isFinalReceiptStatus(status: ReceiptStatus): boolean {
  return status !== 'enroute' && status !== 'accepted';
}

export type CombinedDeliveryState =
  'delivered' | 'undelivered' | 'expired' | 'partially_delivered' | 'pending';

/**
 * One final state for a message from the receipts of its parts (a long SMS gets one receipt
 * per part): delivered when all parts were, partially_delivered when some were and the rest
 * failed, otherwise the failure (expired only when every failed part expired); pending while a
 * part has no final receipt yet.
 */
export function combinePartStates(parts: readonly (ReceiptStatus | undefined)[]): CombinedDeliveryState {
  if (parts.length === 0 || parts.some((s) => s === undefined || !isFinalReceiptStatus(s))) {
    return 'pending';
  }
  const delivered = parts.filter((s) => s === 'delivered').length;
  if (delivered === parts.length) {
    return 'delivered';
  }
  if (delivered > 0) {
    return 'partially_delivered';
  }
  return parts.every((s) => s === 'expired') ? 'expired' : 'undelivered';
}

/** Small helper for connectors: a set of handlers with add/remove/emit. */
export class HandlerSet<T> {
  private readonly handlers = new Set<(value: T) => void | Promise<void>>();

  add(handler: (value: T) => void | Promise<void>): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  get size(): number {
    return this.handlers.size;
  }

  /** Calls every handler; resolves when all settled, rejects if any failed. */
  async emit(value: T): Promise<void> {
    const results = await Promise.allSettled([...this.handlers].map(async (h) => h(value)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
  }
}
