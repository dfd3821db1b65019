// /v1/jobs: submit, list, read, cancel, metrics and artifacts.
import { createReadStream, existsSync } from 'node:fs'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { JobNotCancellable } from '../../jobs/service.ts'
import { ArtifactList, JobCreateBody, JobList, JobListQuery, JobView, MetricsQuery, MetricsView } from '../../schemas/views.ts'
import { ErrorBody, errorBody } from '../errors.ts'
import { renderReportTable } from './report.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

const jobsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.deps

  app.post(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Submit a job',
        description: 'Validates the spec (schema, then references and sizes), stores the job and enqueues it. A 400 names every bad field and stores nothing.',
        body: JobCreateBody,
        response: { 201: JobView, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const job = await app.jobService.submit(request.body)
      return reply.code(201).header('location', `/v1/jobs/${job.id}`).send(job)
    },
  )

  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'List jobs',
        description: 'Filters combine with AND; pages are cursor-based and stable under concurrent inserts.',
        querystring: JobListQuery,
        response: { 200: JobList, 400: ErrorBody },
      },
    },
    async (request) => {
      const q = request.query
      return store.jobs.list({ ...q })
    },
  )

  app.get(
    '/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'Read a job', params: IdParams, response: { 200: JobView, 404: ErrorBody } } },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} not found`))
      return job
    },
  )

  app.post(
    '/jobs/:id/cancel',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a job',
        description: 'A queued job never starts (cancelled at once). A running job moves to cancelling, stops within one step, checkpoints and ends cancelled.',
        params: IdParams,
        response: { 202: JobView, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      try {
        const job = await app.jobService.cancel(request.params.id)
        if (!job) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} not found`))
        return reply.code(202).send(job)
      } catch (err) {
        if (err instanceof JobNotCancellable) return reply.code(409).send(errorBody('not_cancellable', err.message))
        throw err
      }
    },
  )

  app.get(
    '/jobs/:id/metrics',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Metric time series of a job',
        params: IdParams,
        querystring: MetricsQuery,
        response: { 200: MetricsView, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} not found`))
      const q = request.query
      const names = q.name ? q.name.split(',').map((s) => s.trim()).filter(Boolean) : undefined
      const series = await store.metrics.query(job.id, { names, stepFrom: q.stepFrom, stepTo: q.stepTo, limit: q.limit })
      // The store keeps NaN and ±Infinity; JSON has neither (and the serializer throws on NaN).
      const finite = series.map((s) => ({ name: s.name, points: s.points.map((p) => ({ step: p.step, value: Number.isFinite(p.value) ? p.value : null })) }))
      return { jobId: job.id, series: finite }
    },
  )

  app.get(
    '/jobs/:id/report',
    {
      schema: {
        tags: ['jobs'],
        summary: 'The report of an evaluate job',
        description: 'Structured JSON, or a plain-text table with `Accept: text/plain`.',
        params: IdParams,
        response: { 200: Type.Object({ report: Type.Object({}, { additionalProperties: true }), table: Type.String() }), 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} not found`))
      const report = (job.result as { report?: Record<string, unknown> } | null)?.report
      if (job.kind !== 'evaluate' || !report) return reply.code(409).send(errorBody('no_report', `job ${job.id} has no evaluation report (kind ${job.kind}, state ${job.state})`))
      const table = renderReportTable(report)
      if (request.headers.accept?.includes('text/plain')) return reply.type('text/plain').send(table as never)
      return { report, table }
    },
  )

  app.get(
    '/jobs/:id/artifacts',
    { schema: { tags: ['jobs'], summary: 'Outputs of a job', params: IdParams, response: { 200: ArtifactList, 404: ErrorBody } } },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} not found`))
      const items = (await store.artifacts.list(job.id)).map((a) => ({ ...a, url: `/v1/jobs/${job.id}/artifacts/${encodeURIComponent(a.name)}` }))
      return { items }
    },
  )

  app.get(
    '/jobs/:id/artifacts/:name',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Download an output',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String({ minLength: 1 }) }),
        response: { 200: Type.String({ description: 'The file (application/octet-stream)' }), 404: ErrorBody, 410: ErrorBody },
      },
    },
    async (request, reply) => {
      const artifact = await store.artifacts.get(request.params.id, request.params.name)
      if (!artifact) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} has no artifact ${request.params.name}`))
      if (!existsSync(artifact.path)) return reply.code(410).send(errorBody('artifact_missing', `artifact ${artifact.name} is gone from the artifact store`))
      return reply
        .type(artifact.name.endsWith('.json') ? 'application/json' : artifact.name.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream')
        .header('content-length', artifact.size)
        .header('content-disposition', `attachment; filename="${artifact.name.replace(/"/g, '')}"`)
        .header('x-sha256', artifact.sha256)
        .send(createReadStream(artifact.path) as never)
    },
  )
}

export default jobsRoutes
