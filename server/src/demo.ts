// Demo mode (SPEC §2): on a new data directory (PIGEON_DEMO=auto, the default) or when asked
// for (PIGEON_DEMO=true), starts the built-in SMSC simulator and SMTP sink in this process on
// loopback and seeds, through the services, a demo enterprise with a balance, a sending account
// with an API key, a default price plan, an SMPP and an SMTP provider pointing at the
// simulators (with costs below the prices, so the profit page shows real margins), and route
// rules — so a newcomer can send an SMS and watch it reach "delivered".
// Later starts of a demo data directory start the simulators again on the same ports (or move
// the providers to new ones); PIGEON_DEMO=false leaves them off.
import type { Kysely } from 'kysely';
import type { AppContext } from './context.js';
import type { Config } from './config.js';
import type { App, AppServices } from './app.js';
import type { StartupHook } from './startup.js';
import { systemAuth } from './platform/auth/auth-context.js';
import type { Database } from './platform/db/schema.js';
import { getSetting, setSetting } from './platform/settings.js';
import { SmscSimulator } from './simulators/smsc-simulator.js';
import { SmtpSink } from './simulators/smtp-sink.js';

const STATE_KEY = 'demo_state';
const HOST = '127.0.0.1';
const SMSC_SYSTEM_ID = 'pigeon';
const SMSC_PASSWORD = 'demo';
/** 100.00 in the demo currency (micro-units). */
const DEMO_BALANCE = 100_000_000;
const CURRENCY = 'USD';
/** Micro-units per SMS part / e-mail for common destinations. */
const SMS_PRICES: Record<string, number> = {
  GB: 40_000,
  US: 10_000,
  CA: 10_000,
  DE: 80_000,
  FR: 70_000,
  ES: 60_000,
  IT: 70_000,
  NL: 90_000,
  CN: 30_000,
  HK: 40_000,
  SG: 40_000,
  JP: 70_000,
  IN: 5_000,
  AU: 50_000,
  BR: 20_000,
};
const EMAIL_PRICE = 1_000;
/**
 * What the demo providers cost us, per SMS part / e-mail: 55–80 % of the price, so the profit
 * page shows margins a real operator would see rather than 100 %.
 */
const COST_SHARE: Record<string, number> = { GB: 0.7, US: 0.6, CN: 0.8, IN: 0.8, DE: 0.65, BR: 0.75 };
const DEFAULT_COST_SHARE = 0.7;
const EMAIL_COST = 400;

/** The demo SMSC's cost of one part to `country` (micro-units). */
export function demoSmsCost(country: string): number {
  return Math.round((SMS_PRICES[country] ?? 0) * (COST_SHARE[country] ?? DEFAULT_COST_SHARE));
}
/** E-mail has no destination country; rate cards price it under ZZ (messages' NO_COUNTRY). */
const EMAIL_COUNTRY = 'ZZ';

/** What the first demo start created (kept in system_settings). */
export interface DemoState {
  enterpriseId: string;
  sendingAccountId: string;
  apiKeyId: string;
  apiKeyPrefix: string;
  smppProviderId: string;
  smtpProviderId: string;
  smscPort: number;
  smtpPort: number;
}

export async function demoState(db: Kysely<Database>): Promise<DemoState | null> {
  const raw = await getSetting(db, STATE_KEY);
  return raw ? (JSON.parse(raw) as DemoState) : null;
}

/** Whether the console should say "demo mode": seeded and not switched off. */
export async function isDemoOn(ctx: Pick<AppContext, 'db' | 'config'>): Promise<boolean> {
  return ctx.config.demo !== 'false' && (await demoState(ctx.db)) !== null;
}

/** The console URL as the start banner prints it. */
export function consoleUrl(config: Config): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return (config.publicUrl || `http://${host}:${config.port}`).replace(/\/+$/, '');
}

/** The ready-to-paste command that sends an SMS with the demo key. */
export function demoCurl(url: string, apiKey: string): string {
  const body = JSON.stringify({
    channel: 'sms',
    to: '+447912345678',
    from: 'Pigeon',
    text: 'Hello from Pigeon',
  });
  return `curl -sS -X POST ${url}/api/v1/messages -H 'X-API-Key: ${apiKey}' -H 'Content-Type: application/json' -d '${body}'`;
}

/** Starts the simulators, preferring the given ports; a taken port falls back to a free one. */
async function startSimulators(
  ctx: AppContext,
  ports: { smsc?: number; smtp?: number },
): Promise<{ smsc: SmscSimulator; smtp: SmtpSink }> {
  // A short receipt delay, so a person watching sees queued → sent → delivered.
  const smsc = new SmscSimulator({
    host: HOST,
    systemId: SMSC_SYSTEM_ID,
    password: SMSC_PASSWORD,
    latencyMs: 300,
    receiptDelayMs: 2000,
  });
  const smtp = new SmtpSink({ host: HOST });
  await smsc.start({ port: ports.smsc ?? 0 }).catch(() => smsc.start({ port: 0 }));
  await smtp.start({ port: ports.smtp ?? 0 }).catch(() => smtp.start({ port: 0 }));
  ctx.onClose.push(async () => {
    await Promise.all([smsc.stop(), smtp.stop()]);
  });
  return { smsc, smtp };
}

function smppSettings(port: number) {
  return { host: HOST, port, systemId: SMSC_SYSTEM_ID, password: SMSC_PASSWORD };
}

function smtpSettings(port: number) {
  return { host: HOST, port, from: 'demo@pigeon.local', ignoreTls: true };
}

async function seed(
  services: AppServices,
  ports: { smsc: number; smtp: number },
): Promise<DemoState & { apiKey: string }> {
  const auth = systemAuth('demo');
  const { customers, billing, routing } = services;
  const { providers } = services.providers;

  const smpp = await providers.create(auth, {
    name: 'Demo SMSC (simulator)',
    channel: 'sms',
    type: 'smpp',
    settings: smppSettings(ports.smsc),
    enabled: true,
    remark: 'Built-in SMSC simulator of demo mode; messages never reach a phone.',
  });
  const smtp = await providers.create(auth, {
    name: 'Demo SMTP sink',
    channel: 'email',
    type: 'smtp',
    settings: smtpSettings(ports.smtp),
    enabled: true,
    remark: 'Built-in SMTP sink of demo mode; mail never leaves this process.',
  });
  for (const country of Object.keys(SMS_PRICES)) {
    await providers.createCost(auth, smpp.id, { country, currency: CURRENCY, cost: demoSmsCost(country) });
  }
  await providers.createCost(auth, smtp.id, { country: EMAIL_COUNTRY, currency: CURRENCY, cost: EMAIL_COST });
  await routing.create(auth, {
    name: 'Demo: all SMS to the simulator',
    channel: 'sms',
    tiers: [{ providers: [{ providerId: smpp.id, weight: 1 }] }],
  });
  await routing.create(auth, {
    name: 'Demo: all e-mail to the sink',
    channel: 'email',
    tiers: [{ providers: [{ providerId: smtp.id, weight: 1 }] }],
  });

  const plan = await billing.rates.createPlan(auth, {
    name: 'Demo rates',
    currency: CURRENCY,
    description: 'Prices of demo mode for common destinations',
    isDefault: true,
  });
  for (const [country, price] of Object.entries(SMS_PRICES)) {
    await billing.rates.createPrice(auth, plan.id, { channel: 'sms', country, price });
  }
  await billing.rates.createPrice(auth, plan.id, {
    channel: 'email',
    country: EMAIL_COUNTRY,
    price: EMAIL_PRICE,
  });

  const enterprise = await customers.enterprises.create(auth, {
    name: 'Demo Ltd',
    contactName: 'Demo',
    contactPhone: '+447700900000',
    contactEmail: 'demo@pigeon.local',
    currency: CURRENCY,
    timezone: 'UTC',
    requireSenderApproval: false,
    remark: 'Seeded by demo mode',
  });
  const account = await customers.sendingAccounts.create(auth, {
    enterpriseId: enterprise.id,
    name: 'demo',
    allowedChannels: ['sms', 'email'],
    defaultSender: 'Pigeon',
  });
  await billing.ledger.recharge(auth, {
    enterpriseId: enterprise.id,
    amount: DEMO_BALANCE,
    method: 'other',
    note: 'Demo balance',
  });
  const key = await services.identity.apiKeys.create(auth, {
    name: 'demo',
    ownerType: 'sending_account',
    ownerId: account.id,
    scopes: ['send', 'read'],
    rateLimit: 0,
  });
  return {
    enterpriseId: enterprise.id,
    sendingAccountId: account.id,
    apiKeyId: key.id,
    apiKeyPrefix: key.prefix,
    apiKey: key.key,
    smppProviderId: smpp.id,
    smtpProviderId: smtp.id,
    smscPort: ports.smsc,
    smtpPort: ports.smtp,
  };
}

/** Points the demo providers at the simulators' ports when they moved. */
async function repoint(
  { ctx, services }: App,
  state: DemoState,
  ports: { smsc: number; smtp: number },
): Promise<void> {
  const auth = systemAuth('demo');
  const { providers } = services.providers;
  const update = async (id: string, settings: Record<string, unknown>) => {
    try {
      await providers.update(auth, id, { settings });
    } catch (err) {
      // Deleted by an operator: demo mode no longer owns it.
      ctx.log.warn({ err, providerId: id }, 'demo mode could not update a demo provider');
    }
  };
  if (ports.smsc !== state.smscPort) {
    await update(state.smppProviderId, smppSettings(ports.smsc));
  }
  if (ports.smtp !== state.smtpPort) {
    await update(state.smtpProviderId, smtpSettings(ports.smtp));
  }
}

/**
 * No enterprises and no providers yet: a new data directory in front of a database already in
 * use (PostgreSQL, a fresh container) must not get a demo tenant by default.
 */
async function isEmpty(services: AppServices): Promise<boolean> {
  const auth = systemAuth('demo');
  const [enterprises, providers] = await Promise.all([
    services.customers.enterprises.list(auth, { page: 1, size: 1 }),
    services.providers.providers.list(auth, { page: 1, size: 1 }),
  ]);
  return enterprises.items.length === 0 && providers.items.length === 0;
}

/** Probes the providers now rather than in 30 s, so the dashboard's tiles turn green at once. */
function probeSoon({ ctx, services }: App): void {
  if (ctx.config.role === 'all' || ctx.config.role === 'worker') {
    services.providers.registry
      .probeAll()
      .catch((err: unknown) => ctx.log.warn({ err }, 'probing the demo providers failed'));
  }
}

export const demoHook: StartupHook = async ({ app, config, isNewDataDir, print }) => {
  const ctx = app.ctx;
  if (config.demo === 'false') {
    return;
  }
  const state = await demoState(ctx.db);
  if (!state && config.demo === 'auto' && !(isNewDataDir && (await isEmpty(app.services)))) {
    return;
  }
  const sims = await startSimulators(ctx, state ? { smsc: state.smscPort, smtp: state.smtpPort } : {});
  const ports = { smsc: sims.smsc.port, smtp: sims.smtp.port };
  const url = consoleUrl(config);
  print(
    `Demo mode: SMSC simulator on ${HOST}:${ports.smsc}, SMTP sink on ${HOST}:${ports.smtp} (PIGEON_DEMO=false turns it off)`,
  );
  if (state) {
    await repoint(app, state, ports);
    probeSoon(app);
    if (ports.smsc !== state.smscPort || ports.smtp !== state.smtpPort) {
      await setSetting(
        ctx.db,
        STATE_KEY,
        JSON.stringify({ ...state, smscPort: ports.smsc, smtpPort: ports.smtp }),
      );
    }
    print(
      `Demo API key: ${state.apiKeyPrefix}… (shown in full on the first start only; issue a new one under Customers → Sending accounts → demo → API keys)`,
    );
    return;
  }
  const created = await seed(app.services, ports);
  probeSoon(app);
  const { apiKey, ...stored } = created;
  await setSetting(ctx.db, STATE_KEY, JSON.stringify(stored));
  print(
    `Demo API key: ${apiKey}   (shown once; issue a new one under Customers → Sending accounts → demo → API keys)`,
  );
  print('Send a test SMS:');
  print(`  ${demoCurl(url, apiKey)}`);
};
