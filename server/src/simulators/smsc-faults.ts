// The carrier weather of the SMSC simulator (issue 26): how a submit is answered (accepted,
// throttled by share, by bursts or above a TPS, queue full, another error) and after how long,
// and whether its receipt overtakes the answer. Decisions only; the simulator acts on them.
import { SmppStatus, TokenBucket } from '../lib/smpp/index.js';

export interface SmscFaultOptions {
  /** Delay before each submit_sm_resp. */
  latencyMs?: number;
  /** Plus a uniform random 0…latencyJitterMs (answers then overtake each other, as on a carrier). */
  latencyJitterMs?: number;
  /** A share of answers comes after minMs…maxMs instead (a slow carrier, a stuck node). */
  slowAnswers?: { share: number; minMs: number; maxMs: number };
  /** Share of submits answered with `errorStatus` (0–1). */
  errorRate?: number;
  errorStatus?: number;
  /** Share of submits answered with ESME_RTHROTTLED (0–1). */
  throttleRate?: number;
  /**
   * Everything is answered ESME_RTHROTTLED for `durationMs` at the end of every `everyMs`
   * period counted from start (quiet first: with 10 s / 2 s, seconds 8–10, 18–20…).
   */
  throttleBursts?: { everyMs: number; durationMs: number };
  /** Share of submits answered with ESME_RMSGQFUL (0–1). */
  queueFullRate?: number;
  /** Submits per second above which ESME_RTHROTTLED is answered. */
  maxTps?: number;
  /** Share of receipts sent before the submit_sm_resp of their message (0–1). */
  receiptsBeforeResponseRate?: number;
  /** No latency and immediate receipts, for benchmarks. */
  instant?: boolean;
}

export type SubmitVerdict = 'accept' | 'throttled' | 'queueFull' | 'error';

export class SmscFaults {
  private bucket: TokenBucket | null = null;
  private startedAt: number;

  constructor(
    private options: SmscFaultOptions,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    this.configure(options);
  }

  configure(options: SmscFaultOptions): void {
    const previousTps = this.options.maxTps;
    this.options = options;
    if (!this.bucket || previousTps !== options.maxTps) {
      const tps = options.maxTps;
      this.bucket = tps && tps > 0 ? new TokenBucket(tps) : null;
    }
  }

  /** Bursts are counted from here (the simulator's start). */
  restartClock(): void {
    this.startedAt = this.now();
  }

  /** True while a throttling burst is on. */
  inBurst(): boolean {
    const b = this.options.throttleBursts;
    if (!b || b.everyMs <= 0 || b.durationMs <= 0) {
      return false;
    }
    const phase = (this.now() - this.startedAt) % b.everyMs;
    return phase >= b.everyMs - b.durationMs;
  }

  /**
   * How to answer the next submit. Random numbers are drawn only for shares above 0, in a
   * fixed order (throttle, queue full, error), so a seeded source gives the same run again.
   */
  verdict(): SubmitVerdict {
    const o = this.options;
    if (this.inBurst()) {
      return 'throttled';
    }
    const throttleRate = o.throttleRate ?? 0;
    if ((throttleRate > 0 && this.random() < throttleRate) || (this.bucket && !this.bucket.tryTake())) {
      return 'throttled';
    }
    const queueFullRate = o.queueFullRate ?? 0;
    if (queueFullRate > 0 && this.random() < queueFullRate) {
      return 'queueFull';
    }
    const errorRate = o.errorRate ?? 0;
    if (errorRate > 0 && this.random() < errorRate) {
      return 'error';
    }
    return 'accept';
  }

  /** The command_status of a verdict. */
  statusOf(verdict: SubmitVerdict): number {
    switch (verdict) {
      case 'accept':
        return SmppStatus.ESME_ROK;
      case 'throttled':
        return SmppStatus.ESME_RTHROTTLED;
      case 'queueFull':
        return SmppStatus.ESME_RMSGQFUL;
      case 'error':
        return this.options.errorStatus ?? SmppStatus.ESME_RSYSERR;
    }
  }

  /** Milliseconds before the next submit_sm_resp. */
  answerDelayMs(): number {
    const o = this.options;
    if (o.instant) {
      return 0;
    }
    const slow = o.slowAnswers;
    if (slow && slow.share > 0 && this.random() < slow.share) {
      return slow.minMs + this.random() * Math.max(0, slow.maxMs - slow.minMs);
    }
    const jitter = o.latencyJitterMs ?? 0;
    return (o.latencyMs ?? 0) + (jitter > 0 ? this.random() * jitter : 0);
  }

  /** Whether an accepted submit's receipt goes out before its submit_sm_resp. */
  receiptFirst(): boolean {
    const rate = this.options.receiptsBeforeResponseRate ?? 0;
    return rate > 0 && this.random() < rate;
  }
}
