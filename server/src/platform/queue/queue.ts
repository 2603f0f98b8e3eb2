// The queue interface of the delivery engine (ARCHITECTURE §4): named queues (one per
// provider) of message ids with three priorities. The database is the source of truth and the
// queue only an index of work, so an item is just an id — a backlog of a million messages holds
// a million ids, never a million bodies. Embedded implementation here; cluster mode puts the
// same interface on BullMQ.

export type QueuePriority = 0 | 1 | 2;

export interface QueueItem {
  id: string;
  /** 0 = high, 1 = normal, 2 = low. */
  priority: QueuePriority;
}

export interface WorkQueue {
  push(queue: string, items: readonly QueueItem[]): void;
  /** Takes up to `max` ids, highest priority first, FIFO within a priority. */
  take(queue: string, max: number): string[];
  size(queue: string): number;
  /** Sizes of every non-empty queue. */
  sizes(): Record<string, number>;
  /** Items in all queues. */
  total(): number;
  /** Moves every item of one queue to another (failover when a provider goes away). */
  drain(queue: string): QueueItem[];
  /** Called with the queue's name when items are pushed onto it. */
  onPush(listener: (queue: string) => void): void;
}

/** FIFO of strings with an advancing head; compacts when the consumed part dominates. */
class Fifo {
  private items: string[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(id: string): void {
    this.items.push(id);
  }

  shift(max: number, out: string[]): void {
    const end = Math.min(this.items.length, this.head + max);
    for (let i = this.head; i < end; i++) {
      out.push(this.items[i] as string);
    }
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export class EmbeddedQueue implements WorkQueue {
  private readonly queues = new Map<string, [Fifo, Fifo, Fifo]>();
  private readonly listeners: Array<(queue: string) => void> = [];
  private count = 0;

  private lanes(queue: string): [Fifo, Fifo, Fifo] {
    let q = this.queues.get(queue);
    if (!q) {
      q = [new Fifo(), new Fifo(), new Fifo()];
      this.queues.set(queue, q);
    }
    return q;
  }

  push(queue: string, items: readonly QueueItem[]): void {
    if (items.length === 0) {
      return;
    }
    const lanes = this.lanes(queue);
    for (const item of items) {
      lanes[item.priority].push(item.id);
    }
    this.count += items.length;
    for (const l of this.listeners) {
      l(queue);
    }
  }

  take(queue: string, max: number): string[] {
    const lanes = this.queues.get(queue);
    const out: string[] = [];
    if (!lanes) {
      return out;
    }
    for (const lane of lanes) {
      if (out.length >= max) {
        break;
      }
      lane.shift(max - out.length, out);
    }
    this.count -= out.length;
    return out;
  }

  size(queue: string): number {
    const lanes = this.queues.get(queue);
    return lanes ? lanes[0].length + lanes[1].length + lanes[2].length : 0;
  }

  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.queues.keys()) {
      const n = this.size(name);
      if (n > 0) {
        out[name] = n;
      }
    }
    return out;
  }

  total(): number {
    return this.count;
  }

  drain(queue: string): QueueItem[] {
    const lanes = this.queues.get(queue);
    if (!lanes) {
      return [];
    }
    const out: QueueItem[] = [];
    lanes.forEach((lane, priority) => {
      const ids: string[] = [];
      lane.shift(Number.MAX_SAFE_INTEGER, ids);
      for (const id of ids) {
        out.push({ id, priority: priority as QueuePriority });
      }
    });
    this.count -= out.length;
    return out;
  }

  onPush(listener: (queue: string) => void): void {
    this.listeners.push(listener);
  }
}
