// Time comes from here so tests can move it (CONVENTIONS: "Clocks are faked, sockets are real").
// Timers too: the engine's retries, the scheduler's ticks and the flushes run on the clock, so a
// test moves a FakeClock forward and every timer that fell due runs, without sleeping.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  date(): Date;
  iso(): string;
  /** Runs `fn` once, `ms` from now on this clock. Real timers never keep the process alive. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Runs `fn` every `ms` on this clock. */
  setInterval(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  date: () => new Date(),
  iso: () => new Date().toISOString(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

interface FakeTimer {
  seq: number;
  due: number;
  every: number | null;
  fn: () => void;
  canceled: boolean;
}

/**
 * A clock that stands still until a test moves it. Timers set on it fire, in due order, when
 * `advance` (synchronous) or `tick` (awaits the event loop between timers, so async work each
 * timer starts can progress) moves time past them. An interval fires once per move however many
 * periods it spans, at the last of them — as a real interval does after the event loop was busy
 * (it never fires a backlog of calls).
 */
export class FakeClock implements Clock {
  private timers: FakeTimer[] = [];
  private seq = 0;

  constructor(private ms: number = Date.parse('2026-01-01T00:00:00.000Z')) {}

  now(): number {
    return this.ms;
  }
  date(): Date {
    return new Date(this.ms);
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Timers waiting to fire (for tests that check nothing is left behind). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) {
      this.ms = Math.max(this.ms, t.due);
      this.fire(t, target);
    }
    this.ms = target;
  }

  /** Like `advance`, but lets the event loop run after each timer (async work settles). */
  async tick(ms: number): Promise<void> {
    const target = this.ms + ms;
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) {
      this.ms = Math.max(this.ms, t.due);
      this.fire(t, target);
      await new Promise((r) => setImmediate(r));
    }
    this.ms = target;
    await new Promise((r) => setImmediate(r));
  }

  /** Jumps to a time without firing timers in between (they fire on the next advance). */
  set(ms: number): void {
    this.ms = ms;
  }

  private add(fn: () => void, ms: number, every: number | null): TimerHandle {
    const timer: FakeTimer = { seq: this.seq++, due: this.ms + Math.max(0, ms), every, fn, canceled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.canceled = true;
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  private nextDue(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.due <= limit && (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq))) {
        best = t;
      }
    }
    return best;
  }

  private fire(t: FakeTimer, limit: number): void {
    if (t.every === null) {
      this.timers = this.timers.filter((x) => x !== t);
    } else {
      const skipped = Math.floor((limit - t.due) / t.every);
      this.ms = Math.max(this.ms, t.due + skipped * t.every);
      t.due = this.ms + t.every;
      t.seq = this.seq++;
    }
    t.fn();
  }
}
