// Token bucket for an SMPP TPS limit, counted in message parts: `rate` tokens per
// second, at most `burst` saved up (a tenth of a second's worth by default, so a one-second
// window never sees much more than the configured rate).
export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(
    readonly rate: number,
    burst?: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = burst ?? Math.max(1, Math.ceil(rate / 10));
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until a token is available (0 when one is). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
