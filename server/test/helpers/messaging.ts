// A tenant ready to send: enterprise, sending account, API key, balance, a price plan, an SMPP
// provider pointing at a real SMSC simulator on loopback and a route rule. Used by the message
// engine's tests and by everything built on the send path (SMPP server, inbox, demo…).
import type { App } from '../../src/app.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import { SmscSimulator, type SmscSimulatorOptions } from '../../src/simulators/smsc-simulator.js';
import { createTenant, type Tenant } from './tenants.js';
import { uniqueName } from './identity.js';

export const SMSC_PASSWORD = 'smsc-pw';

/** Micro-units per SMS segment in the test plan. */
export const SMS_PRICE = 10_000;
export const EMAIL_PRICE = 2_000;
export const INITIAL_BALANCE = 1_000_000_000;

/** The envelope as tests read it. */
export interface Envelope<T> {
  code: number | string;
  message: string;
  data: T;
  errors?: Array<{ field: string; reason: string; message: string }>;
  pagination?: { nextCursor: string | null };
}

/** A message as the API returns it (the fields tests look at). */
export interface MessageJson {
  id: string;
  status: string;
  to: string;
  segments: number;
  encoding: string | null;
  price: number;
  country: string | null;
  clientRef: string | null;
  providerId: string | null;
  refunded: boolean;
  errorCode: string | null;
  attempts: number;
  sendAt: string | null;
  parts: Array<{ receiptStatus: string | null; providerMessageId: string }>;
  deliveryAttempts: Array<{ providerId: string; outcome: string; errorCode: string | null }>;
  timeline: Array<{ status: string; at: string; detail: string }>;
}

export interface Messaging {
  tenant: Tenant;
  apiKey: string;
  apiKeyId: string;
  providerId: string;
  planId: string;
  smsc: SmscSimulator;
  /** POST /api/v1/messages with the API key. */
  send(
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Envelope<MessageJson> }>;
  /** Polls the message until it reaches a final state (or the deadline passes). */
  waitFinal(id: string, timeoutMs?: number): Promise<MessageJson>;
}

export interface MessagingOptions {
  smsc?: SmscSimulator;
  smscOptions?: SmscSimulatorOptions;
  refundOnFailure?: boolean;
  /** Extra provider settings (window, timeouts…). */
  providerSettings?: Record<string, unknown>;
  provider?: Record<string, unknown>;
  dailyLimit?: number;
  tpsLimit?: number | null;
  balance?: number;
  maxParts?: number;
}

export async function startSmsc(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const smsc = new SmscSimulator({ systemId: 'pigeon', password: SMSC_PASSWORD, ...options });
  await smsc.start({});
  return smsc;
}

export async function createSmppProvider(
  app: App,
  port: number,
  extra: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
): Promise<string> {
  const created = await app.services.providers.providers.create(systemAuth('test'), {
    name: uniqueName('smsc-'),
    channel: 'sms',
    type: 'smpp',
    settings: {
      host: '127.0.0.1',
      port,
      systemId: 'pigeon',
      password: SMSC_PASSWORD,
      connectTimeoutMs: 2000,
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 200,
      defaultFrom: 'Pigeon',
      ...settings,
    },
    enabled: true,
    ...extra,
  } as never);
  return created.id;
}

export async function setupMessaging(app: App, opts: MessagingOptions = {}): Promise<Messaging> {
  const auth = systemAuth('test');
  const smsc = opts.smsc ?? (await startSmsc(opts.smscOptions));
  const tenant = await createTenant(app);
  const customers = app.services.customers;
  await customers.sendingAccounts.update(auth, tenant.sendingAccountId, {
    dailyLimit: opts.dailyLimit ?? 0,
    tpsLimit: opts.tpsLimit ?? null,
    ...(opts.maxParts !== undefined ? { maxParts: opts.maxParts } : {}),
  });
  const billing = app.services.billing;
  const plan = await billing.rates.createPlan(auth, {
    name: uniqueName('plan '),
    currency: 'USD',
    refundOnFailure: opts.refundOnFailure ?? true,
  });
  for (const country of ['GB', 'US', 'CN', 'DE', 'FR']) {
    await billing.rates.createPrice(auth, plan.id, { channel: 'sms', country, price: SMS_PRICE });
  }
  await billing.rates.createPrice(auth, plan.id, { channel: 'email', country: 'ZZ', price: EMAIL_PRICE });
  await billing.rates.assignPlan(auth, { enterpriseId: tenant.enterpriseId, planId: plan.id });
  await billing.ledger.recharge(auth, {
    enterpriseId: tenant.enterpriseId,
    amount: opts.balance ?? INITIAL_BALANCE,
    method: 'test',
  });
  const providerId = await createSmppProvider(
    app,
    smsc.port,
    opts.provider ?? {},
    opts.providerSettings ?? {},
  );
  await app.services.routing.create(auth, {
    name: uniqueName('route '),
    channel: 'sms',
    match: { sendingAccountIds: [tenant.sendingAccountId] },
    tiers: [{ providers: [{ providerId, weight: 1 }] }],
  } as never);
  const key = await app.services.identity.apiKeys.create(auth, {
    name: uniqueName('key '),
    ownerType: 'sending_account',
    ownerId: tenant.sendingAccountId,
    scopes: ['send', 'read'],
    rateLimit: 0,
  });
  const send: Messaging['send'] = async (body, headers = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { 'x-api-key': key.key, ...headers },
      payload: body,
    });
    return { status: res.statusCode, json: res.json<Envelope<MessageJson>>() };
  };
  const waitFinal: Messaging['waitFinal'] = async (id, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: MessageJson | undefined;
    const finals = [
      'delivered',
      'undelivered',
      'expired',
      'failed',
      'rejected',
      'canceled',
      'partially_delivered',
      'unknown',
    ];
    while (Date.now() < deadline) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/messages/${id}`,
        headers: { 'x-api-key': key.key },
      });
      last = res.json<Envelope<MessageJson>>().data;
      if (last && finals.includes(last.status)) {
        return last;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`message ${id} did not reach a final state: ${JSON.stringify(last)}`);
  };
  return { tenant, apiKey: key.key, apiKeyId: key.id, providerId, planId: plan.id, smsc, send, waitFinal };
}
