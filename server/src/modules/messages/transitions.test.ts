// MS-3 / BL-3: the lifecycle table itself — which status may follow which, which are final, and
// what each final state refunds.
import { describe, expect, it } from 'vitest';
import { FINAL_STATUSES, MESSAGE_STATUSES, type MessageStatus } from './messages.tables.js';
import { CANCELABLE, TRANSITIONS, canTransition, isFinal, refundFor, sourcesOf } from './transitions.js';

describe('MS-3 transition table', () => {
  it('covers every status, and the final ones are exactly those with no way out', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...MESSAGE_STATUSES].sort());
    for (const s of MESSAGE_STATUSES) {
      expect(isFinal(s), s).toBe(FINAL_STATUSES.has(s));
    }
  });

  it('reaches every status from accepted or queued (the two ways a message is stored)', () => {
    const seen = new Set<MessageStatus>(['accepted', 'queued']);
    const todo: MessageStatus[] = ['accepted', 'queued'];
    while (todo.length > 0) {
      for (const next of TRANSITIONS[todo.pop() as MessageStatus]) {
        if (!seen.has(next)) {
          seen.add(next);
          todo.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...MESSAGE_STATUSES].sort());
  });

  it('never leaves a final state and never goes back from sent to the queue', () => {
    for (const f of FINAL_STATUSES) {
      for (const s of MESSAGE_STATUSES) {
        expect(canTransition(f, s)).toBe(false);
      }
    }
    expect(canTransition('sent', 'queued')).toBe(false);
    expect(canTransition('sent', 'sending')).toBe(false);
    expect(canTransition('delivered', 'undelivered')).toBe(false);
  });

  it('cancels only what has not been handed to a provider', () => {
    expect([...CANCELABLE].sort()).toEqual(['accepted', 'pending_review', 'queued']);
    expect(sourcesOf('sent')).toEqual(['sending']);
    expect(sourcesOf('unknown')).toEqual(['sent']);
  });
});

describe('BL-3 refunds per final state', () => {
  const m = { price: 30_000, segments: 3, refundOnFailure: true };

  it('always refunds what never left Pigeon, and failures when the plan says so', () => {
    expect(refundFor('canceled', { ...m, refundOnFailure: false })).toBe(30_000);
    expect(refundFor('rejected', { ...m, refundOnFailure: false })).toBe(30_000);
    for (const s of ['failed', 'expired', 'undelivered'] as const) {
      expect(refundFor(s, m), s).toBe(30_000);
      expect(refundFor(s, { ...m, refundOnFailure: false }), s).toBe(0);
    }
  });

  it('refunds the undelivered share of a partly delivered long SMS, rounded down', () => {
    expect(refundFor('partially_delivered', m, 2)).toBe(10_000);
    expect(refundFor('partially_delivered', m, 1)).toBe(20_000);
    expect(refundFor('partially_delivered', { price: 10_000, segments: 3, refundOnFailure: true }, 1)).toBe(
      6_666,
    );
    expect(refundFor('partially_delivered', { ...m, refundOnFailure: false }, 1)).toBe(0);
  });

  it('does not refund delivered, unknown (the carrier took it) or anything not final', () => {
    for (const s of ['delivered', 'unknown', 'accepted', 'queued', 'sending', 'sent'] as const) {
      expect(refundFor(s, m), s).toBe(0);
    }
    expect(refundFor('failed', { ...m, price: 0 })).toBe(0);
  });
});
