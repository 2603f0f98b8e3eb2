// Providers (DL-1, DL-4, DL-5): provider records and costs, the registry of live connectors
// with the freeze rule and health probes. Other modules reach it through `providersServices(ctx)`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import { identityServices } from '../identity/identity.module.js';
import { routingServices } from '../routing/routing.module.js';
import { DEFAULT_PROBE_INTERVAL_MS, ProviderRegistry } from './provider-registry.js';
import { ProviderService } from './providers.service.js';
import { registerProviderRoutes } from './providers.routes.js';
import { ProviderSystemMailer } from './system-mailer.js';
import {
  PASSWORD_RESET_REQUESTED,
  sendPasswordResetMail,
  type PasswordResetRequested,
} from '../identity/password-reset-mail.js';
import './providers.tables.js';

export interface Providers {
  providers: ProviderService;
  registry: ProviderRegistry;
}

const registry = new WeakMap<AppContext, Providers>();

/** The providers services of an app (for the delivery engine, routing and tests). */
export function providersServices(ctx: AppContext): Providers {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('providers module is not registered');
  }
  return s;
}

export const providersModule: Module = {
  name: 'providers',
  async register(app: FastifyInstance, ctx: AppContext) {
    const live = new ProviderRegistry(ctx);
    const providers = new ProviderService(ctx, identityServices(ctx).audit, live);
    registry.set(ctx, { providers, registry: live });
    registerProviderRoutes(app, providers);
    // Routing reads provider states from the registry's cached snapshot (registered before us).
    routingServices(ctx).providers = { states: () => live.snapshot() };
    ctx.onClose.push(() => live.close());
    // System mail through the operator's SMTP providers. Wired here until app.ts wires module
    // dependencies explicitly (issue 16): the identity module's reset mails are its first user.
    const mailer = new ProviderSystemMailer(ctx, live);
    ctx.events.on(PASSWORD_RESET_REQUESTED, (e) => {
      sendPasswordResetMail(mailer, e.data as PasswordResetRequested, ctx.log).catch((err: unknown) =>
        ctx.log.warn({ err }, 'the password reset mail failed'),
      );
    });
    // Connectors and probes belong to processes that deliver; API-only processes only edit records.
    if (ctx.config.role === 'all' || ctx.config.role === 'worker') {
      await live.syncAll();
      live.start(DEFAULT_PROBE_INTERVAL_MS);
    }
  },
};
