// The one context the composition root builds and hands to every module (ARCHITECTURE §2).
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db, DialectName } from './platform/db/database.js';
import type { Database } from './platform/db/schema.js';
import type { Clock } from './platform/clock.js';
import type { EventBus } from './platform/events/bus.js';
import type { createMetrics } from './platform/http/observability.js';

export interface AppContext {
  config: Config;
  database: Db;
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  log: Logger;
  events: EventBus;
  metrics: ReturnType<typeof createMetrics>;
  /** Every registered route (method, url, config), for the route-table tests and the permission list. */
  routes: Array<{ method: string; url: string; config: import('fastify').FastifyContextConfig }>;
  /** Functions run on shutdown, last registered first (workers, timers, sockets). */
  onClose: Array<() => Promise<void> | void>;
}
