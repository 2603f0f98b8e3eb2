// Pure parts of the routing pages: the rule form's model and its conversion to the request
// body, where the server's field errors belong on the form, and reordering by drag and drop.
import type { Channel, RouteRule, RoutingMode, RuleBody } from './api';

export const CHANNELS: readonly Channel[] = ['sms', 'email', 'inapp', 'webhook'];
export const MODES: readonly RoutingMode[] = ['priority', 'least_cost'];
/** Day numbers as the server counts them (0 = Sunday), listed Monday first. */
export const DAYS: readonly number[] = [1, 2, 3, 4, 5, 6, 0];

export const PROVIDER_OUTCOMES = [
  'selected',
  'disabled',
  'frozen',
  'unhealthy',
  'quota_exhausted',
  'not_mapped',
  'excluded',
  'lower_tier',
  'not_selected_by_weight',
  'costlier',
  'channel_mismatch',
  'unknown_provider',
] as const;
export const RULE_OUTCOMES = [
  'matched',
  'outranked',
  'disabled',
  'channel',
  'country',
  'prefix',
  'account',
  'sender',
  'time_window',
] as const;

/** ISO 3166-1 alpha-2 codes, for the countries picker. */
export const COUNTRY_CODES: readonly string[] = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW`
  .trim()
  .split(/\s+/);

export interface TierModel {
  /** Stable key for v-for while tiers are added and removed. */
  key: number;
  providers: Array<{ key: number; providerId: string; weight: number }>;
}

export interface RuleFormModel {
  name: string;
  enabled: boolean;
  channel: Channel;
  mode: RoutingMode;
  countries: string[];
  prefixes: string[];
  sendingAccountIds: string[];
  senders: string[];
  hasTimeWindow: boolean;
  days: number[];
  start: string;
  end: string;
  tiers: TierModel[];
}

let nextKey = 1;
export function newKey(): number {
  return nextKey++;
}

export function emptyTier(): TierModel {
  return { key: newKey(), providers: [{ key: newKey(), providerId: '', weight: 1 }] };
}

export function toFormModel(rule: RouteRule | null): RuleFormModel {
  const match = rule?.match ?? {};
  const window = match.timeWindow ?? null;
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    channel: rule?.channel ?? 'sms',
    mode: rule?.mode ?? 'priority',
    countries: [...(match.countries ?? [])],
    prefixes: [...(match.prefixes ?? [])],
    sendingAccountIds: [...(match.sendingAccountIds ?? [])],
    senders: [...(match.senders ?? [])],
    hasTimeWindow: window !== null,
    days: [...(window?.days ?? [])],
    start: window?.start ?? '09:00',
    end: window?.end ?? '18:00',
    tiers: rule
      ? rule.tiers.map((t) => ({
          key: newKey(),
          providers: t.providers.map((p) => ({ key: newKey(), providerId: p.providerId, weight: p.weight })),
        }))
      : [emptyTier()],
  };
}

/** The request body for a form model; empty match lists are left out (they match anything). */
export function toRuleBody(m: RuleFormModel): RuleBody {
  const list = (values: string[]) => values.map((v) => v.trim()).filter((v) => v !== '');
  const match: RuleBody['match'] = {};
  const countries = list(m.countries).map((c) => c.toUpperCase());
  if (countries.length) {
    match.countries = [...new Set(countries)];
  }
  const prefixes = list(m.prefixes);
  if (prefixes.length) {
    match.prefixes = [...new Set(prefixes)];
  }
  const accounts = list(m.sendingAccountIds);
  if (accounts.length) {
    match.sendingAccountIds = [...new Set(accounts)];
  }
  const senders = list(m.senders);
  if (senders.length) {
    match.senders = [...new Set(senders)];
  }
  match.timeWindow = m.hasTimeWindow
    ? { ...(m.days.length ? { days: [...m.days].sort((a, b) => a - b) } : {}), start: m.start, end: m.end }
    : null;
  return {
    name: m.name.trim(),
    enabled: m.enabled,
    channel: m.channel,
    mode: m.mode,
    match,
    tiers: m.tiers.map((t) => ({
      providers: t.providers.map((p) => ({ providerId: p.providerId.trim(), weight: p.weight })),
    })),
  };
}

/**
 * The form item a server field error belongs to: `match.countries.2` → `countries`,
 * `tiers.0.providers.1.weight` → `tiers`, `rule` (the rule as a whole) → `tiers`.
 */
export function formFieldOf(serverField: string): string {
  const [head, second] = serverField.split('.');
  if (head === 'match') {
    return second === 'timeWindow' ? 'timeWindow' : (second ?? 'match');
  }
  if (head === 'rule' || head === 'tiers') {
    return 'tiers';
  }
  return head || 'form';
}

/** Groups server field errors by form item, joining several messages for one item. */
export function fieldErrorsByItem(
  errors: ReadonlyArray<{ field: string; message: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = formFieldOf(e.field);
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}

/** The ids after dragging `from` onto the position of `to` (`to` moves one step aside). */
export function moveId(ids: readonly string[], from: string, to: string): string[] {
  const fromIndex = ids.indexOf(from);
  const toIndex = ids.indexOf(to);
  if (fromIndex < 0 || toIndex < 0 || fromIndex === toIndex) {
    return [...ids];
  }
  const out = ids.filter((id) => id !== from);
  out.splice(toIndex, 0, from);
  return out;
}
