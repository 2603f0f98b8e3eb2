// Provider selection (RT-2, RT-3, RT-4): which provider sends one message, as a pure function
// of the message, the compiled route rules, provider states and a caller-owned round-robin state.
//
// Precedence, exactly (explain.ts reports the same order):
// 1. Candidate rules are the enabled rules of the message's channel whose every non-empty match
//    field fits: country (ISO 3166-1 alpha-2, case-insensitive), prefix (digits of the
//    destination, a leading "+" ignored), sending account, sender (case-insensitive) and time
//    window (tenant's timezone; see time-window.ts). An empty or omitted field matches anything.
// 2. Longest prefix wins: the candidate whose matching prefix is longest is chosen; a rule
//    without prefixes counts as a match of length 0, so any fitting prefix rule beats it, even
//    one of lower priority.
// 3. Ties go to priority: lower `priority` first, then the earlier rule in the list given to
//    `compileRules`.
// 4. The chosen rule is final: when none of its providers is eligible, the answer is
//    `no_eligible_provider`; selection does not fall through to another rule. Fallback
//    belongs in the rule's tiers.
// Providers of the rule are checked in this order, the first failure naming the reason:
// unknown_provider, not_mapped (RT-3 account mapping), channel_mismatch, then the four checks
// of RT-2 — disabled, frozen, unhealthy, quota_exhausted — then excluded (RT-4: already tried).
// Tiers are tried in order; the first tier with an eligible provider is used:
// - mode `priority`: smooth weighted round-robin (nginx's algorithm) among the tier's eligible
//   providers; its running weights live in a RoundRobinState keyed by rule and tier.
// - mode `least_cost`: the eligible provider with the lowest cost for the destination country
//   (a provider without a cost for it counts as the most expensive); ties to the higher
//   weight, then to the earlier provider in the tier. Tiers still come first: put every
//   provider in one tier for pure least-cost routing.
// Hot path: rules are bucketed by channel and indexed in a digit trie by prefix at compile
// time; a selection walks the destination's digits once and checks only the rules on that
// path, each in priority order, without sorting or per-rule allocation.
import { compileTimeWindow, isWithinWindow, localTimeOf } from './time-window.js';
import type { CompiledTimeWindow, LocalTime, TimeWindow } from './time-window.js';

export type Channel = 'sms' | 'email' | 'inapp' | 'webhook';
export type RoutingMode = 'priority' | 'least_cost';

export interface TierProvider {
  providerId: string;
  /** Positive integer; within a tier, traffic splits in proportion to the weights. */
  weight: number;
}

export interface RouteTier {
  providers: readonly TierProvider[];
}

export interface RouteMatch {
  channel: Channel;
  /** ISO 3166-1 alpha-2 codes. */
  countries?: readonly string[];
  /** Destination number prefixes, digits with an optional leading "+". */
  prefixes?: readonly string[];
  sendingAccountIds?: readonly string[];
  senders?: readonly string[];
  timeWindow?: TimeWindow | null;
}

export interface RouteRule {
  id: string;
  /** Lower runs first. */
  priority: number;
  enabled: boolean;
  match: RouteMatch;
  /** The first tier is the highest. */
  tiers: readonly RouteTier[];
  mode: RoutingMode;
}

export interface ProviderState {
  id: string;
  channel: Channel;
  enabled: boolean;
  frozen: boolean;
  healthy: boolean;
  /** Messages left in today's quota; null when the provider has no quota. */
  quotaLeft: number | null;
  /** Cost of one message by destination country (ISO alpha-2, upper case), integer micro-units. */
  costByCountry: ReadonlyMap<string, number>;
}

export interface SelectionInput {
  channel: Channel;
  /** E.164 number for SMS (with or without "+"); the address for other channels. */
  destination: string;
  /** Destination country, ISO 3166-1 alpha-2; null when unknown (rules with countries then do not fit). */
  country: string | null;
  sendingAccountId: string;
  sender: string | null;
  /** RT-3: providers this account may use at all, or 'all' when the account is not restricted. */
  allowedProviderIds: ReadonlySet<string> | 'all';
  /** RT-4: providers already tried for this message. */
  exclude?: ReadonlySet<string>;
  /** The instant to evaluate time windows at, epoch milliseconds (from the injected clock). */
  now: number;
  /** The tenant's IANA timezone, e.g. "Asia/Shanghai". */
  timeZone: string;
}

export interface SelectionState {
  rules: CompiledRules;
  providers: ReadonlyMap<string, ProviderState>;
  roundRobin: RoundRobinState;
}

export type RuleSkipReason =
  'disabled' | 'channel' | 'country' | 'prefix' | 'account' | 'sender' | 'time_window';

export type ProviderSkipReason =
  | 'unknown_provider'
  | 'not_mapped'
  | 'channel_mismatch'
  | 'disabled'
  | 'frozen'
  | 'unhealthy'
  | 'quota_exhausted'
  | 'excluded'
  | 'lower_tier'
  | 'not_selected_by_weight'
  | 'costlier';

export type SelectionResult =
  | { ok: true; provider: ProviderState; rule: RouteRule; tier: number }
  | { ok: false; reason: 'no_matching_rule'; rule: null }
  | { ok: false; reason: 'no_eligible_provider'; rule: RouteRule };

export interface CompiledTier {
  /** Round-robin state key: rule id, tier index and provider list, so an edited tier starts afresh. */
  readonly key: string;
  readonly providerIds: readonly string[];
  readonly weights: readonly number[];
}

export interface CompiledRule {
  readonly rule: RouteRule;
  /** Position in priority order (ties already broken by list order). */
  readonly rank: number;
  readonly countries: ReadonlySet<string> | null;
  /** Digits only. */
  readonly prefixes: readonly string[];
  readonly accounts: ReadonlySet<string> | null;
  /** Lower-cased. */
  readonly senders: ReadonlySet<string> | null;
  readonly timeWindow: CompiledTimeWindow | null;
  readonly tiers: readonly CompiledTier[];
}

interface PrefixNode {
  readonly children: (PrefixNode | undefined)[];
  /** Rules having exactly this node's prefix, in rank order; at the root, rules without prefixes. */
  readonly rules: CompiledRule[];
}

export interface CompiledRules {
  /** Every rule, disabled ones included, in rank order. */
  readonly ordered: readonly CompiledRule[];
  readonly byChannel: ReadonlyMap<Channel, PrefixNode>;
}

const PREFIX = /^\+?(\d{1,15})$/;
const COUNTRY = /^[A-Za-z]{2}$/;

function newNode(): PrefixNode {
  return { children: new Array<PrefixNode | undefined>(10).fill(undefined), rules: [] };
}

function setOrNull(
  values: readonly string[] | undefined,
  normalize: (v: string) => string,
): Set<string> | null {
  return values === undefined || values.length === 0 ? null : new Set(values.map(normalize));
}

function compileRule(rule: RouteRule, rank: number): CompiledRule {
  const prefixes = [
    ...new Set(
      (rule.match.prefixes ?? []).map((p) => {
        const m = PREFIX.exec(p);
        if (m?.[1] === undefined) {
          throw new RangeError(`route rule ${rule.id}: invalid prefix "${p}", expected 1–15 digits`);
        }
        return m[1];
      }),
    ),
  ];
  const countries = setOrNull(rule.match.countries, (c) => {
    if (!COUNTRY.test(c)) {
      throw new RangeError(`route rule ${rule.id}: invalid country "${c}", expected ISO 3166-1 alpha-2`);
    }
    return c.toUpperCase();
  });
  const tiers = rule.tiers.map((tier, index): CompiledTier => {
    for (const p of tier.providers) {
      if (!Number.isInteger(p.weight) || p.weight < 1) {
        throw new RangeError(
          `route rule ${rule.id}: provider ${p.providerId} needs a positive integer weight`,
        );
      }
    }
    const providerIds = tier.providers.map((p) => p.providerId);
    return {
      key: `${rule.id}#${index}#${providerIds.join(',')}`,
      providerIds,
      weights: tier.providers.map((p) => p.weight),
    };
  });
  return {
    rule,
    rank,
    countries,
    prefixes,
    accounts: setOrNull(rule.match.sendingAccountIds, (a) => a),
    senders: setOrNull(rule.match.senders, (s) => s.toLowerCase()),
    timeWindow: rule.match.timeWindow ? compileTimeWindow(rule.match.timeWindow) : null,
    tiers,
  };
}

/**
 * Validates and indexes rules once, when they change; selection then costs microseconds.
 * Throws RangeError on a malformed rule (duplicate id, bad prefix, country, weight or window).
 */
export function compileRules(rules: readonly RouteRule[]): CompiledRules {
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) {
      throw new RangeError(`duplicate route rule id ${rule.id}`);
    }
    ids.add(rule.id);
  }
  const ordered = rules
    .map((rule, position) => ({ rule, position }))
    .sort((a, b) => a.rule.priority - b.rule.priority || a.position - b.position)
    .map(({ rule }, rank) => compileRule(rule, rank));

  const byChannel = new Map<Channel, PrefixNode>();
  for (const compiled of ordered) {
    if (!compiled.rule.enabled) {
      continue;
    }
    let root = byChannel.get(compiled.rule.match.channel);
    if (root === undefined) {
      root = newNode();
      byChannel.set(compiled.rule.match.channel, root);
    }
    if (compiled.prefixes.length === 0) {
      root.rules.push(compiled);
      continue;
    }
    for (const prefix of compiled.prefixes) {
      let node = root;
      for (let i = 0; i < prefix.length; i++) {
        const digit = prefix.charCodeAt(i) - 48;
        let next = node.children[digit];
        if (next === undefined) {
          next = newNode();
          node.children[digit] = next;
        }
        node = next;
      }
      node.rules.push(compiled); // `ordered` is in rank order, so every node's list is too.
    }
  }
  return { ordered, byChannel };
}

/**
 * Smooth weighted round-robin state, per rule tier. The caller owns it (one per process, or a
 * fresh one per test) so selection stays deterministic. Peeking never changes it.
 */
export class RoundRobinState {
  private readonly currentByTier = new Map<string, Float64Array>();

  /** The running weights of a tier, or undefined while it has never been picked from (all zero). */
  peek(key: string): Float64Array | undefined {
    return this.currentByTier.get(key);
  }

  forUpdate(key: string, size: number): Float64Array {
    let current = this.currentByTier.get(key);
    if (current === undefined || current.length !== size) {
      current = new Float64Array(size);
      this.currentByTier.set(key, current);
    }
    return current;
  }

  /** Drops the state of tiers that no longer exist, after a recompile. */
  retainOnly(rules: CompiledRules): void {
    const live = new Set<string>();
    for (const compiled of rules.ordered) {
      for (const tier of compiled.tiers) {
        live.add(tier.key);
      }
    }
    for (const key of this.currentByTier.keys()) {
      if (!live.has(key)) {
        this.currentByTier.delete(key);
      }
    }
  }

  get size(): number {
    return this.currentByTier.size;
  }
}

/**
 * Per-selection facts computed at most once and only when a rule asks for them: the local time
 * (Intl is the costliest step) and the normalized sender and country.
 */
export class MatchContext {
  private local: LocalTime | undefined;
  private senderKey: string | null | undefined;
  readonly country: string | null;

  constructor(readonly input: SelectionInput) {
    this.country = input.country === null ? null : input.country.toUpperCase();
  }

  localTime(): LocalTime {
    this.local ??= localTimeOf(this.input.now, this.input.timeZone);
    return this.local;
  }

  sender(): string | null {
    if (this.senderKey === undefined) {
      this.senderKey = this.input.sender === null ? null : this.input.sender.toLowerCase();
    }
    return this.senderKey;
  }
}

/** Index of the first destination digit (after an optional "+"). */
export function destinationStart(destination: string): number {
  return destination.charCodeAt(0) === 43 ? 1 : 0;
}

/**
 * The rule checks after channel, in the documented order. `prefixLength` is the rule's longest
 * matching prefix, 0 when it has none and -1 when it has prefixes and none matches.
 */
export function ruleMismatch(
  rule: CompiledRule,
  ctx: MatchContext,
  prefixLength: number,
): RuleSkipReason | null {
  if (rule.countries !== null && (ctx.country === null || !rule.countries.has(ctx.country))) {
    return 'country';
  }
  if (prefixLength < 0) {
    return 'prefix';
  }
  if (rule.accounts !== null && !rule.accounts.has(ctx.input.sendingAccountId)) {
    return 'account';
  }
  if (rule.senders !== null) {
    const sender = ctx.sender();
    if (sender === null || !rule.senders.has(sender)) {
      return 'sender';
    }
  }
  if (rule.timeWindow !== null && !isWithinWindow(rule.timeWindow, ctx.localTime())) {
    return 'time_window';
  }
  return null;
}

// Reused by every call: selection is synchronous and never re-entered.
const pathScratch: PrefixNode[] = [];

/** The rule that governs this message, per the precedence in the top comment. */
export function findRule(rules: CompiledRules, ctx: MatchContext): CompiledRule | null {
  const root = rules.byChannel.get(ctx.input.channel);
  if (root === undefined) {
    return null;
  }
  const destination = ctx.input.destination;
  let depth = 0;
  let node = root;
  for (let i = destinationStart(destination); i < destination.length; i++) {
    const digit = destination.charCodeAt(i) - 48;
    const next = digit >= 0 && digit <= 9 ? node.children[digit] : undefined;
    if (next === undefined) {
      break;
    }
    node = next;
    pathScratch[depth++] = node;
  }
  for (let d = depth - 1; d >= 0; d--) {
    for (const rule of (pathScratch[d] as PrefixNode).rules) {
      if (ruleMismatch(rule, ctx, 0) === null) {
        return rule;
      }
    }
  }
  for (const rule of root.rules) {
    if (ruleMismatch(rule, ctx, 0) === null) {
      return rule;
    }
  }
  return null;
}

/** The first failed provider check, or null when the provider may take the message. */
export function providerMismatch(
  provider: ProviderState | undefined,
  providerId: string,
  input: SelectionInput,
): ProviderSkipReason | null {
  if (provider === undefined) {
    return 'unknown_provider';
  }
  if (input.allowedProviderIds !== 'all' && !input.allowedProviderIds.has(providerId)) {
    return 'not_mapped';
  }
  if (provider.channel !== input.channel) {
    return 'channel_mismatch';
  }
  if (!provider.enabled) {
    return 'disabled';
  }
  if (provider.frozen) {
    return 'frozen';
  }
  if (!provider.healthy) {
    return 'unhealthy';
  }
  if (provider.quotaLeft !== null && provider.quotaLeft <= 0) {
    return 'quota_exhausted';
  }
  if (input.exclude?.has(providerId) === true) {
    return 'excluded';
  }
  return null;
}

/** A provider's cost for the country; unknown country or price sorts last. */
export function costFor(provider: ProviderState, country: string | null): number {
  if (country === null) {
    return Number.POSITIVE_INFINITY;
  }
  return provider.costByCountry.get(country) ?? Number.POSITIVE_INFINITY;
}

export interface Pick {
  tier: number;
  /** Position of the provider in the tier. */
  index: number;
  provider: ProviderState;
}

let eligibleScratch = new Uint8Array(64);

/**
 * Picks the provider in a rule: first tier with an eligible provider, then weighted
 * round-robin or least cost inside it. With `commit` false this only peeks: the round-robin
 * state is neither advanced nor created, so explain sees exactly what the next selection does.
 */
export function pickInRule(
  rule: CompiledRule,
  ctx: MatchContext,
  state: SelectionState,
  commit: boolean,
): Pick | null {
  const { providers, roundRobin } = state;
  const leastCost = rule.rule.mode === 'least_cost';
  for (let t = 0; t < rule.tiers.length; t++) {
    const tier = rule.tiers[t] as CompiledTier;
    const { providerIds, weights } = tier;
    const size = providerIds.length;
    if (eligibleScratch.length < size) {
      eligibleScratch = new Uint8Array(size * 2);
    }
    const current = roundRobin.peek(tier.key);
    let best = -1;
    let bestProvider: ProviderState | undefined;
    let bestScore = 0;
    let bestWeight = 0;
    let total = 0;
    for (let i = 0; i < size; i++) {
      const id = providerIds[i] as string;
      const provider = providers.get(id);
      if (providerMismatch(provider, id, ctx.input) !== null) {
        eligibleScratch[i] = 0;
        continue;
      }
      eligibleScratch[i] = 1;
      const weight = weights[i] as number;
      total += weight;
      if (leastCost) {
        const cost = costFor(provider as ProviderState, ctx.country);
        if (best < 0 || cost < bestScore || (cost === bestScore && weight > bestWeight)) {
          best = i;
          bestProvider = provider;
          bestScore = cost;
          bestWeight = weight;
        }
      } else {
        // nginx: add each weight to its running weight, take the largest (first on ties).
        const score =
          (current === undefined || current.length !== size ? 0 : (current[i] as number)) + weight;
        if (best < 0 || score > bestScore) {
          best = i;
          bestProvider = provider;
          bestScore = score;
        }
      }
    }
    if (best < 0 || bestProvider === undefined) {
      continue;
    }
    if (commit && !leastCost) {
      const running = roundRobin.forUpdate(tier.key, size);
      for (let i = 0; i < size; i++) {
        if (eligibleScratch[i] === 1) {
          running[i] = (running[i] as number) + (weights[i] as number);
        }
      }
      running[best] = (running[best] as number) - total;
    }
    return { tier: t, index: best, provider: bestProvider };
  }
  return null;
}

export function toResult(rule: CompiledRule | null, pick: Pick | null): SelectionResult {
  if (rule === null) {
    return { ok: false, reason: 'no_matching_rule', rule: null };
  }
  if (pick === null) {
    return { ok: false, reason: 'no_eligible_provider', rule: rule.rule };
  }
  return { ok: true, provider: pick.provider, rule: rule.rule, tier: pick.tier };
}

/**
 * Chooses the provider for one message and advances the round-robin state of the tier used.
 * Pure apart from that state: no I/O, no clock (time comes in `input.now`).
 */
export function selectProvider(input: SelectionInput, state: SelectionState): SelectionResult {
  const ctx = new MatchContext(input);
  const rule = findRule(state.rules, ctx);
  return toResult(rule, rule === null ? null : pickInRule(rule, ctx, state, true));
}
