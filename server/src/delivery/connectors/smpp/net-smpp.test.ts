// Interoperability: the SMPP connector against an SMSC written with Net::SMPP (Perl, Debian
// package libnet-smpp-perl), an SMPP implementation independent of the `smpp` npm package.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../simulators/wait-for.js';
import type { DeliveryReceipt, InboundMessage } from '../types.js';
import { SmppBindError, SmppConnector } from './smpp-connector.js';

const SCRIPT = fileURLToPath(new URL('./net-smpp-smsc.pl', import.meta.url));

interface PerlSmsc {
  port: number;
  lines: string[];
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

beforeAll(() => {
  const check = spawnSync('perl', ['-MNet::SMPP', '-e', '1'], { encoding: 'utf8' });
  if (check.status !== 0) {
    throw new Error(
      'Net::SMPP is not installed; this interoperability test needs it: apt-get install -y libnet-smpp-perl\n' +
        (check.error?.message ?? check.stderr),
    );
  }
});

async function startPerlSmsc(): Promise<PerlSmsc> {
  const child: ChildProcessWithoutNullStreams = spawn('perl', [SCRIPT, 'pigeon', 'secret']);
  const lines: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    lines.push(...complete);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });
  const portLine = await waitFor(() => lines.find((l) => l.startsWith('PORT ')), {
    timeoutMs: 5000,
    message: `the Perl SMSC to listen (stderr: ${stderr})`,
  });
  return { port: Number(portLine.slice(5)), lines };
}

function connector(port: number, password = 'secret'): SmppConnector {
  const c = new SmppConnector({
    host: '127.0.0.1',
    port,
    systemId: 'pigeon',
    password,
    enquireLinkIntervalMs: 50,
    reconnectInitialDelayMs: 1000,
    messageIdFormat: { submitResponse: 'hex', receipt: 'hex' },
  });
  cleanups.push(() => c.close());
  return c;
}

describe('SMPP connector against Net::SMPP (independent implementation)', () => {
  it('binds, submits, gets a receipt and keeps the link alive with enquire_link', async () => {
    const smsc = await startPerlSmsc();
    const c = connector(smsc.port);
    const receipts: DeliveryReceipt[] = [];
    c.onReceipt((r) => {
      receipts.push(r);
    });
    await c.connect();

    const result = await c.submit({
      channel: 'sms',
      id: 'n1',
      to: '+4915112345678',
      from: 'Pigeon',
      text: 'Hi €',
    });

    expect(result).toMatchObject({ ok: true, parts: 1 });
    const submit = await waitFor(() => smsc.lines.find((l) => l.startsWith('SUBMIT')), {
      message: 'SUBMIT line',
    });
    // GSM-7 unpacked: "Hi " then ESC 0x65 for the euro sign.
    expect(submit).toMatch(/ esm=0 dc=0 rd=1 dst=4915112345678 sm=4869201b65$/);
    const receipt = await waitFor(() => receipts[0], { message: 'receipt' });
    expect(result.ok && result.providerMessageIds[0]).toBe(receipt.providerMessageId);
    expect(receipt).toMatchObject({ status: 'delivered', providerStatus: 'DELIVRD' });
    await waitFor(() => smsc.lines.some((l) => l === 'DELIVER_RESP seq=1 status=0'), {
      message: 'receipt acked',
    });
    await waitFor(() => smsc.lines.filter((l) => l === 'ENQUIRE').length >= 2, { message: 'enquire_link' });
    expect(await c.probe()).toMatchObject({ healthy: true });
  });

  it('sends a long message as UDH parts the other implementation receives', async () => {
    const smsc = await startPerlSmsc();
    const c = connector(smsc.port);
    await c.connect();

    const result = await c.submit({
      channel: 'sms',
      id: 'n2',
      to: '+4915112345678',
      from: 'Pigeon',
      text: 'z'.repeat(200),
    });

    expect(result).toMatchObject({ ok: true, parts: 2 });
    const submits = await waitFor(
      () => {
        const found = smsc.lines.filter((l) => l.startsWith('SUBMIT'));
        return found.length === 2 ? found : null;
      },
      { message: 'two SUBMIT lines' },
    );
    const headers = submits.map((l) => /sm=([0-9a-f]{12})/.exec(l)?.[1] ?? '');
    expect(submits.every((l) => l.includes(' esm=64 '))).toBe(true);
    expect(headers[0]?.slice(0, 6)).toBe('050003');
    expect(headers.map((h) => h.slice(8))).toEqual(['0201', '0202']);
  });

  it('round-trips UCS-2 text through the other implementation as an inbound message', async () => {
    const smsc = await startPerlSmsc();
    const c = connector(smsc.port);
    const inbound: InboundMessage[] = [];
    c.onInbound((m) => {
      inbound.push(m);
    });
    await c.connect();
    const text = '你好，世界！🐦 '.repeat(12);

    const result = await c.submit({ channel: 'sms', id: 'n3', to: 'echo', from: '4915112345678', text });

    expect(result).toMatchObject({ ok: true, encoding: 'ucs2' });
    const mo = await waitFor(() => inbound[0], { message: 'echoed message' });
    expect(mo).toMatchObject({ text, encoding: 'ucs2', from: 'echo', isComplete: true });
  });

  it('surfaces the bind refusal of the other implementation', async () => {
    const smsc = await startPerlSmsc();
    const c = connector(smsc.port, 'wrong');

    const error = await c.connect().then(
      () => null,
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(SmppBindError);
    expect((error as SmppBindError).code).toBe('ESME_RBINDFAIL');
    expect(smsc.lines).toContain('BIND bind_transceiver_resp refused');
  });
});
