// /v1/jobs: submit, list, read, cancel, metrics, logs, the report and artifacts.
import { createReadStream, existsSync } from 'node:fs'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { queueFor } from '../../queue/index.ts'
import type { Job } from '../../store/types.ts'
import type { ValidationLimits } from '../../jobs/validate.ts'
import { TERMINAL_STATES } from '../../schemas/jobs.ts'
import { ArtifactList, JobCreateBody, JobList, JobListQuery, JobView, LogsQuery, MetricsQuery, MetricsView, ReportView } from '../../schemas/views.ts'
import { removeOutputs } from '../../jobs/janitor.ts'
import { ownCheckpoint } from '../../jobs/paths.ts'
import { listable, submitterOf } from '../access.ts'
import { InvalidSpecError, notFound, ServiceError } from '../errors.ts'
import { errors, JSON_BODY_ERRORS, media } from '../openapi.ts'
import { renderReportTable } from '../../jobs/report.ts'
import { TraceView } from '../../schemas/trace.ts'
import { JOB_EXAMPLES } from './examples.ts'
import { followLog, logSoFar, logText } from './logs.ts'
import { partialContent, sendFile } from '../files.ts'

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
  // Followed logs never end on their own: end them when the app closes, or close would wait on them.
  const openLogs = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const finish of [...openLogs]) finish()
  })

  app.post(
    '/jobs',
    {
      config: { access: { need: 'member', in: 'body' } },
      schema: {
        tags: ['jobs'],
        operationId: 'createJob',
        summary: 'Submit a job',
        description:
          'Validates the spec (schema, then references and sizes), stores the job and enqueues it. A 400 names every bad field and stores nothing. Fields with a default may be left out; the stored spec has them filled in.',
        body: { ...JobCreateBody, examples: JOB_EXAMPLES },
        response: { 200: { ...JobView, description: 'A retry with the same Idempotency-Key and body: the job the first request created' }, 201: JobView, ...errors(...JSON_BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      const { job: created, replayed } = await app.jobService.submit(request.body, submitterOf(request, request.body.project, 'POST /v1/jobs'))
      const [job] = await withScheduling(app.limits, [created])
      // A retry with the same Idempotency-Key gets the job its first request created.
      return reply.code(replayed ? 200 : 201).header('location', `/v1/jobs/${job.id}`).send(job)
    },
  )

  app.get(
    '/jobs',
    {
      config: { access: { need: 'viewer', in: 'none' } },
      schema: {
        tags: ['jobs'],
        operationId: 'listJobs',
        summary: 'List jobs',
        description: 'Filters combine with AND; pages are cursor-based and stable under concurrent inserts.',
        querystring: JobListQuery,
        response: { 200: JobList, ...errors(400) },
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
      // Only the projects the caller can see (and, when asked, one of them).
      const visible = listable(request)
      const projects = q.project === undefined ? visible : visible === undefined || visible.includes(q.project) ? [q.project] : []
      const page = await store.jobs.list({ ...q, projects })
      return { ...page, items: await withScheduling(app.limits, page.items) }
    },
  )

  app.get(
    '/jobs/:id',
    { config: { access: { need: 'viewer', in: 'job' } }, schema: { tags: ['jobs'], operationId: 'getJob', summary: 'Read a job', params: IdParams, response: { 200: JobView, ...errors(400, 404) } } },
    async (request) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      return (await withScheduling(app.limits, [job]))[0]
    },
  )

  app.post(
    '/jobs/:id/cancel',
    {
      config: { access: { need: 'member', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'cancelJob',
        summary: 'Cancel a job',
        description: 'A queued job never starts (cancelled at once). A running job moves to cancelling, stops within one step, checkpoints and ends cancelled. 409 when it has already ended.',
        params: IdParams,
        response: { 202: JobView, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const job = await app.jobService.cancel(request.params.id, request.principal.subject)
      if (!job) throw notFound(`job ${request.params.id}`)
      return reply.code(202).send(job)
    },
  )

  app.post(
    '/jobs/:id/rerun',
    {
      config: { access: { need: 'member', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'rerunJob',
        summary: 'Run a job again',
        description:
          'Submits the job’s stored spec (defaults filled in), name, tags, priority and GPUs again as a new job in the same project, whose `rerunOf` names this one. The spec is checked again (what it references may be gone: 400). Takes an Idempotency-Key like POST /v1/jobs.',
        params: IdParams,
        response: { 200: { ...JobView, description: 'A retry with the same Idempotency-Key: the job the first request created' }, 201: JobView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      const out = await app.jobService.rerun(job.id, submitterOf(request, job.project, `POST /v1/jobs/${job.id}/rerun`))
      if (!out) throw notFound(`job ${request.params.id}`)
      const [created] = await withScheduling(app.limits, [out.job])
      return reply.code(out.replayed ? 200 : 201).header('location', `/v1/jobs/${created.id}`).send(created)
    },
  )

  app.post(
    '/jobs/:id/resume',
    {
      config: { access: { need: 'member', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'resumeJob',
        summary: 'Resume a failed or cancelled training job',
        description:
          'A failed or cancelled pretrain or distill job goes back on its queue as a new attempt and continues from its last checkpoint (model, EMA, optimiser, step and data order), to the steps its spec asks for; its crash retries (FSDFM_MAX_ATTEMPTS) count afresh. 409 not_resumable for other kinds or states, a sweep trial, or a job that left no checkpoint.',
        params: IdParams,
        response: { 202: JobView, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const job = await app.jobService.resume(request.params.id, request.principal.subject, (j) => existsSync(ownCheckpoint(app.deps.config.artifactDir, j.id)))
      if (!job) throw notFound(`job ${request.params.id}`)
      return reply.code(202).header('location', `/v1/jobs/${job.id}`).send((await withScheduling(app.limits, [job]))[0])
    },
  )

  app.delete(
    '/jobs/:id',
    {
      config: { access: { need: 'member', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'deleteJob',
        summary: 'Delete a job',
        description:
          'A queued or running job is cancelled first. Its outputs (artifacts, checkpoint, samples) are removed (a running job’s once it has stopped); the job stays as a tombstone with deletedAt and deletedBy, so what referenced it can say what happened. Lists leave it out unless includeDeleted=true.',
        params: IdParams,
        response: { 200: JobView, ...errors(400, 404) },
      },
    },
    async (request) => {
      const job = await app.jobService.delete(request.params.id, request.principal.subject, (j) => removeOutputs(store, app.deps.config.artifactDir, j))
      if (!job) throw notFound(`job ${request.params.id}`)
      return job
    },
  )

  app.get(
    '/jobs/:id/metrics',
    {
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'getJobMetrics',
        summary: 'Metric time series of a job',
        description:
          '`names` lists every metric the job has logged; `series` holds the points of those `name` selects (all without it). With `maxPoints` each series is summarised over the step range for a chart (see the parameter) instead of cut at `limit`.',
        params: IdParams,
        querystring: MetricsQuery,
        response: { 200: MetricsView, ...errors(400, 404) },
      },
    },
    async (request) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      const q = request.query
      const names = q.name ? q.name.split(',').map((s) => s.trim()).filter(Boolean) : undefined
      const [series, logged] = await Promise.all([store.metrics.query(job.id, { names, stepFrom: q.stepFrom, stepTo: q.stepTo, limit: q.limit, maxPoints: q.maxPoints }), store.metrics.names(job.id)])
      // The store keeps NaN and ±Infinity; JSON has neither (and the serializer throws on NaN).
      const finite = series.map((s) => ({ ...s, points: s.points.map((p) => ({ step: p.step, value: Number.isFinite(p.value) ? p.value : null })) }))
      return { jobId: job.id, names: logged, series: finite }
    },
  )

  app.get(
    '/jobs/:id/report',
    {
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'getJobReport',
        summary: 'The report of an evaluate job',
        description: 'Structured JSON, or a plain-text table with `Accept: text/plain`. 409 unless the job is a succeeded evaluate job.',
        params: IdParams,
        response: {
          200: {
            description: 'The report, and the same as a table',
            content: { 'application/json': { schema: ReportView }, 'text/plain': { schema: Type.String({ description: 'The table alone' }) } },
          },
          ...errors(400, 404, 409),
        },
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
    '/jobs/:id/trace',
    {
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'getJobTrace',
        summary: 'The denoising trace of a sample job',
        description:
          'Every sample’s tokens after each solver step of a succeeded sample job submitted with `trace: true` (its trace.json): `frames[k]` is step k (0: the start), `tokens[sample][position]` a text piece or null while masked, `fixed` the positions given by the prompt or template. 404 `no_trace` for any other job.',
        params: IdParams,
        response: { 200: TraceView, ...errors(400, 404, 410) },
      },
    },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      const artifact = await store.artifacts.get(job.id, 'trace.json')
      if (!artifact) {
        const why =
          job.kind !== 'sample' ? `it is a ${job.kind} job` : !job.spec.trace ? 'it was not submitted with trace: true' : `it is ${job.state}; the trace is stored when it succeeds`
        throw new ServiceError('no_trace', `job ${job.id} has no trace: ${why}`)
      }
      if (!existsSync(artifact.path)) throw new ServiceError('artifact_missing', `artifact ${artifact.name} is gone from the artifact store`)
      // Sent as stored: the worker wrote it in this shape (src/worker/trace.ts), and it may be large.
      return reply.type('application/json').header('content-length', artifact.size).send(createReadStream(artifact.path) as never)
    },
  )

  app.get(
    '/jobs/:id/artifacts',
    {
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'listJobArtifacts',
        summary: 'Outputs of a job',
        description: 'Name, kind, size and sha256 of each file the job wrote, with its download path.',
        params: IdParams,
        response: { 200: ArtifactList, ...errors(400, 404) },
      },
    },
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
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'downloadJobArtifact',
        summary: 'Download an output',
        description: 'The file as stored: `.json` files as application/json, `.txt` as text/plain, anything else (checkpoints, token shards) as application/octet-stream. `X-SHA256` carries its checksum. `Range: bytes=<first>-` continues a download cut off part-way (206, as application/octet-stream).',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String({ minLength: 1 }) }),
        response: {
          200: {
            description: 'The file',
            headers: { 'x-sha256': Type.String({ description: 'sha256 of the file, hex' }) },
            content: {
              'application/octet-stream': { schema: Type.String({ format: 'binary' }) },
              'application/json': { schema: Type.Unknown({ description: 'A .json artifact (report.json, samples.json, manifest.json)' }) },
              'text/plain': { schema: Type.String({ description: 'A .txt artifact (samples.txt, log.txt)' }) },
            },
          },
          ...partialContent,
          ...errors(400, 404, 410),
        },
      },
    },
    async (request, reply) => {
      const artifact = await store.artifacts.get(request.params.id, request.params.name)
      if (!artifact) throw notFound(`artifact ${request.params.name} of job ${request.params.id}`)
      if (!existsSync(artifact.path)) throw new ServiceError('artifact_missing', `artifact ${artifact.name} is gone from the artifact store`)
      const type = artifact.name.endsWith('.json') ? 'application/json' : artifact.name.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream'
      return sendFile(request, reply, { path: artifact.path, size: artifact.size, sha256: artifact.sha256, type, filename: artifact.name })
    },
  )

  app.get(
    '/jobs/:id/logs',
    {
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['jobs'],
        operationId: 'getJobLogs',
        summary: 'The log of a job, so far or followed',
        description:
          'The lines the job has logged so far, one per line. With `follow=true` and a job that has not ended, the answer stays open and new lines follow as the job logs them; it ends when the job ends.',
        params: IdParams,
        querystring: LogsQuery,
        response: { 200: media('text/plain', 'Log lines, newline-terminated', Type.String()), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      const { follow, tail } = request.query
      if (follow && !TERMINAL_STATES.includes(job.state)) return followLog({ store, hub: app.eventHub }, request, reply, job.id, tail, openLogs)
      const { lines } = await logSoFar(store, job.id)
      return reply.type('text/plain; charset=utf-8').send(logText(tail === undefined ? lines : lines.slice(-tail)))
    },
  )
}

export default jobsRoutes
