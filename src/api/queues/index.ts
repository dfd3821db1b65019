// /v1/queues: what each BullMQ queue holds now (read from Redis, so it covers every worker
// process), and pause/resume. A pause is a flag in Redis that every worker process honours: it
// takes no new job from the queue (running ones finish) until the queue is resumed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ServiceError } from '../../errors.ts'
import type { QueueName } from '../../queue/index.ts'
import { QueueList, QueueView } from '../../schemas/views.ts'
import { errors } from '../openapi.ts'
import { knownQueues } from './known.ts'

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, description: 'A queue name from GET /v1/queues' }) })

const queuesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, queues } = app.deps

  /** The queue named in the path, if the deployment knows it (404 naming it otherwise). */
  const known = async (name: string): Promise<QueueName> => {
    const names: string[] = await knownQueues(store)
    if (!names.includes(name)) throw new ServiceError('not_found', `no queue ${name}: the known queues are ${names.join(', ')}`)
    return name as QueueName
  }

  app.get(
    '/queues',
    {
      config: { access: { need: 'any', in: 'none' } },
      schema: {
        tags: ['queues'],
        operationId: 'listQueues',
        summary: 'List queues',
        description: 'data, cpu, and every queue a worker heard from this week serves or a job not yet finished was put on; counts as Redis holds them now.',
        response: { 200: QueueList, ...errors() },
      },
    },
    async () => ({ items: await Promise.all((await knownQueues(store)).map((name) => queues.stats(name))) }),
  )

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/queues/:name/${action}`,
      {
        config: { access: { need: 'superuser', in: 'none' } },
        schema: {
          tags: ['queues'],
          operationId: `${action}Queue`,
          summary: action === 'pause' ? 'Pause a queue' : 'Resume a queue',
          description:
            action === 'pause'
              ? 'Every worker process stops taking new jobs from the queue (jobs already running finish); submissions are still accepted and wait. A superuser only.'
              : 'Workers take jobs from the queue again. A superuser only.',
          params: NameParams,
          response: { 200: QueueView, ...errors(404) },
        },
      },
      async (request) => {
        const name = await known(request.params.name)
        await (action === 'pause' ? queues.pause(name) : queues.resume(name))
        return queues.stats(name)
      },
    )
  }
}

export default queuesRoutes
