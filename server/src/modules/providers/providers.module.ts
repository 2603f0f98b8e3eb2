// Providers (DL-1, DL-4, DL-5): provider records and costs, the registry of live connectors
// with the freeze rule and health probes. app.ts builds the services; this registers the
// routes and, in processes that deliver, starts the connectors and probes.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { DEFAULT_PROBE_INTERVAL_MS, type ProviderRegistry } from './provider-registry.js';
import type { ProviderService } from './providers.service.js';
import { registerProviderRoutes } from './providers.routes.js';
import type { ProviderSystemMailer } from './system-mailer.js';
import {
  PASSWORD_RESET_REQUESTED,
  sendPasswordResetMail,
  type PasswordResetRequested,
} from '../identity/index.js';
import './providers.tables.js';

export interface Providers {
  providers: ProviderService;
  registry: ProviderRegistry;
  /** System mail (password resets, alerts, reports) through the enabled SMTP providers. */
  mailer: ProviderSystemMailer;
}

export async function registerProvidersModule(
  app: FastifyInstance,
  ctx: AppContext,
  { providers, registry, mailer }: Providers,
): Promise<void> {
  registerProviderRoutes(app, providers);
  ctx.onClose.push(() => registry.close());
  // System mail through the operator's SMTP providers: the identity module's password reset
  // mails are its first user (identity raises the event; it does not know the providers).
  ctx.events.on(PASSWORD_RESET_REQUESTED, (e) => {
    sendPasswordResetMail(mailer, e.data as PasswordResetRequested, ctx.log).catch((err: unknown) =>
      ctx.log.warn({ err }, 'the password reset mail failed'),
    );
  });
  // Connectors and probes belong to processes that deliver; API-only processes only edit records.
  if (ctx.config.role === 'all' || ctx.config.role === 'worker') {
    await registry.syncAll();
    registry.start(DEFAULT_PROBE_INTERVAL_MS);
  }
}
