// The contract every benchmark scenario implements, so the platform scenarios of issue 11
// (accept.single, accept.batch, e2e.sms, backlog, …) slot in next to the ceilings.

export interface ResultRow {
  /** Scenario name, e.g. "ceiling.http". */
  scenario: string;
  /** What this row measured inside the scenario, e.g. "selectProvider". */
  case: string;
  /** The headline rate. */
  rate: number;
  /** Unit of `rate`: "ops/s", "req/s", "rows/s", "msg/s". */
  unit: string;
  nsPerOp?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** CPU time of the process under test over the measured window, % of one core. */
  cpuPercent?: number;
  /** Peak resident set size of the process under test, MiB. */
  peakRssMiB?: number;
  /** One line for the table. */
  notes?: string;
  /** Everything else worth keeping; goes to the JSON file only. */
  details?: Record<string, unknown>;
}

/** Knobs of the platform scenarios, from the command line (see run.ts). */
export interface BenchSettings {
  /** Messages `backlog` queues with the provider paused (`--backlog-count`). */
  backlogCount: number;
  /** Offered load of e2e.sms's sustained phase, messages/s (`--e2e-rate`). */
  e2eRate: number;
  /** Offered load of e2e.sms's latency phase, messages/s (`--e2e-latency-rate`). */
  e2eLatencyRate: number;
  /** How long a scenario waits for every accepted message to reach a final state (`--grace`). */
  graceMs: number;
}

export interface ScenarioContext {
  /** Length of the measured phase, milliseconds (CLI `--duration`, else the scenario's default). */
  durationMs: number;
  /** A fresh directory for this scenario's files, removed when it ends. */
  workDir: string;
  /** Aborted when the scenario overruns its `timeoutMs`; pass it to the child helpers. */
  signal: AbortSignal;
  /** Rows of the scenarios that ran before this one in the same run (for ratios to a ceiling). */
  earlierRows: readonly ResultRow[];
  settings: BenchSettings;
  log: (message: string) => void;
}

export interface Scenario {
  /** Dotted name; the CLI filters on substrings of it. */
  name: string;
  /** One line for `--list` and the README. */
  description: string;
  /** Measured phase when the CLI gives no `--duration`. */
  defaultDurationMs: number;
  /** Hard limit for the whole scenario, set-up included; the runner aborts it after this. */
  timeoutMs(durationMs: number, settings: BenchSettings): number;
  run(ctx: ScenarioContext): Promise<ResultRow[]>;
}

/**
 * Thrown by a scenario whose check failed (e.g. messages missing) but whose figures are still
 * worth keeping: the runner records the failure and still prints and writes `rows`.
 */
export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly rows: ResultRow[],
  ) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}
