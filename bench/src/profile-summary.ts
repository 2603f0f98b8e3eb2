// `npm run profile:summary -w bench -- <file.cpuprofile | directory> [--top=<n>] [--all]
// [--callers=<function name>]`: the functions with the
// most self time in a V8 CPU profile (as written by `npm run bench -- <scenario> --profile`),
// and self time by package or source directory, so "where the time goes" reads in a terminal.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Window {
  label: string;
  startUs: number;
  endUs: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  const noScheme = url.replace(/^file:\/\//, '');
  const nm = noScheme.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    return noScheme.slice(nm + '/node_modules/'.length);
  }
  const repo = /\/(server|bench|web)\/(.*)$/.exec(noScheme);
  return repo ? `${repo[1]}/${repo[2]}` : noScheme;
}

/** The package (node_modules/<pkg>) or source directory a frame belongs to. */
function area(frame: CallFrame): string {
  if (frame.url === '') {
    return frame.functionName === '(garbage collector)' ? '(gc)' : `(${frame.functionName || 'native'})`;
  }
  if (frame.url.startsWith('node:')) {
    return 'node: core';
  }
  const short = shortUrl(frame.url);
  if (frame.url.includes('/node_modules/')) {
    const parts = short.split('/');
    return `npm ${parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  return short.split('/').slice(0, -1).join('/');
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
  if (!file) {
    process.stderr.write('usage: profile-summary <file.cpuprofile> [--top=<n>]\n');
    process.exit(2);
  }
  // A directory holds one profile per thread: the main thread's is the largest.
  const path = statSync(file).isDirectory()
    ? (readdirSync(file)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(file, f))
        .sort((a, b) => statSync(b).size - statSync(a).size)[0] ?? file)
    : file;
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  // The measured windows the bench marked (windows.json next to the profile): only samples
  // inside them count, so start-up and set-up do not dilute the figures. --all counts all.
  let windows: Window[] = [];
  if (statSync(file).isDirectory() && !args.includes('--all')) {
    try {
      windows = JSON.parse(readFileSync(join(file, 'windows.json'), 'utf8')) as Window[];
    } catch {
      windows = [];
    }
  }
  const inWindow = (t: number): boolean =>
    windows.length === 0 || windows.some((w) => t >= w.startUs && t <= w.endUs);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (inWindow(t)) {
      selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
    }
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const key =
      frame.url === ''
        ? frame.functionName || '(anonymous)'
        : `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const a = area(frame);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  // Time attributed to the nearest Pigeon frame (server/src) up the stack: library and core
  // time lands on the server function that called into it ("where the time goes" in our code).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  const ownFrame = (id: number): string | null => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = (byId.get(cur) as ProfileNode).callFrame;
      if (frame.url.includes('/server/src/')) {
        return `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      }
    }
    return null;
  };
  const byOwn = new Map<string, number>();
  const callersOf = args.find((a) => a.startsWith('--callers='))?.slice('--callers='.length);
  const callers = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (
      frame.functionName === '(idle)' ||
      frame.functionName === '(program)' ||
      frame.functionName === '(garbage collector)'
    ) {
      continue;
    }
    const own = ownFrame(id) ?? '(no Pigeon frame: fastify, node core, timers…)';
    byOwn.set(own, (byOwn.get(own) ?? 0) + us);
    if (callersOf !== undefined && frame.functionName.includes(callersOf)) {
      callers.set(own, (callers.get(own) ?? 0) + us);
    }
  }
  const idle = [...selfUs].filter(
    ([id]) => (byId.get(id) as ProfileNode).callFrame.functionName === '(idle)',
  );
  const idleUs = idle.reduce((a, [, us]) => a + us, 0);
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const out: string[] = [
    `${path}: ${(total / 1e6).toFixed(1)} s sampled${windows.length > 0 ? ` in ${windows.map((w) => `${w.label} (${((w.endUs - w.startUs) / 1e6).toFixed(1)} s)`).join(', ')}` : ''}, ${pct(idleUs).trim()} idle`,
    '',
    `top ${top} functions by self time:`,
  ];
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    out.push(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
  out.push('', 'self time by package / source directory:');
  for (const [key, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    out.push(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
  out.push('', 'time by nearest Pigeon function (its own time plus the libraries it called):');
  for (const [key, us] of [...byOwn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    out.push(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
  if (callersOf !== undefined) {
    out.push('', `self time of functions named *${callersOf}* by nearest Pigeon function:`);
    for (const [key, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out.push(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
