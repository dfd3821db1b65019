// /v1/sweeps: submit a hyper-parameter sweep, list, read (trials table, best trial, CSV), cancel.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { JobCreate } from '../../schemas/jobs.ts'
import { SweepCreate, SweepList, SweepListQuery, SweepView } from '../../sweeps/schemas.ts'
import { SweepService, trialsCsv, type SchemaCheck } from '../../sweeps/service.ts'
import { notFound } from '../errors.ts'
import { listable, submitterOf } from '../access.ts'
import { errors, JSON_BODY_ERRORS, media } from '../openapi.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

const sweepsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sweeps = new SweepService({ store: app.deps.store, jobService: app.jobService, limits: app.limits })

  app.post(
    '/sweeps',
    {
      config: { access: { need: 'member', in: 'body' } },
      schema: {
        tags: ['sweeps'],
        operationId: 'createSweep',
        summary: 'Submit a sweep',
        description:
          'Varies dotted paths of `base.spec` over a grid or seeded random draws and runs each trial as a job (tagged `sweep:<id>`), at most maxConcurrent at once, judging trials by the objective and stopping weak ones early when asked. Every trial is validated like a job submission first; a 400 names the /space/<path> or /base field at fault and stores nothing.',
        body: SweepCreate,
        response: { 200: { ...SweepView, description: 'A retry with the same Idempotency-Key and body: the sweep the first request created' }, 201: SweepView, ...errors(...JSON_BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      // The route's own validator (same Ajv options: defaults filled, discriminator) for each trial's job body.
      const validate = request.compileValidationSchema(JobCreate as object)
      const checkSchema: SchemaCheck = (body) =>
        validate(body) ? [] : (validate.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'is invalid' }))
      const { view, replayed } = await sweeps.create(request.body, checkSchema, submitterOf(request, request.body.project, 'POST /v1/sweeps'))
      return reply.code(replayed ? 200 : 201).header('location', `/v1/sweeps/${view.id}`).send(view)
    },
  )

  app.get(
    '/sweeps',
    {
      config: { access: { need: 'viewer', in: 'none' } },
      schema: { tags: ['sweeps'], operationId: 'listSweeps', summary: 'List sweeps', description: 'Newest first.', querystring: SweepListQuery, response: { 200: SweepList, ...errors(400) } },
    },
    async (request) => ({ items: await sweeps.list({ ...request.query, projects: listable(request) }) }),
  )

  app.get(
    '/sweeps/:id',
    {
      config: { access: { need: 'viewer', in: 'sweep' } },
      schema: {
        tags: ['sweeps'],
        operationId: 'getSweep',
        summary: 'Read a sweep',
        description: 'Trial counts by state, the trials table (parameters, state, objective, key metrics) sorted by the objective, and the best trial.',
        params: IdParams,
        response: { 200: SweepView, ...errors(400, 404) },
      },
    },
    async (request) => {
      const view = await sweeps.get(request.params.id)
      if (!view) throw notFound(`sweep ${request.params.id}`)
      return view
    },
  )

  app.get(
    '/sweeps/:id/trials.csv',
    {
      config: { access: { need: 'viewer', in: 'sweep' } },
      schema: {
        tags: ['sweeps'],
        operationId: 'getSweepTrialsCsv',
        summary: 'The trials table as CSV',
        description: 'One row per trial, best first: trial, state, objective, a column per parameter and per key metric, jobId, note.',
        params: IdParams,
        response: { 200: media('text/csv', 'The trials table, a header row first', Type.String()), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const view = await sweeps.get(request.params.id)
      if (!view) throw notFound(`sweep ${request.params.id}`)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="sweep-${view.id}.csv"`)
        .send(trialsCsv(view))
    },
  )

  app.post(
    '/sweeps/:id/cancel',
    {
      config: { access: { need: 'member', in: 'sweep' } },
      schema: {
        tags: ['sweeps'],
        operationId: 'cancelSweep',
        summary: 'Cancel a sweep',
        description: 'The sweep ends cancelled: queued trials never start, running trials are cancelled (they stop within one step); finished trials keep their results.',
        params: IdParams,
        response: { 202: SweepView, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const view = await sweeps.cancel(request.params.id, request.principal.subject)
      if (!view) throw notFound(`sweep ${request.params.id}`)
      return reply.code(202).send(view)
    },
  )
}

export default sweepsRoutes
