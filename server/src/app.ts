// Composition root: builds the context (config, db, clock, logger, events, metrics) and
// registers the platform plugins and every module. `buildApp` never listens, so tests use
// `app.inject()`; `cli.ts start` listens.
import fastify, { LogController, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase, type Db } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { systemClock, type Clock } from './platform/clock.js';
import { EventBus } from './platform/events/bus.js';
import { installErrorHandling, validatorCompiler } from './platform/http/envelope.js';
import { createMetrics, registerObservability } from './platform/http/observability.js';
import { registerDocs } from './platform/http/docs.js';
import { isConsoleRoute, registerWeb } from './platform/http/web.js';
import { newId } from './platform/ids.js';
import { modules } from './modules/index.js';

export interface BuildOptions {
  config: Config;
  /** An already-open database (tests); otherwise opened from config.databaseUrl. */
  database?: Db;
  clock?: Clock;
  logger?: Logger;
  /** Run migrations before registering modules (default true). */
  migrate?: boolean;
  /** Serve the built console (default true). */
  serveWeb?: boolean;
}

export type App = FastifyInstance & { ctx: AppContext };

export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config } = opts;
  const log = opts.logger ?? pino({ level: config.logLevel });
  const database =
    opts.database ?? (await openDatabase({ url: config.databaseUrl, poolSize: config.dbPoolSize }));
  if (opts.migrate !== false) {
    await migrateToLatest(database);
  }
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    dialect: database.dialect,
    clock: opts.clock ?? systemClock,
    log,
    events: new EventBus(),
    metrics: createMetrics(),
    onClose: [],
    routes: [],
  };

  const app = fastify({
    loggerInstance: log,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : newId();
    },
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: true,
  }) as unknown as FastifyInstance; // pino's Logger is wider than FastifyBaseLogger

  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') {
        ctx.routes.push({ method, url: route.url, config: route.config ?? {} });
      }
    }
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  let serveConsole = false;
  installErrorHandling(app, {
    consoleFallback: (request, reply) =>
      serveConsole && isConsoleRoute(request.method, request.url, request.headers.accept)
        ? reply.type('text/html').sendFile('index.html')
        : undefined,
  });
  await registerDocs(app);
  registerObservability(app, ctx);
  // WebSocket routes (the console's event stream) are plain routes with `wsHandler`.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  for (const mod of modules) {
    await mod.register(app, ctx);
  }

  if (opts.serveWeb !== false) {
    serveConsole = await registerWeb(app, config.webDist);
  }

  app.addHook('onClose', async () => {
    for (const fn of [...ctx.onClose].reverse()) {
      await fn();
    }
    if (!opts.database) {
      await database.close();
    }
  });

  const out = app as unknown as App;
  out.ctx = ctx;
  return out;
}
