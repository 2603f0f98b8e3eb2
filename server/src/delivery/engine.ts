// The delivery engine (ARCHITECTURE §4, DL-2, DL-3, DL-6): per-provider queues of message ids,
// workers that lease messages in batches and submit them through connectors with a bounded
// in-flight window, delayed retries, and receipts handed on for durable storage. It knows
// messages only through its ports (ports.ts): the work source leases and re-routes, the outcome
// sink records results and receipts (one write per turn for both) and says what to retry.
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../platform/clock.js';
import { EmbeddedQueue, type WorkQueue } from '../platform/queue/queue.js';
import { Batcher } from '../platform/batcher.js';
import { DueHeap } from './heap.js';
import type { Connector, DeliveryReceipt } from './connectors/types.js';
import type {
  ConnectorSource,
  OutcomeSink,
  ProviderTraffic,
  ReceiptReport,
  Requeue,
  SubmitReport,
  Work,
  WorkIntake,
  WorkSource,
} from './ports.js';

/** A queue whose provider cannot take traffic is offered to other routes at most this often. */
const REROUTE_EVERY_MS = 30_000;

export interface EngineOptions {
  /** Submits outstanding per provider (the connector applies its own window below it). */
  inflight: number;
  /** How long close() waits for submits under way. */
  shutdownTimeoutMs: number;
}

export interface EngineDeps {
  clock: Clock;
  log: Logger;
  work: WorkSource;
  outcomes: OutcomeSink;
  connectors: ConnectorSource;
  traffic: ProviderTraffic;
}

export interface QueueState {
  providerId: string;
  queued: number;
  inflight: number;
  paused: boolean;
}

type Outcome = { kind: 'result'; report: SubmitReport } | { kind: 'receipt'; report: ReceiptReport };

export class DeliveryEngine implements WorkIntake {
  readonly queue: WorkQueue = new EmbeddedQueue();
  private readonly inflight = new Map<string, number>();
  private readonly paused = new Set<string>();
  /** Providers that must not take traffic now (disabled, frozen). */
  private blocked: ReadonlySet<string> = new Set();
  private readonly delayed = new DueHeap<Requeue>();
  private readonly reroutedAt = new Map<string, number>();
  private readonly writes: Batcher<Outcome, void>;
  private readonly timers: TimerHandle[] = [];
  private ticking: Promise<void> | null = null;
  private submitting = 0;
  private closed = false;
  private started = false;
  readonly counters = { submitted: 0, results: 0, retried: 0, receipts: 0 };

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: EngineOptions,
  ) {
    this.writes = new Batcher((items) => this.write(items), 4000);
    this.queue.onPush((providerId) => this.pump(providerId));
  }

  // --- intake ---------------------------------------------------------------------------------

  backlog(): number {
    return this.queue.total() + this.delayed.size;
  }

  enqueue(items: readonly Requeue[]): void {
    const now = this.deps.clock.now();
    const byProvider = new Map<string, Requeue[]>();
    for (const it of items) {
      if (it.due > now) {
        this.delayed.push(it);
        continue;
      }
      const list = byProvider.get(it.providerId) ?? [];
      list.push(it);
      byProvider.set(it.providerId, list);
    }
    for (const [providerId, list] of byProvider) {
      this.queue.push(providerId, list);
    }
  }

  // --- state for the console -----------------------------------------------------------------

  queues(): QueueState[] {
    const ids = new Set([
      ...Object.keys(this.queue.sizes()),
      ...this.inflight.keys(),
      ...this.paused,
      ...this.deps.connectors.liveProviderIds(),
    ]);
    return [...ids].sort().map((providerId) => ({
      providerId,
      queued: this.queue.size(providerId),
      inflight: this.inflight.get(providerId) ?? 0,
      paused: this.paused.has(providerId),
    }));
  }

  queueDepths(): Record<string, number> {
    return this.queue.sizes();
  }

  pause(providerId: string): void {
    this.paused.add(providerId);
  }

  resume(providerId: string): void {
    this.paused.delete(providerId);
    this.pump(providerId);
  }

  // --- life cycle -----------------------------------------------------------------------------

  /** Resumes queued work (DL-6), hangs receipt handlers on connectors and starts the timers. */
  async start(): Promise<void> {
    if (this.started) {
      return;
    }
    this.started = true;
    await this.refreshBlocked();
    const count = await this.deps.work.recover((items) => this.enqueue(items));
    if (count > 0) {
      this.deps.log.info({ count }, 'resumed queued messages');
    }
    this.deps.connectors.onConnector((providerId, connector) => this.attach(providerId, connector));
    const { clock } = this.deps;
    this.timers.push(clock.setInterval(() => this.releaseDelayed(), 100));
    this.timers.push(clock.setInterval(() => void this.tick(), 1000));
    void this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) {
      t.cancel();
    }
    // Give submits under way a moment to finish; what is left keeps its lease and is resumed
    // by the next start.
    const deadline = Date.now() + Math.min(5000, this.opts.shutdownTimeoutMs);
    while (this.submitting > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.ticking;
    await this.writes.idle();
  }

  /** Resolves when every result and receipt handed in so far is written (tests, shutdown). */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  private attach(providerId: string, connector: Connector): void {
    connector.onReceipt((receipt) => this.onReceipt(providerId, receipt));
    this.pump(providerId);
  }

  // --- workers ------------------------------------------------------------------------------

  private pump(providerId: string): void {
    if (this.closed || !this.started || this.paused.has(providerId) || this.blocked.has(providerId)) {
      return;
    }
    const connector = this.deps.connectors.get(providerId);
    if (!connector) {
      return;
    }
    const max = this.opts.inflight;
    let n = this.inflight.get(providerId) ?? 0;
    while (n < max && this.queue.size(providerId) > 0) {
      const ids = this.queue.take(providerId, Math.min(256, max - n));
      n += ids.length;
      this.inflight.set(providerId, n);
      void this.dispatch(providerId, connector, ids);
    }
  }

  private release(providerId: string, count: number): void {
    const n = (this.inflight.get(providerId) ?? count) - count;
    if (n <= 0) {
      this.inflight.delete(providerId);
    } else {
      this.inflight.set(providerId, n);
    }
  }

  private async dispatch(providerId: string, connector: Connector, ids: string[]): Promise<void> {
    let work: Work[];
    try {
      work = await this.deps.work.lease(providerId, ids);
    } catch (err) {
      this.deps.log.error({ err, providerId }, 'leasing messages failed; they are put back');
      this.release(providerId, ids.length);
      this.queue.push(
        providerId,
        ids.map((id) => ({ id, priority: 1 })),
      );
      return;
    }
    this.release(providerId, ids.length - work.length);
    await Promise.all(work.map((w) => this.submitOne(providerId, connector, w)));
    this.pump(providerId);
  }

  private async submitOne(providerId: string, connector: Connector, w: Work): Promise<void> {
    this.submitting++;
    try {
      const startedAt = this.deps.clock.now();
      this.counters.submitted++;
      const result = await connector.submit(w.message);
      if (this.closed) {
        // Not recorded: the lease stays, and the next start sends it again (counted there).
        return;
      }
      const report: SubmitReport = {
        id: w.id,
        providerId,
        result,
        startedAt,
        finishedAt: this.deps.clock.now(),
      };
      await this.writes.add({ kind: 'result', report });
    } catch (err) {
      this.deps.log.error({ err, messageId: w.id }, 'recording a submit result failed');
    } finally {
      this.submitting--;
      this.release(providerId, 1);
    }
  }

  // --- results and receipts -----------------------------------------------------------------

  private onReceipt(providerId: string, receipt: DeliveryReceipt): Promise<void> {
    this.counters.receipts++;
    return this.writes.add({ kind: 'receipt', report: { providerId, receipt } });
  }

  private async write(items: Outcome[]): Promise<void[]> {
    const results: SubmitReport[] = [];
    const receipts: ReceiptReport[] = [];
    for (const it of items) {
      if (it.kind === 'result') {
        results.push(it.report);
      } else {
        receipts.push(it.report);
      }
    }
    const retries = await this.deps.outcomes.record(results, receipts);
    this.counters.results += results.length;
    this.counters.retried += retries.length;
    this.enqueue(retries);
    this.reportTraffic(results);
    return items.map(() => undefined);
  }

  /** The freeze rule and provider quotas count outcomes per provider, once per batch. */
  private reportTraffic(results: readonly SubmitReport[]): void {
    const byProvider = new Map<string, { sent: number; failures: string[] }>();
    for (const r of results) {
      const s = byProvider.get(r.providerId) ?? { sent: 0, failures: [] };
      if (r.result.ok) {
        s.sent++;
        s.failures = [];
      } else if (r.result.kind === 'retryable') {
        // Only the provider's own trouble counts toward a freeze, not a bad number.
        s.failures.push(`${r.result.code}: ${r.result.message}`);
      }
      byProvider.set(r.providerId, s);
    }
    for (const [providerId, outcome] of byProvider) {
      this.deps.traffic.report(providerId, outcome);
    }
  }

  // --- timers -------------------------------------------------------------------------------

  private releaseDelayed(): void {
    if (this.closed) {
      return;
    }
    const due = this.delayed.popDue(this.deps.clock.now(), 10_000);
    if (due.length > 0) {
      this.enqueue(due.map((d) => ({ ...d, due: 0 })));
    }
  }

  /** Once a second: work that fell due, blocked providers' queues offered to other routes. */
  private tick(): Promise<void> {
    if (this.ticking || this.closed) {
      return this.ticking ?? Promise.resolve();
    }
    this.ticking = (async () => {
      this.enqueue(await this.deps.work.due());
      const known = await this.refreshBlocked();
      for (const providerId of Object.keys(this.queue.sizes())) {
        if (this.paused.has(providerId)) {
          continue;
        }
        if (known.has(providerId) && !this.blocked.has(providerId)) {
          this.pump(providerId);
          continue;
        }
        await this.reroute(providerId);
      }
    })()
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'delivery engine tick failed');
      })
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async refreshBlocked(): Promise<ReadonlySet<string>> {
    const { known, blocked } = await this.deps.traffic.states();
    const unblocked = [...this.blocked].filter((id) => !blocked.has(id));
    this.blocked = blocked;
    for (const id of unblocked) {
      this.pump(id);
    }
    return known;
  }

  /** Queues of providers that cannot take traffic fail over; what has no other route waits. */
  private async reroute(providerId: string): Promise<void> {
    const now = this.deps.clock.now();
    if (now - (this.reroutedAt.get(providerId) ?? 0) < REROUTE_EVERY_MS) {
      return;
    }
    this.reroutedAt.set(providerId, now);
    const items = this.queue.drain(providerId);
    const moved = new Set<string>();
    for (let i = 0; i < items.length; i += 500) {
      const chunk = items.slice(i, i + 500);
      const to = await this.deps.work.reroute(
        providerId,
        chunk.map((c) => c.id),
      );
      for (const r of to) {
        moved.add(r.id);
      }
      this.enqueue(to);
    }
    const stay = items.filter((it) => !moved.has(it.id));
    if (stay.length > 0) {
      // Nothing else can take them: they wait for this provider (a blocked queue is not pumped).
      this.queue.push(providerId, stay);
    }
  }
}
