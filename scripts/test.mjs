// `npm test`: the default tier — unit and module tests of the server and the console (Vitest
// projects `server` and `web`). `npm run test:all` (`--all`) builds the console first (the
// browser tests drive it) and adds the `e2e` and `browser` projects. Extra arguments go to Vitest.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './web-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const all = args[0] === '--all';
const rest = all ? args.slice(1) : args;
if (all) {
  ensureWebBuild();
}
const projects = all ? [] : ['--project', 'server', '--project', 'web'];
const r = spawnSync('npx', ['vitest', 'run', ...projects, ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TZ: 'UTC' },
});
process.exit(r.status ?? 1);
