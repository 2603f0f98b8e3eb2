// The connector's queue of parts waiting to be sent, in order. A part that comes back (throttled,
// lost with a dropped connection, unanswered) goes back to its place, ahead of every part that
// was queued after it, so retries never reorder a sender's messages.

export interface Ordered {
  /** Queue position, given at first enqueue and kept for requeues. */
  order: number;
}

export class SendQueue<T extends Ordered> {
  private items: T[] = [];
  private head = 0;
  private nextOrder = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** The order number the next pushed item should carry. */
  takeOrder(): number {
    return this.nextOrder++;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes the head (after `peek` said it is to be sent or skipped). */
  dropHead(): void {
    if (this.head < this.items.length) {
      this.head++;
    }
  }

  /** Puts an item back at its place, ahead of every item that came after it. */
  requeue(item: T): void {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.items[mid]?.order ?? Infinity) < item.order) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo === this.head && this.head > 0) {
      this.items[--this.head] = item;
    } else {
      this.items.splice(lo, 0, item);
    }
  }

  /** Frees the space of items already taken, now and then (the array is a ring of sorts). */
  compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Empties the queue and returns what was in it. */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
