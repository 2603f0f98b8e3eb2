// Serves the built console (web/dist) at / with history-mode fallback: any GET outside
// /api that is not a file gets index.html, so deep links into the console work.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const DEFAULT_WEB_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../web/dist',
);

export async function registerWeb(app: FastifyInstance, webDist: string): Promise<boolean> {
  const root = webDist || DEFAULT_WEB_DIST;
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'console build not found; run `npm run build` (npm start does it for you)');
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    maxAge: '1h',
    immutable: false,
  });
  return true;
}

/** True when a not-found GET should get the console's index.html. */
export function isConsoleRoute(method: string, url: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') {
    return false;
  }
  const p = url.split('?')[0] ?? '';
  if (p.startsWith('/api') || p === '/metrics' || p === '/healthz' || p === '/readyz') {
    return false;
  }
  return !accept || accept.includes('text/html') || accept.includes('*/*');
}
