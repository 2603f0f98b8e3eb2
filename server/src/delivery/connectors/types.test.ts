import { describe, expect, it } from 'vitest';
import { combinePartStates, HandlerSet, isFinalReceiptStatus } from './types.js';

describe('combinePartStates', () => {
  it('is pending until every part has a final receipt', () => {
    expect(combinePartStates([])).toBe('pending');
    expect(combinePartStates(['delivered', undefined, 'delivered'])).toBe('pending');
    expect(combinePartStates(['delivered', 'enroute'])).toBe('pending');
  });

  it('is delivered when every part was delivered', () => {
    expect(combinePartStates(['delivered', 'delivered', 'delivered'])).toBe('delivered');
  });

  it('is partially delivered when some parts failed', () => {
    expect(combinePartStates(['delivered', 'undelivered', 'delivered'])).toBe('partially_delivered');
  });

  it('is expired only when every part expired, otherwise undelivered', () => {
    expect(combinePartStates(['expired', 'expired'])).toBe('expired');
    expect(combinePartStates(['expired', 'rejected'])).toBe('undelivered');
    expect(combinePartStates(['undelivered'])).toBe('undelivered');
  });

  it('knows which statuses are final', () => {
    expect(isFinalReceiptStatus('accepted')).toBe(false);
    expect(isFinalReceiptStatus('unknown')).toBe(true);
  });
});

describe('HandlerSet', () => {
  it('calls every handler, removes one on request, and reports a failure', async () => {
    const set = new HandlerSet<number>();
    const seen: number[] = [];
    const remove = set.add((n) => {
      seen.push(n);
    });
    set.add(async (n) => {
      seen.push(n * 10);
    });
    await set.emit(1);
    remove();
    await set.emit(2);
    expect(seen).toEqual([1, 10, 20]);
    set.add(() => {
      throw new Error('boom');
    });
    await expect(set.emit(3)).rejects.toThrow('boom');
  });
});
