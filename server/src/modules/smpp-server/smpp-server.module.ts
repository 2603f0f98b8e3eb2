// SMPP server for customers (DL-8): sending accounts bind as ESMEs and submit through the same
// accept path as the HTTP API. Listens on PIGEON_SMPP_PORT when the HTTP server starts listening
// in the `api` or `all` role. app.ts builds the server (with the accept call and the audit log).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { SmppServer } from './smpp-server.js';
import { registerSmppServerRoutes } from './smpp-server.routes.js';
import './smpp-server.tables.js';

export function registerSmppServerModule(app: FastifyInstance, ctx: AppContext, server: SmppServer): void {
  registerSmppServerRoutes(app, server);
  ctx.onClose.push(() => server.close());
  if (ctx.config.role !== 'api' && ctx.config.role !== 'all') {
    return;
  }
  // Receipts and MOs for unbound accounts are kept from start-up on; the port opens with the
  // HTTP server (tests that only inject never bind it).
  server.subscribe();
  app.addHook('onListen', async () => {
    if (server.isListening) {
      return;
    }
    const tls = Boolean(ctx.config.smppTlsKey && ctx.config.smppTlsCert);
    try {
      const port = await server.start({
        port: ctx.config.smppPort,
        host: ctx.config.host,
        tlsKeyFile: ctx.config.smppTlsKey || undefined,
        tlsCertFile: ctx.config.smppTlsCert || undefined,
      });
      ctx.log.info({ port, tls }, 'SMPP server listening');
    } catch (err) {
      // The HTTP side keeps running; the SMPP port is reported loudly (a port in use, a bad key).
      ctx.log.error({ err, port: ctx.config.smppPort, tls }, 'SMPP server could not start');
    }
  });
}
