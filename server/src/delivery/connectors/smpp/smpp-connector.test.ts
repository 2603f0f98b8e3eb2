// The SMPP connector against the SMSC simulator over real loopback sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { SmscSimulator, type SmscSimulatorOptions } from '../../../simulators/smsc-simulator.js';
import { waitFor } from '../../../simulators/wait-for.js';
import { combinePartStates, type DeliveryReceipt, type InboundMessage, type SubmitResult } from '../types.js';
import { SmppStatus } from '../../../lib/smpp/index.js';
import { SmppBindError, SmppConnector, type SmppConnectorOptions } from './smpp-connector.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

async function startSmsc(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const smsc = new SmscSimulator({ systemId: 'pigeon', password: 'secret', ...options });
  await smsc.start({ port: 0 });
  cleanups.push(() => smsc.stop());
  return smsc;
}

async function connectTo(
  smsc: SmscSimulator,
  options: Partial<SmppConnectorOptions> = {},
): Promise<SmppConnector> {
  const connector = new SmppConnector({
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'pigeon',
    password: 'secret',
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
    ...options,
  });
  cleanups.push(() => connector.close());
  await connector.connect();
  return connector;
}

function sms(id: string, text: string, to = '+4915112345678') {
  return { channel: 'sms' as const, id, to, from: 'Pigeon', text };
}

function collectReceipts(connector: SmppConnector): DeliveryReceipt[] {
  const receipts: DeliveryReceipt[] = [];
  connector.onReceipt((r) => {
    receipts.push(r);
  });
  return receipts;
}

function accepted(result: SubmitResult): string[] {
  if (!result.ok) {
    throw new Error(`submit failed: ${result.code} ${result.message}`);
  }
  return result.providerMessageIds;
}

describe('SMPP connector against the SMSC simulator', () => {
  it('submits a message and reports its delivery receipt with the same provider id', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc);
    const receipts = collectReceipts(connector);

    const ids = accepted(await connector.submit(sms('m1', 'Your code is 1234')));

    expect(ids).toHaveLength(1);
    const receipt = await waitFor(() => receipts[0], { message: 'receipt' });
    expect(receipt).toMatchObject({ providerMessageId: ids[0], status: 'delivered', isFinal: true });
    expect(receipt.providerStatus).toBe('DELIVRD');
    expect(smsc.messages()[0]).toMatchObject({
      text: 'Your code is 1234',
      to: '4915112345678',
      from: 'Pigeon',
    });
  });

  it('sends a 400-character GSM message as 3 parts whose 3 receipts resolve to one final state', async () => {
    const smsc = await startSmsc({ outcomes: { DELIVRD: 1 } });
    const connector = await connectTo(smsc);
    const receipts = collectReceipts(connector);
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(9).slice(0, 400);

    const result = await connector.submit(sms('long', text));

    expect(result).toMatchObject({ ok: true, parts: 3, encoding: 'gsm7' });
    const ids = accepted(result);
    expect(new Set(ids).size).toBe(3);
    expect(smsc.received().map((p) => p.concat?.sequence)).toEqual([1, 2, 3]);
    expect(smsc.messages()).toHaveLength(1);
    expect(smsc.messages()[0]).toMatchObject({ text, parts: 3, isComplete: true });

    await waitFor(() => receipts.length === 3, { message: 'three receipts' });
    const byId = new Map(receipts.map((r) => [r.providerMessageId, r.status]));
    expect(combinePartStates(ids.map((id) => byId.get(id)))).toBe('delivered');
  });

  it('resolves a long message with one failed part as partially delivered', async () => {
    let roll = 0;
    // Outcome weights DELIVRD=2, UNDELIV=1: rolls 0.1, 0.1, 0.9 give delivered, delivered, undelivered.
    const rolls = [0.1, 0.1, 0.9];
    const smsc = await startSmsc({
      outcomes: { DELIVRD: 2, UNDELIV: 1 },
      random: () => rolls[roll++ % 3] ?? 0,
    });
    const connector = await connectTo(smsc);
    const receipts = collectReceipts(connector);

    const ids = accepted(await connector.submit(sms('long2', 'x'.repeat(400))));

    await waitFor(() => receipts.length === 3, { message: 'three receipts' });
    const byId = new Map(receipts.map((r) => [r.providerMessageId, r.status]));
    expect(combinePartStates(ids.map((id) => byId.get(id)))).toBe('partially_delivered');
    expect(receipts.find((r) => r.status === 'undelivered')?.errorCode).toBe('001');
  });

  it('carries UCS-2 text (Chinese and emoji) intact out and back in as an MO message', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc);
    const inbound: InboundMessage[] = [];
    connector.onInbound((m) => {
      inbound.push(m);
    });
    const text = '你好，世界！验证码 8842，请勿泄露。🐦🚀 '.repeat(6); // 150 UTF-16 units

    const result = await connector.submit(sms('ucs2', text));

    expect(result).toMatchObject({ ok: true, encoding: 'ucs2', parts: 3 });
    const received = smsc.messages()[0];
    expect(received?.text).toBe(text);
    await smsc.injectMo({
      from: '+8613800138000',
      to: '10690001',
      text: received?.text ?? '',
      partOrder: 'reverse',
    });
    const mo = await waitFor(() => inbound[0], { message: 'inbound message' });
    expect(mo).toMatchObject({ text, encoding: 'ucs2', parts: 3, isComplete: true, from: '8613800138000' });
  });

  it('reassembles a long inbound GSM message whose parts arrive out of order', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc);
    const inbound: InboundMessage[] = [];
    connector.onInbound((m) => {
      inbound.push(m);
    });
    const text = 'STOP ' + 'A reply with extension characters {€} [ok] ~ '.repeat(10);

    await smsc.injectMo({ from: '4915112345678', to: '4711', text, partOrder: [2, 0, 3, 1] });

    const mo = await waitFor(() => inbound[0], { message: 'inbound message' });
    expect(mo).toMatchObject({ text, encoding: 'gsm7', parts: 4, isComplete: true });
    expect(inbound).toHaveLength(1);
    expect(smsc.counters.moPartsAcknowledged).toBe(4);
  });

  it('matches receipts written in decimal with leading zeros to hex submit ids', async () => {
    const smsc = await startSmsc({
      messageIdFormat: 'hex',
      receiptIdFormat: 'decimal',
      receiptIdPadding: 16,
    });
    const connector = await connectTo(smsc, {
      messageIdFormat: { submitResponse: 'hex', receipt: 'decimal' },
    });
    const receipts = collectReceipts(connector);

    const ids = accepted(await connector.submit(sms('hex', 'id formats')));

    const receipt = await waitFor(() => receipts[0], { message: 'receipt' });
    const hexId = smsc.received()[0]?.messageId ?? '';
    expect(hexId).toMatch(/^[0-9A-F]+$/);
    expect(receipt.rawProviderMessageId).toBe(String(parseInt(hexId, 16)).padStart(16, '0'));
    expect(receipt.providerMessageId).toBe(ids[0]);
  });

  it('keeps at most `window` submits outstanding, as measured at the SMSC', async () => {
    const smsc = await startSmsc({ latencyMs: 15 });
    const connector = await connectTo(smsc, { window: 4 });

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => connector.submit(sms(`w${i}`, `window ${i}`))),
    );

    expect(results.every((r) => r.ok)).toBe(true);
    expect(smsc.counters.maxOutstanding).toBe(4);
    expect(smsc.counters.partsAccepted).toBe(40);
  });

  it('slows down on ESME_RTHROTTLED and resubmits without losing or reordering messages', async () => {
    const smsc = await startSmsc({ maxTps: 100 });
    const connector = await connectTo(smsc, { window: 1, throttlePauseMs: 20 });
    const count = 60;

    const results = await Promise.all(
      Array.from({ length: count }, (_, i) => connector.submit(sms(`t${i}`, `ordered ${i}`))),
    );

    expect(results.every((r) => r.ok)).toBe(true);
    expect(smsc.counters.throttled).toBeGreaterThan(0);
    expect(connector.counters.throttled).toBe(smsc.counters.throttled);
    expect(smsc.received().map((p) => p.text)).toEqual(
      Array.from({ length: count }, (_, i) => `ordered ${i}`),
    );
  });

  it('loses nothing under random throttling with a wide window', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const smsc = await startSmsc({ throttleRate: 0.3, random });
    const connector = await connectTo(smsc, { window: 10, throttlePauseMs: 5 });

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => connector.submit(sms(`r${i}`, `random ${i}`))),
    );

    expect(results.every((r) => r.ok)).toBe(true);
    expect(smsc.counters.throttled).toBeGreaterThan(0);
    const texts = smsc.received().map((p) => p.text);
    expect(new Set(texts).size).toBe(100);
    expect(texts).toHaveLength(100);
  });

  it('holds the TPS limit, counted in message parts', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc, { tps: 100, tpsBurst: 1 });
    const started = performance.now();

    // 10 messages of 3 parts each: 30 parts at 100 parts/s take at least ~290 ms.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => connector.submit(sms(`tps${i}`, 'y'.repeat(400)))),
    );

    expect(smsc.counters.partsAccepted).toBe(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('rebinds after the SMSC drops the connection; every pending submit is acked or reported', async () => {
    const smsc = await startSmsc({ latencyMs: 5 });
    const connector = await connectTo(smsc, { window: 8, maxSubmitAttempts: 2 });
    const count = 200;

    const pending = Array.from({ length: count }, (_, i) => connector.submit(sms(`d${i}`, `drop test ${i}`)));
    await waitFor(() => smsc.counters.partsAccepted >= 40, { message: 'some messages accepted' });
    smsc.dropConnections();
    const results = await Promise.all(pending);

    const ok = results.filter((r) => r.ok).length;
    const retryable = results.filter((r) => !r.ok && r.kind === 'retryable').length;
    expect(ok + retryable).toBe(count);
    expect(ok).toBeGreaterThan(0);
    expect(connector.counters.rebinds).toBeGreaterThanOrEqual(1);
    expect(smsc.counters.binds).toBeGreaterThanOrEqual(2);
    // Every acknowledged message really reached the SMSC.
    const seen = new Set(smsc.received().map((p) => p.text));
    results.forEach((r, i) => {
      if (r.ok) {
        expect(seen.has(`drop test ${i}`)).toBe(true);
      }
    });
    expect(connector.state).toBe('bound');
  });

  it('reports submits that cannot be resent after a drop as retryable, never silently', async () => {
    const smsc = await startSmsc({ latencyMs: 10_000 }); // no answer before the drop
    const connector = await connectTo(smsc, { window: 5, maxSubmitAttempts: 1 });

    const pending = Array.from({ length: 5 }, (_, i) => connector.submit(sms(`x${i}`, `in flight ${i}`)));
    await waitFor(() => smsc.counters.submits === 5, { message: 'five submits on the wire' });
    smsc.dropConnections();
    const results = await Promise.all(pending);

    expect(results.map((r) => (r.ok ? 'ok' : `${r.kind}:${r.code}`))).toEqual(
      Array.from({ length: 5 }, () => 'retryable:CONNECTION_LOST'),
    );
  });

  it('surfaces a refused bind and fails submits as retryable while unbound', async () => {
    const smsc = await startSmsc();
    const connector = new SmppConnector({
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'pigeon',
      password: 'wrong',
      reconnectInitialDelayMs: 1000,
    });
    cleanups.push(() => connector.close());

    const error = await connector.connect().then(
      () => null,
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(SmppBindError);
    expect((error as SmppBindError).code).toBe('ESME_RBINDFAIL');
    expect(smsc.counters.bindFailures).toBe(1);
    expect(await connector.submit(sms('nope', 'hello'))).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: 'ESME_RBINDFAIL',
    });
    expect((await connector.probe()).healthy).toBe(false);
  });

  it('binds once the SMSC accepts the credentials, retrying in the background', async () => {
    const smsc = await startSmsc({ password: 'new-secret' });
    const connector = new SmppConnector({
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'pigeon',
      password: 'old-secret',
      reconnectInitialDelayMs: 20,
      reconnectMaxDelayMs: 40,
    });
    cleanups.push(() => connector.close());
    await expect(connector.connect()).rejects.toBeInstanceOf(SmppBindError);

    smsc.configure({ password: 'old-secret' });
    await connector.connect();

    expect(connector.state).toBe('bound');
    expect(smsc.counters.bindFailures).toBeGreaterThanOrEqual(1);
    expect(await connector.submit(sms('late', 'finally'))).toMatchObject({ ok: true });
  });

  it('pauses on ESME_RMSGQFUL like on throttling and resubmits', async () => {
    const rolls = [0.1, 0.1];
    const smsc = await startSmsc({
      errorRate: 0.5,
      errorStatus: SmppStatus.ESME_RMSGQFUL,
      random: () => rolls.shift() ?? 0.9,
    });
    const connector = await connectTo(smsc, { throttlePauseMs: 5 });

    expect(await connector.submit(sms('q', 'queue full twice'))).toMatchObject({ ok: true });
    expect(connector.counters.throttled).toBe(2);
    expect(smsc.counters.submits).toBe(3);
  });

  it('counts a submit without a response in time as lost: resent, then reported retryable', async () => {
    const smsc = await startSmsc({ latencyMs: 10_000 });
    const connector = await connectTo(smsc, { responseTimeoutMs: 80, maxSubmitAttempts: 2 });

    const result = await connector.submit(sms('slow', 'no answer'));

    expect(result).toMatchObject({ ok: false, kind: 'retryable', code: 'RESPONSE_TIMEOUT' });
    expect(smsc.counters.submits).toBe(2);
    expect(connector.counters.resubmitted).toBe(1);
  });

  it('maps SMSC errors to permanent or retryable failures', async () => {
    const smsc = await startSmsc({ errorRate: 1, errorStatus: SmppStatus.ESME_RINVDSTADR });
    const connector = await connectTo(smsc);

    expect(await connector.submit(sms('p', 'bad number'))).toMatchObject({
      ok: false,
      kind: 'permanent',
      code: 'ESME_RINVDSTADR',
    });
    smsc.configure({ errorStatus: SmppStatus.ESME_RSYSERR });
    expect(await connector.submit(sms('q', 'system error'))).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: 'ESME_RSYSERR',
    });
  });

  it('sends enquire_link on its interval and probes healthy while bound', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc, { enquireLinkIntervalMs: 20 });

    await waitFor(() => smsc.counters.enquireLinks >= 3, { message: 'enquire_link' });
    const probe = await connector.probe();

    expect(probe.healthy).toBe(true);
    expect(probe.latencyMs).toBeGreaterThanOrEqual(0);
    await connector.close();
    expect((await connector.probe()).healthy).toBe(false);
  });

  it('works with a separate transmitter and receiver bind', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc, { bindMode: 'transmitter+receiver' });
    const receipts = collectReceipts(connector);

    const ids = accepted(await connector.submit(sms('txrx', 'two binds')));

    const receipt = await waitFor(() => receipts[0], { message: 'receipt on the receiver bind' });
    expect(receipt.providerMessageId).toBe(ids[0]);
    expect(smsc.counters.binds).toBe(2);
  });

  it('keeps receipts the SMSC sent while the receiver was away', async () => {
    const smsc = await startSmsc({ receiptDelayMs: 30 });
    const connector = await connectTo(smsc);
    const receipts = collectReceipts(connector);

    const ids = accepted(await connector.submit(sms('later', 'receipt after a drop')));
    smsc.dropConnections();

    const receipt = await waitFor(() => receipts[0], { message: 'receipt after rebind' });
    expect(receipt.providerMessageId).toBe(ids[0]);
  });

  it('answers a receipt on the connection it came on, never on the next one', async () => {
    const smsc = await startSmsc();
    const connector = await connectTo(smsc);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    connector.onReceipt(async () => {
      calls++;
      if (calls === 1) {
        await held; // still being stored when the connection drops
      }
    });

    accepted(await connector.submit(sms('r1', 'slow to store')));
    await waitFor(() => calls === 1, { message: 'the first offer' });
    smsc.dropConnections();
    await waitFor(() => smsc.counters.receiptsAcknowledged === 1, { message: 'the second offer taken' });
    release();
    // A round trip on the new connection: an answer to the first offer would have come before it.
    expect((await connector.probe()).healthy).toBe(true);

    expect(calls).toBe(2);
    expect(smsc.counters.deliveryResponsesUnmatched).toBe(0);
  });
});
