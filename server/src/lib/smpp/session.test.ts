// Framing and the session layer over real loopback sockets.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandId, SmppStatus } from './constants.js';
import { SmppListener } from './listener.js';
import { encodePdu } from './encode.js';
import type { Pdu } from './pdu.js';
import { PduFramer, SmppSession } from './session.js';

const cleanups: (() => Promise<void> | void)[] = [];

/** Polls with a deadline (lib imports nothing from the app, its tests neither). */
async function waitFor<T>(check: () => T | null | undefined | false, o: { message: string }): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = check();
    if (value !== null && value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${o.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

describe('PduFramer', () => {
  it('frames PDUs fed one byte at a time and several in one chunk', () => {
    const a = encodePdu(
      { command: 'submit_sm', source: 'A', destination: '1', shortMessage: Buffer.from('x') },
      1,
    );
    const b = encodePdu({ command: 'enquire_link' }, 2);
    const framer = new PduFramer();
    const frames: Buffer[] = [];
    for (const byte of Buffer.concat([a, b])) {
      framer.push(Buffer.from([byte]), (f) => frames.push(Buffer.from(f)));
    }
    framer.push(Buffer.concat([b, a, b]), (f) => frames.push(Buffer.from(f)));
    expect(frames.map((f) => f.readUInt32BE(12))).toEqual([1, 2, 2, 1, 2]);
    expect(frames[0]?.equals(a)).toBe(true);
    expect(framer.buffered).toBe(0);
  });

  it('refuses a command_length below 16 or above the maximum', () => {
    const framer = new PduFramer(1000);
    const small = Buffer.alloc(16);
    small.writeUInt32BE(8, 0);
    expect(() => framer.push(small, () => undefined)).toThrow(/invalid PDU length 8/);
    const big = Buffer.alloc(16);
    big.writeUInt32BE(1001, 0);
    expect(() => new PduFramer(1000).push(big, () => undefined)).toThrow(/invalid PDU length 1001/);
  });
});

interface Pair {
  client: SmppSession;
  server: SmppSession;
  clientPdus: Pdu[];
  serverPdus: Pdu[];
  serverSocket: net.Socket;
}

async function pair(serverHandler?: (session: SmppSession, pdu: Pdu) => void): Promise<Pair> {
  const serverPdus: Pdu[] = [];
  const clientPdus: Pdu[] = [];
  let server: SmppSession | null = null;
  let serverSocket: net.Socket | null = null;
  const listener = await SmppListener.listen({ port: 0, host: '127.0.0.1' }, (socket) => {
    serverSocket = socket;
    const session: SmppSession = new SmppSession(socket, {
      onPdu: (pdu) => {
        serverPdus.push(pdu);
        serverHandler?.(session, pdu);
      },
    });
    server = session;
  });
  const socket = net.connect(listener.port, '127.0.0.1');
  const client = new SmppSession(socket, { onPdu: (pdu) => clientPdus.push(pdu) });
  cleanups.push(async () => {
    client.destroy();
    server?.destroy();
    await listener.close();
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const s = await waitFor(() => server, { message: 'the accepted session' });
  return { client, server: s, clientPdus, serverPdus, serverSocket: serverSocket as unknown as net.Socket };
}

describe('SmppSession', () => {
  it('numbers requests and settles request() with the matching response only', async () => {
    const p = await pair((session, pdu) => {
      if (pdu.command === 'enquire_link') {
        session.respond(pdu, { command: 'enquire_link_resp' });
      } else if (pdu.command === 'submit_sm') {
        session.respond(pdu, { command: 'submit_sm_resp', messageId: `id-${pdu.sequenceNumber}` });
      }
    });
    const first = p.client.send({ command: 'submit_sm', destination: '1' });
    const answer = await p.client.request({ command: 'enquire_link' }, 1000);
    expect(first).toBe(1);
    expect(answer).toMatchObject({ command: 'enquire_link_resp', sequenceNumber: 2 });
    // The submit's response was not asked for through request(): it goes to onPdu.
    await waitFor(() => p.clientPdus.length === 1, { message: 'the submit_sm_resp' });
    expect(p.clientPdus[0]).toMatchObject({
      command: 'submit_sm_resp',
      sequenceNumber: 1,
      messageId: 'id-1',
    });
    expect(p.serverPdus.map((x) => x.command)).toEqual(['submit_sm', 'enquire_link']);
  });

  it('rejects a request when no response comes in time, and pending ones when the connection goes', async () => {
    const p = await pair();
    await expect(p.client.request({ command: 'enquire_link' }, 50)).rejects.toThrow(
      /no enquire_link_resp within 50 ms/,
    );
    const waiting = p.client.request({ command: 'unbind' }, 5000);
    p.server.destroy();
    await expect(waiting).rejects.toThrow(/closed/);
  });

  it('answers a request whose body cannot be decoded with generic_nack and carries on', async () => {
    const p = await pair();
    const broken = encodePdu({ command: 'submit_sm', source: 'A' }, 7).subarray(0, 20);
    broken.writeUInt32BE(20, 0);
    p.serverSocket.write(broken);
    p.server.send({ command: 'enquire_link' });
    await waitFor(() => p.clientPdus.length === 1, { message: 'the enquire_link after the bad PDU' });
    const nack = await waitFor(() => p.serverPdus.find((x) => x.commandId === CommandId.generic_nack), {
      message: 'generic_nack',
    });
    expect(nack).toMatchObject({ commandStatus: SmppStatus.ESME_RINVCMDLEN, sequenceNumber: 7 });
  });

  it('closes a connection that sends an impossible command_length, with the reason', async () => {
    let reason: Error | null = null;
    const listener = await SmppListener.listen({ port: 0, host: '127.0.0.1' }, (socket) => {
      new SmppSession(socket, {
        onPdu: () => undefined,
        onClose: (err) => {
          reason = err;
        },
      });
    });
    cleanups.push(() => listener.close());
    const socket = net.connect(listener.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]));
    await closed;
    await waitFor(() => reason, { message: 'the close reason' });
    expect(String(reason)).toMatch(/invalid PDU length 4/);
  });

  it('drops the connection when the role throws while handling a PDU', async () => {
    const p = await pair(() => {
      throw new Error('handler bug');
    });
    p.client.send({ command: 'enquire_link' });
    await p.client.whenClosed();
    expect(p.client.closed).toBe(true);
  });

  it('does not write after the connection is gone', async () => {
    const p = await pair();
    p.client.destroy();
    await p.client.whenClosed();
    expect(p.client.send({ command: 'enquire_link' })).toBeNull();
    expect(p.client.respond(1, { command: 'enquire_link_resp' })).toBe(false);
  });
});
