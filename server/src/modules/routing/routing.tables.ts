// Table types of the routing module (see migrations/20261123_1250_routing.ts).
import type { Flag } from '../../platform/db/schema.js';
import type { Channel, RoutingMode } from './selection.js';

export interface RouteRulesTable {
  id: string;
  name: string;
  priority: number;
  enabled: Flag;
  mode: RoutingMode;
  channel: Channel;
  /** JSON of RouteMatch without `channel`. */
  match: string;
  /** JSON of RouteTier[]. */
  tiers: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    route_rules: RouteRulesTable;
    account_providers: { sending_account_id: string; provider_id: string; created_at: string };
  }
}
