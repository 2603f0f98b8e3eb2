// The ports the lifecycle and the delivery engine need, implemented on other modules' services
// (app.ts wires them): failover routes from routing, refunds and quota from billing, provider
// states and outcome counts from the providers registry.
import type { Logger } from 'pino';
import type { ProviderTraffic } from '../../delivery/ports.js';
import type { BillingServices } from '../billing/index.js';
import type { Customers } from '../customers/index.js';
import type { ProviderRegistry } from '../providers/index.js';
import type { RoutingService } from '../routing/index.js';
import type { FailoverRoutes, LifecycleBilling } from './lifecycle.service.js';
import { NO_COUNTRY } from './messages.contract.js';

/** RT-4: the next eligible route a message has not tried, with its provider cost. */
export function failoverRoutes(routing: RoutingService, customers: Customers, log: Logger): FailoverRoutes {
  return {
    async next(row, exclude) {
      try {
        const account = await customers.sendingContext(row.sending_account_id);
        const selection = await routing.select(
          await routing.input({
            accountId: row.sending_account_id,
            channel: row.channel,
            to: row.recipient,
            sender: row.sender,
            country: row.country,
            exclude,
            ...(account ? { timeZone: account.enterprise.timezone } : {}),
          }),
        );
        if (!selection.ok) {
          return null;
        }
        const unit = selection.provider.costByCountry.get(row.country ?? NO_COUNTRY);
        return { providerId: selection.provider.id, cost: unit === undefined ? null : unit * row.segments };
      } catch (err) {
        log.warn({ err, messageId: row.id }, 'failover selection failed');
        return null;
      }
    },
  };
}

export function lifecycleBilling(billing: BillingServices): LifecycleBilling {
  return {
    refundMany: (trx, ids, opts) => billing.refundMany(trx, ids, opts),
    returnQuota: (trx, accountId, channel, n, objectId) =>
      billing.returnQuota(trx, accountId, channel, n, objectId),
    emitAfterCommit: (o) =>
      billing.ledger.emitAfterCommit(o as Parameters<typeof billing.ledger.emitAfterCommit>[0]),
  };
}

/** Provider states for the engine (blocked = disabled or frozen) and outcome counts back. */
export function providerTraffic(providers: ProviderRegistry): ProviderTraffic {
  return {
    async states() {
      const snap = await providers.snapshot();
      const blocked = new Set<string>();
      for (const [id, p] of snap) {
        if (!p.enabled || p.frozen) {
          blocked.add(id);
        }
      }
      return { known: new Set(snap.keys()), blocked };
    },
    report(providerId, outcome) {
      if (outcome.sent > 0) {
        void providers.recordResult(providerId, true, 'sent').catch(() => undefined);
      }
      for (const reason of outcome.failures) {
        void providers.recordResult(providerId, false, reason).catch(() => undefined);
      }
      if (outcome.sent > 0) {
        void providers
          .snapshot()
          .then((snap) =>
            snap.get(providerId)?.quotaLeft !== null && snap.has(providerId)
              ? providers.useQuota(providerId, outcome.sent)
              : undefined,
          )
          .catch(() => undefined);
      }
    },
  };
}
