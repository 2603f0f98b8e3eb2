// Templates (MS-9) and customer callbacks (MS-8) inside the messages module: the callback
// dispatcher (the outbox rows are written by the lifecycle and the inbox in their own
// transactions) and the routes of both. The templates' `prepare` hook on
// the accept path is in app.ts's list of accept hooks.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { SendingAccountService } from '../customers/index.js';
import type { TemplateService } from './templates.service.js';
import { registerTemplateRoutes } from './templates.routes.js';
import type { CallbackOutbox } from './callbacks.outbox.js';
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
  { templates, callbacks, dispatcher }: TemplatesAndCallbacks,
  sendingAccounts: SendingAccountService,
): void {
  const delivers = ctx.config.role === 'all' || ctx.config.role === 'worker';
  if (delivers) {
    dispatcher.start();
  }
  // Rows are written by the lifecycle and the inbox in their own transactions (callbacks.outbox.ts).
  ctx.onClose.push(() => dispatcher.stop());

  registerTemplateRoutes(app, templates);
  registerCallbackRoutes(app, callbacks, sendingAccounts);
}
