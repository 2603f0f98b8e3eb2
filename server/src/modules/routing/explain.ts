// Explain (RT-5): which provider selection would choose for a message and why every other rule
// and provider was passed over. Read-only: the round-robin state is peeked, never advanced.
//
// Rules are judged one by one with the checks in this order — disabled, channel, country,
// prefix, account, sender, time_window — without the trie, so the property test comparing this
// with selectProvider also checks the index. A rule that fits but loses on precedence (shorter
// prefix, or same prefix and later priority) is `outranked`.
// Providers of the matched rule: a failed check names itself (see selection.ts for the order);
// an eligible provider that was not chosen is `lower_tier` (a later tier than the chosen one),
// `not_selected_by_weight` (same tier, lost the round-robin or a least-cost tie on weight) or
// `costlier` (same tier, least-cost mode, higher cost).
import {
  costFor,
  destinationStart,
  MatchContext,
  pickInRule,
  providerMismatch,
  ruleMismatch,
  toResult,
} from './selection.js';
import type {
  CompiledRule,
  CompiledTier,
  ProviderSkipReason,
  RuleSkipReason,
  SelectionInput,
  SelectionResult,
  SelectionState,
} from './selection.js';

export interface RuleVerdict {
  ruleId: string;
  priority: number;
  outcome: 'matched' | 'outranked' | RuleSkipReason;
  /** The rule's longest prefix that matches the destination, if it has one. */
  matchedPrefix: string | null;
}

export interface ProviderVerdict {
  providerId: string;
  tier: number;
  weight: number;
  outcome: 'selected' | ProviderSkipReason;
  /** Cost for the destination country in micro-units; null when unknown. */
  cost: number | null;
}

export interface SelectionExplanation {
  /** Exactly what selectProvider returns for the same input and state. */
  result: SelectionResult;
  /** Every rule, in priority order. */
  rules: RuleVerdict[];
  /** Every provider entry of the matched rule's tiers, in tier order; empty when no rule matched. */
  providers: ProviderVerdict[];
}

/** The longest of the rule's prefixes that starts the destination: its length, 0 for none, -1 for no match. */
function longestPrefix(rule: CompiledRule, destination: string): { length: number; prefix: string | null } {
  if (rule.prefixes.length === 0) {
    return { length: 0, prefix: null };
  }
  const digits = destination.slice(destinationStart(destination));
  let found: string | null = null;
  for (const prefix of rule.prefixes) {
    if (digits.startsWith(prefix) && (found === null || prefix.length > found.length)) {
      found = prefix;
    }
  }
  return found === null ? { length: -1, prefix: null } : { length: found.length, prefix: found };
}

export function explainSelection(input: SelectionInput, state: SelectionState): SelectionExplanation {
  const ctx = new MatchContext(input);
  const verdicts: RuleVerdict[] = [];
  let winner: CompiledRule | null = null;
  let winnerLength = -1;
  let winnerVerdict: RuleVerdict | null = null;

  for (const compiled of state.rules.ordered) {
    const { rule } = compiled;
    const { length, prefix } = longestPrefix(compiled, input.destination);
    let outcome: RuleVerdict['outcome'];
    if (!rule.enabled) {
      outcome = 'disabled';
    } else if (rule.match.channel !== input.channel) {
      outcome = 'channel';
    } else {
      outcome = ruleMismatch(compiled, ctx, length) ?? 'outranked';
    }
    const verdict: RuleVerdict = { ruleId: rule.id, priority: rule.priority, outcome, matchedPrefix: prefix };
    verdicts.push(verdict);
    // `ordered` is in rank order, so strictly longer is the only way to displace the winner.
    if (outcome === 'outranked' && length > winnerLength) {
      winner = compiled;
      winnerLength = length;
      winnerVerdict = verdict;
    }
  }
  if (winner === null || winnerVerdict === null) {
    return { result: toResult(null, null), rules: verdicts, providers: [] };
  }
  winnerVerdict.outcome = 'matched';

  const matched = winner;
  const pick = pickInRule(matched, ctx, state, false);
  const chosenCost = pick === null ? 0 : costFor(pick.provider, ctx.country);
  const providers: ProviderVerdict[] = [];
  for (let t = 0; t < matched.tiers.length; t++) {
    const tier = matched.tiers[t] as CompiledTier;
    for (let i = 0; i < tier.providerIds.length; i++) {
      const providerId = tier.providerIds[i] as string;
      const provider = state.providers.get(providerId);
      const cost = provider === undefined ? Number.POSITIVE_INFINITY : costFor(provider, ctx.country);
      let outcome: ProviderVerdict['outcome'] | null = providerMismatch(provider, providerId, input);
      if (outcome === null) {
        if (pick === null || t < pick.tier) {
          // pickInRule takes the first tier with an eligible provider, so this cannot happen.
          throw new Error(`explain: eligible provider ${providerId} in tier ${t} was passed over`);
        } else if (t > pick.tier) {
          outcome = 'lower_tier';
        } else if (i === pick.index) {
          outcome = 'selected';
        } else if (matched.rule.mode === 'least_cost' && cost > chosenCost) {
          outcome = 'costlier';
        } else {
          outcome = 'not_selected_by_weight';
        }
      }
      providers.push({
        providerId,
        tier: t,
        weight: tier.weights[i] as number,
        outcome,
        cost: Number.isFinite(cost) ? cost : null,
      });
    }
  }
  return { result: toResult(matched, pick), rules: verdicts, providers };
}
