// TypeBox schemas of the stats routes (ST-1): the dashboard overview.
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';

export const OverviewQuery = Type.Object(
  {
    enterpriseId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Staff: one enterprise (default: the whole platform). Customers always see their own.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type OverviewQuery = Static<typeof OverviewQuery>;

const Counts = {
  submitted: Type.Integer({ description: 'Messages taken in (accepted or queued)' }),
  sent: Type.Integer({ description: 'Messages handed to a provider' }),
  delivered: Type.Integer(),
  failed: Type.Integer({ description: 'undelivered, expired, failed or rejected' }),
  successRate: Nullable(Type.Number({ description: 'delivered / (delivered + failed); null when neither' })),
};

export const MinutePoint = Type.Object({ minute: Timestamp, ...Counts });
export type MinutePoint = Static<typeof MinutePoint>;

export const ReasonCount = Type.Object({ reason: Type.String(), count: Type.Integer() });

export const ProviderTile = Type.Object({
  id: Uuid,
  name: Type.String(),
  channel: Type.String(),
  enabled: Type.Boolean(),
  frozen: Type.Boolean(),
  health: Type.String({ description: 'unknown, healthy or unhealthy' }),
  queueDepth: Type.Integer({ description: 'Messages waiting for this provider' }),
});
export type ProviderTile = Static<typeof ProviderTile>;

export const BalanceTile = Type.Object({
  enterpriseId: Uuid,
  enterpriseName: Type.String(),
  currency: Type.String(),
  balance: Type.Integer({ description: 'Micro-units' }),
  available: Type.Integer({ description: 'Balance plus credit limit, micro-units' }),
});
export type BalanceTile = Static<typeof BalanceTile>;

export const Overview = Type.Object({
  enterpriseId: Nullable(Uuid),
  from: Timestamp,
  to: Timestamp,
  series: Type.Array(MinutePoint, { description: 'The last 60 minutes, oldest first, one point per minute' }),
  totals: Type.Object(Counts),
  throughput: Type.Number({ description: 'Messages sent per second over the last 10 seconds' }),
  failuresByReason: Type.Array(ReasonCount, { description: 'Failures of the last 60 minutes by error code' }),
  providers: Type.Array(ProviderTile, { description: 'Provider health and queue depth (staff only)' }),
  balance: Nullable(BalanceTile),
});
export type Overview = Static<typeof Overview>;
