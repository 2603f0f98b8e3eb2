// OpenAPI 3 generated from the same TypeBox schemas that validate requests (SPEC §16):
// JSON at /api/openapi.json, a browsable UI at /api/docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ErrorEnvelope } from './envelope.js';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  app.addSchema(ErrorEnvelope);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Pigeon API',
        version: '0.1.0',
        description:
          'Multi-channel messaging platform. Every response uses the envelope `{ code, message, data, pagination?, timestamp }`; errors carry a stable string `code` and field-level `errors`.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'Console access token',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Sending account API key' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );
}
