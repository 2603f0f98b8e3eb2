// Child processes for the benchmark: servers under test and load generators run apart from the
// runner, so each one's CPU and memory can be measured alone. Every child is bounded in time
// and stopped by the runner if a scenario forgets it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<ChildExit>;
  /** The last 64 KiB of stderr, for error messages. */
  stderrTail(): string;
  /** Resolves with the first stdout line matching `pattern` (including lines already seen). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** The last stdout line seen so far that matches `pattern`, or null. */
  latestLine(pattern: RegExp): RegExpExecArray | null;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL = 64 * 1024;
/** Stdout lines kept per child (a chatty child must not grow the runner without bound). */
const MAX_LINES = 10_000;
const live = new Set<ChildHandle>();

/** A script under bench/src/workers, as an absolute path. */
export function workerPath(name: string): string {
  return fileURLToPath(new URL(`../workers/${name}`, import.meta.url));
}

export interface SpawnOptions {
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Extra options for node itself, before the script (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  cwd?: string;
  /** Load tsx first (default true); false for scripts that register it themselves (pigeon.mjs). */
  tsx?: boolean;
}

/**
 * Starts `node --import tsx <script> ...args`. The child is killed when `signal` aborts.
 */
export function spawnScript(
  script: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildHandle {
  const loader = options.tsx === false ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${script}`);
  }
  const pid = child.pid;
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > MAX_LINES && waiters.size === 0) {
      lines.splice(0, lines.length - MAX_LINES);
    }
    for (const wake of waiters) {
      wake();
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-TAIL);
  });

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const wake of waiters) {
        wake();
      }
    });
  });

  const handle: ChildHandle = {
    pid,
    child,
    exited,
    stderrTail: () => stderr,
    latestLine(pattern) {
      for (let i = lines.length - 1; i >= 0; i--) {
        const match = pattern.exec(lines[i] as string);
        if (match !== null) {
          return match;
        }
      }
      return null;
    },
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < lines.length; seen++) {
            const match = pattern.exec(lines[seen] as string);
            if (match !== null) {
              done();
              resolve(match);
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `${script} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}: ${stderr}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script} did not print ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 3000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      live.delete(handle);
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  options.signal?.addEventListener('abort', () => void handle.stop(500), { once: true });
  return handle;
}

/** Stops every child still running (the runner calls this after each scenario). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((handle) => handle.stop(1000)));
}

/**
 * Runs a worker that prints `RESULT <json>` as its answer, waits for it to exit, and returns
 * the parsed JSON. The worker gets `input` as its one argument, JSON-encoded.
 */
export async function runWorker<T>(
  name: string,
  input: unknown,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<T> {
  const handle = spawnScript(workerPath(name), [JSON.stringify(input)], { signal: options.signal });
  try {
    const match = await handle.waitForLine(/^RESULT (.*)$/, options.timeoutMs);
    const exit = await handle.exited;
    if (exit.code !== 0) {
      throw new Error(`${name} exited with ${exit.code ?? exit.signal}: ${handle.stderrTail()}`);
    }
    return JSON.parse(match[1] as string) as T;
  } finally {
    await handle.stop();
  }
}

/** What a worker prints about itself at the end: its own CPU time and peak RSS. */
export interface SelfUsage {
  cpuMs: number;
  peakRssMiB: number;
}

export function selfUsage(since?: NodeJS.CpuUsage): SelfUsage {
  const cpu = process.cpuUsage(since);
  return { cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

/** Prints a worker's answer in the form runWorker reads. */
export function printResult(result: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

// Linux exposes a process's CPU time in /proc/<pid>/stat in USER_HZ ticks, which is 100 on
// every Linux user-space ABI.
const USER_HZ = 100;

export interface ProcSample {
  cpuMs: number;
  rssMiB: number;
  /** VmHWM: the highest RSS the process has had. */
  peakRssMiB: number;
}

/** CPU time and memory of another process from /proc; null where /proc is missing or the process gone. */
export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuMs: (ticks * 1000) / USER_HZ, rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface ProcessUsage {
  /** % of one core over the window; null when /proc was unreadable. */
  cpuPercent: number | null;
  peakRssMiB: number | null;
  wallMs: number;
}

/**
 * Measures another process over a window: CPU from the difference of two /proc samples, peak
 * RSS from VmHWM. Samples every `intervalMs` so a process that exits early still has figures.
 */
export class ProcessMonitor {
  private first: ProcSample | null = null;
  private last: ProcSample | null = null;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.startedAt = performance.now();
    this.first = readProc(this.pid);
    this.last = this.first;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  private sample(): void {
    const now = readProc(this.pid);
    if (now !== null) {
      this.last = now;
    }
  }

  stop(): ProcessUsage {
    this.sample();
    clearInterval(this.timer);
    const wallMs = performance.now() - this.startedAt;
    if (this.first === null || this.last === null) {
      return { cpuPercent: null, peakRssMiB: null, wallMs };
    }
    return {
      cpuPercent: ((this.last.cpuMs - this.first.cpuMs) / wallMs) * 100,
      peakRssMiB: this.last.peakRssMiB,
      wallMs,
    };
  }
}
