// Group commit (ARCHITECTURE §4): work handed in during one event-loop turn — or while the
// previous batch is being written — is written together by one `run` call, so the write rate
// does not stop at one transaction per message. Batches run one at a time, in order.

interface Entry<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export class Batcher<T, R> {
  private queue: Array<Entry<T, R>> = [];
  private running: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    /** Writes a batch; returns one result per item, in order. Throwing fails the whole batch. */
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 2000,
  ) {}

  /** Items waiting for the next batch. */
  get pending(): number {
    return this.queue.length;
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  addMany(items: readonly T[]): Promise<R[]> {
    return Promise.all(items.map((i) => this.add(i)));
  }

  /** Resolves when everything handed in so far has been written. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.scheduled) {
      if (this.running) {
        await this.running;
      } else {
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  private schedule(): void {
    if (this.scheduled || this.running) {
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.drain().finally(() => {
        this.running = null;
        if (this.queue.length > 0) {
          this.schedule();
        }
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.run(batch.map((e) => e.item));
        batch.forEach((e, i) => e.resolve(results[i] as R));
      } catch (err) {
        for (const e of batch) {
          e.reject(err);
        }
      }
    }
  }
}
