// Route-level options every module may declare. `public` marks a route that needs no
// authentication; the identity module adds `permission`.
import 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
  }
}
