// The callback dispatcher (MS-8): delivers due outbox rows to the customers' URLs with undici,
// signed (callbacks.signing.ts), and records every attempt. A failure is retried with
// exponential backoff and jitter until the row's 24-hour window ends, then it is `dead`.
// Time comes from ctx.clock, so tests move a FakeClock and call `runDue()`.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { AppContext } from '../../context.js';
import { newId } from '../../platform/ids.js';
import type { CallbacksTable } from './callbacks.tables.js';
import type { CallbackRepository } from './callbacks.repository.js';
import { CALLBACK_HEADERS, signCallback } from './callbacks.signing.js';
import './callbacks.tables.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60 * 1000 };

/**
 * Delay before attempt n+1 after n failed attempts: base·2^(n−1) capped at max, with "equal
 * jitter" (half fixed, half random) so retries of many callbacks do not arrive together.
 */
export function backoffDelay(failedAttempts: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  startedAt: string;
}

export interface DispatcherOptions {
  timeoutMs: number;
  batchSize?: number;
  concurrency?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export class CallbackDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> = Promise.resolve(0);
  private readonly agent: Agent;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly repo: CallbackRepository,
    /** The account's signing secret (null: the account is gone, the callback is dead). */
    private readonly secrets: (accountId: string) => Promise<{ callbackSecret: string } | null>,
    private readonly opts: DispatcherOptions,
  ) {
    this.batchSize = opts.batchSize ?? 100;
    this.concurrency = opts.concurrency ?? 16;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.random = opts.random ?? Math.random;
    this.agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  }

  /** Polls for due callbacks every `intervalMs` (real time; due-ness is judged by ctx.clock). */
  start(intervalMs = 1_000): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => void this.runDue(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
    await this.agent.close();
  }

  /**
   * Delivers every callback due now (by ctx.clock); runs are serialized, so a caller awaiting
   * this sees the effect of its own run. Resolves to the number of attempts made.
   */
  runDue(): Promise<number> {
    this.running = this.running.then(
      () => this.runAll(),
      () => this.runAll(),
    );
    return this.running;
  }

  private async runAll(): Promise<number> {
    let total = 0;
    // Bounded, so one run never starves the event loop; the next tick continues.
    for (let round = 0; round < 20 && !this.stopped; round++) {
      try {
        const n = await this.runBatch();
        total += n;
        if (n < this.batchSize) {
          break;
        }
      } catch (err) {
        this.ctx.log.error({ err }, 'callback dispatch failed');
        break;
      }
    }
    return total;
  }

  /** Claims due rows (a token and a lease, so two processes never deliver one twice). */
  private claim(): Promise<CallbacksTable[]> {
    const lease = new Date(this.ctx.clock.now() + this.opts.timeoutMs + 60_000).toISOString();
    return this.repo.claim(this.ctx.clock.iso(), this.batchSize, newId(), lease);
  }

  private async runBatch(): Promise<number> {
    const rows = await this.claim();
    if (rows.length === 0) {
      return 0;
    }
    const secrets = new Map<string, string>();
    for (const id of new Set(rows.map((r) => r.sending_account_id))) {
      const account = await this.secrets(id);
      if (account) {
        secrets.set(id, account.callbackSecret);
      }
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++] as CallbacksTable;
        const secret = secrets.get(row.sending_account_id);
        const outcome =
          secret === undefined
            ? {
                ok: false,
                statusCode: null,
                error: 'sending account not found',
                latencyMs: 0,
                startedAt: this.ctx.clock.iso(),
              }
            : await this.deliver(row, secret);
        await this.record(row, outcome, secret === undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
    return rows.length;
  }

  private async deliver(row: CallbacksTable, secret: string): Promise<Outcome> {
    const startedAt = this.ctx.clock.iso();
    const timestamp = Math.floor(this.ctx.clock.now() / 1000);
    const t0 = performance.now();
    const latency = () => Math.round(performance.now() - t0);
    try {
      const url = new URL(row.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return {
          ok: false,
          statusCode: null,
          error: `unsupported URL scheme ${url.protocol}`,
          latencyMs: 0,
          startedAt,
        };
      }
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Pigeon-Callbacks/1',
          [CALLBACK_HEADERS.timestamp]: String(timestamp),
          [CALLBACK_HEADERS.signature]: signCallback(secret, timestamp, row.payload),
          [CALLBACK_HEADERS.event]: row.event,
          [CALLBACK_HEADERS.delivery]: row.id,
        },
        body: row.payload,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await res.body.dump();
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        ok,
        statusCode: res.statusCode,
        error: ok ? null : `HTTP ${res.statusCode}`,
        latencyMs: latency(),
        startedAt,
      };
    } catch (err) {
      const e = err as Error & { code?: string };
      const message = e.name === 'TimeoutError' ? `timed out after ${this.opts.timeoutMs} ms` : e.message;
      return {
        ok: false,
        statusCode: null,
        error: (e.code ? `${e.code}: ${message}` : message).slice(0, 500),
        latencyMs: latency(),
        startedAt,
      };
    }
  }

  private async record(row: CallbacksTable, o: Outcome, hopeless: boolean): Promise<void> {
    const nowMs = this.ctx.clock.now();
    const now = new Date(nowMs).toISOString();
    const attempt = row.attempts + 1;
    let status: CallbacksTable['status'] = 'delivered';
    let nextAttemptAt: string | null = null;
    if (!o.ok) {
      const expires = Date.parse(row.expires_at);
      if (hopeless || nowMs >= expires) {
        status = 'dead';
      } else {
        status = 'pending';
        // The last retry happens when the window closes, so a receiver that comes back late
        // in the window still gets the callback.
        nextAttemptAt = new Date(
          Math.min(expires, nowMs + backoffDelay(attempt, this.backoff, this.random)),
        ).toISOString();
      }
    }
    await this.repo.recordAttempt(
      row.id,
      row.claim_token,
      {
        status,
        attempts: attempt,
        next_attempt_at: nextAttemptAt,
        claim_token: null,
        last_status_code: o.statusCode,
        last_error: o.error,
        ...(o.ok ? { delivered_at: now } : {}),
        updated_at: now,
      },
      {
        id: newId(),
        callback_id: row.id,
        attempt,
        outcome: o.ok ? 'delivered' : 'failed',
        status_code: o.statusCode,
        latency_ms: o.latencyMs,
        error: o.error,
        started_at: o.startedAt,
      },
    );
    if (status !== 'pending') {
      this.ctx.events.emit(`callback.${status}`, { id: row.id, event: row.event }, row.enterprise_id);
    }
  }
}
