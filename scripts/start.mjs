// `npm start`: builds the console if it is missing or stale, then runs `pigeon start`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './web-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensureWebBuild();
const child = spawn(
  process.execPath,
  [path.join(root, 'server/bin/pigeon.mjs'), 'start', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => child.kill(sig));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
