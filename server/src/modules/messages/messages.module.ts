// Messages (MS-1…MS-9, DL-2/3/6): the send API, the message store and its lifecycle, the
// delivery engine that moves queued messages through connectors, the inbox and opt-out list,
// templates and callbacks. app.ts builds the services (and the accept path's hooks); this
// registers the routes, the event feeds, the shutdown order and, in processes that deliver,
// starts the engine.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import type { DeliveryControl } from '../../delivery/ports.js';
import type { ProviderRegistry } from '../providers/index.js';
import type { SendingAccountService } from '../customers/index.js';
import type { AcceptHooks, AcceptOrigin, AcceptResult, SendItem } from './messages.contract.js';
import type { AcceptService } from './accept.service.js';
import type { MessageService } from './messages.service.js';
import type { LifecycleService } from './lifecycle.service.js';
import type { MessageRepository } from './messages.repository.js';
import { registerMessagesRoutes } from './messages.routes.js';
import './messages.tables.js';
import { registerInboxAndOptOut, type InboxAndOptOut } from './inbox-optout.js';
import { registerTemplatesAndCallbacks, type TemplatesAndCallbacks } from './templates-callbacks.js';

export interface MessagesServices extends InboxAndOptOut, TemplatesAndCallbacks {
  /**
   * Validates, prices, charges and stores messages, then queues them (group-committed with
   * concurrent calls). One result per item, in order. Throws AppError 429 THROTTLED (account
   * TPS) or 503 BACKLOG_FULL (backpressure; `retryAfter` in seconds) for the whole call.
   */
  accept(origin: AcceptOrigin, items: SendItem[], opts?: { locale?: Locale }): Promise<AcceptResult[]>;
  /** The hooks of the accept path (templates, suppression list), as app.ts lists them. */
  hooks: AcceptHooks;
  /** Messages queued per provider id. */
  queueDepths(): Record<string, number>;
  acceptor: AcceptService;
  engine: DeliveryControl;
  /** The one owner of message status (and the engine's work source and outcome sink). */
  lifecycle: LifecycleService;
  repo: MessageRepository;
  messages: MessageService;
}

/** The messages services with the accept call and queue depths bound to them. */
export function buildMessages(parts: Omit<MessagesServices, 'accept' | 'queueDepths'>): MessagesServices {
  const { acceptor, engine } = parts;
  return {
    ...parts,
    accept: (origin, items, opts) => acceptor.accept(origin, items, opts),
    queueDepths: () => engine.queueDepths(),
  };
}

export async function registerMessagesModule(
  app: FastifyInstance,
  ctx: AppContext,
  messages: MessagesServices,
  deps: { connectors: ProviderRegistry; sendingAccounts: SendingAccountService },
): Promise<void> {
  registerMessagesRoutes(app, ctx, messages.messages, messages.engine);
  registerInboxAndOptOut(app, ctx, messages, deps.connectors);
  registerTemplatesAndCallbacks(app, ctx, messages, deps.sendingAccounts);
  ctx.onClose.push(async () => {
    await messages.acceptor.idle();
    await messages.engine.close();
  });
  // Workers belong to processes that deliver; an api-only process accepts and stores.
  if (ctx.config.role === 'all' || ctx.config.role === 'worker') {
    await messages.engine.start();
  }
}
