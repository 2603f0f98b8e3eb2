// Templates (MS-9) and customer callbacks (MS-8) inside the messages module: the template
// service and its `prepare` hook on the accept path, the callback outbox fed by message events,
// its dispatcher, and their routes. `messages.module.ts` calls `registerTemplatesAndCallbacks`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { identityServices } from '../identity/identity.module.js';
import { customersServices } from '../customers/customers.module.js';
import type { MessagesServices } from './messages.module.js';
import { TemplateService } from './templates.service.js';
import { registerTemplateRoutes } from './templates.routes.js';
import type { CallbackOutbox } from './callbacks.outbox.js';
import { CallbackRepository } from './callbacks.repository.js';
import { CallbackDispatcher } from './callbacks.dispatcher.js';
import { CallbackService } from './callbacks.service.js';
import { registerCallbackRoutes } from './callbacks.routes.js';

export interface TemplatesAndCallbacks {
  templates: TemplateService;
  callbacks: CallbackService;
  outbox: CallbackOutbox;
  dispatcher: CallbackDispatcher;
}

const registry = new WeakMap<AppContext, TemplatesAndCallbacks>();

/** The template and callback services of an app (for other modules and tests). */
export function templatesAndCallbacks(ctx: AppContext): TemplatesAndCallbacks {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('templates and callbacks are not registered (messages module)');
  }
  return s;
}

export function registerTemplatesAndCallbacks(
  app: FastifyInstance,
  ctx: AppContext,
  messages: MessagesServices,
): void {
  const { audit } = identityServices(ctx);
  const customers = customersServices(ctx);

  const templates = new TemplateService(ctx, audit);
  messages.hooks.prepare.push((item, account) => templates.prepare(item, account));

  const outbox = messages.outbox;
  const dispatcher = new CallbackDispatcher(
    ctx,
    new CallbackRepository(ctx.db),
    async (id) => (await customers.sendingContext(id)) ?? null,
    { timeoutMs: ctx.config.callbackTimeoutMs },
  );
  const callbacks = new CallbackService(ctx, audit, () => void dispatcher.runDue());
  const delivers = ctx.config.role === 'all' || ctx.config.role === 'worker';
  if (delivers) {
    outbox.onWritten = () => void dispatcher.runDue();
    dispatcher.start();
  }
  // Rows are written by the lifecycle and the inbox in their own transactions (callbacks.outbox.ts).
  ctx.onClose.push(() => dispatcher.stop());

  registry.set(ctx, { templates, callbacks, outbox, dispatcher });
  registerTemplateRoutes(app, templates);
  registerCallbackRoutes(app, callbacks, customers.sendingAccounts);
}
