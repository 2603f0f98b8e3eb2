// In-memory rate limits (ID-8): a token bucket per key, used for login attempts per IP and
// account and for requests per API key. Cluster mode swaps in a Redis-backed limiter.
import type { Clock } from '../clock.js';

export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, otherwise the seconds to wait. */
  take(key: string, ratePerSecond: number, burst: number): number;
  /** Like take, without using a token: 0 when a token is there. */
  peek(key: string, ratePerSecond: number, burst: number): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  peek(key: string, ratePerSecond: number, burst: number): number {
    const b = this.buckets.get(key);
    if (!b) {
      return 0;
    }
    const tokens = Math.min(burst, b.tokens + ((this.clock.now() - b.at) / 1000) * ratePerSecond);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / ratePerSecond));
  }

  take(key: string, ratePerSecond: number, burst: number): number {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
      if (this.buckets.size > 100_000) {
        this.sweep(now);
      }
    } else {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / ratePerSecond));
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (now - b.at > 3_600_000) {
        this.buckets.delete(k);
      }
    }
  }
}
