// A job's log as plain text: the `log` events the worker relayed (the same lines as the job's
// log.txt, which exists only once the job has ended), and with follow, new lines as they come
// until the job ends. Read from the store's event log, so any api process can serve it while
// the job runs on another machine.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Store } from '../../store/index.ts'
import type { JobEvent } from '../../store/types.ts'
import { followEvents, isTerminalEvent } from '../events/follow.ts'
import type { EventHub } from '../events/hub.ts'

const PAGE = 1000

const lineOf = (e: JobEvent): string | null => {
  const line = (e.data as { line?: unknown } | null)?.line
  return e.type === 'log' && typeof line === 'string' ? line : null
}

/** The log lines of a job after event `after`, and the id of the last event read. */
export async function logSoFar(store: Store, jobId: string, after = 0): Promise<{ lines: string[]; last: number }> {
  const lines: string[] = []
  let last = after
  for (;;) {
    const page = await store.events.since(last, { jobId, limit: PAGE })
    for (const e of page) {
      const line = lineOf(e)
      if (line !== null) lines.push(line)
    }
    if (page.length) last = page[page.length - 1].id
    if (page.length < PAGE) return { lines, last }
  }
}

const text = (lines: string[]): string => lines.map((l) => `${l}\n`).join('')

/**
 * Streams the log of a job that has not ended: the lines so far (the last `tail`), then new
 * ones, ending after the job's terminal state. `open` holds a way to end every open stream.
 */
export function followLog(
  deps: { store: Store; hub: EventHub },
  request: FastifyRequest,
  reply: FastifyReply,
  jobId: string,
  tail: number | undefined,
  open: Set<() => void>,
): Promise<void> {
  return followEvents({
    hub: deps.hub,
    request,
    reply,
    open,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    from: 0,
    page: (after) => deps.store.events.since(after, { jobId, limit: PAGE }),
    pageSize: PAGE,
    accepts: (e) => e.jobId === jobId,
    render: (e) => {
      const line = lineOf(e)
      return line === null ? null : `${line}\n`
    },
    renderBacklog: (events) => {
      const lines = events.map(lineOf).filter((l): l is string => l !== null)
      return text(tail === undefined ? lines : lines.slice(-tail))
    },
    endsAfter: isTerminalEvent,
  })
}

export { text as logText }
