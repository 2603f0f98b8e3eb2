// Starts the platform in this process: builds the app, listens, prints where to go, and
// shuts down gracefully on SIGTERM/SIGINT (in-flight requests finish, workers drain).
import fs from 'node:fs';
import path from 'node:path';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { startupHooks } from './startup.js';

export async function startServer(config: Config): Promise<App> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const isNewDataDir = !fs.existsSync(path.join(config.dataDir, '.initialized'));
  const app = await buildApp({ config });
  const lines: string[] = [];
  for (const hook of startupHooks) {
    await hook({ app, config, isNewDataDir, print: (line) => lines.push(line) });
  }
  let closing = false;
  // Responses finished during shutdown close their connection, so keep-alive clients do not
  // hold the server open after their in-flight request is done.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) {
      void reply.header('connection', 'close');
    }
  });
  await app.listen({ host: config.host, port: config.port });
  fs.writeFileSync(path.join(config.dataDir, '.initialized'), new Date().toISOString());
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl || `http://${shownHost}:${port}`;
  const banner = [
    '',
    `  Pigeon is running.`,
    `  Console:  ${url}/`,
    `  API docs: ${url}/api/docs`,
    `  Database: ${app.ctx.dialect}${app.ctx.dialect === 'sqlite' ? ` (${config.databaseUrl.slice(7)})` : ''}`,
    ...lines.map((l) => `  ${l}`),
    '',
  ];
  process.stdout.write(banner.join('\n') + '\n');

  const shutdown = (signal: string) => {
    if (closing) {
      return;
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    idle.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return app;
}
