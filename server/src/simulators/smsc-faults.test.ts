// The SMSC simulator's fault decisions on their own, with a fake clock and scripted randomness.
import { describe, expect, it } from 'vitest';
import { SmppStatus } from '../lib/smpp/index.js';
import { SmscFaults, type SmscFaultOptions } from './smsc-faults.js';

function faults(options: SmscFaultOptions, rolls: number[] = [], start = 0) {
  let now = start;
  const drawn: number[] = [];
  const f = new SmscFaults(
    options,
    () => {
      const r = rolls.shift() ?? 0.99;
      drawn.push(r);
      return r;
    },
    () => now,
  );
  return {
    f,
    drawn,
    at: (ms: number) => {
      now = start + ms;
    },
  };
}

describe('SMSC simulator faults (issue 26 carrier weather)', () => {
  it('throttles everything at the end of each burst period, quiet first', () => {
    const { f, at } = faults({ throttleBursts: { everyMs: 10_000, durationMs: 2_000 } });
    const verdictAt = (ms: number) => {
      at(ms);
      return f.verdict();
    };
    expect([0, 7_999, 8_000, 9_999, 10_000, 17_999, 18_500].map(verdictAt)).toEqual([
      'accept',
      'accept',
      'throttled',
      'throttled',
      'accept',
      'accept',
      'throttled',
    ]);
  });

  it('draws random numbers only for shares above zero, in the order throttle, queue full, error', () => {
    const none = faults({});
    expect(none.f.verdict()).toBe('accept');
    expect(none.f.answerDelayMs()).toBe(0);
    expect(none.f.receiptFirst()).toBe(false);
    expect(none.drawn).toEqual([]);

    const all = faults({ throttleRate: 0.3, queueFullRate: 0.05, errorRate: 0.5 }, [0.9, 0.01]);
    expect(all.f.verdict()).toBe('queueFull');
    expect(all.drawn).toEqual([0.9, 0.01]);
    const error = faults({ throttleRate: 0.3, queueFullRate: 0.05, errorRate: 0.5 }, [0.9, 0.9, 0.1]);
    expect(error.f.verdict()).toBe('error');
    expect(faults({ throttleRate: 0.3 }, [0.1]).f.verdict()).toBe('throttled');
  });

  it('maps verdicts to command statuses, the error one configurable', () => {
    const { f } = faults({ errorStatus: SmppStatus.ESME_RINVDSTADR });
    expect(f.statusOf('accept')).toBe(SmppStatus.ESME_ROK);
    expect(f.statusOf('throttled')).toBe(SmppStatus.ESME_RTHROTTLED);
    expect(f.statusOf('queueFull')).toBe(SmppStatus.ESME_RMSGQFUL);
    expect(f.statusOf('error')).toBe(SmppStatus.ESME_RINVDSTADR);
    expect(faults({}).f.statusOf('error')).toBe(SmppStatus.ESME_RSYSERR);
  });

  it('spreads answer delays: base plus jitter, and a share of slow answers', () => {
    expect(faults({ latencyMs: 10, latencyJitterMs: 20 }, [0.5]).f.answerDelayMs()).toBe(20);
    const slow = faults(
      { latencyMs: 10, slowAnswers: { share: 0.1, minMs: 1000, maxMs: 3000 } },
      [0.05, 0.5, 0.5],
    );
    expect(slow.f.answerDelayMs()).toBe(2000);
    expect(slow.f.answerDelayMs()).toBe(10);
    expect(faults({ latencyMs: 10, instant: true }).f.answerDelayMs()).toBe(0);
  });

  it('lets a share of receipts overtake their submit_sm_resp', () => {
    const { f } = faults({ receiptsBeforeResponseRate: 0.1 }, [0.05, 0.5]);
    expect([f.receiptFirst(), f.receiptFirst()]).toEqual([true, false]);
  });

  it('holds a TPS limit and keeps its bucket when other settings change', () => {
    const { f } = faults({ maxTps: 1 });
    expect([f.verdict(), f.verdict()]).toEqual(['accept', 'throttled']);
    f.configure({ maxTps: 1, errorRate: 0 });
    expect(f.verdict()).toBe('throttled');
  });
});
