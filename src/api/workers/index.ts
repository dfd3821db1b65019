// /v1/workers: the workers registered in the store, the same list the api consults when it
// decides whether some worker can run a job (live ones first, then those heard from this week).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WORKER_LIVE_MS, WORKER_REMEMBERED_MS } from '../../jobs/validate.ts'
import { WorkerList } from '../../schemas/views.ts'
import { errors } from '../openapi.ts'

const workersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workers',
    {
      config: { access: { need: 'any', in: 'none' } },
      schema: {
        tags: ['workers'],
        operationId: 'listWorkers',
        summary: 'List workers',
        description: `Workers heard from within the last ${WORKER_REMEMBERED_MS / 86_400_000} days, live ones first, then by name; \`live\` means a heartbeat within ${WORKER_LIVE_MS / 1000} s and not stopped.`,
        response: { 200: WorkerList, ...errors() },
      },
    },
    async () => {
      const workers = await app.deps.store.workers.list(WORKER_LIVE_MS, WORKER_REMEMBERED_MS)
      const items = workers
        .map(({ info: _info, ...w }) => w)
        .sort((a, b) => Number(b.live) - Number(a.live) || a.name.localeCompare(b.name))
      return { items }
    },
  )
}

export default workersRoutes
