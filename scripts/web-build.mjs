// Builds the console when web/dist is missing or older than any of its sources.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');

function newestMtime(p) {
  if (!fs.existsSync(p)) {
    return 0;
  }
  const st = fs.statSync(p);
  if (!st.isDirectory()) {
    return st.mtimeMs;
  }
  let max = 0;
  for (const name of fs.readdirSync(p)) {
    max = Math.max(max, newestMtime(path.join(p, name)));
  }
  return max;
}

export function ensureWebBuild() {
  const built = path.join(web, 'dist', 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((s) =>
    path.join(web, s),
  );
  const sourceTime = Math.max(...sources.map(newestMtime));
  const builtTime = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (builtTime >= sourceTime) {
    return;
  }
  process.stdout.write('Building the console (web/dist)…\n');
  const r = spawnSync('npm', ['run', 'build', '-w', 'web', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('pigeon: building the console failed\n');
    process.exit(r.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureWebBuild();
}
