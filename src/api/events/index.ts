// Server-sent events: /v1/jobs/{id}/events (one job, its whole history first) and /v1/events
// (every job, from now). A reconnecting client sends Last-Event-ID and gets what it missed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { TERMINAL_STATES, type JobState } from '../../schemas/jobs.ts'
import type { JobEvent } from '../../store/types.ts'
import { ErrorBody, errorBody } from '../errors.ts'

const SseResponse = Type.String({ description: 'text/event-stream: `id`, `event` (state | progress | metric | log) and JSON `data` per event' })
const SseHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]+$' })) })

function frame(e: JobEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ jobId: e.jobId, ...(e.data as object), at: e.createdAt })}\n\n`
}

async function stream(app: Parameters<FastifyPluginAsyncTypebox>[0], request: FastifyRequest, reply: FastifyReply, jobId: string | null, from: number): Promise<void> {
  const { store } = app.deps
  reply.hijack()
  const raw = reply.raw
  raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
  raw.write(': connected\n\n')
  let sent = from
  let open = true
  const endIfDone = (e: JobEvent) => {
    if (jobId && e.type === 'state' && TERMINAL_STATES.includes((e.data as { to?: JobState; state?: JobState }).to ?? (e.data as { state: JobState }).state)) {
      open = false
      raw.end()
    }
  }
  const send = (e: JobEvent) => {
    if (!open || e.id <= sent || (jobId && e.jobId !== jobId)) return
    sent = e.id
    raw.write(frame(e))
    endIfDone(e)
  }
  // Subscribe first, then replay the backlog up to the hub's position: no gap, no duplicate (ids are checked).
  const unsubscribe = await app.eventHub.subscribe(send)
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000)
  const cleanup = () => {
    open = false
    clearInterval(heartbeat)
    unsubscribe()
  }
  request.raw.on('close', cleanup)
  raw.on('close', cleanup)
  for (;;) {
    if (!open) break
    const backlog = await store.events.since(sent, { jobId: jobId ?? undefined, limit: 1000 })
    for (const e of backlog) send(e)
    if (backlog.length < 1000) break
  }
  if (!open) cleanup()
}

const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/jobs/:id/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Follow one job',
        description: 'Replays the job’s events after Last-Event-ID (all of them without it), then streams live ones; ends after the terminal state.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        headers: SseHeaders,
        response: { 200: SseResponse, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const job = await app.deps.store.jobs.get(request.params.id)
      if (!job) return reply.code(404).send(errorBody('not_found', `job ${request.params.id} not found`))
      await stream(app, request, reply, job.id, Number(request.headers['last-event-id'] ?? 0))
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
      await stream(app, request, reply, null, from)
    },
  )
}

export default eventsRoutes
