// /v1/pipelines: pretrain -> distill -> evaluate in one request (a BullMQ flow).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { PipelineCreate } from '../../schemas/jobs.ts'
import { JobView } from '../../schemas/views.ts'
import { ErrorBody } from '../errors.ts'

const pipelinesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/pipelines',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Submit pretrain -> distill -> evaluate',
        description:
          'Creates the three jobs at once (distill.parentId = the pretrain job, evaluate.parentId = the distill job). Each stage starts when the one before it succeeded; a failed or cancelled stage fails the stages after it with a reason naming it.',
        body: PipelineCreate,
        response: { 201: Type.Object({ jobs: Type.Array(JobView) }), 400: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send({ jobs: await app.jobService.submitPipeline(request.body) }),
  )
}

export default pipelinesRoutes
