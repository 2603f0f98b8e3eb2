// Platform information the console shell needs before login: version, demo flag, locales.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { EnvelopeOf, ok } from '../../platform/http/envelope.js';

const SystemInfo = Type.Object({
  name: Type.String(),
  version: Type.String(),
  demo: Type.Boolean(),
  locales: Type.Array(Type.String()),
  database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
});

export function registerSystemModule(
  app: FastifyInstance,
  ctx: AppContext,
  /** Demo mode is on: seeded by the start-up hook in demo.ts and not switched off. */
  isDemoOn: () => Promise<boolean>,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/system/info',
    {
      schema: {
        tags: ['system'],
        summary: 'Platform information for the console shell',
        response: { 200: EnvelopeOf(SystemInfo) },
      },
      config: { public: true },
    },
    async () =>
      ok({
        name: 'Pigeon',
        version: '0.1.0',
        demo: await isDemoOn(),
        locales: ['zh-CN', 'en-US'],
        database: ctx.dialect,
      }),
  );
}
