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

export interface ScenarioContext {
  /** Length of the measured phase, milliseconds (CLI `--duration`, else the scenario's default). */
  durationMs: number;
  /** A fresh directory for this scenario's files, removed when it ends. */
  workDir: string;
  /** Aborted when the scenario overruns its `timeoutMs`; pass it to the child helpers. */
  signal: AbortSignal;
  /** Rows of the scenarios that ran before this one in the same run (for ratios to a ceiling). */
  earlierRows: readonly ResultRow[];
  log(message: string): void;
}

export interface Scenario {
  /** Dotted name; the CLI filters on substrings of it. */
  name: string;
  /** One line for `--list` and the README. */
  description: string;
  /** Measured phase when the CLI gives no `--duration`. */
  defaultDurationMs: number;
  /** Hard limit for the whole scenario, set-up included; the runner aborts it after this. */
  timeoutMs(durationMs: number): number;
  run(ctx: ScenarioContext): Promise<ResultRow[]>;
}
