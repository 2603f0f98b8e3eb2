// Writes the server's OpenAPI document to a file (default web/src/api/openapi.json), for the
// console's typed client: `npm run gen:api -w web` runs this and then openapi-typescript.
// The app is built exactly as it runs, on a throwaway SQLite database, and never listens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.argv[2] ?? path.join(repoRoot, 'web/src/api/openapi.json'));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-openapi-'));
try {
  // Only settings given here: the document must not depend on the caller's environment.
  const config = {
    ...loadConfig({
      PIGEON_DATA_DIR: dataDir,
      PIGEON_DATABASE_URL: `sqlite:${path.join(dataDir, 'pigeon.db')}`,
      PIGEON_LOG_LEVEL: 'silent',
    }),
    jwtSecret: crypto.randomBytes(32).toString('hex'),
  };
  const app = await buildApp({ config, logger: pino({ level: 'silent' }), serveWeb: false });
  try {
    await app.ready();
    const doc = app.swagger();
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  } finally {
    await app.close();
  }
  process.stdout.write(`OpenAPI document written to ${path.relative(process.cwd(), out) || out}\n`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
