// ceiling.smpp's client: the `smpp` package (independent of Pigeon's lib/smpp) binds as a
// transceiver to the SMSC simulator and keeps `window` submit_sm outstanding for a fixed time,
// answering every deliver_sm (receipt) as the platform must. Prints `STARTED` when bound and
// `RESULT <json>` at the end.
import smpp from 'smpp';
import { printResult, selfUsage } from '../lib/child.js';
import { percentile } from '../lib/stats.js';

export interface SmppClientConfig {
  port: number;
  systemId: string;
  password: string;
  window: number;
  durationMs: number;
  warmupMs: number;
}

export interface SmppClientResult {
  submits: number;
  errors: number;
  receipts: number;
  seconds: number;
  submitsPerSec: number;
  receiptsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number };
  cpuPercent: number;
  peakRssMiB: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SmppClientConfig;
const session = smpp.connect({ host: '127.0.0.1', port: config.port });
await new Promise<void>((resolve, reject) => {
  session.once('error', reject);
  session.once('connect', () => {
    session.send(
      new smpp.PDU('bind_transceiver', { system_id: config.systemId, password: config.password }),
      (pdu) =>
        pdu.command_status === 0 ? resolve() : reject(new Error(`bind refused: ${pdu.command_status}`)),
    );
  });
});

let receipts = 0;
session.on('pdu', (pdu: InstanceType<typeof smpp.PDU>) => {
  if (pdu.command === 'deliver_sm') {
    receipts++;
    session.send(pdu.response());
  } else if (pdu.command === 'enquire_link') {
    session.send(pdu.response());
  }
});

let measuring = false;
let stopping = false;
let outstanding = 0;
let submits = 0;
let errors = 0;
let n = 0;
const latencies: number[] = [];
let wake: (() => void) | null = null;

function submitOne(): void {
  n++;
  outstanding++;
  const sentAt = performance.now();
  const counted = measuring;
  session.send(
    new smpp.PDU('submit_sm', {
      source_addr: 'Pigeon',
      destination_addr: `4474001${String(n % 100_000).padStart(5, '0')}`,
      registered_delivery: 1,
      short_message: 'Your verification code is 123456. It expires in 5 minutes.',
    }),
    (resp) => {
      outstanding--;
      if (counted && measuring) {
        if (resp.command_status === 0) {
          submits++;
          latencies.push(performance.now() - sentAt);
        } else {
          errors++;
        }
      }
      if (!stopping) {
        submitOne();
      } else if (outstanding === 0) {
        wake?.();
      }
    },
  );
}

for (let i = 0; i < config.window; i++) {
  submitOne();
}
await new Promise((r) => setTimeout(r, config.warmupMs));
process.stdout.write('STARTED\n');
const receiptsBefore = receipts;
const cpuBefore = process.cpuUsage();
const started = performance.now();
measuring = true;
await new Promise((r) => setTimeout(r, config.durationMs));
measuring = false;
const elapsed = performance.now() - started;
const usage = selfUsage(cpuBefore);
const receiptsInWindow = receipts - receiptsBefore;
stopping = true;
await new Promise<void>((resolve) => {
  wake = resolve;
  if (outstanding === 0) {
    resolve();
  }
  setTimeout(resolve, 5000).unref();
});
session.close();

const answer: SmppClientResult = {
  submits,
  errors,
  receipts: receiptsInWindow,
  seconds: elapsed / 1000,
  submitsPerSec: (submits / elapsed) * 1000,
  receiptsPerSec: (receiptsInWindow / elapsed) * 1000,
  latencyMs: {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
  },
  cpuPercent: (usage.cpuMs / elapsed) * 100,
  peakRssMiB: usage.peakRssMiB,
};
printResult(answer);
process.exit(0);
