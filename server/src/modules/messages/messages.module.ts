// Messages (MS-1…MS-5, DL-2/3/6): the send API, the message store and its lifecycle, and the
// delivery engine that moves queued messages through connectors. Other modules reach it
// through `messagesServices(ctx)` (accept, hooks, events — see messages.contract.ts).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import { DeliveryEngine } from '../../delivery/engine.js';
import { customersServices } from '../customers/customers.module.js';
import { routingServices } from '../routing/routing.module.js';
import { billingServices } from '../billing/billing.module.js';
import { providersServices } from '../providers/providers.module.js';
import type { AcceptHooks, AcceptOrigin, AcceptResult, SendItem } from './messages.contract.js';
import { AcceptService } from './accept.service.js';
import { MessageService } from './messages.service.js';
import { registerMessagesRoutes } from './messages.routes.js';
import './messages.tables.js';
import { registerInboxAndOptOut } from './inbox-optout.js';
import { registerTemplatesAndCallbacks } from './templates-callbacks.js';

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
  messages: MessageService;
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
    const engine = new DeliveryEngine(ctx, { registry: providers, routing, billing, customers });
    const acceptor = new AcceptService(ctx, { customers, routing, billing, hooks, sink: engine });
    const messages = new MessageService(ctx, acceptor, engine, { customers, billing, routing });
    const services: MessagesServices = {
      hooks,
      accept: (origin, items, opts) => acceptor.accept(origin, items, opts),
      queueDepths: () => engine.queueDepths(),
      engine,
      messages,
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
