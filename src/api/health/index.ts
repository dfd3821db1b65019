import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { API_VERSION } from '../app.ts'

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and the parts in use',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            version: Type.String(),
            store: Type.String({ description: 'postgres or pglite' }),
            workers: Type.Unknown({ description: 'Workers in this process (fsdfm up), if any' }),
          }),
        },
      },
    },
    async () => {
      await app.deps.store.db.query('select 1')
      return { status: 'ok' as const, version: API_VERSION, store: app.deps.store.db.kind, workers: app.deps.workerInfo?.() ?? null }
    },
  )
}

export default healthRoutes
