// Routing (RT-1…RT-5): route rules, the user–service mapping, provider selection for the
// delivery engine and explain. app.ts builds the service with its ports (provider states from
// the providers module, account look-ups from customers); this registers the routes.
import type { FastifyInstance } from 'fastify';
import type { RoutingService } from './routing.service.js';
import { registerRoutingRoutes } from './routing.routes.js';

export function registerRoutingModule(app: FastifyInstance, routing: RoutingService): void {
  registerRoutingRoutes(app, routing);
}
