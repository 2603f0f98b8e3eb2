// Messages (MS-1…MS-5, DL-2/3/6): the send API, the message store and its lifecycle (the one
// owner of message status), and the delivery engine wired to it through its ports. Other
// modules reach it through `messagesServices(ctx)` (accept, hooks, events — see
// messages.contract.ts).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { DeliveryEngine } from '../../delivery/engine.js';
import type { ConnectorSource, ProviderTraffic } from '../../delivery/ports.js';
import { customersServices } from '../customers/customers.module.js';
import { routingServices } from '../routing/routing.module.js';
import { billingServices } from '../billing/billing.module.js';
import { providersServices } from '../providers/providers.module.js';
import type { AcceptHooks, AcceptOrigin, AcceptResult, SendItem } from './messages.contract.js';
import { NO_COUNTRY } from './messages.contract.js';
import { AcceptService } from './accept.service.js';
import { MessageService } from './messages.service.js';
import { registerMessagesRoutes } from './messages.routes.js';
import './messages.tables.js';
import { registerInboxAndOptOut } from './inbox-optout.js';
import { registerTemplatesAndCallbacks } from './templates-callbacks.js';
import { MessageRepository } from './messages.repository.js';
import { LifecycleService, type FailoverRoutes, type LifecycleBilling } from './lifecycle.service.js';
import { CallbackOutbox } from './callbacks.outbox.js';
import { CallbackRepository } from './callbacks.repository.js';

/** A worker's lease outlives the longest submit (connectors time out after 60 s). */
const LEASE_MS = 120_000;

export interface MessagesServices {
  /**
   * Validates, prices, charges and stores messages, then queues them (group-committed with
   * concurrent calls). One result per item, in order. Throws AppError 429 THROTTLED (account
   * TPS) or 503 BACKLOG_FULL (backpressure; `retryAfter` in seconds) for the whole call.
   */
  accept(origin: AcceptOrigin, items: SendItem[], opts?: { locale?: Locale }): Promise<AcceptResult[]>;
  /** Hooks other modules register on the accept path (templates, suppression list). */
  hooks: AcceptHooks;
  /** Messages queued per provider id. */
  queueDepths(): Record<string, number>;
  engine: DeliveryEngine;
  lifecycle: LifecycleService;
  repo: MessageRepository;
  messages: MessageService;
  outbox: CallbackOutbox;
}

const registry = new WeakMap<AppContext, MessagesServices>();

export function messagesServices(ctx: AppContext): MessagesServices {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('messages module is not registered');
  }
  return s;
}

export const messagesModule: Module = {
  name: 'messages',
  async register(app: FastifyInstance, ctx: AppContext) {
    const hooks: AcceptHooks = { prepare: [], check: [] };
    const customers = customersServices(ctx);
    const routing = routingServices(ctx);
    const billing = billingServices(ctx);
    const { registry: providers } = providersServices(ctx);
    const repo = new MessageRepository(ctx.database);
    const outbox = new CallbackOutbox(ctx.clock, new CallbackRepository(ctx.db), (id, ex) =>
      customers.sendingAccounts.sendingContext(id, ex),
    );
    const routes: FailoverRoutes = {
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
          ctx.log.warn({ err, messageId: row.id }, 'failover selection failed');
          return null;
        }
      },
    };
    const lifecycleBilling: LifecycleBilling = {
      refundMany: (trx, ids, opts) => billing.refundMany(trx, ids, opts),
      returnQuota: (trx, accountId, channel, n, objectId) =>
        billing.returnQuota(trx, accountId, channel, n, objectId),
      emitAfterCommit: (o) =>
        billing.ledger.emitAfterCommit(o as Parameters<typeof billing.ledger.emitAfterCommit>[0]),
    };
    const lifecycle = new LifecycleService({
      repo,
      clock: ctx.clock,
      log: ctx.log,
      events: ctx.events,
      billing: lifecycleBilling,
      routes,
      writers: [outbox.writeStatusChanges],
      settings: {
        maxAttempts: ctx.config.deliveryMaxAttempts,
        retryBaseMs: ctx.config.deliveryRetryBaseMs,
        receiptTimeoutMs: ctx.config.receiptTimeout * 1000,
        leaseMs: LEASE_MS,
        workerId: newId(),
        soleWorker: ctx.config.role === 'all',
      },
    });
    const connectors: ConnectorSource = providers;
    const traffic: ProviderTraffic = {
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
    const engine = new DeliveryEngine(
      { clock: ctx.clock, log: ctx.log, work: lifecycle, outcomes: lifecycle, connectors, traffic },
      { inflight: ctx.config.deliveryInflight, shutdownTimeoutMs: ctx.config.shutdownTimeoutMs },
    );
    const acceptor = new AcceptService(ctx, {
      customers,
      routing,
      billing,
      hooks,
      lifecycle,
      repo,
      sink: engine,
    });
    const messages = new MessageService(acceptor, { repo, lifecycle, customers, billing, routing });
    const services: MessagesServices = {
      hooks,
      accept: (origin, items, opts) => acceptor.accept(origin, items, opts),
      queueDepths: () => engine.queueDepths(),
      engine,
      lifecycle,
      repo,
      messages,
      outbox,
    };
    registry.set(ctx, services);
    registerMessagesRoutes(app, ctx, messages, engine);
    registerInboxAndOptOut(app, ctx, services);
    registerTemplatesAndCallbacks(app, ctx, services);
    ctx.onClose.push(async () => {
      await acceptor.idle();
      await engine.close();
    });
    // Workers belong to processes that deliver; an api-only process accepts and stores.
    if (ctx.config.role === 'all' || ctx.config.role === 'worker') {
      await engine.start();
    }
  },
};
