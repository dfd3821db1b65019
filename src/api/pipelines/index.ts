// /v1/pipelines: pretrain -> distill -> evaluate in one request (a BullMQ flow).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { PipelineCreate } from '../../schemas/jobs.ts'
import { JobView } from '../../schemas/views.ts'
import { submitterOf } from '../access.ts'
import { errors, JSON_BODY_ERRORS } from '../openapi.ts'

const pipelinesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/pipelines',
    {
      config: { access: { need: 'member', in: 'body' } },
      schema: {
        tags: ['jobs'],
        operationId: 'createPipeline',
        summary: 'Submit pretrain -> distill -> evaluate',
        description:
          'Creates the three jobs at once (distill.parentId = the pretrain job, evaluate.parentId = the distill job). Each stage starts when the one before it succeeded; a failed or cancelled stage fails the stages after it with a reason naming it.',
        body: PipelineCreate,
        response: {
          200: Type.Object({ jobs: Type.Array(JobView) }, { description: 'A retry with the same Idempotency-Key and body: the jobs the first request created' }),
          201: Type.Object({ jobs: Type.Array(JobView, { description: 'pretrain, distill and (when asked) evaluate, in order' }) }),
          ...errors(...JSON_BODY_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { jobs, replayed } = await app.jobService.submitPipeline(request.body, submitterOf(request, request.body.project, 'POST /v1/pipelines'))
      return reply.code(replayed ? 200 : 201).send({ jobs })
    },
  )
}

export default pipelinesRoutes
