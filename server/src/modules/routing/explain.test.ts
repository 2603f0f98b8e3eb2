import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainSelection } from './explain.js';
import type { ProviderVerdict, SelectionExplanation } from './explain.js';
import { compileRules, RoundRobinState, selectProvider } from './selection.js';
import type {
  Channel,
  ProviderState,
  RouteMatch,
  RouteRule,
  RouteTier,
  SelectionInput,
  SelectionResult,
  SelectionState,
} from './selection.js';
import type { DayOfWeek } from './time-window.js';

const MONDAY_2AM_UTC = Date.parse('2026-01-05T02:00:00Z'); // 10:00 in Shanghai

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

function outcomes(explanation: SelectionExplanation): Record<string, ProviderVerdict['outcome']> {
  return Object.fromEntries(explanation.providers.map((v) => [`${v.tier}:${v.providerId}`, v.outcome]));
}

/** What a result says, comparable with toEqual whatever object identities it holds. */
function summary(result: SelectionResult): string {
  if (result.ok) {
    return `ok ${result.rule.id} tier ${result.tier} ${result.provider.id}`;
  }
  return `${result.reason} ${result.rule?.id ?? '-'}`;
}

describe('RT-5 explain: providers', () => {
  it('names the check every other candidate failed', () => {
    const rules = [
      rule('r1', {
        tiers: [
          tier(
            ['off', 9],
            ['iced', 9],
            ['sick', 9],
            ['spent', 9],
            ['foreign', 9],
            ['tried', 9],
            ['ghost', 9],
            ['mail', 9],
            ['chosen', 2],
            ['runner-up', 1],
          ),
          tier(['backup', 1], ['backup-off', 1]),
        ],
      }),
    ];
    const state = stateOf(rules, [
      provider('off', { enabled: false }),
      provider('iced', { frozen: true }),
      provider('sick', { healthy: false }),
      provider('spent', { quotaLeft: 0 }),
      provider('foreign'),
      provider('tried'),
      provider('mail', { channel: 'email' }),
      provider('chosen'),
      provider('runner-up'),
      provider('backup'),
      provider('backup-off', { enabled: false }),
    ]);
    const allowed = new Set([
      'off',
      'iced',
      'sick',
      'spent',
      'tried',
      'ghost',
      'mail',
      'chosen',
      'runner-up',
      'backup',
      'backup-off',
    ]);
    const explanation = explainSelection(
      input({ allowedProviderIds: allowed, exclude: new Set(['tried']) }),
      state,
    );

    expect(summary(explanation.result)).toBe('ok r1 tier 0 chosen');
    expect(outcomes(explanation)).toEqual({
      '0:off': 'disabled',
      '0:iced': 'frozen',
      '0:sick': 'unhealthy',
      '0:spent': 'quota_exhausted',
      '0:foreign': 'not_mapped',
      '0:tried': 'excluded',
      '0:ghost': 'unknown_provider',
      '0:mail': 'channel_mismatch',
      '0:chosen': 'selected',
      '0:runner-up': 'not_selected_by_weight',
      '1:backup': 'lower_tier',
      '1:backup-off': 'disabled',
    });
  });

  it('shows the round-robin turn without taking it', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['p1', 1], ['p2', 1])] })],
      [provider('p1'), provider('p2')],
    );
    for (let i = 0; i < 6; i++) {
      const explained = explainSelection(input(), state);
      expect(explainSelection(input(), state).result).toEqual(explained.result);
      expect(summary(selectProvider(input(), state))).toBe(summary(explained.result));
    }
    expect(state.roundRobin.size).toBe(1);
    const fresh = { ...state, roundRobin: new RoundRobinState() };
    explainSelection(input(), fresh);
    expect(fresh.roundRobin.size).toBe(0);
  });

  it('in least-cost mode tells costlier providers from ties lost on weight, and gives costs', () => {
    const cn = (cost: number): Map<string, number> => new Map([['CN', cost]]);
    const state = stateOf(
      [
        rule('r1', {
          mode: 'least_cost',
          tiers: [tier(['cheap', 5], ['tie', 1], ['dear', 9], ['unpriced', 9])],
        }),
      ],
      [
        provider('cheap', { costByCountry: cn(10_000) }),
        provider('tie', { costByCountry: cn(10_000) }),
        provider('dear', { costByCountry: cn(12_000) }),
        provider('unpriced'),
      ],
    );
    const explanation = explainSelection(input(), state);
    expect(outcomes(explanation)).toEqual({
      '0:cheap': 'selected',
      '0:tie': 'not_selected_by_weight',
      '0:dear': 'costlier',
      '0:unpriced': 'costlier',
    });
    expect(explanation.providers.map((v) => v.cost)).toEqual([10_000, 10_000, 12_000, null]);
  });

  it('when nothing is eligible, lists every provider with its failed check', () => {
    const state = stateOf(
      [rule('r1', { tiers: [tier(['p1', 1]), tier(['p2', 1])] })],
      [provider('p1', { frozen: true }), provider('p2', { quotaLeft: 0 })],
    );
    const explanation = explainSelection(input(), state);
    expect(summary(explanation.result)).toBe('no_eligible_provider r1');
    expect(outcomes(explanation)).toEqual({ '0:p1': 'frozen', '1:p2': 'quota_exhausted' });
  });
});

describe('RT-5 explain: rules', () => {
  it('says why each rule was skipped, which matched and which lost on precedence', () => {
    const rules = [
      rule('off', { priority: 1, enabled: false }),
      rule('mail', { priority: 2, channel: 'email' }),
      rule('us', { priority: 3, countries: ['US'] }),
      rule('uk-prefix', { priority: 4, prefixes: ['44'] }),
      rule('vip', { priority: 5, sendingAccountIds: ['vip'] }),
      rule('brand', { priority: 6, senders: ['Brand'] }),
      rule('night', { priority: 7, timeWindow: { start: '22:00', end: '06:00' } }),
      rule('catch-all', { priority: 8 }),
      rule('cn', { priority: 9, prefixes: ['86', '8613'] }),
      rule('cn-also', { priority: 10, prefixes: ['8613'] }),
    ];
    const explanation = explainSelection(input(), stateOf(rules, [provider('p1')]));
    expect(explanation.rules.map((r) => [r.ruleId, r.outcome, r.matchedPrefix])).toEqual([
      ['off', 'disabled', null],
      ['mail', 'channel', null],
      ['us', 'country', null],
      ['uk-prefix', 'prefix', null],
      ['vip', 'account', null],
      ['brand', 'sender', null],
      ['night', 'time_window', null],
      ['catch-all', 'outranked', null],
      ['cn', 'matched', '8613'],
      ['cn-also', 'outranked', '8613'],
    ]);
    expect(summary(explanation.result)).toBe('ok cn tier 0 p1');
  });

  it('answers no_matching_rule with no provider list when nothing fits', () => {
    const explanation = explainSelection(
      input(),
      stateOf([rule('us', { prefixes: ['1'] })], [provider('p1')]),
    );
    expect(explanation.result).toEqual({ ok: false, reason: 'no_matching_rule', rule: null });
    expect(explanation.rules).toEqual([
      { ruleId: 'us', priority: 10, outcome: 'prefix', matchedPrefix: null },
    ]);
    expect(explanation.providers).toEqual([]);
  });
});

// Small pools so random rules often overlap, tie and fit.
const PROVIDER_IDS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const COUNTRIES = ['CN', 'US', 'GB'];
const PREFIXES = ['1', '4', '44', '4479', '86', '861', '8613', '86138'];
const ACCOUNTS = ['a1', 'a2'];
const SENDERS = ['Acme', 'INFO'];
const TIMES = ['00:00', '06:00', '09:00', '18:00', '22:00', '24:00'];
const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Asia/Kolkata'];
const CHANNELS: Channel[] = ['sms', 'sms', 'sms', 'email'];

const subset = <T>(values: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...values]);

const ruleArb = (id: string): fc.Arbitrary<RouteRule> =>
  fc.record({
    id: fc.constant(id),
    priority: fc.integer({ min: 0, max: 4 }),
    enabled: fc.constantFrom(true, true, true, false),
    mode: fc.constantFrom<RouteRule['mode'][]>('priority', 'least_cost'),
    match: fc.record({
      channel: fc.constantFrom(...CHANNELS),
      countries: subset(COUNTRIES),
      prefixes: subset(PREFIXES).map((ps) => ps.map((p, i) => (i % 2 === 0 ? p : `+${p}`))),
      sendingAccountIds: subset(ACCOUNTS),
      senders: subset(SENDERS),
      timeWindow: fc.option(
        fc.record({
          days: fc.subarray<DayOfWeek>([0, 1, 2, 3, 4, 5, 6]),
          start: fc.constantFrom(...TIMES.slice(0, -1)),
          end: fc.constantFrom(...TIMES),
        }),
      ),
    }),
    tiers: fc.array(
      fc.record({
        providers: fc.array(
          fc.record({
            providerId: fc.constantFrom('ghost', ...PROVIDER_IDS),
            weight: fc.integer({ min: 1, max: 5 }),
          }),
          { maxLength: 4 },
        ),
      }),
      { maxLength: 3 },
    ),
  });

const rulesArb: fc.Arbitrary<RouteRule[]> = fc
  .integer({ min: 0, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(`r${i}`))));

const providerArb = (id: string): fc.Arbitrary<ProviderState> =>
  fc.record({
    id: fc.constant(id),
    channel: fc.constantFrom<Channel[]>('sms', 'sms', 'sms', 'email'),
    enabled: fc.constantFrom(true, true, true, true, false),
    frozen: fc.constantFrom(false, false, false, false, true),
    healthy: fc.constantFrom(true, true, true, true, false),
    quotaLeft: fc.constantFrom(null, null, 0, 3),
    costByCountry: fc
      .record({
        CN: fc.option(fc.integer({ min: 1, max: 4 })),
        US: fc.option(fc.integer({ min: 1, max: 4 })),
      })
      .map(
        (costs) =>
          new Map(Object.entries(costs).flatMap(([c, v]) => (v === null ? [] : [[c, v * 1000] as const]))),
      ),
  });

const providersArb: fc.Arbitrary<ProviderState[]> = fc.tuple(...PROVIDER_IDS.map(providerArb));

const inputArb: fc.Arbitrary<SelectionInput> = fc.record({
  channel: fc.constantFrom<Channel[]>('sms', 'sms', 'sms', 'email'),
  destination: fc.constantFrom(
    '+8613800138000',
    '8613912345678',
    '+14155550100',
    '+447911123456',
    '+861',
    '12',
    'x@y.z',
  ),
  country: fc.constantFrom('CN', 'US', 'GB', 'cn', null),
  sendingAccountId: fc.constantFrom(...ACCOUNTS, 'a3'),
  sender: fc.constantFrom(null, 'acme', 'INFO', 'other'),
  allowedProviderIds: fc.oneof(
    fc.constant<'all'>('all'),
    subset(PROVIDER_IDS).map((ids) => new Set(ids)),
  ),
  exclude: subset(PROVIDER_IDS).map((ids) => new Set(ids)),
  // A fortnight from a Monday, so every day and both sides of midnight come up.
  now: fc.integer({ min: 0, max: 14 * 24 * 60 }).map((minute) => MONDAY_2AM_UTC + minute * 60_000),
  timeZone: fc.constantFrom(...ZONES),
});

describe('RT-5 explain matches RT-2 selection (property)', () => {
  it('explains exactly the provider the selector then picks, over random rules, states and messages', () => {
    fc.assert(
      fc.property(
        rulesArb,
        providersArb,
        fc.array(inputArb, { minLength: 1, maxLength: 25 }),
        (rules, providers, messages) => {
          const state = stateOf(rules, providers);
          for (const message of messages) {
            const rrSize = state.roundRobin.size;
            const explanation = explainSelection(message, state);
            expect(state.roundRobin.size).toBe(rrSize);
            const result = selectProvider(message, state);
            expect(summary(explanation.result)).toBe(summary(result));

            const matched = explanation.rules.filter((r) => r.outcome === 'matched');
            expect(matched.map((r) => r.ruleId)).toEqual(result.rule === null ? [] : [result.rule.id]);
            const selected = explanation.providers.filter((v) => v.outcome === 'selected');
            expect(selected.map((v) => `${v.tier}:${v.providerId}`)).toEqual(
              result.ok ? [`${result.tier}:${result.provider.id}`] : [],
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
