// Liveness (/health: the process answers; it never waits on anything else, so an orchestrator
// does not restart a healthy api during a database outage) and readiness (/ready: the store and
// Redis both answer within a short timeout; a load balancer sends traffic only then).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { withTimeout } from '../../errors.ts'
import { API_VERSION } from '../version.ts'

const READY_TIMEOUT_MS = 2000

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) })
const Ready = Type.Object({ ready: Type.Boolean(), store: Check, queue: Check })

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        operationId: 'getHealth',
        summary: 'Liveness',
        description: 'Answers as long as the process runs; says nothing about the store or Redis (see /ready).',
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
    async () => ({ status: 'ok' as const, version: API_VERSION, store: app.deps.store.db.kind, workers: app.deps.workerInfo?.() ?? null }),
  )

  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        operationId: 'getReady',
        summary: 'Readiness',
        description: `200 when the store (PostgreSQL) and the queue (Redis) both answer within ${READY_TIMEOUT_MS} ms, else 503 saying which does not.`,
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const check = async (probe: () => Promise<unknown>) => {
        try {
          await withTimeout(probe(), READY_TIMEOUT_MS, () => new Error(`no answer within ${READY_TIMEOUT_MS} ms`))
          return { ok: true }
        } catch (err) {
          return { ok: false, error: (err as Error).message }
        }
      }
      const [store, queue] = await Promise.all([check(() => app.deps.store.db.query('select 1')), check(() => app.deps.queues.ping())])
      const ready = store.ok && queue.ok
      return reply.code(ready ? 200 : 503).send({ ready, store, queue })
    },
  )
}

export default healthRoutes
