// Counting mode of the simulators: how often each message reached the simulated carrier (a count
// above 1 is a duplicate) and, per destination, the order messages arrived in (an overtaking is an
// inversion). Messages are told apart by a key, by default from their content; a test that puts
// its own id in the text gives a key function that reads it.
export class SubmitLedger<T> {
  private readonly counts = new Map<string, number>();
  private readonly order = new Map<string, string[]>();
  /** Items whose key had been seen before. */
  duplicates = 0;

  constructor(
    private readonly key: (item: T) => string,
    private readonly destination: (item: T) => string,
  ) {}

  add(item: T): void {
    const key = this.key(item);
    const seen = this.counts.get(key) ?? 0;
    if (seen > 0) {
      this.duplicates++;
    }
    this.counts.set(key, seen + 1);
    const to = this.destination(item);
    const list = this.order.get(to);
    if (list) {
      list.push(key);
    } else {
      this.order.set(to, [key]);
    }
  }

  /** Arrivals per key. */
  submitCounts(): Map<string, number> {
    return new Map(this.counts);
  }

  /** Keys per destination in arrival order. */
  submitOrder(): Map<string, string[]> {
    return new Map([...this.order].map(([to, keys]) => [to, [...keys]]));
  }
}
