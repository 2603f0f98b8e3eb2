// Inbox and opt-out (MS-6, MS-7) inside the messages module: hangs the inbox's handler on every
// live connector's inbound messages, registers the suppression list's check on the accept path,
// and the routes of both. Called once from `messagesModule.register`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { identityServices } from '../identity/identity.module.js';
import { providersServices } from '../providers/providers.module.js';
import type { MessagesServices } from './messages.module.js';
import { InboxService } from './inbox.service.js';
import { registerInboxRoutes } from './inbox.routes.js';
import { OptOutKeywordService } from './suppression.keywords.js';
import { SuppressionService } from './suppression.service.js';
import { registerSuppressionRoutes } from './suppression.routes.js';
import './inbox.tables.js';

export interface InboxAndOptOut {
  inbox: InboxService;
  suppressions: SuppressionService;
  optOutKeywords: OptOutKeywordService;
}

const registry = new WeakMap<AppContext, InboxAndOptOut>();

/** The inbox and suppression services of an app (for other modules and tests). */
export function inboxServices(ctx: AppContext): InboxAndOptOut {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('inbox and opt-out are not registered');
  }
  return s;
}

export function registerInboxAndOptOut(
  app: FastifyInstance,
  ctx: AppContext,
  messages: MessagesServices,
): void {
  const audit = identityServices(ctx).audit;
  const optOutKeywords = new OptOutKeywordService(ctx, audit);
  const suppressions = new SuppressionService(ctx, audit);
  const inbox = new InboxService(ctx, audit, suppressions, optOutKeywords, (trx, e) =>
    messages.outbox.writeInbound(trx, e),
  );
  registry.set(ctx, { inbox, suppressions, optOutKeywords });

  messages.hooks.check.push(suppressions.check);

  // Every connector, now and rebuilt later: store before the handler's promise settles, so
  // the SMPP connector acknowledges the deliver_sm only once the message is safe (a failure
  // makes the SMSC deliver it again).
  providersServices(ctx).registry.onConnector((providerId, connector) => {
    connector.onInbound((message) => inbox.receive(providerId, message).then(() => undefined));
  });

  registerInboxRoutes(app, ctx, inbox);
  registerSuppressionRoutes(app, suppressions, optOutKeywords);
}
