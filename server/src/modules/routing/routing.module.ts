// Routing (RT-1…RT-5): route rules, the user–service mapping, provider selection for the
// delivery engine and explain. `routingServices(ctx)` is how the engine and the providers
// module reach it.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import { identityServices } from '../identity/identity.module.js';
import { RoutingService } from './routing.service.js';
import { registerRoutingRoutes } from './routing.routes.js';

const registry = new WeakMap<AppContext, RoutingService>();

export function routingServices(ctx: AppContext): RoutingService {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('routing module is not registered');
  }
  return s;
}

export const routingModule: Module = {
  name: 'routing',
  register(app: FastifyInstance, ctx: AppContext) {
    const service = new RoutingService(ctx, identityServices(ctx).audit);
    registry.set(ctx, service);
    registerRoutingRoutes(app, service);
  },
};
