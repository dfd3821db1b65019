// Server-sent events: /v1/jobs/{id}/events (one job, its whole history first) and /v1/events
// (every job, from now). A reconnecting client sends Last-Event-ID and gets what it missed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { TERMINAL_STATES, type JobState } from '../../schemas/jobs.ts'
import type { JobEvent } from '../../store/types.ts'
import { ErrorBody, notFound } from '../errors.ts'

const SseResponse = Type.String({ description: 'text/event-stream: `id`, `event` (state | progress | metric | log) and JSON `data` per event' })
const SseHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'The id of the last event received (at most 15 digits)' })) })

function frame(e: JobEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ jobId: e.jobId, ...(e.data as object), at: e.createdAt })}\n\n`
}

type App = Parameters<FastifyPluginAsyncTypebox>[0]

const isTerminalEvent = (e: JobEvent) => {
  const data = e.data as { to?: JobState; state?: JobState }
  return e.type === 'state' && TERMINAL_STATES.includes(data.to ?? data.state!)
}

/**
 * Streams the events after `from` (of one job, or of all jobs) and then live ones. A job's
 * stream ends after its terminal state, or after the replay when the job had already ended
 * (a client resuming past the terminal event must not be left on an open stream).
 */
async function stream(app: App, request: FastifyRequest, reply: FastifyReply, from: number, job: { id: string; ended: boolean } | null, open: Set<() => void>): Promise<void> {
  const { store } = app.deps
  const jobId = job?.id
  reply.hijack()
  const raw = reply.raw
  raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
  raw.write(': connected\n\n')
  let sent = from
  let active = true
  let unsubscribe: (() => void) | null = null
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000)
  const finish = () => {
    if (!active) return
    active = false
    clearInterval(heartbeat)
    unsubscribe?.()
    open.delete(finish)
    raw.end()
  }
  // Registered before any await, so a client that leaves early never leaks a listener.
  open.add(finish)
  request.raw.on('close', finish)
  raw.on('close', finish)
  const send = (e: JobEvent) => {
    if (!active || e.id <= sent || (jobId && e.jobId !== jobId)) return
    sent = e.id
    raw.write(frame(e))
    if (jobId && isTerminalEvent(e)) finish()
  }
  // Subscribe first, buffering live events while the backlog is replayed: an event delivered
  // live during the replay must not advance `sent` past backlog events not yet written.
  let buffered: JobEvent[] | null = []
  try {
    unsubscribe = await app.eventHub.subscribe((e) => (buffered ? buffered.push(e) : send(e)))
    if (!active) return unsubscribe()
    for (;;) {
      const backlog = await store.events.since(sent, { jobId, limit: 1000 })
      for (const e of backlog) send(e)
      if (!active || backlog.length < 1000) break
    }
  } catch (err) {
    request.log.error({ err }, 'event stream failed')
    return finish()
  }
  const live = buffered
  buffered = null
  for (const e of live) send(e)
  if (job?.ended) finish()
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
      schema: {
        tags: ['events'],
        summary: 'Follow one job',
        description: 'Replays the job’s events after Last-Event-ID (all of them without it), then streams live ones; ends after the terminal state. 204 when the job has ended and nothing is after Last-Event-ID.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        headers: SseHeaders,
        response: { 200: SseResponse, 204: Type.Null({ description: 'The job has ended and the client already has all its events' }), 404: ErrorBody },
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
      schema: {
        tags: ['events'],
        summary: 'Follow every job',
        description: 'Live events of all jobs; with Last-Event-ID, first the ones after it.',
        headers: SseHeaders,
        response: { 200: SseResponse },
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
