// /v1/jobs: submit, list, read, cancel, metrics and artifacts.
import { createReadStream, existsSync } from 'node:fs'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { queueFor } from '../../queue/index.ts'
import type { Job } from '../../store/types.ts'
import type { ValidationLimits } from '../../jobs/validate.ts'
import { ArtifactList, JobCreateBody, JobList, JobListQuery, JobView, MetricsQuery, MetricsView } from '../../schemas/views.ts'
import { ErrorBody, InvalidSpecError, notFound, ServiceError } from '../errors.ts'
import { renderReportTable } from '../../jobs/report.ts'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

/** A date-time whose calendar date exists (no February 31) in the years 1 to 9999. */
function isRealDateTime(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(v)
  if (!m || Number.isNaN(Date.parse(v))) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const d = new Date(Date.UTC(2000, month - 1, day))
  d.setUTCFullYear(year)
  return year >= 1 && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}

/**
 * Jobs as the api shows them: a queued job says when no live worker serves its queue, so a job
 * nobody can run is visible as such rather than silently waiting.
 */
async function withScheduling<T extends Job>(limits: ValidationLimits, jobs: T[]): Promise<(T & { unschedulable?: string | null })[]> {
  if (!jobs.some((j) => j.state === 'queued') || !limits.workers) return jobs
  const live = (await limits.workers()).filter((w) => w.live)
  const served = new Set(live.flatMap((w) => w.queues))
  return jobs.map((j) => {
    if (j.state !== 'queued') return j
    const queue = queueFor(j.kind, j.gpus)
    if (served.has(queue)) return { ...j, unschedulable: null }
    const reason = live.length === 0 ? 'no worker is running' : `no live worker serves queue ${queue} (jobs with ${j.gpus} GPU(s)); live workers serve ${[...served].sort().join(', ')}`
    return { ...j, unschedulable: reason }
  })
}

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
      const [job] = await withScheduling(app.limits, [await app.jobService.submit(request.body)])
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
      const problems = (['createdAfter', 'createdBefore'] as const).flatMap((field) => {
        const v = q[field]
        if (v === undefined) return []
        // The format check lets through dates no calendar has (Feb 31) and years the store cannot hold.
        return isRealDateTime(v) ? [] : [{ path: `/querystring/${field}`, message: 'must be a real date-time between the years 1 and 9999' }]
      })
      if (problems.length) throw new InvalidSpecError(problems)
      const page = await store.jobs.list({ ...q })
      return { ...page, items: await withScheduling(app.limits, page.items) }
    },
  )

  app.get(
    '/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'Read a job', params: IdParams, response: { 200: JobView, 404: ErrorBody } } },
    async (request) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      return (await withScheduling(app.limits, [job]))[0]
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
      const job = await app.jobService.cancel(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      return reply.code(202).send(job)
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
    async (request) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
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
      if (!job) throw notFound(`job ${request.params.id}`)
      const report = (job.result as { report?: Record<string, unknown> } | null)?.report
      if (job.kind !== 'evaluate' || !report) throw new ServiceError('no_report', `job ${job.id} has no evaluation report (kind ${job.kind}, state ${job.state})`)
      const table = renderReportTable(report)
      if (request.headers.accept?.includes('text/plain')) return reply.type('text/plain').send(table as never)
      return { report, table }
    },
  )

  app.get(
    '/jobs/:id/artifacts',
    { schema: { tags: ['jobs'], summary: 'Outputs of a job', params: IdParams, response: { 200: ArtifactList, 404: ErrorBody } } },
    async (request) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
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
      if (!artifact) throw notFound(`artifact ${request.params.name} of job ${request.params.id}`)
      if (!existsSync(artifact.path)) throw new ServiceError('artifact_missing', `artifact ${artifact.name} is gone from the artifact store`)
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
