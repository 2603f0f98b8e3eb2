import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';

describe('FakeClock timers', () => {
  it('fires timeouts in due order when time moves past them, each seeing its own time', () => {
    const clock = new FakeClock(0);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    clock.advance(99);
    expect(seen).toEqual([]);
    clock.advance(150);
    expect(seen).toEqual([
      ['a', 100],
      ['b', 200],
    ]);
    expect(clock.now()).toBe(249);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires an interval once per move, at the last period it spans, and keeps its period', () => {
    const clock = new FakeClock(0);
    const at: number[] = [];
    const t = clock.setInterval(() => at.push(clock.now()), 1000);
    clock.advance(3500);
    expect(at).toEqual([3000]);
    clock.advance(500);
    expect(at).toEqual([3000, 4000]);
    t.cancel();
    clock.advance(5000);
    expect(at).toEqual([3000, 4000]);
  });

  it('does not fire a canceled timeout', () => {
    const clock = new FakeClock(0);
    let fired = false;
    clock.setTimeout(() => (fired = true), 10).cancel();
    clock.advance(20);
    expect(fired).toBe(false);
  });

  it('lets async work started by a timer settle between timers with tick', async () => {
    const clock = new FakeClock(0);
    const log: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => log.push('settled'));
      log.push('first');
    }, 10);
    clock.setTimeout(() => log.push('second'), 20);
    await clock.tick(30);
    expect(log).toEqual(['first', 'settled', 'second']);
  });
});
