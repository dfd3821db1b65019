// Server-sent events: /v1/jobs/{id}/events (one job, its whole history first) and /v1/events
// (every job, from now). A reconnecting client sends Last-Event-ID and gets what it missed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { TERMINAL_STATES } from '../../schemas/jobs.ts'
import type { JobEvent } from '../../store/types.ts'
import { notFound } from '../errors.ts'
import { errors } from '../openapi.ts'
import { listable } from '../access.ts'
import { followEvents, isTerminalEvent } from './follow.ts'

const PAGE = 1000

const SseResponse = {
  description:
    'An event stream: per event an `id` (send it back as Last-Event-ID to resume), an `event` (state | progress | metric | log | trace) and JSON `data` carrying `jobId`, the event’s fields and `at`. `trace` (sample jobs with `trace: true`): `{step, steps, t, firstSample, tokens}` after the start (step 0) and after each solver step, `tokens[i][position]` the text piece of sample firstSample + i, null while masked; samples run batchSize at a time, each batch from step 0 to `steps`',
  content: { 'text/event-stream': { schema: Type.String() } },
}
const SseHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'The id of the last event received (at most 15 digits)' })) })

function frame(e: JobEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ jobId: e.jobId, ...(e.data as object), at: e.createdAt })}\n\n`
}

type App = Parameters<FastifyPluginAsyncTypebox>[0]

/**
 * Streams the events after `from` (of one job, or of all jobs) and then live ones. A job's
 * stream ends after its terminal state, or after the replay when the job had already ended
 * (a client resuming past the terminal event must not be left on an open stream).
 */
function stream(app: App, request: FastifyRequest, reply: FastifyReply, from: number, job: { id: string; ended: boolean } | null, open: Set<() => void>): Promise<void> {
  const jobId = job?.id
  // Only events of jobs in projects the caller can see (a job's own stream was checked already).
  const projects = jobId ? undefined : listable(request)
  return followEvents({
    hub: app.eventHub,
    request,
    reply,
    open,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
    preamble: ': connected\n\n',
    keepAlive: { everyMs: 15_000, text: ': keep-alive\n\n' },
    from,
    page: (after) => app.deps.store.events.since(after, { jobId, projects, limit: PAGE }),
    pageSize: PAGE,
    accepts: (e) => (!jobId || e.jobId === jobId) && (!projects || projects.includes(e.project)),
    render: frame,
    endsAfter: jobId ? isTerminalEvent : undefined,
    endAfterBacklog: job?.ended,
  })
}

const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Open streams never end on their own: end them when the app closes, or close would wait on them.
  const open = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const finish of [...open]) finish()
  })

  app.get(
    '/jobs/:id/events',
    {
      config: { access: { need: 'viewer', in: 'job' } },
      schema: {
        tags: ['events'],
        operationId: 'streamJobEvents',
        summary: 'Follow one job',
        description: 'Replays the job’s events after Last-Event-ID (all of them without it), then streams live ones; ends after the terminal state. 204 when the job has ended and nothing is after Last-Event-ID.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        headers: SseHeaders,
        response: { 200: SseResponse, 204: Type.Null({ description: 'The job has ended and the client already has all its events' }), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const { store } = app.deps
      const job = await store.jobs.get(request.params.id)
      if (!job) throw notFound(`job ${request.params.id}`)
      const from = Number(request.headers['last-event-id'] ?? 0)
      const ended = TERMINAL_STATES.includes(job.state)
      // 204 tells an EventSource that already has the whole history to stop reconnecting.
      if (ended && (await store.events.since(from, { jobId: job.id, limit: 1 })).length === 0) return reply.code(204).send(null)
      await stream(app, request, reply, from, { id: job.id, ended }, open)
    },
  )

  app.get(
    '/events',
    {
      config: { access: { need: 'viewer', in: 'none' } },
      schema: {
        tags: ['events'],
        operationId: 'streamEvents',
        summary: 'Follow every job',
        description: 'Live events of all jobs; with Last-Event-ID, first the ones after it.',
        headers: SseHeaders,
        response: { 200: SseResponse, ...errors(400) },
      },
    },
    async (request, reply) => {
      const last = request.headers['last-event-id']
      const from = last !== undefined ? Number(last) : await app.eventHub.headId()
      await stream(app, request, reply, from, null, open)
    },
  )
}

export default eventsRoutes
