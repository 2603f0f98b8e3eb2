// The SMSC simulator on its own, driven by the `smpp` package's plain client session.
import smpp from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConcatUdh, encodeGsm7 } from '../lib/sms/index.js';
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
  delivered: smpp.PDU[];
  call(command: string, fields?: smpp.PduFields): Promise<smpp.PDU>;
}

async function client(port: number, ack = true): Promise<Client> {
  const session = smpp.connect({ host: '127.0.0.1', port });
  session.on('error', () => undefined);
  cleanups.push(() => {
    session.destroy();
  });
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  const delivered: smpp.PDU[] = [];
  session.on('deliver_sm', (pdu: smpp.PDU) => {
    delivered.push(pdu);
    if (ack) {
      session.send(pdu.response());
    }
  });
  const call = (command: string, fields: smpp.PduFields = {}): Promise<smpp.PDU> =>
    new Promise((resolve) => {
      session.send(new smpp.PDU(command, fields), resolve);
    });
  return { session, delivered, call };
}

const submitFields = (text: string, extra: smpp.PduFields = {}): smpp.PduFields => ({
  source_addr: 'Pigeon',
  destination_addr: '4915112345678',
  registered_delivery: 1,
  data_coding: 0,
  short_message: encodeGsm7(text),
  ...extra,
});

describe('SMSC simulator', () => {
  it('refuses a bind with the wrong password and accepts the right one', async () => {
    const smsc = await startSmsc({ systemId: 'acme', password: 'pw' });
    const bad = await client(smsc.port);
    expect((await bad.call('bind_transceiver', { system_id: 'acme', password: 'nope' })).command_status).toBe(
      SmppStatus.ESME_RBINDFAIL,
    );
    const good = await client(smsc.port);
    expect((await good.call('bind_transceiver', { system_id: 'acme', password: 'pw' })).command_status).toBe(
      0,
    );
    expect(smsc.counters).toMatchObject({ binds: 1, bindFailures: 1 });
    expect(smsc.boundSessions).toBe(1);
  });

  it('refuses submit_sm before a bind', async () => {
    const smsc = await startSmsc();
    const c = await client(smsc.port);
    expect((await c.call('submit_sm', submitFields('early'))).command_status).toBe(
      SmppStatus.ESME_RINVBNDSTS,
    );
  });

  it('acks with hex or decimal ids and sends a receipt with text and TLVs', async () => {
    const smsc = await startSmsc({ messageIdFormat: 'decimal', outcomes: { EXPIRED: 1 } });
    const c = await client(smsc.port);
    await c.call('bind_transceiver', { system_id: 'pigeon', password: 'secret' });

    const resp = await c.call('submit_sm', submitFields('Hello there'));

    expect(resp.command_status).toBe(0);
    expect(String(resp.message_id)).toMatch(/^\d+$/);
    const receipt = await waitFor(() => c.delivered[0], { message: 'receipt' });
    expect(receipt.esm_class).toBe(0x04);
    expect(receipt.receipted_message_id).toBe(resp.message_id);
    expect(receipt.message_state).toBe(3);
    expect(receipt.destination_addr).toBe('Pigeon');
    const text = String((receipt.short_message as { message: string }).message);
    expect(text).toMatch(
      new RegExp(
        `^id:${String(resp.message_id)} sub:001 dlvrd:000 .* stat:EXPIRED err:000 text:Hello there$`,
      ),
    );
    await waitFor(() => smsc.counters.receiptsAcknowledged === 1, { message: 'receipt acknowledged' });

    smsc.configure({ messageIdFormat: 'hex' });
    expect(String((await c.call('submit_sm', submitFields('again'))).message_id)).toMatch(/^[0-9A-F]+$/);
  });

  it('sends no receipt when none is requested', async () => {
    const smsc = await startSmsc({ instant: true });
    const c = await client(smsc.port);
    await c.call('bind_transceiver', { system_id: 'pigeon', password: 'secret' });
    await c.call('submit_sm', submitFields('quiet', { registered_delivery: 0 }));
    await c.call('submit_sm', submitFields('loud'));
    await waitFor(() => smsc.counters.receiptsAcknowledged === 1, { message: 'one receipt' });
    expect(smsc.counters.receiptsSent).toBe(1);
  });

  it('answers the configured error and throttle rates', async () => {
    const smsc = await startSmsc({ errorRate: 1, errorStatus: SmppStatus.ESME_RINVDSTADR });
    const c = await client(smsc.port);
    await c.call('bind_transceiver', { system_id: 'pigeon', password: 'secret' });
    expect((await c.call('submit_sm', submitFields('x'))).command_status).toBe(SmppStatus.ESME_RINVDSTADR);
    smsc.configure({ errorRate: 0, throttleRate: 1 });
    expect((await c.call('submit_sm', submitFields('y'))).command_status).toBe(SmppStatus.ESME_RTHROTTLED);
    smsc.configure({ throttleRate: 0, maxTps: 1 });
    const statuses = await Promise.all(
      [1, 2, 3].map(async () => (await c.call('submit_sm', submitFields('z'))).command_status),
    );
    expect(statuses).toEqual([0, SmppStatus.ESME_RTHROTTLED, SmppStatus.ESME_RTHROTTLED]);
    expect(smsc.counters).toMatchObject({ errors: 1, throttled: 3, partsAccepted: 1, submits: 5 });
  });

  it('counts a resent part of a long message once and reassembles the message', async () => {
    const smsc = await startSmsc({ instant: true });
    const c = await client(smsc.port);
    await c.call('bind_transceiver', { system_id: 'pigeon', password: 'secret' });
    const part = (sequence: number, text: string): smpp.PduFields =>
      submitFields('', {
        esm_class: 0x40,
        short_message: Buffer.concat([
          buildConcatUdh({ reference: 42, total: 2, sequence }),
          encodeGsm7(text),
        ]),
      });

    await c.call('submit_sm', part(2, 'world'));
    await c.call('submit_sm', part(1, 'hello '));
    await c.call('submit_sm', part(1, 'hello ')); // resent after a lost response

    expect(smsc.counters).toMatchObject({ partsAccepted: 3, uniqueMessages: 1 });
    expect(smsc.messages()).toEqual([
      expect.objectContaining({ text: 'hello world', parts: 2, partsReceived: 2, isComplete: true }),
    ]);
    expect(smsc.received().map((p) => p.concat?.sequence)).toEqual([2, 1, 1]);
  });

  it('holds receipts and MO messages until a receiver binds, then delivers them', async () => {
    const smsc = await startSmsc({ instant: true });
    const tx = await client(smsc.port);
    await tx.call('bind_transmitter', { system_id: 'pigeon', password: 'secret' });
    await tx.call('submit_sm', submitFields('for later'));
    const mo = smsc.injectMo({ from: '+491511', to: '4711', text: 'y'.repeat(200), partOrder: 'reverse' });
    expect(tx.delivered).toHaveLength(0);

    const rx = await client(smsc.port);
    await rx.call('bind_receiver', { system_id: 'pigeon', password: 'secret' });
    await mo;

    await waitFor(() => rx.delivered.length === 3, { message: 'receipt and two MO parts' });
    const moParts = rx.delivered.filter((p) => p.esm_class === 0x40);
    expect(moParts.map((p) => (p.short_message as { udh: Buffer[] }).udh[0]?.[4])).toEqual([2, 1]);
    expect(smsc.counters).toMatchObject({ moPartsAcknowledged: 2, receiptsAcknowledged: 1 });
  });

  it('offers an unacknowledged delivery again after the connection drops', async () => {
    const smsc = await startSmsc({ instant: true });
    const silent = await client(smsc.port, false);
    await silent.call('bind_receiver', { system_id: 'pigeon', password: 'secret' });
    const mo = smsc.injectMo({ from: '1', to: '2', text: 'important' });
    await waitFor(() => silent.delivered.length === 1, { message: 'first offer' });

    smsc.dropConnections();
    const rx = await client(smsc.port);
    await rx.call('bind_receiver', { system_id: 'pigeon', password: 'secret' });
    await mo;

    expect(rx.delivered).toHaveLength(1);
    expect(smsc.counters).toMatchObject({ drops: 1, moPartsSent: 2, moPartsAcknowledged: 1 });
  });

  it('answers enquire_link and counts it', async () => {
    const smsc = await startSmsc();
    const c = await client(smsc.port);
    await c.call('bind_transceiver', { system_id: 'pigeon', password: 'secret' });
    expect((await c.call('enquire_link')).command).toBe('enquire_link_resp');
    expect(smsc.counters.enquireLinks).toBe(1);
  });
});
