// ceiling.http's server: a bare Fastify POST handler returning a constant, the most any
// Fastify-based accept endpoint can do on this machine. Prints `READY <port>` when listening.
import Fastify from 'fastify';

const accepted = {
  code: 202,
  message: 'accepted',
  data: { id: '01920000-0000-7000-8000-000000000000', status: 'queued' },
};

const app = Fastify({ logger: false });
app.post('/api/v1/messages', async (_request, reply) => reply.code(202).send(accepted));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') {
  throw new Error('expected a TCP address');
}
process.stdout.write(`READY ${address.port}\n`);

const shutdown = (): void => {
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
