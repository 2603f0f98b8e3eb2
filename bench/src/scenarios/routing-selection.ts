// routing.selection: how many provider selections per second the routing module does with
// 1 000 rules and 50 providers (issue 6). In-process micro-benchmark of the pure function.
import { explainSelection } from '../../../server/src/modules/routing/explain.js';
import {
  compileRules,
  RoundRobinState,
  selectProvider,
} from '../../../server/src/modules/routing/selection.js';
import type {
  Channel,
  ProviderState,
  RouteRule,
  SelectionInput,
  SelectionState,
} from '../../../server/src/modules/routing/selection.js';
import type { DayOfWeek } from '../../../server/src/modules/routing/time-window.js';
import { selfUsage } from '../lib/child.js';
import { round, seededRandom } from '../lib/stats.js';
import type { ResultRow, Scenario } from '../scenario.js';

const RULES = 1000;
const PROVIDERS = 50;
const INPUTS = 8192;

// Calling codes with their ISO country, so rules by prefix and by country overlap as in life.
const COUNTRIES: [code: string, iso: string][] = [
  ['1', 'US'], ['7', 'RU'], ['20', 'EG'], ['27', 'ZA'], ['31', 'NL'], ['33', 'FR'], ['34', 'ES'],
  ['39', 'IT'], ['44', 'GB'], ['49', 'DE'], ['52', 'MX'], ['55', 'BR'], ['60', 'MY'], ['61', 'AU'],
  ['62', 'ID'], ['63', 'PH'], ['65', 'SG'], ['66', 'TH'], ['81', 'JP'], ['82', 'KR'], ['84', 'VN'],
  ['86', 'CN'], ['90', 'TR'], ['91', 'IN'], ['92', 'PK'], ['234', 'NG'], ['254', 'KE'], ['852', 'HK'],
  ['886', 'TW'], ['971', 'AE'], ['966', 'SA'], ['880', 'BD'],
]; // prettier-ignore
const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/Berlin'];
const SENDERS = ['ACME', 'Bank', 'Shop', 'Alerts', 'OTP'];
const ACCOUNTS = Array.from({ length: 100 }, (_, i) => `account-${i}`);

interface Fixture {
  rules: RouteRule[];
  providers: ProviderState[];
  inputs: SelectionInput[];
}

/** The same 1 000 rules, 50 providers and 8 192 messages every run (seeded). */
export function buildFixture(seed = 42): Fixture {
  const random = seededRandom(seed);
  const int = (max: number): number => Math.floor(random() * max);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');

  const providers: ProviderState[] = Array.from({ length: PROVIDERS }, (_, i) => ({
    id: `provider-${i}`,
    channel: i < 45 ? 'sms' : 'email',
    enabled: !chance(0.04),
    frozen: chance(0.04),
    healthy: !chance(0.06),
    quotaLeft: chance(0.3) ? int(3) * 50_000 : null,
    costByCountry: new Map(COUNTRIES.filter(() => chance(0.8)).map(([, iso]) => [iso, 1_000 + int(60_000)])),
  }));
  const smsProviders = providers.filter((p) => p.channel === 'sms').map((p) => p.id);
  const emailProviders = providers.filter((p) => p.channel === 'email').map((p) => p.id);

  const rules: RouteRule[] = Array.from({ length: RULES - 2 }, (_, i) => {
    const channel: Channel = i % 10 === 9 ? 'email' : 'sms';
    const pool = channel === 'sms' ? smsProviders : emailProviders;
    const [code, iso] = pick(COUNTRIES);
    const byPrefix = channel === 'sms' && chance(0.7);
    return {
      id: `rule-${i}`,
      priority: int(100),
      enabled: !chance(0.05),
      mode: chance(0.2) ? 'least_cost' : 'priority',
      match: {
        channel,
        prefixes: byPrefix ? Array.from({ length: 1 + int(3) }, () => code + digits(int(4))) : [],
        countries: !byPrefix && chance(0.5) ? [iso] : [],
        sendingAccountIds: chance(0.3) ? Array.from({ length: 1 + int(5) }, () => pick(ACCOUNTS)) : [],
        senders: chance(0.1) ? [pick(SENDERS)] : [],
        timeWindow: chance(0.15)
          ? {
              days: [1, 2, 3, 4, 5] as DayOfWeek[],
              start: pick(['08:00', '09:00', '22:00']),
              end: pick(['18:00', '06:00']),
            }
          : null,
      },
      tiers: Array.from({ length: 1 + int(3) }, () => ({
        providers: Array.from({ length: 1 + int(4) }, () => ({
          providerId: pick(pool),
          weight: 1 + int(10),
        })),
      })),
    };
  });
  // The last two: a catch-all per channel, as operators configure, so most messages find a rule.
  for (const channel of ['sms', 'email'] as const) {
    const pool = channel === 'sms' ? smsProviders : emailProviders;
    rules.push({
      id: `default-${channel}`,
      priority: 1000,
      enabled: true,
      mode: 'priority',
      match: { channel },
      tiers: [{ providers: pool.slice(0, 4).map((providerId, w) => ({ providerId, weight: w + 1 })) }],
    });
  }

  // As on the send path: the clock moves on by milliseconds between messages (so time windows
  // are read once per zone and minute), while the messages themselves vary.
  const base = Date.parse('2026-01-05T02:00:00Z');
  const inputs: SelectionInput[] = Array.from({ length: INPUTS }, (_, n) => {
    const [code, iso] = pick(COUNTRIES);
    const channel: Channel = chance(0.9) ? 'sms' : 'email';
    const mapped = chance(0.2) ? new Set(smsProviders.filter(() => chance(0.6))) : 'all';
    return {
      channel,
      destination: channel === 'sms' ? `+${code}${digits(12 - code.length)}` : `user${int(1e6)}@example.com`,
      country: channel === 'sms' ? iso : null,
      sendingAccountId: pick(ACCOUNTS),
      sender: pick(SENDERS),
      allowedProviderIds: mapped,
      exclude: chance(0.05) ? new Set([pick(smsProviders)]) : undefined,
      now: base + n * 10,
      timeZone: pick(ZONES),
    };
  });
  return { rules, providers, inputs };
}

/** Runs `op` over the inputs in rounds until `durationMs` has passed; returns ops and elapsed ms. */
function measure(
  durationMs: number,
  inputs: readonly SelectionInput[],
  op: (input: SelectionInput) => number,
): { ops: number; ms: number; checksum: number } {
  let ops = 0;
  let checksum = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (const input of inputs) {
      checksum += op(input);
    }
    ops += inputs.length;
    elapsed = performance.now() - started;
  }
  return { ops, ms: elapsed, checksum };
}

export const routingSelection: Scenario = {
  name: 'routing.selection',
  description:
    'selectProvider and explainSelection per second with 1 000 rules and 50 providers (in-process)',
  defaultDurationMs: 3000,
  timeoutMs: (durationMs) => 3 * durationMs + 30_000,
  async run(ctx) {
    const fixture = buildFixture();
    const compileStart = performance.now();
    const compiled = compileRules(fixture.rules);
    const compileMs = performance.now() - compileStart;
    const state: SelectionState = {
      rules: compiled,
      providers: new Map(fixture.providers.map((p) => [p.id, p])),
      roundRobin: new RoundRobinState(),
    };

    const outcomes = { ok: 0, no_matching_rule: 0, no_eligible_provider: 0 };
    for (const input of fixture.inputs) {
      const result = selectProvider(input, state);
      outcomes[result.ok ? 'ok' : result.reason]++;
    }
    const select = (input: SelectionInput): number => (selectProvider(input, state).ok ? 1 : 0);
    const explain = (input: SelectionInput): number => explainSelection(input, state).providers.length;

    ctx.log(`compiled ${fixture.rules.length} rules in ${round(compileMs, 1)} ms; warming up`);
    measure(Math.min(500, ctx.durationMs / 4), fixture.inputs, select);
    const cpuBefore = process.cpuUsage();
    const selected = measure(ctx.durationMs, fixture.inputs, select);
    const selectCpu = selfUsage(cpuBefore);
    ctx.log(`selectProvider: ${selected.ops} selections in ${round(selected.ms)} ms`);

    const explainCpuBefore = process.cpuUsage();
    const explained = measure(ctx.durationMs / 3, fixture.inputs, explain);
    const explainCpu = selfUsage(explainCpuBefore);

    const share = (n: number): string => `${round((100 * n) / fixture.inputs.length)} %`;
    const mix = `chosen ${share(outcomes.ok)}, no rule ${share(outcomes.no_matching_rule)}, none eligible ${share(outcomes.no_eligible_provider)}`;
    const details = {
      rules: fixture.rules.length,
      providers: fixture.providers.length,
      distinctInputs: fixture.inputs.length,
      compileMs: round(compileMs, 2),
      outcomes,
    };
    const rows: ResultRow[] = [
      {
        scenario: 'routing.selection',
        case: 'selectProvider',
        rate: round((selected.ops / selected.ms) * 1000),
        unit: 'ops/s',
        nsPerOp: round((selected.ms * 1e6) / selected.ops, 1),
        cpuPercent: round((selectCpu.cpuMs / selected.ms) * 100),
        peakRssMiB: round(selectCpu.peakRssMiB),
        notes: `1 000 rules, 50 providers; ${mix}; compile ${round(compileMs, 1)} ms`,
        details: { ...details, ops: selected.ops, ms: round(selected.ms, 1), checksum: selected.checksum },
      },
      {
        scenario: 'routing.selection',
        case: 'explainSelection',
        rate: round((explained.ops / explained.ms) * 1000),
        unit: 'ops/s',
        nsPerOp: round((explained.ms * 1e6) / explained.ops, 1),
        cpuPercent: round((explainCpu.cpuMs / explained.ms) * 100),
        peakRssMiB: round(explainCpu.peakRssMiB),
        notes: 'judges every rule (no index), for the explain endpoint',
        details: { ...details, ops: explained.ops, ms: round(explained.ms, 1), checksum: explained.checksum },
      },
    ];
    return rows;
  },
};
