// Inbox and opt-out (MS-6, MS-7) inside the messages module: hangs the inbox's handler on every
// live connector's inbound messages and registers the routes of both. The suppression list's
// check on the accept path is in app.ts's list of accept hooks.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { ProviderRegistry } from '../providers/index.js';
import type { InboxService } from './inbox.service.js';
import { registerInboxRoutes } from './inbox.routes.js';
import type { OptOutKeywordService } from './suppression.keywords.js';
import type { SuppressionService } from './suppression.service.js';
import { registerSuppressionRoutes } from './suppression.routes.js';
import './inbox.tables.js';

export interface InboxAndOptOut {
  inbox: InboxService;
  suppressions: SuppressionService;
  optOutKeywords: OptOutKeywordService;
}

export function registerInboxAndOptOut(
  app: FastifyInstance,
  ctx: AppContext,
  { inbox, suppressions, optOutKeywords }: InboxAndOptOut,
  connectors: ProviderRegistry,
): void {
  // Every connector, now and rebuilt later: store before the handler's promise settles, so
  // the SMPP connector acknowledges the deliver_sm only once the message is safe (a failure
  // makes the SMSC deliver it again).
  connectors.onConnector((providerId, connector) => {
    connector.onInbound((message) => inbox.receive(providerId, message).then(() => undefined));
  });

  registerInboxRoutes(app, ctx, inbox, connectors);
  registerSuppressionRoutes(app, suppressions, optOutKeywords);
}
