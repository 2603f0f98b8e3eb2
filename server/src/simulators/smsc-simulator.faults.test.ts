// The SMSC simulator's carrier weather (issue 26) over real loopback sockets, driven by the
// `smpp` package's plain client session: queue full, bursts, slow answers, dropped connections,
// receipts before the answer, receipts offered again, and counting mode.
import smpp from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGsm7 } from '../lib/sms/index.js';
import { SmppStatus } from '../lib/smpp/index.js';
import { SmscSimulator, type SmscSimulatorOptions } from './smsc-simulator.js';
import { waitFor } from './wait-for.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

async function startSmsc(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const smsc = new SmscSimulator(options);
  await smsc.start({ port: 0 });
  cleanups.push(() => smsc.stop());
  return smsc;
}

interface Client {
  session: smpp.Session;
  /** Every PDU received, in order. */
  seen: smpp.PDU[];
  closed: Promise<void>;
  ack: number | null;
  call(command: string, fields?: smpp.PduFields): Promise<smpp.PDU>;
}

/** A transceiver bound as pigeon/secret; answers deliver_sm with `ack` (null: never). */
async function bound(port: number, ack: number | null = 0): Promise<Client> {
  const session = smpp.connect({ host: '127.0.0.1', port });
  session.on('error', () => undefined);
  cleanups.push(() => {
    session.destroy();
  });
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  const client: Client = {
    session,
    seen: [],
    closed: new Promise((resolve) => session.once('close', () => resolve())),
    ack,
    call: (command, fields = {}) =>
      new Promise((resolve) => {
        session.send(new smpp.PDU(command, fields), resolve);
      }),
  };
  session.on('pdu', (pdu: smpp.PDU) => {
    client.seen.push(pdu);
    if (pdu.command === 'deliver_sm' && client.ack !== null) {
      session.send(pdu.response(client.ack === 0 ? {} : { command_status: client.ack }));
    }
  });
  expect(
    (await client.call('bind_transceiver', { system_id: 'pigeon', password: 'secret' })).command_status,
  ).toBe(0);
  return client;
}

const submit = (text: string, to = '4915112345678', registered = 1): smpp.PduFields => ({
  source_addr: 'Pigeon',
  destination_addr: to,
  registered_delivery: registered,
  data_coding: 0,
  short_message: encodeGsm7(text),
});

describe('SMSC simulator faults over sockets (issue 26)', () => {
  it('answers ESME_RMSGQFUL to the queue-full share and counts it apart from throttling', async () => {
    const smsc = await startSmsc({ queueFullRate: 1 });
    const c = await bound(smsc.port);
    expect((await c.call('submit_sm', submit('full'))).command_status).toBe(SmppStatus.ESME_RMSGQFUL);
    smsc.configure({ queueFullRate: 0 });
    expect((await c.call('submit_sm', submit('room'))).command_status).toBe(0);
    expect(smsc.counters).toMatchObject({ queueFull: 1, throttled: 0, partsAccepted: 1, submits: 2 });
  });

  it('throttles everything during a burst and nothing outside it', async () => {
    let now = 0;
    const smsc = await startSmsc({ throttleBursts: { everyMs: 10_000, durationMs: 2_000 }, now: () => now });
    const c = await bound(smsc.port);
    expect((await c.call('submit_sm', submit('quiet'))).command_status).toBe(0);
    now = 8_500;
    const inBurst = await Promise.all([1, 2, 3].map(() => c.call('submit_sm', submit('burst'))));
    expect(inBurst.map((r) => r.command_status)).toEqual([0x58, 0x58, 0x58]);
    now = 10_100;
    expect((await c.call('submit_sm', submit('after'))).command_status).toBe(0);
    expect(smsc.counters).toMatchObject({ throttled: 3, partsAccepted: 2 });
  });

  it('answers the slow share late, so a later submit is answered first', async () => {
    // Share 0.5: the first submit rolls 0.1 (slow; 0.5 of 200…200 ms), the second 0.9 (fast).
    const rolls = [0.1, 0.5, 0.9];
    const smsc = await startSmsc({
      slowAnswers: { share: 0.5, minMs: 200, maxMs: 200 },
      random: () => rolls.shift() ?? 0.9,
    });
    const c = await bound(smsc.port);
    const order: string[] = [];
    const slow = c.call('submit_sm', submit('slow', '1', 0)).then(() => order.push('slow'));
    const fast = c.call('submit_sm', submit('fast', '2', 0)).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('drops a connection after N submits, the last one taken but never answered', async () => {
    const smsc = await startSmsc({ dropAfterSubmits: 3, instant: true });
    const c = await bound(smsc.port);
    expect((await c.call('submit_sm', submit('one'))).command_status).toBe(0);
    expect((await c.call('submit_sm', submit('two'))).command_status).toBe(0);
    let answered = false;
    void c.call('submit_sm', submit('three')).then(() => {
      answered = true;
    });
    await c.closed;
    expect(answered).toBe(false);
    expect(smsc.received().map((p) => p.text)).toEqual(['one', 'two', 'three']);
    expect(smsc.counters).toMatchObject({ unanswered: 1, drops: 1, partsAccepted: 3 });
    // The first two receipts came on the first bind; the third waits for the next one.
    const again = await bound(smsc.port);
    await waitFor(() => smsc.counters.receiptsAcknowledged === 3, { message: 'three receipts' });
    const receipts = again.seen.filter((p) => p.command === 'deliver_sm');
    expect(receipts.map((p) => p.receipted_message_id)).toEqual([smsc.received()[2]?.messageId]);
  });

  it('drops every connection on a schedule', async () => {
    const smsc = await startSmsc();
    const c = await bound(smsc.port);
    const d = await bound(smsc.port);
    smsc.configure({ dropEveryMs: 20 });
    await Promise.all([c.closed, d.closed]);
    expect(smsc.counters.drops).toBe(2);
    smsc.configure({ dropEveryMs: 0 });
    const e = await bound(smsc.port);
    expect((await e.call('enquire_link')).command).toBe('enquire_link_resp');
    expect(smsc.counters.drops).toBe(2);
  });

  it('sends the receipt-first share of receipts before the submit_sm_resp', async () => {
    const smsc = await startSmsc({ receiptsBeforeResponseRate: 1, latencyMs: 30 });
    const c = await bound(smsc.port);
    const resp = await c.call('submit_sm', submit('early bird'));
    const commands = c.seen.map((p) => p.command);
    expect(commands.indexOf('deliver_sm')).toBeGreaterThanOrEqual(0);
    expect(commands.indexOf('deliver_sm')).toBeLessThan(commands.indexOf('submit_sm_resp'));
    const receipt = c.seen.find((p) => p.command === 'deliver_sm');
    expect(receipt?.receipted_message_id).toBe(resp.message_id);
    expect(smsc.counters).toMatchObject({ receiptsEarly: 1, receiptsSent: 1 });
  });

  it('offers a receipt refused with a temporary error again only after the ESME binds again', async () => {
    const smsc = await startSmsc({ instant: true, reofferAfterRebind: true });
    const c = await bound(smsc.port, SmppStatus.ESME_RX_T_APPN);
    await c.call('submit_sm', submit('try later'));
    await waitFor(() => smsc.counters.deliveriesRefused === 1, { message: 'the refusal' });
    expect(smsc.deliveryBacklog()).toEqual({ waiting: 0, heldForRebind: 1 });
    c.session.destroy();
    await c.closed;

    const again = await bound(smsc.port);
    await waitFor(() => smsc.counters.receiptsAcknowledged === 1, { message: 'the receipt after rebind' });
    expect(again.seen.filter((p) => p.command === 'deliver_sm')).toHaveLength(1);
    expect(smsc.counters).toMatchObject({ receiptsSent: 2, deliveriesReoffered: 1 });
    expect(smsc.deliveryBacklog()).toEqual({ waiting: 0, heldForRebind: 0 });
  });

  it('offers a temporarily refused receipt again soon by default, and drops a permanently refused one', async () => {
    const smsc = await startSmsc({ instant: true, reofferDelayMs: 10 });
    const c = await bound(smsc.port, SmppStatus.ESME_RX_T_APPN);
    await c.call('submit_sm', submit('soon'));
    await waitFor(() => smsc.counters.deliveriesRefused >= 2, { message: 'two offers on one bind' });
    c.ack = SmppStatus.ESME_RX_P_APPN;
    const refused = smsc.counters.deliveriesRefused;
    await waitFor(() => smsc.counters.deliveriesRefused === refused + 1, { message: 'a permanent refusal' });
    expect(smsc.deliveryBacklog()).toEqual({ waiting: 0, heldForRebind: 0 });
    expect(smsc.counters.receiptsAcknowledged).toBe(0);
  });

  it('offers an unanswered receipt again after a reconnect', async () => {
    const smsc = await startSmsc({ instant: true });
    const silent = await bound(smsc.port, null);
    const resp = await silent.call('submit_sm', submit('unanswered'));
    await waitFor(() => silent.seen.some((p) => p.command === 'deliver_sm'), { message: 'first offer' });
    silent.session.destroy();
    await silent.closed;
    const again = await bound(smsc.port);
    await waitFor(() => smsc.counters.receiptsAcknowledged === 1, { message: 'the second offer taken' });
    expect(again.seen.find((p) => p.command === 'deliver_sm')?.receipted_message_id).toBe(resp.message_id);
    expect(smsc.counters.deliveriesReoffered).toBe(1);
  });

  it('counts accepted submits per message and their order per destination', async () => {
    const smsc = await startSmsc({
      instant: true,
      counting: { key: (p) => /#(\d+)/.exec(p.text)?.[1] ?? p.text },
    });
    const c = await bound(smsc.port);
    for (const [text, to] of [
      ['#1 hello', 'A'],
      ['#2 hello', 'B'],
      ['#3 hello', 'A'],
      ['#1 hello again', 'A'],
    ] as const) {
      await c.call('submit_sm', submit(text, to, 0));
    }
    smsc.configure({ throttleRate: 1 });
    await c.call('submit_sm', submit('#4 refused', 'B', 0));
    expect(smsc.submitCounts()).toEqual(
      new Map([
        ['1', 2],
        ['2', 1],
        ['3', 1],
      ]),
    );
    expect(smsc.submitOrder()).toEqual(
      new Map([
        ['A', ['1', '3', '1']],
        ['B', ['2']],
      ]),
    );
    expect(smsc.counters.duplicateSubmits).toBe(1);
  });

  it('refuses to report counts when not counting', async () => {
    const smsc = await startSmsc();
    expect(() => smsc.submitCounts()).toThrow(/counting/);
  });
});
