// MS-8 end to end: a real send through the SMSC simulator raises `message.status` events, and
// the account's status callback URL (a real HTTP receiver on loopback) gets `sent` and
// `delivered`, signed, each once.
import http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { setupMessaging, type Messaging } from '../../../test/helpers/messaging.js';
import { systemAuth } from '../../platform/auth/auth-context.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

let app: TestApp;
let m: Messaging;
let receiver: http.Server;
const received: Received[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  app = await createTestApp();
  m = await setupMessaging(app, { smscOptions: { receiptDelayMs: 5 } });
  const { port } = receiver.address() as AddressInfo;
  await app.services.customers.sendingAccounts.update(systemAuth('test'), m.tenant.sendingAccountId, {
    statusCallbackUrl: `http://127.0.0.1:${port}/status`,
  });
});

afterAll(async () => {
  await app.close();
  await m.smsc.stop();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('MS-8 status callbacks from a real send', () => {
  it('calls back `sent` and `delivered` once each, signed with the account secret', async () => {
    const res = await m.send({ channel: 'sms', to: '+447400123123', text: 'Callback me', clientRef: 'cb-1' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id = (res.json as { data: { id: string } }).data.id;
    await m.waitFinal(id);

    const mine = () =>
      received
        .map((r) => ({ r, body: JSON.parse(r.body) as { data: { messageId: string; status: string } } }))
        .filter((x) => x.body.data.messageId === id);
    const deadline = Date.now() + 10_000;
    while (mine().length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(mine().map((x) => x.body.data.status)).toEqual(['sent', 'delivered']);

    const secret = (await app.services.customers.sendingContext(m.tenant.sendingAccountId))?.callbackSecret;
    for (const { r } of mine()) {
      const ts = r.headers['x-pigeon-timestamp'] as string;
      expect(r.headers['x-pigeon-signature']).toBe(
        'v1=' +
          createHmac('sha256', secret ?? '')
            .update(`${ts}.${r.body}`)
            .digest('hex'),
      );
      expect(r.headers['x-pigeon-event']).toBe('message.status');
    }
    // The receiver answered; the dispatcher records the outcome right after.
    const statuses = async () =>
      (
        await app.ctx.db.selectFrom('callbacks').select('status').where('reference_id', '=', id).execute()
      ).map((r) => r.status);
    while ((await statuses()).some((s) => s !== 'delivered') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await statuses()).toEqual(['delivered', 'delivered']);
  });
});
