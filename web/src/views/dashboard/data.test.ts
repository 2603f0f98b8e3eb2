import { describe, expect, it } from 'vitest';
import { applyLive, formatRate, mergeMinutes, totalsOf, type MinutePoint, type Overview } from './data';

const p = (minute: string, sent = 0, delivered = 0, failed = 0): MinutePoint => ({
  minute,
  submitted: 0,
  sent,
  delivered,
  failed,
  successRate: delivered + failed === 0 ? null : delivered / (delivered + failed),
});

describe('ST-1 / UI-4 dashboard live merge', () => {
  const base = [
    p('2026-01-01T10:00:00.000Z', 1, 1),
    p('2026-01-01T10:01:00.000Z'),
    p('2026-01-01T10:02:00.000Z', 2),
  ];

  it('replaces a known minute and keeps the window length', () => {
    const out = mergeMinutes(base, [p('2026-01-01T10:02:00.000Z', 5, 4, 1)]);
    expect(out).toHaveLength(3);
    expect(out[2]).toMatchObject({ sent: 5, delivered: 4, failed: 1 });
  });

  it('appends a newer minute, fills a gap with empty minutes and drops the oldest', () => {
    const out = mergeMinutes(base, [p('2026-01-01T10:04:00.000Z', 7)]);
    expect(out.map((x) => x.minute.slice(11, 16))).toEqual(['10:02', '10:03', '10:04']);
    expect(out[1]).toMatchObject({ sent: 0, successRate: null });
  });

  it('ignores minutes older than the window', () => {
    expect(mergeMinutes(base, [p('2026-01-01T09:00:00.000Z', 9)])).toEqual(base);
  });

  it('recomputes totals and takes throughput, reasons and queue depths from the push', () => {
    const o: Overview = {
      enterpriseId: null,
      from: base[0]!.minute,
      to: base[2]!.minute,
      series: base,
      totals: totalsOf(base),
      throughput: 0,
      failuresByReason: [],
      providers: [
        {
          id: 'p1',
          name: 'A',
          channel: 'sms',
          enabled: true,
          frozen: false,
          health: 'healthy',
          queueDepth: 0,
        },
      ],
      balance: null,
    };
    const next = applyLive(o, {
      enterpriseId: null,
      minutes: [p('2026-01-01T10:02:00.000Z', 3, 2, 1)],
      throughput: 1.5,
      failuresByReason: [{ reason: 'UNDELIV', count: 1 }],
      queues: { p1: 12 },
    });
    expect(next.totals).toMatchObject({ sent: 4, delivered: 3, failed: 1, successRate: 0.75 });
    expect(next.throughput).toBe(1.5);
    expect(next.failuresByReason).toEqual([{ reason: 'UNDELIV', count: 1 }]);
    expect(next.providers[0]?.queueDepth).toBe(12);
  });

  it('formats rates', () => {
    expect(formatRate(0.9876)).toBe('98.8%');
    expect(formatRate(null)).toBe('—');
  });
});
