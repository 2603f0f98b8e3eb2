import { describe, expect, it } from 'vitest';
import { compileRules, RoundRobinState, selectProvider } from './selection.js';
import type {
  ProviderState,
  RouteMatch,
  RouteRule,
  RouteTier,
  SelectionInput,
  SelectionResult,
  SelectionState,
} from './selection.js';

// 2026-01-05 is a Monday; 02:00 UTC is 10:00 in Asia/Shanghai.
const MONDAY_2AM_UTC = Date.parse('2026-01-05T02:00:00Z');

function provider(id: string, overrides: Partial<ProviderState> = {}): ProviderState {
  return {
    id,
    channel: 'sms',
    enabled: true,
    frozen: false,
    healthy: true,
    quotaLeft: null,
    costByCountry: new Map(),
    ...overrides,
  };
}

function tier(...entries: [providerId: string, weight: number][]): RouteTier {
  return { providers: entries.map(([providerId, weight]) => ({ providerId, weight })) };
}

function rule(
  id: string,
  options: {
    priority?: number;
    enabled?: boolean;
    mode?: RouteRule['mode'];
    tiers?: RouteTier[];
  } & Partial<RouteMatch> = {},
): RouteRule {
  const { priority = 10, enabled = true, mode = 'priority', tiers = [tier(['p1', 1])], ...match } = options;
  return { id, priority, enabled, mode, tiers, match: { channel: 'sms', ...match } };
}

function input(overrides: Partial<SelectionInput> = {}): SelectionInput {
  return {
    channel: 'sms',
    destination: '+8613800138000',
    country: 'CN',
    sendingAccountId: 'acc-1',
    sender: null,
    allowedProviderIds: 'all',
    now: MONDAY_2AM_UTC,
    timeZone: 'Asia/Shanghai',
    ...overrides,
  };
}

function stateOf(rules: RouteRule[], providers: ProviderState[]): SelectionState {
  return {
    rules: compileRules(rules),
    providers: new Map(providers.map((p) => [p.id, p])),
    roundRobin: new RoundRobinState(),
  };
}

function chosen(result: SelectionResult): string | null {
  return result.ok ? result.provider.id : null;
}

function pickMany(n: number, message: SelectionInput, state: SelectionState): string[] {
  return Array.from({ length: n }, () => chosen(selectProvider(message, state)) ?? 'none');
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) {
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

describe('RT-2 selection: the four checks', () => {
  it.each([
    ['disabled', { enabled: false }],
    ['frozen', { frozen: true }],
    ['unhealthy', { healthy: false }],
    ['out of quota', { quotaLeft: 0 }],
  ] as const)('never chooses a %s provider', (_label, defect) => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['p1', 100], ['p2', 1])] })],
      [provider('p1', defect), provider('p2')],
    );
    expect(new Set(pickMany(50, input(), state))).toEqual(new Set(['p2']));
  });

  it.each([
    ['disabled', { enabled: false }],
    ['frozen', { frozen: true }],
    ['unhealthy', { healthy: false }],
    ['out of quota', { quotaLeft: 0 }],
  ] as const)('answers no_eligible_provider when the only provider is %s', (_label, defect) => {
    const state = stateOf([rule('r1')], [provider('p1', defect)]);
    const result = selectProvider(input(), state);
    expect(result).toMatchObject({ ok: false, reason: 'no_eligible_provider', rule: { id: 'r1' } });
  });

  it('treats a null quota as unlimited and a quota of 1 as available', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['p1', 1], ['p2', 1])] })],
      [provider('p1', { quotaLeft: null }), provider('p2', { quotaLeft: 1 })],
    );
    expect(countBy(pickMany(4, input(), state))).toEqual({ p1: 2, p2: 2 });
  });

  it('never chooses a provider of another channel or one missing from the provider states', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['mail', 5], ['ghost', 5], ['p1', 1])] })],
      [provider('mail', { channel: 'email' }), provider('p1')],
    );
    expect(new Set(pickMany(20, input(), state))).toEqual(new Set(['p1']));
  });
});

describe('RT-2 selection: weighted round-robin inside a tier', () => {
  it('splits 4 000 picks 3:1 within ±1 % for weights 3 and 1', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['p1', 3], ['p2', 1])] })],
      [provider('p1'), provider('p2')],
    );
    const counts = countBy(pickMany(4000, input(), state));
    expect(Math.abs((counts.p1 ?? 0) - 3000)).toBeLessThanOrEqual(40);
    expect(Math.abs((counts.p2 ?? 0) - 1000)).toBeLessThanOrEqual(40);
  });

  it('interleaves smoothly as nginx does: weights 5, 1, 1 give a a b a c a a', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['a', 5], ['b', 1], ['c', 1])] })],
      [provider('a'), provider('b'), provider('c')],
    );
    expect(pickMany(7, input(), state).join(' ')).toBe('a a b a c a a');
  });

  it('shares the tier among the providers still eligible', () => {
    const providers = [provider('p1'), provider('p2'), provider('p3', { frozen: true })];
    const state = stateOf([rule('r1', { tiers: [tier(['p1', 2], ['p2', 1], ['p3', 5])] })], providers);
    expect(countBy(pickMany(300, input(), state))).toEqual({ p1: 200, p2: 100 });
  });

  it('keeps separate round-robin state per rule and tier, owned by the caller', () => {
    const rules = [
      rule('cn', { prefixes: ['86'], tiers: [tier(['p1', 1], ['p2', 1])] }),
      rule('us', { prefixes: ['1'], tiers: [tier(['p1', 1], ['p2', 1])] }),
    ];
    const state = stateOf(rules, [provider('p1'), provider('p2')]);
    expect(chosen(selectProvider(input(), state))).toBe('p1');
    // The US rule's tier has its own state, so it starts at p1 too.
    expect(chosen(selectProvider(input({ destination: '+14155550100', country: 'US' }), state))).toBe('p1');
    expect(chosen(selectProvider(input(), state))).toBe('p2');
    expect(state.roundRobin.size).toBe(2);

    const fresh = { ...state, roundRobin: new RoundRobinState() };
    expect(chosen(selectProvider(input(), fresh))).toBe('p1');
  });

  it('forgets the state of tiers that no longer exist after a recompile', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['p1', 1], ['p2', 1])] })],
      [provider('p1'), provider('p2')],
    );
    selectProvider(input(), state);
    state.roundRobin.retainOnly(compileRules([rule('r1', { tiers: [tier(['p2', 1])] })]));
    expect(state.roundRobin.size).toBe(0);
  });
});

describe('RT-2 selection: multi-level tiers', () => {
  const rules = [rule('r1', { tiers: [tier(['a1', 1], ['a2', 1]), tier(['b1', 1]), tier(['c1', 1])] })];

  it('uses only the first tier while it has an eligible provider', () => {
    const state = stateOf(rules, [
      provider('a1'),
      provider('a2', { healthy: false }),
      provider('b1'),
      provider('c1'),
    ]);
    expect(new Set(pickMany(10, input(), state))).toEqual(new Set(['a1']));
  });

  it('falls to the next tier when the whole first tier is unavailable, and back when it recovers', () => {
    const a1 = provider('a1', { frozen: true });
    const providers = [a1, provider('a2', { quotaLeft: 0 }), provider('b1'), provider('c1')];
    const state = stateOf(rules, providers);
    expect(selectProvider(input(), state)).toMatchObject({ ok: true, provider: { id: 'b1' }, tier: 1 });

    const recovered = { ...state, providers: new Map(state.providers).set('a1', { ...a1, frozen: false }) };
    expect(selectProvider(input(), recovered)).toMatchObject({ ok: true, provider: { id: 'a1' }, tier: 0 });
  });

  it('skips every unavailable tier down to the last', () => {
    const state = stateOf(rules, [
      provider('a1', { enabled: false }),
      provider('a2', { enabled: false }),
      provider('b1', { healthy: false }),
      provider('c1'),
    ]);
    expect(selectProvider(input(), state)).toMatchObject({ ok: true, provider: { id: 'c1' }, tier: 2 });
  });

  it('answers no_eligible_provider when every tier is unavailable', () => {
    const state = stateOf(rules, [provider('a1', { frozen: true }), provider('b1', { frozen: true })]);
    expect(selectProvider(input(), state)).toMatchObject({ ok: false, reason: 'no_eligible_provider' });
  });
});

describe('RT-2 selection: least-cost mode', () => {
  const costs = (cn: number, us: number): Map<string, number> =>
    new Map([
      ['CN', cn],
      ['US', us],
    ]);

  it('chooses the cheapest eligible provider for the destination country', () => {
    const providers = [
      provider('p1', { costByCountry: costs(30_000, 5_000) }),
      provider('p2', { costByCountry: costs(10_000, 9_000) }),
      provider('p3', { costByCountry: costs(20_000, 7_000) }),
    ];
    const rules = [rule('r1', { mode: 'least_cost', tiers: [tier(['p1', 1], ['p2', 1], ['p3', 1])] })];
    const state = stateOf(rules, providers);
    expect(new Set(pickMany(5, input(), state))).toEqual(new Set(['p2']));
    expect(chosen(selectProvider(input({ destination: '+14155550100', country: 'US' }), state))).toBe('p1');
    expect(state.roundRobin.size).toBe(0);
  });

  it('goes down the cost order as cheaper providers become unavailable', () => {
    const rules = [rule('r1', { mode: 'least_cost', tiers: [tier(['p1', 1], ['p2', 1], ['p3', 1])] })];
    const base = [
      provider('p1', { costByCountry: costs(30_000, 0) }),
      provider('p2', { costByCountry: costs(10_000, 0) }),
      provider('p3', { costByCountry: costs(20_000, 0) }),
    ];
    const order: string[] = [];
    const unavailable = new Set<string>();
    for (;;) {
      const providers = base.map((p) => (unavailable.has(p.id) ? { ...p, healthy: false } : p));
      const pick = chosen(selectProvider(input(), stateOf(rules, providers)));
      if (pick === null) {
        break;
      }
      order.push(pick);
      unavailable.add(pick);
    }
    expect(order).toEqual(['p2', 'p3', 'p1']);
  });

  it('breaks cost ties by the higher weight, then by tier order, and ranks unknown costs last', () => {
    const rules = [
      rule('r1', {
        mode: 'least_cost',
        tiers: [tier(['nocost', 9], ['light', 1], ['heavy', 4], ['twin', 4])],
      }),
    ];
    const state = stateOf(rules, [
      provider('nocost'),
      provider('light', { costByCountry: costs(10_000, 0) }),
      provider('heavy', { costByCountry: costs(10_000, 0) }),
      provider('twin', { costByCountry: costs(10_000, 0) }),
    ]);
    expect(chosen(selectProvider(input(), state))).toBe('heavy');
    // No country known: every cost is unknown, so weight decides.
    expect(chosen(selectProvider(input({ country: null }), state))).toBe('nocost');
  });

  it('still takes tiers in order: a cheaper provider in a lower tier waits', () => {
    const rules = [rule('r1', { mode: 'least_cost', tiers: [tier(['dear', 1]), tier(['cheap', 1])] })];
    const state = stateOf(rules, [
      provider('dear', { costByCountry: costs(50_000, 0) }),
      provider('cheap', { costByCountry: costs(1_000, 0) }),
    ]);
    expect(chosen(selectProvider(input(), state))).toBe('dear');
  });
});

describe('RT-1 rule matching and precedence', () => {
  const providers = ['p1', 'p2', 'p3', 'p4'].map((id) => provider(id));
  const via = (id: string): RouteTier[] => [tier([id, 1])];

  it('answers no_matching_rule when no rule fits', () => {
    const state = stateOf([rule('us', { prefixes: ['1'] })], providers);
    expect(selectProvider(input(), state)).toEqual({ ok: false, reason: 'no_matching_rule', rule: null });
  });

  it('takes the fitting rule with the lowest priority number, then the earlier one in the list', () => {
    const state = stateOf(
      [
        rule('late', { priority: 20, tiers: via('p1') }),
        rule('first', { priority: 5, tiers: via('p2') }),
        rule('tied', { priority: 5, tiers: via('p3') }),
      ],
      providers,
    );
    expect(selectProvider(input(), state)).toMatchObject({ rule: { id: 'first' }, provider: { id: 'p2' } });
  });

  it('skips disabled rules and rules of another channel', () => {
    const state = stateOf(
      [
        rule('off', { priority: 1, enabled: false, tiers: via('p1') }),
        rule('mail', { priority: 2, channel: 'email', tiers: via('p2') }),
        rule('on', { priority: 3, tiers: via('p3') }),
      ],
      providers,
    );
    expect(selectProvider(input(), state)).toMatchObject({ rule: { id: 'on' } });
  });

  it('lets the longest matching prefix win over priority', () => {
    const state = stateOf(
      [
        rule('any', { priority: 1, tiers: via('p1') }),
        rule('cn', { priority: 2, prefixes: ['86'], tiers: via('p2') }),
        rule('cn-mobile', { priority: 3, prefixes: ['8613', '8615'], tiers: via('p3') }),
        rule('cn-mobile-138', { priority: 4, prefixes: ['86139'], tiers: via('p4') }),
      ],
      providers,
    );
    expect(selectProvider(input({ destination: '+8613800138000' }), state)).toMatchObject({
      rule: { id: 'cn-mobile' },
    });
    expect(selectProvider(input({ destination: '8613912345678' }), state)).toMatchObject({
      rule: { id: 'cn-mobile-138' },
    });
    expect(selectProvider(input({ destination: '+8618912345678' }), state)).toMatchObject({
      rule: { id: 'cn' },
    });
    expect(selectProvider(input({ destination: '+14155550100', country: 'US' }), state)).toMatchObject({
      rule: { id: 'any' },
    });
  });

  it('breaks a tie between equally long prefixes by priority', () => {
    const state = stateOf(
      [
        rule('second', { priority: 9, prefixes: ['8613'], tiers: via('p1') }),
        rule('first', { priority: 3, prefixes: ['+8613'], tiers: via('p2') }),
      ],
      providers,
    );
    expect(selectProvider(input(), state)).toMatchObject({ rule: { id: 'first' } });
  });

  it('falls back to a shorter prefix when the longer prefix rule does not fit on another field', () => {
    const state = stateOf(
      [
        rule('cn', { prefixes: ['86'], tiers: via('p1') }),
        rule('cn-mobile-vip', { prefixes: ['8613'], sendingAccountIds: ['vip'], tiers: via('p2') }),
      ],
      providers,
    );
    expect(selectProvider(input({ sendingAccountId: 'vip' }), state)).toMatchObject({
      rule: { id: 'cn-mobile-vip' },
    });
    expect(selectProvider(input({ sendingAccountId: 'acc-1' }), state)).toMatchObject({ rule: { id: 'cn' } });
  });

  it('matches country case-insensitively and never matches an unknown country', () => {
    const state = stateOf([rule('cn', { countries: ['cn', 'HK'] })], providers);
    expect(selectProvider(input({ country: 'CN' }), state).ok).toBe(true);
    expect(selectProvider(input({ country: 'hk' }), state).ok).toBe(true);
    expect(selectProvider(input({ country: 'US' }), state)).toMatchObject({ reason: 'no_matching_rule' });
    expect(selectProvider(input({ country: null }), state)).toMatchObject({ reason: 'no_matching_rule' });
  });

  it('matches sending account and sender (case-insensitively)', () => {
    const state = stateOf(
      [
        rule('acme-alerts', {
          priority: 1,
          sendingAccountIds: ['acme'],
          senders: ['ACME'],
          tiers: via('p1'),
        }),
        rule('default', { priority: 2, tiers: via('p2') }),
      ],
      providers,
    );
    expect(selectProvider(input({ sendingAccountId: 'acme', sender: 'Acme' }), state)).toMatchObject({
      rule: { id: 'acme-alerts' },
    });
    expect(selectProvider(input({ sendingAccountId: 'acme', sender: 'Other' }), state)).toMatchObject({
      rule: { id: 'default' },
    });
    expect(selectProvider(input({ sendingAccountId: 'acme', sender: null }), state)).toMatchObject({
      rule: { id: 'default' },
    });
    expect(selectProvider(input({ sendingAccountId: 'other', sender: 'ACME' }), state)).toMatchObject({
      rule: { id: 'default' },
    });
  });

  it('applies a time window in the tenant timezone', () => {
    const state = stateOf(
      [
        rule('office-hours', {
          priority: 1,
          timeWindow: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
          tiers: via('p1'),
        }),
        rule('otherwise', { priority: 2, tiers: via('p2') }),
      ],
      providers,
    );
    // 02:00 UTC on Monday: 10:00 in Shanghai, 21:00 on Sunday in New York.
    expect(selectProvider(input({ timeZone: 'Asia/Shanghai' }), state)).toMatchObject({
      rule: { id: 'office-hours' },
    });
    expect(selectProvider(input({ timeZone: 'America/New_York' }), state)).toMatchObject({
      rule: { id: 'otherwise' },
    });
    expect(selectProvider(input({ timeZone: 'UTC' }), state)).toMatchObject({ rule: { id: 'otherwise' } });
  });

  it('does not fall through to another rule when the chosen rule has no eligible provider', () => {
    const state = stateOf(
      [rule('cn', { prefixes: ['86'], tiers: via('p1') }), rule('any', { tiers: via('p2') })],
      [provider('p1', { frozen: true }), provider('p2')],
    );
    expect(selectProvider(input(), state)).toMatchObject({
      ok: false,
      reason: 'no_eligible_provider',
      rule: { id: 'cn' },
    });
  });

  it.each([
    ['a duplicate rule id', [rule('r1'), rule('r1')], /duplicate route rule id r1/],
    ['a prefix that is not digits', [rule('r1', { prefixes: ['86x'] })], /invalid prefix "86x"/],
    ['an empty prefix', [rule('r1', { prefixes: [''] })], /invalid prefix ""/],
    ['a country that is not alpha-2', [rule('r1', { countries: ['CHN'] })], /invalid country "CHN"/],
    ['a weight of 0', [rule('r1', { tiers: [tier(['p1', 0])] })], /positive integer weight/],
    ['a fractional weight', [rule('r1', { tiers: [tier(['p1', 1.5])] })], /positive integer weight/],
    [
      'a malformed time',
      [rule('r1', { timeWindow: { start: '9:00', end: '18:00' } })],
      /invalid time of day "9:00"/,
    ],
  ] as const)('refuses to compile %s', (_label, rules, message) => {
    expect(() => compileRules(rules)).toThrow(message);
  });
});

describe('RT-3 account–provider mapping', () => {
  const rules = [rule('r1', { tiers: [tier(['big', 100], ['small', 1]), tier(['backup', 1])] })];
  const providers = [provider('big'), provider('small'), provider('backup')];

  it('never chooses a provider outside the account mapping, whatever its weight', () => {
    const state = stateOf(rules, providers);
    const picks = pickMany(200, input({ allowedProviderIds: new Set(['small', 'backup']) }), state);
    expect(new Set(picks)).toEqual(new Set(['small']));
  });

  it('falls to a lower tier when nothing in the first tier is mapped', () => {
    const state = stateOf(rules, providers);
    expect(selectProvider(input({ allowedProviderIds: new Set(['backup']) }), state)).toMatchObject({
      provider: { id: 'backup' },
      tier: 1,
    });
  });

  it('answers no_eligible_provider when the account is mapped to none of the rule providers', () => {
    const state = stateOf(rules, providers);
    expect(selectProvider(input({ allowedProviderIds: new Set() }), state)).toMatchObject({
      ok: false,
      reason: 'no_eligible_provider',
    });
  });
});

describe('RT-4 failover', () => {
  const rules = [rule('r1', { tiers: [tier(['a1', 3], ['a2', 1]), tier(['b1', 1])] })];
  const providers = [provider('a1'), provider('a2'), provider('b1')];

  it('moves to the next eligible provider, excluding those already tried, then gives up', () => {
    const state = stateOf(rules, providers);
    const tried = new Set<string>();
    const attempts: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = selectProvider(input({ exclude: tried }), state);
      if (!result.ok) {
        expect(result.reason).toBe('no_eligible_provider');
        break;
      }
      attempts.push(result.provider.id);
      tried.add(result.provider.id);
    }
    expect(attempts).toEqual(['a1', 'a2', 'b1']);
  });

  it('does not disturb the weighted split of other messages', () => {
    const state = stateOf(rules, providers);
    selectProvider(input({ exclude: new Set(['a1']) }), state); // a failover pick
    const counts = countBy(pickMany(400, input(), state));
    expect(Math.abs((counts.a1 ?? 0) - 300)).toBeLessThanOrEqual(1);
    expect(Math.abs((counts.a2 ?? 0) - 100)).toBeLessThanOrEqual(1);
  });
});
