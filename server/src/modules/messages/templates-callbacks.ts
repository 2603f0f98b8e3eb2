// Templates (MS-9) and customer callbacks (MS-8) inside the messages module: the callback outbox
// fed by message events, its dispatcher, and the routes of both. The templates' `prepare` hook on
// the accept path is in app.ts's list of accept hooks.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { SendingAccountService } from '../customers/index.js';
import { MESSAGE_STATUS_EVENT, type MessageStatusEvent } from './messages.contract.js';
import type { TemplateService } from './templates.service.js';
import { registerTemplateRoutes } from './templates.routes.js';
import { MESSAGE_INBOUND_EVENT, type CallbackOutbox, type MessageInboundEvent } from './callbacks.outbox.js';
import type { CallbackDispatcher } from './callbacks.dispatcher.js';
import type { CallbackService } from './callbacks.service.js';
import { registerCallbackRoutes } from './callbacks.routes.js';

export interface TemplatesAndCallbacks {
  templates: TemplateService;
  callbacks: CallbackService;
  outbox: CallbackOutbox;
  dispatcher: CallbackDispatcher;
}

export function registerTemplatesAndCallbacks(
  app: FastifyInstance,
  ctx: AppContext,
  { templates, callbacks, outbox, dispatcher }: TemplatesAndCallbacks,
  sendingAccounts: SendingAccountService,
): void {
  const delivers = ctx.config.role === 'all' || ctx.config.role === 'worker';
  if (delivers) {
    dispatcher.start();
  }
  const offStatus = ctx.events.on(MESSAGE_STATUS_EVENT, (e) => outbox.onStatus(e.data as MessageStatusEvent));
  const offInbound = ctx.events.on(MESSAGE_INBOUND_EVENT, (e) =>
    outbox.onInbound(e.data as MessageInboundEvent),
  );
  // Closed last-registered-first: stop listening, write what is buffered, then stop delivering.
  ctx.onClose.push(() => dispatcher.stop());
  ctx.onClose.push(async () => {
    offStatus();
    offInbound();
    await outbox.flush();
  });

  registerTemplateRoutes(app, templates);
  registerCallbackRoutes(app, callbacks, sendingAccounts);
}
