// A long answer fed by the event log: the stored events first, then live ones as the hub
// delivers them, none lost between the two and none written twice. The server-sent event
// streams and a followed job log are both this, written differently.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { TERMINAL_STATES, type JobState } from '../../schemas/jobs.ts'
import type { JobEvent } from '../../store/types.ts'
import type { EventHub } from './hub.ts'

/** A job's move to succeeded, failed or cancelled: its streams end after it. */
export const isTerminalEvent = (e: JobEvent): boolean => {
  const data = e.data as { to?: JobState; state?: JobState }
  return e.type === 'state' && TERMINAL_STATES.includes((data.to ?? data.state)!)
}

export interface FollowOptions {
  hub: EventHub
  request: FastifyRequest
  reply: FastifyReply
  /** Where the stream leaves a way to end it (the app ends them all when it closes). */
  open: Set<() => void>
  headers: Record<string, string>
  /** Written first (an SSE comment tells the client the stream is up). */
  preamble?: string
  /** Written this often, to keep proxies from closing a quiet stream. */
  keepAlive?: { everyMs: number; text: string }
  /** Only events after this id are sent. */
  from: number
  /** Stored events after an id, oldest first, at most `pageSize`. */
  page: (after: number) => Promise<JobEvent[]>
  pageSize: number
  /** Whether a live event belongs on this stream. */
  accepts: (e: JobEvent) => boolean
  /** The text of one event (null: it writes nothing, but counts as sent). */
  render: (e: JobEvent) => string | null
  /** The stored events' text in one piece instead of event by event (a log's last N lines). */
  renderBacklog?: (events: JobEvent[]) => string
  /** The stream ends after this event. */
  endsAfter?: (e: JobEvent) => boolean
  /** The stream ends after the stored events (the job had ended already). */
  endAfterBacklog?: boolean
}

export async function followEvents(o: FollowOptions): Promise<void> {
  o.reply.hijack()
  const raw = o.reply.raw
  raw.writeHead(200, o.headers)
  if (o.preamble) raw.write(o.preamble)
  let sent = o.from
  let active = true
  let unsubscribe: (() => void) | null = null
  const keepAlive = o.keepAlive
  const timer = keepAlive ? setInterval(() => raw.write(keepAlive.text), keepAlive.everyMs) : null
  const finish = () => {
    if (!active) return
    active = false
    if (timer) clearInterval(timer)
    unsubscribe?.()
    o.open.delete(finish)
    raw.end()
  }
  // Registered before any await, so a client that leaves early never leaks a listener.
  o.open.add(finish)
  o.request.raw.on('close', finish)
  raw.on('close', finish)
  const send = (e: JobEvent) => {
    if (!active || e.id <= sent || !o.accepts(e)) return
    sent = e.id
    const text = o.render(e)
    if (text !== null) raw.write(text)
    if (o.endsAfter?.(e)) finish()
  }
  // Subscribe first, holding live events while the stored ones are written: a live event must
  // not move `sent` past stored events not yet written.
  let buffered: JobEvent[] | null = []
  try {
    unsubscribe = await o.hub.subscribe((e) => (buffered ? buffered.push(e) : send(e)))
    if (!active) return unsubscribe()
    if (o.renderBacklog) {
      const events: JobEvent[] = []
      for (;;) {
        const page = await o.page(sent)
        events.push(...page)
        if (page.length) sent = page[page.length - 1].id
        if (page.length < o.pageSize) break
      }
      raw.write(o.renderBacklog(events))
      if (o.endsAfter && events.some(o.endsAfter)) return finish()
    } else {
      for (;;) {
        const page = await o.page(sent)
        for (const e of page) send(e)
        if (!active || page.length < o.pageSize) break
      }
    }
  } catch (err) {
    o.request.log.error({ err }, 'stream failed')
    return finish()
  }
  const live = buffered
  buffered = null
  for (const e of live) send(e)
  if (o.endAfterBacklog) finish()
}
