// Time comes from here so tests can move it (CONVENTIONS: "Clocks are faked, sockets are real").
export interface Clock {
  now(): number;
  date(): Date;
  iso(): string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  date: () => new Date(),
  iso: () => new Date().toISOString(),
};

export class FakeClock implements Clock {
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
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
