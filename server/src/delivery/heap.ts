// A binary min-heap by due time: the engine's retry timers (one heap, not one timer per message).

export class DueHeap<T extends { due: number }> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as T).due <= item.due) {
        break;
      }
      a[i] = a[p] as T;
      i = p;
    }
    a[i] = item;
  }

  /** Removes and returns every item due at or before `now`, earliest first. */
  popDue(now: number, max = Number.MAX_SAFE_INTEGER): T[] {
    const out: T[] = [];
    while (this.items.length > 0 && (this.items[0] as T).due <= now && out.length < max) {
      out.push(this.pop() as T);
    }
    return out;
  }

  private pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const cur = m === i ? last : (a[m] as T);
        let best = cur;
        if (l < a.length && (a[l] as T).due < best.due) {
          m = l;
          best = a[l] as T;
        }
        if (r < a.length && (a[r] as T).due < best.due) {
          m = r;
          best = a[r] as T;
        }
        if (m === i) {
          break;
        }
        a[i] = best;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}
