// The submit window of the SMPP connector: parts queue in order (send-queue.ts), at most
// `window` are on the wire at once, the TPS bucket spaces them, throttling answers pause the
// sender and put the part back in its place, and a part whose outcome is unknown (no response,
// connection lost) is sent again up to `maxSubmitAttempts` times before it is reported.
import {
  isRetryableStatus,
  isThrottleStatus,
  normalizeProviderMessageId,
  SmppStatus,
  statusName,
  type MessageIdFormat,
  type TokenBucket,
} from '../../../lib/smpp/index.js';
import type { FailureKind, SubmitResult } from '../types.js';
import type { SmppLink } from './link.js';
import { SendQueue } from './send-queue.js';
import type { SubmitSmInput } from './submit-parts.js';

export interface PartTask {
  job: SubmitJob;
  index: number;
  /** Queue position: resubmitted parts go back where they were, ahead of later ones. */
  order: number;
  pdu: SubmitSmInput;
  sends: number;
}

export interface SubmitJob {
  parts: PartTask[];
  ids: (string | undefined)[];
  remaining: number;
  encoding: 'gsm7' | 'ucs2';
  settled: boolean;
  deadline: NodeJS.Timeout | null;
  resolve: (result: SubmitResult) => void;
}

interface InFlight {
  task: PartTask;
  sentAt: number;
}

export interface SubmitWindowOptions {
  window: number;
  responseTimeoutMs: number;
  throttlePauseMs: number;
  throttleMaxPauseMs: number;
  maxSubmitAttempts: number;
  submitIdFormat: MessageIdFormat;
  statusKinds: Record<number, FailureKind> | undefined;
}

/** The connector's counters this window keeps up to date. */
export interface SubmitCounters {
  submitsSent: number;
  partsAccepted: number;
  throttled: number;
  resubmitted: number;
}

export function failure(
  kind: FailureKind,
  code: string,
  message: string,
  accepted?: (string | undefined)[],
): SubmitResult {
  const ids = accepted?.filter((id): id is string => id !== undefined) ?? [];
  return ids.length > 0
    ? { ok: false, kind, code, message, acceptedProviderMessageIds: ids }
    : { ok: false, kind, code, message };
}

export class SubmitWindow {
  private readonly queue = new SendQueue<PartTask>();
  private readonly inFlight = new Map<number, InFlight>();
  private pausedUntil = 0;
  private throttleStreak = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly o: SubmitWindowOptions,
    private readonly counters: SubmitCounters,
    /** The link submits go out on (null: receiver only). */
    private readonly sender: SmppLink | null,
    private readonly bucket: TokenBucket | null,
  ) {}

  /** Parts waiting to be sent and parts awaiting a response. */
  get pending(): { queued: number; inFlight: number } {
    return { queued: this.queue.size, inFlight: this.inFlight.size };
  }

  /** Creates the job of a message's parts and queues them; `resolve` gets its one result. */
  enqueue(
    pdus: SubmitSmInput[],
    encoding: 'gsm7' | 'ucs2',
    resolve: (result: SubmitResult) => void,
  ): SubmitJob {
    const job: SubmitJob = {
      parts: [],
      ids: new Array<string | undefined>(pdus.length).fill(undefined),
      remaining: pdus.length,
      encoding,
      settled: false,
      deadline: null,
      resolve,
    };
    job.parts = pdus.map((pdu, index) => ({ job, index, order: this.queue.takeOrder(), pdu, sends: 0 }));
    for (const part of job.parts) {
      this.queue.push(part);
    }
    return job;
  }

  /** Fails everything queued or on the wire with `result`; the window takes nothing more. */
  close(result: SubmitResult): void {
    this.closed = true;
    if (this.wakeTimer) {
      clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
    }
    this.stopSweep();
    for (const { task } of this.inFlight.values()) {
      this.settle(task.job, result);
    }
    this.inFlight.clear();
    for (const task of this.queue.drain()) {
      this.settle(task.job, result);
    }
  }

  /** The sender's connection went down with these submits on the wire. */
  connectionLost(error: Error | null): void {
    if (this.inFlight.size === 0) {
      return;
    }
    // Submits that were on the wire may or may not have reached the SMSC: resend after the
    // rebind (in their original order) or report them as retryable.
    const lost = [...this.inFlight.values()];
    this.inFlight.clear();
    this.stopSweep();
    for (const { task } of lost.reverse()) {
      this.retryOrFail(task, 'CONNECTION_LOST', `SMPP connection lost: ${error?.message ?? 'closed'}`);
    }
  }

  /** Puts as many queued parts on the wire as the window, the bucket and a pause allow. */
  pump(): void {
    const link = this.sender;
    if (this.closed || !link?.isBound) {
      return;
    }
    const now = performance.now();
    if (now < this.pausedUntil) {
      this.wake(this.pausedUntil - now);
      return;
    }
    while (this.inFlight.size < this.o.window) {
      const task = this.queue.peek();
      if (!task) {
        break;
      }
      if (task.job.settled) {
        this.queue.dropHead();
        continue;
      }
      if (this.bucket && !this.bucket.tryTake()) {
        this.wake(this.bucket.waitMs());
        break;
      }
      const sequenceNumber = link.send(task.pdu);
      if (sequenceNumber === null) {
        break; // the socket is going away; the link's close handler takes it from here
      }
      this.queue.dropHead();
      task.sends++;
      this.counters.submitsSent++;
      if (task.sends > 1) {
        this.counters.resubmitted++;
      }
      this.inFlight.set(sequenceNumber, { task, sentAt: performance.now() });
    }
    this.queue.compact();
    if (this.inFlight.size > 0) {
      this.startSweep();
    }
  }

  private wake(ms: number): void {
    const at = performance.now() + ms;
    if (this.wakeTimer && this.wakeAt <= at) {
      return;
    }
    if (this.wakeTimer) {
      clearTimeout(this.wakeTimer);
    }
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.pump();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  /** A part whose outcome is unknown goes again, unless it has been sent often enough. */
  private retryOrFail(task: PartTask, code: string, message: string): void {
    if (task.job.settled) {
      return;
    }
    if (task.sends < this.o.maxSubmitAttempts && !this.closed) {
      this.queue.requeue(task);
    } else {
      this.settle(task.job, failure('retryable', code, message, task.job.ids));
    }
  }

  private startSweep(): void {
    if (this.sweepTimer) {
      return;
    }
    const every = Math.max(10, Math.min(1000, Math.floor(this.o.responseTimeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), every);
    this.sweepTimer.unref();
  }

  private stopSweep(): void {
    if (this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  /** Submits without a response in time count as lost: resent or failed, never forgotten. */
  private sweep(): void {
    if (this.inFlight.size === 0) {
      this.stopSweep();
      return;
    }
    const limit = performance.now() - this.o.responseTimeoutMs;
    let expired = false;
    for (const [seq, entry] of this.inFlight) {
      if (entry.sentAt > limit) {
        break; // insertion order is send order
      }
      this.inFlight.delete(seq);
      expired = true;
      this.retryOrFail(
        entry.task,
        'RESPONSE_TIMEOUT',
        `no submit_sm_resp within ${this.o.responseTimeoutMs} ms`,
      );
    }
    if (expired) {
      this.pump();
    }
  }

  /** Resolves a job once (its deadline, a refusal, the last part accepted, closing). */
  settle(job: SubmitJob, result: SubmitResult): void {
    if (job.settled) {
      return;
    }
    job.settled = true;
    if (job.deadline) {
      clearTimeout(job.deadline);
    }
    job.resolve(result);
  }

  /** A submit_sm_resp, or a generic_nack (`messageId` null) for a submit. */
  onResponse(sequenceNumber: number, status: number, messageId: string | null): void {
    const entry = this.inFlight.get(sequenceNumber);
    if (!entry) {
      return; // late answer to a submit we already counted as lost
    }
    this.inFlight.delete(sequenceNumber);
    const { task } = entry;
    const { job } = task;
    if (status === SmppStatus.ESME_ROK && messageId !== null) {
      this.throttleStreak = 0;
      this.counters.partsAccepted++;
      if (!job.settled && job.ids[task.index] === undefined) {
        job.ids[task.index] = normalizeProviderMessageId(messageId, this.o.submitIdFormat);
        job.remaining--;
        if (job.remaining === 0) {
          this.settle(job, {
            ok: true,
            providerMessageIds: job.ids.map((id) => id ?? ''),
            parts: job.ids.length,
            encoding: job.encoding,
          });
        }
      }
    } else if (isThrottleStatus(status)) {
      this.counters.throttled++;
      task.sends--; // the SMSC refused it outright: not an attempt with an unknown outcome
      if (!job.settled) {
        this.queue.requeue(task);
      }
      this.throttleStreak++;
      const pause = Math.min(
        this.o.throttleMaxPauseMs,
        this.o.throttlePauseMs * 2 ** (this.throttleStreak - 1),
      );
      this.pausedUntil = Math.max(this.pausedUntil, performance.now() + pause);
    } else {
      const kind = this.o.statusKinds?.[status] ?? (isRetryableStatus(status) ? 'retryable' : 'permanent');
      const accepted = job.ids.filter((id): id is string => id !== undefined);
      this.settle(
        job,
        failure(
          kind,
          statusName(status),
          `SMSC refused part ${task.index + 1} of ${job.ids.length}`,
          accepted,
        ),
      );
    }
    this.pump();
  }
}
