// Protocol peers Pigeon ships for demo mode, tests and benchmarks (DL-7).
export {
  SmscSimulator,
  type SmscSimulatorOptions,
  type SmscCounters,
  type ReceiptOutcome,
} from './smsc-simulator.js';
export type { CountingOptions, InjectMoOptions, ReceivedMessage, ReceivedPart } from './smsc-simulator.js';
export { SmtpSink, DEFAULT_RECIPIENT_FAILURES, type SmtpSinkOptions, type SinkMessage } from './smtp-sink.js';
export type { RecipientFailure, SmtpSinkCounters, TransientFailureShares } from './smtp-sink.js';
export {
  HttpProviderSimulator,
  type HttpProviderOptions,
  type HttpProviderCounters,
  type HttpProviderMessage,
  type HttpReceiptOutcome,
} from './http-provider.js';
export { SubmitLedger } from './submit-ledger.js';
export { waitFor } from './wait-for.js';
