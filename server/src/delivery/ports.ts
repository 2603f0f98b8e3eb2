// The delivery engine's ports (ARCHITECTURE §2a, §4): what it needs from the rest of the
// platform, declared here so the engine imports no module. The messages module implements the
// work source and the outcome sink (it owns message rows and their lifecycle); the providers
// module implements the connector source. app.ts wires them.
import type { QueuePriority } from '../platform/queue/queue.js';
import type { Connector, DeliveryReceipt, OutboundMessage, SubmitResult } from './connectors/types.js';

/** One message to put in a provider's queue, now or at `due` (epoch ms). */
export interface Requeue {
  id: string;
  providerId: string;
  priority: QueuePriority;
  /** Not before this time (a retry's backoff); 0 or past = at once. */
  due: number;
}

/** A leased message, ready to submit. */
export interface Work {
  id: string;
  providerId: string;
  message: OutboundMessage;
}

export interface SubmitReport {
  id: string;
  providerId: string;
  result: SubmitResult;
  /** Epoch ms when the submit started and ended. */
  startedAt: number;
  finishedAt: number;
}

export interface ReceiptReport {
  providerId: string;
  receipt: DeliveryReceipt;
}

export interface WorkSource {
  /** At start: every message that should be in a queue (queued rows, leases left by a crash). */
  recover(onChunk: (items: Requeue[]) => void): Promise<number>;
  /** Asked about once a second: work that fell due (scheduled sends, leases that ran out). */
  due(): Promise<Requeue[]>;
  /**
   * Leases queued messages for a provider (durably, before anything goes on the wire) and
   * returns what to submit; messages no longer queued for it are left out, expired ones end.
   */
  lease(providerId: string, ids: readonly string[]): Promise<Work[]>;
  /** Moves queued messages off a provider that cannot take traffic; returns where they went. */
  reroute(providerId: string, ids: readonly string[]): Promise<Requeue[]>;
}

export interface OutcomeSink {
  /**
   * Records submit results and receipts in one durable write and returns the retries to queue.
   * Resolves only once stored: a receipt is acknowledged to the SMSC after that.
   */
  record(results: readonly SubmitReport[], receipts: readonly ReceiptReport[]): Promise<Requeue[]>;
}

export interface ProviderTraffic {
  /** Providers that exist and may take traffic now, and those that exist but may not. */
  states(): Promise<{ known: ReadonlySet<string>; blocked: ReadonlySet<string> }>;
  /** Submit outcomes per provider for the freeze rule (DL-5) and provider quotas. */
  report(providerId: string, outcome: { sent: number; failures: readonly string[] }): void;
}

export interface ConnectorSource {
  get(providerId: string): Connector | undefined;
  /** Called for every connector that comes up (now and later). */
  onConnector(attach: (providerId: string, connector: Connector) => void): void;
  liveProviderIds(): string[];
}

/** What the accept path (and later campaigns) hands to the engine after commit. */
export interface WorkIntake {
  enqueue(items: readonly Requeue[]): void;
  /** Messages queued or waiting for a retry (backpressure). */
  backlog(): number;
}

/** One provider queue as operators see it. */
export interface QueueState {
  providerId: string;
  queued: number;
  inflight: number;
  paused: boolean;
}

/** What the messages module steers of the engine: its queues, and its life (start, close). */
export interface DeliveryControl extends WorkIntake {
  queues(): QueueState[];
  queueDepths(): Record<string, number>;
  pause(providerId: string): void;
  resume(providerId: string): void;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when every result and receipt handed in so far is written. */
  idle(): Promise<void>;
}
