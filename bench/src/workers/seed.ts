// Seeds a fresh data directory for the platform scenarios, before `pigeon start` opens it: the
// server's own services (not SQL), in a process of their own, on the same SQLite file. Creates
// what `setupMessaging` in server/test/helpers/messaging.ts creates — an enterprise with a big
// balance, a sending account without daily or TPS limits, an API key without a rate limit, a
// price plan with an SMS price for GB, an SMPP provider pointing at the SMSC simulator and a
// route rule — plus a platform admin who can pause and resume delivery queues.
// Prints `RESULT <json>` (SeedResult).
import pino from 'pino';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig } from '../../../server/src/config.js';
import { systemAuth } from '../../../server/src/platform/auth/auth-context.js';
import { printResult } from '../lib/child.js';

export interface SeedConfig {
  dataDir: string;
  smscPort: number;
  smscSystemId: string;
  smscPassword: string;
  /** Outstanding submit_sm of the provider's SMPP bind. */
  windowSize: number;
  adminUsername: string;
  adminPassword: string;
}

export interface SeedResult {
  enterpriseId: string;
  sendingAccountId: string;
  apiKey: string;
  providerId: string;
  planId: string;
  seedMs: number;
}

/** Micro-units: 0.01 per SMS segment, and a balance for 10^9 of them. */
const SMS_PRICE = 10_000;
const BALANCE = 10_000_000_000_000;

const input = JSON.parse(process.argv[2] ?? '{}') as SeedConfig;
const started = performance.now();
const config = loadConfig({
  PIGEON_DATA_DIR: input.dataDir,
  PIGEON_LOG_LEVEL: 'warn',
  // An api-only process: no delivery workers while seeding.
  PIGEON_ROLE: 'api',
  PIGEON_DEMO: 'false',
});
const app = await buildApp({ config, logger: pino({ level: 'warn' }), serveWeb: false });
try {
  const auth = systemAuth('bench');
  const customers = app.services.customers;
  const enterprise = await customers.enterprises.create(auth, {
    name: 'Bench Ltd',
    contactName: 'Bench',
    contactPhone: '+447400100000',
    contactEmail: 'bench@example.com',
    currency: 'USD',
    timezone: 'UTC',
    requireSenderApproval: false,
  });
  const account = await customers.sendingAccounts.create(auth, {
    enterpriseId: enterprise.id,
    name: 'bench',
    allowedChannels: ['sms'],
  });
  // dailyLimit 0 = no limit; tpsLimit null = none.
  await customers.sendingAccounts.update(auth, account.id, { dailyLimit: 0, tpsLimit: null });

  const billing = app.services.billing;
  const plan = await billing.rates.createPlan(auth, {
    name: 'bench',
    currency: 'USD',
    refundOnFailure: true,
  });
  await billing.rates.createPrice(auth, plan.id, { channel: 'sms', country: 'GB', price: SMS_PRICE });
  await billing.rates.assignPlan(auth, { enterpriseId: enterprise.id, planId: plan.id });
  await billing.ledger.recharge(auth, { enterpriseId: enterprise.id, amount: BALANCE, method: 'bench' });

  const provider = await app.services.providers.providers.create(auth, {
    name: 'bench-smsc',
    channel: 'sms',
    type: 'smpp',
    settings: {
      host: '127.0.0.1',
      port: input.smscPort,
      systemId: input.smscSystemId,
      password: input.smscPassword,
      connectTimeoutMs: 2000,
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 500,
      defaultFrom: 'Pigeon',
    },
    enabled: true,
    tps: null,
    windowSize: input.windowSize,
  } as never);
  await app.services.routing.create(auth, {
    name: 'bench route',
    channel: 'sms',
    match: { sendingAccountIds: [account.id] },
    tiers: [{ providers: [{ providerId: provider.id, weight: 1 }] }],
  } as never);

  const identity = app.services.identity;
  const key = await identity.apiKeys.create(auth, {
    name: 'bench',
    ownerType: 'sending_account',
    ownerId: account.id,
    scopes: ['send', 'read'],
    rateLimit: 0,
  });
  const role = await app.ctx.db
    .selectFrom('roles')
    .select('id')
    .where('code', '=', 'platform_admin')
    .executeTakeFirstOrThrow();
  await identity.users.createUser(auth, {
    username: input.adminUsername,
    displayName: 'Bench admin',
    password: input.adminPassword,
    userType: 'staff',
    enterpriseId: null,
    roleIds: [role.id],
    mustChangePassword: false,
  });

  const result: SeedResult = {
    enterpriseId: enterprise.id,
    sendingAccountId: account.id,
    apiKey: key.key,
    providerId: provider.id,
    planId: plan.id,
    seedMs: Math.round(performance.now() - started),
  };
  printResult(result);
} finally {
  await app.close();
}
