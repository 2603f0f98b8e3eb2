// Composition root: builds the context (config, db, clock, logger, events, metrics), constructs
// every service in dependency order with typed constructor arguments, and registers the platform
// plugins and every module's routes. Nothing finds a service at run time: a missing dependency
// is a compile error here. `buildApp` never listens, so tests use `app.inject()` (and reach the
// services through `app.services`); `cli.ts start` listens.
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
import { AuditLog } from './platform/audit/audit.js';
import { registerAuditHook } from './platform/audit/audit-hook.js';
import { registerGuard } from './platform/auth/guard.js';
import { PermissionRegistry } from './platform/auth/permissions.js';
import { MemoryRateLimiter } from './platform/http/rate-limit.js';
import { isDemoOn } from './demo.js';
import { DeliveryEngine } from './delivery/engine.js';
import { registerSystemModule } from './modules/system/index.js';
import {
  ApiKeyService,
  AuthService,
  UserService,
  jwtSecret,
  registerIdentityModule,
  type Identity,
} from './modules/identity/index.js';
import {
  CustomerDirectory,
  EnterpriseService,
  SenderService,
  SendingAccountService,
  buildCustomers,
  registerCustomersModule,
  type Customers,
} from './modules/customers/index.js';
import {
  ProviderRegistry,
  ProviderService,
  ProviderSystemMailer,
  registerProvidersModule,
  type Providers,
} from './modules/providers/index.js';
import { RoutingService, registerRoutingModule, type ProviderSource } from './modules/routing/index.js';
import {
  BillService,
  LedgerService,
  ProfitService,
  QuotaService,
  RateService,
  buildBilling,
  registerBillingModule,
  type BillingServices,
} from './modules/billing/index.js';
import {
  AcceptService,
  CallbackDispatcher,
  CallbackOutbox,
  CallbackService,
  InboxService,
  MessageService,
  OptOutKeywordService,
  SuppressionService,
  TemplateService,
  CallbackRepository,
  LifecycleService,
  MessageRepository,
  buildMessages,
  failoverRoutes,
  lifecycleBilling,
  providerTraffic,
  registerMessagesModule,
  type AcceptHooks,
  type MessagesServices,
} from './modules/messages/index.js';
import { SmppServer, registerSmppServerModule } from './modules/smpp-server/index.js';
import {
  EventsHub,
  StatsCounters,
  StatsService,
  registerStatsModule,
  type Stats,
} from './modules/stats/index.js';

/** A worker's lease outlives the longest submit (connectors time out after 60 s). */
const LEASE_MS = 120_000;

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
  /**
   * Where routing reads provider states from, instead of the providers module's live snapshot
   * (tests that route to providers with made-up health, costs and quotas).
   */
  providerStates?: ProviderSource;
}

/** Every service of the app, for the start-up hooks, the CLI and tests. */
export interface AppServices {
  audit: AuditLog;
  identity: Identity;
  customers: Customers;
  providers: Providers;
  routing: RoutingService;
  billing: BillingServices;
  messages: MessagesServices;
  smppServer: SmppServer;
  stats: Stats;
}

export type App = FastifyInstance & { ctx: AppContext; services: AppServices };

/** Constructs every service, in dependency order. Constructors do no I/O. */
async function buildServices(ctx: AppContext, opts: BuildOptions): Promise<AppServices> {
  // Platform: the audit log comes first, every module writes to it.
  const audit = new AuditLog(ctx.db, ctx.clock, ctx.log);
  const permissions = new PermissionRegistry();

  // Identity needs to know which enterprises exist and who owns an API key; the customers
  // module answers from its tables through a directory that needs only the database, so
  // identity can be built before the customers services (which need identity's API keys).
  const directory = new CustomerDirectory(ctx.db);
  const auth = new AuthService(ctx, audit, new MemoryRateLimiter(ctx.clock), await jwtSecret(ctx));
  const identity: Identity = {
    auth,
    permissions,
    users: new UserService(ctx, audit, auth, permissions, (id) => directory.enterpriseExists(id)),
    apiKeys: new ApiKeyService(ctx, audit, auth, (type, id) => directory.ownerEnterprise(type, id)),
  };

  const sendingAccounts = new SendingAccountService(ctx, audit, identity.apiKeys);
  const customers = buildCustomers({
    directory,
    sendingAccounts,
    enterprises: new EnterpriseService(ctx, audit, {
      // A status change reaches the send path at once.
      changed: (enterpriseId) => sendingAccounts.invalidate(enterpriseId),
      deleteGuards: [],
    }),
    senders: new SenderService(ctx, audit),
  });

  const registry = new ProviderRegistry(ctx);
  const providers: Providers = {
    registry,
    providers: new ProviderService(ctx, audit, registry),
    mailer: new ProviderSystemMailer(ctx, registry),
  };
  const routing = new RoutingService(
    ctx,
    audit,
    opts.providerStates ?? { states: () => registry.snapshot() },
    (accountId) => directory.accountZone(accountId),
  );

  const billing = buildBilling({
    ledger: new LedgerService(ctx, audit),
    rates: new RateService(ctx, audit),
    quotas: new QuotaService(ctx, audit),
    bills: new BillService(ctx, audit),
    profit: new ProfitService(ctx),
  });

  // Messages. The accept path's hooks, in the order they run: before validation a template
  // fills in the text; after it the suppression list refuses opted-out recipients.
  const templates = new TemplateService(ctx, audit);
  const optOutKeywords = new OptOutKeywordService(ctx, audit);
  const suppressions = new SuppressionService(ctx, audit);
  const hooks: AcceptHooks = {
    prepare: [(item, account) => templates.prepare(item, account)],
    check: [suppressions.check],
  };
  // The message store and its one lifecycle owner, which is also the delivery engine's work
  // source and outcome sink; the engine reaches providers only through its ports.
  const repo = new MessageRepository(ctx.database);
  const delivers = ctx.config.role === 'all' || ctx.config.role === 'worker';
  const dispatcher = new CallbackDispatcher(
    ctx,
    new CallbackRepository(ctx.db),
    async (id) => (await customers.sendingContext(id)) ?? null,
    { timeoutMs: ctx.config.callbackTimeoutMs },
  );
  // Processes that deliver send what was just written without waiting for the next tick.
  const outbox = new CallbackOutbox(
    ctx.clock,
    new CallbackRepository(ctx.db),
    (id, ex) => customers.sendingAccounts.sendingContext(id, ex),
    delivers ? () => void dispatcher.runDue() : () => undefined,
  );
  const lifecycle = new LifecycleService({
    repo,
    clock: ctx.clock,
    log: ctx.log,
    events: ctx.events,
    billing: lifecycleBilling(billing),
    routes: failoverRoutes(routing, customers, ctx.log),
    // Written inside the transaction of every status change.
    writers: [outbox.writeStatusChanges],
    settings: {
      maxAttempts: ctx.config.deliveryMaxAttempts,
      retryBaseMs: ctx.config.deliveryRetryBaseMs,
      receiptTimeoutMs: ctx.config.receiptTimeout * 1000,
      leaseMs: LEASE_MS,
      workerId: newId(),
      soleWorker: ctx.config.role === 'all',
    },
  });
  const engine = new DeliveryEngine(
    {
      clock: ctx.clock,
      log: ctx.log,
      work: lifecycle,
      outcomes: lifecycle,
      connectors: registry,
      traffic: providerTraffic(registry),
    },
    { inflight: ctx.config.deliveryInflight, shutdownTimeoutMs: ctx.config.shutdownTimeoutMs },
  );
  const acceptor = new AcceptService(ctx, {
    customers,
    routing,
    billing,
    hooks,
    lifecycle,
    repo,
    sink: engine,
  });
  const messages = buildMessages({
    hooks,
    acceptor,
    engine,
    lifecycle,
    repo,
    messages: new MessageService(acceptor, { repo, lifecycle, customers, billing, routing }),
    inbox: new InboxService(ctx, audit, suppressions, optOutKeywords, (trx, e) =>
      outbox.writeInbound(trx, e),
    ),
    suppressions,
    optOutKeywords,
    templates,
    callbacks: new CallbackService(ctx, audit, () => void dispatcher.runDue()),
    outbox,
    dispatcher,
  });

  const smppServer = new SmppServer(ctx, {
    accept: (origin, items) => messages.accept(origin, items),
    audit,
  });

  const counters = new StatsCounters(ctx);
  const stats = new StatsService(ctx, counters, {
    queueDepths: () => messages.queueDepths(),
    providers: providers.providers,
    balances: billing.ledger,
  });
  const hub = new EventsHub(ctx, stats, (token, request) => auth.fromAccessToken(token, request));

  return {
    audit,
    identity,
    customers,
    providers,
    routing,
    billing,
    messages,
    smppServer,
    stats: { counters, stats, hub },
  };
}

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

  // Services first, then routes and lifecycle in registration order: the guard and the audit
  // hook before any module's routes; shutdown runs `ctx.onClose` last-registered-first.
  const services = await buildServices(ctx, opts);
  const { audit, identity, customers, providers, routing, billing, messages } = services;
  registerGuard(app, identity.permissions, identity.auth);
  registerAuditHook(app, audit);
  await registerIdentityModule(app, ctx, identity, audit);
  registerSystemModule(app, ctx, () => isDemoOn(ctx));
  registerCustomersModule(app, customers, identity.apiKeys);
  registerRoutingModule(app, routing);
  await registerProvidersModule(app, ctx, providers);
  registerBillingModule(app, billing);
  await registerMessagesModule(app, ctx, messages, {
    connectors: providers.registry,
    sendingAccounts: customers.sendingAccounts,
  });
  registerSmppServerModule(app, ctx, services.smppServer);
  await registerStatsModule(app, ctx, services.stats);

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
  out.services = services;
  return out;
}
