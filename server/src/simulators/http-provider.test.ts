// The HTTP test provider against Pigeon's HTTP connector over real loopback sockets: sends,
// 429/503 with Retry-After, refusals, receipts posted back (and posted again until taken),
// inbound messages, health, counting mode.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpConnector } from '../delivery/connectors/http/http-connector.js';
import type { DeliveryReceipt, InboundMessage } from '../delivery/connectors/types.js';
import { HttpProviderSimulator, type HttpProviderOptions } from './http-provider.js';
import { waitFor } from './wait-for.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

async function startProvider(options: HttpProviderOptions = {}): Promise<HttpProviderSimulator> {
  const sim = new HttpProviderSimulator(options);
  await sim.start({ port: 0 });
  cleanups.push(() => sim.stop());
  return sim;
}

function connectorFor(sim: HttpProviderSimulator): HttpConnector {
  const connector = new HttpConnector(sim.connectorOptions());
  cleanups.push(() => connector.close());
  return connector;
}

/** The platform's callback side: hands bodies to the connector; the first `fail` posts get 500. */
async function callbackServer(connector: HttpConnector, fail = 0): Promise<{ url: string; posts: number }> {
  const state = { url: '', posts: 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      state.posts++;
      if (state.posts <= fail) {
        res.writeHead(500).end();
        return;
      }
      const body: unknown = JSON.parse(raw);
      const work =
        req.url === '/receipts'
          ? connector.acceptReceiptCallback(body)
          : connector.acceptInboundCallback(body);
      void work.then((n) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

const sms = (id: string, to = '+447912345678', text = `hello ${id}`) => ({
  channel: 'sms' as const,
  id,
  to,
  from: 'Pigeon',
  text,
});

describe('HTTP test provider simulator (issue 26)', () => {
  it('accepts a message, and posts its receipt back until the platform takes it', async () => {
    const sim = await startProvider({ token: 'secret-key', receiptRetryMs: 20 });
    const connector = connectorFor(sim);
    const receipts: DeliveryReceipt[] = [];
    connector.onReceipt((r) => {
      receipts.push(r);
    });
    const callbacks = await callbackServer(connector, 2);
    sim.configure({ receiptUrl: `${callbacks.url}/receipts` });

    const result = await connector.submit(sms('m1'));

    expect(result).toMatchObject({ ok: true, parts: 1 });
    const providerId = result.ok ? result.providerMessageIds[0] : '';
    expect(sim.messages()).toEqual([
      expect.objectContaining({ id: providerId, to: '+447912345678', text: 'hello m1', reference: 'm1' }),
    ]);
    const receipt = await waitFor(() => receipts[0], { message: 'the receipt' });
    expect(receipt).toMatchObject({ providerMessageId: providerId, status: 'delivered', isFinal: true });
    await waitFor(() => sim.counters.receiptsAcknowledged === 1, { message: 'the receipt taken' });
    expect(callbacks.posts).toBe(3);
    expect(sim.counters).toMatchObject({ receiptsPosted: 3, receiptPostFailures: 2 });
    expect(await connector.probe()).toMatchObject({ healthy: true });
  });

  it('answers 429 and 503 with Retry-After to their shares: retryable failures with the delay', async () => {
    const sim = await startProvider({ throttleRate: 1, retryAfterS: 2 });
    const connector = connectorFor(sim);
    expect(await connector.submit(sms('t'))).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: 'THROTTLED',
      retryAfterMs: 2000,
    });
    sim.configure({ throttleRate: 0, unavailableRate: 1, retryAfterS: 5 });
    expect(await connector.submit(sms('u'))).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: 'UNAVAILABLE',
      retryAfterMs: 5000,
    });
    sim.configure({ unavailableRate: 0 });
    expect(await connector.submit(sms('v'))).toMatchObject({ ok: true });
    expect(sim.counters).toMatchObject({ requests: 3, throttled: 1, unavailable: 1, accepted: 1 });
  });

  it('mixes the shares by its random source', async () => {
    // a: throttled (0.1); b: neither (0.9, 0.9); c: not throttled (0.9), unavailable (0.2).
    const rolls = [0.1, 0.9, 0.9, 0.9, 0.2];
    const sim = await startProvider({
      throttleRate: 0.3,
      unavailableRate: 0.3,
      random: () => rolls.shift() ?? 0.9,
    });
    const connector = connectorFor(sim);
    const codes = [];
    for (const id of ['a', 'b', 'c']) {
      const r = await connector.submit(sms(id));
      codes.push(r.ok ? 'ok' : r.code);
    }
    expect(codes).toEqual(['THROTTLED', 'ok', 'UNAVAILABLE']);
  });

  it('refuses a bad number or a wrong token for good', async () => {
    const sim = await startProvider({ token: 'right' });
    const connector = connectorFor(sim);
    expect(await connector.submit(sms('n', 'not-a-number'))).toMatchObject({
      ok: false,
      kind: 'permanent',
      code: 'INVALID_NUMBER',
    });
    const wrong = new HttpConnector({ ...sim.connectorOptions(), variables: { apiKey: 'wrong' } });
    cleanups.push(() => wrong.close());
    expect(await wrong.submit(sms('w'))).toMatchObject({
      ok: false,
      kind: 'permanent',
      code: 'UNAUTHORIZED',
    });
    expect(sim.counters.rejected).toBe(2);
  });

  it('posts inbound messages to the platform', async () => {
    const sim = await startProvider();
    const connector = connectorFor(sim);
    const inbound: InboundMessage[] = [];
    connector.onInbound((m) => {
      inbound.push(m);
    });
    const callbacks = await callbackServer(connector);
    sim.configure({ inboundUrl: `${callbacks.url}/inbound` });
    await sim.injectMo({ from: '+447700900123', to: '+447700900999', text: 'STOP' });
    expect(inbound).toEqual([
      expect.objectContaining({ from: '+447700900123', text: 'STOP', isComplete: true }),
    ]);
    expect(sim.counters.inboundPosted).toBe(1);
  });

  it('counts sends per message and their order per destination', async () => {
    const sim = await startProvider({ counting: true });
    const connector = connectorFor(sim);
    for (const [id, to] of [
      ['1', '+447700900001'],
      ['2', '+447700900002'],
      ['1', '+447700900001'],
    ] as const) {
      await connector.submit(sms(id, to, `text ${id}`));
    }
    expect([...sim.submitCounts().values()]).toEqual([2, 1]);
    expect(sim.submitOrder().get('+447700900001')).toHaveLength(2);
    expect(sim.counters.duplicateSubmits).toBe(1);
  });
});
