// Server-sent events against a real listening service (api + worker + Python): a job's stream
// replays its history and ends after the terminal state; Last-Event-ID resumes with no gap and
// no duplicate; /v1/events carries live changes of every job. Every wait is bounded.
import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { startTestService, tinySample } from '../helpers.ts'
import type { JobEvent } from '../../src/store/types.ts'

const svc = await startTestService(t)
const { api, store } = svc

interface SseEvent {
  id: number
  event: string
  data: Record<string, unknown> & { jobId: string }
}

/** A minimal SSE client over node:http: parses `id:`/`event:`/`data:` frames as they arrive. */
class SseStream {
  readonly events: SseEvent[] = []
  ended = false
  private waiters: (() => void)[] = []
  private buffer = ''

  private constructor(
    readonly status: number,
    readonly headers: IncomingMessage['headers'],
    private readonly req: ClientRequest,
    res: IncomingMessage,
  ) {
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => this.feed(chunk))
    const end = () => {
      this.ended = true
      this.wake()
    }
    res.on('end', end)
    res.on('close', end)
    res.on('error', end)
  }

  static open(path: string, lastEventId?: number, timeoutMs = 10_000, base = api.base): Promise<SseStream> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId)
      const req = request(`${base}${path}`, { headers, agent: false })
      const timer = setTimeout(() => {
        req.destroy()
        reject(new Error(`no response headers for ${path} within ${timeoutMs} ms`))
      }, timeoutMs)
      req.on('response', (res) => {
        clearTimeout(timer)
        resolve(new SseStream(res.statusCode ?? 0, res.headers, req, res))
      })
      req.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      req.end()
    })
  }

  private feed(chunk: string): void {
    this.buffer += chunk
    let cut: number
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut)
      this.buffer = this.buffer.slice(cut + 2)
      const fields: Record<string, string> = {}
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue // a comment: connected / keep-alive
        const colon = line.indexOf(':')
        const name = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        fields[name] = name === 'data' && fields.data !== undefined ? `${fields.data}\n${value}` : value
      }
      if (fields.data === undefined) continue
      this.events.push({ id: Number(fields.id), event: fields.event ?? 'message', data: JSON.parse(fields.data) })
    }
    this.wake()
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** Resolves once `done(events)` holds or the server ended the stream; rejects after timeoutMs. */
  async until(done: (events: SseEvent[]) => boolean, timeoutMs = 60_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs
    while (!done(this.events) && !this.ended) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`SSE wait timed out after ${timeoutMs} ms with ${this.events.length} events: ${describe(this.events)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.events
  }

  /** Every event up to the end of the stream (the server must end it within timeoutMs). */
  async all(timeoutMs = 60_000): Promise<SseEvent[]> {
    await this.until(() => false, timeoutMs)
    return this.events
  }

  close(): void {
    this.req.destroy()
  }
}

const describe = (events: SseEvent[]) => events.map((e) => `${e.id}:${e.event}${e.event === 'state' ? `=${String(e.data.to)}` : ''}`).join(' ')
const stateOf = (e: SseEvent | JobEvent) => (e.data as { to?: string }).to
const isTerminal = (e: SseEvent) => e.event === 'state' && ['succeeded', 'failed', 'cancelled'].includes(String(e.data.to))
const stored = (jobId: string) => store.events.since(0, { jobId, limit: 1000 })

/** Opens a stream and closes it when the test ends, whatever happens. */
async function follow(t: Test, path: string, lastEventId?: number): Promise<SseStream> {
  const s = await SseStream.open(path, lastEventId)
  t.teardown(() => s.close())
  return s
}

/** Asserts that streamed frames are exactly the stored events (id, type, payload) in order. */
function sameAsStored(t: Test, got: SseEvent[], want: JobEvent[], what: string): void {
  t.strictSame(got.map((e) => e.id), want.map((e) => e.id), `${what}: the stored event ids, in order, each once`)
  t.strictSame(got.map((e) => e.event), want.map((e) => e.type), `${what}: event types`)
  for (const [i, e] of got.entries()) {
    t.match(e.data, { jobId: want[i].jobId, ...(want[i].data as object), at: want[i].createdAt }, `${what}: payload of event ${e.id}`)
  }
}

t.test('a finished job’s stream replays its history and ends after the terminal state', async (t) => {
  const job = await api.waitFor((await api.submit(tinySample({ steps: 8 }))).id, undefined, 120_000)
  t.equal(job.state, 'succeeded', JSON.stringify(job.error))
  const s = await follow(t, `/v1/jobs/${job.id}/events`)
  t.equal(s.status, 200)
  t.match(s.headers['content-type'], /^text\/event-stream/)
  const events = await s.all(20_000)
  t.ok(s.ended, 'the server ended the stream')
  sameAsStored(t, events, await stored(job.id), 'replay')
  t.strictSame(events.filter((e) => e.event === 'state').map(stateOf), ['queued', 'running', 'succeeded'])
  const running = events.findIndex((e) => stateOf(e) === 'running')
  const progress = events.filter((e) => e.event === 'progress')
  t.ok(progress.length > 0, 'progress events')
  t.ok(events.every((e, i) => e.event !== 'progress' || i > running), 'progress only after running')
  t.match(progress.at(-1)!.data, { step: Number, total: Number })
  t.equal(progress.at(-1)!.data.step, progress.at(-1)!.data.total, 'the last progress is complete')
  t.ok(isTerminal(events.at(-1)!), 'the terminal state is the last event')
})

t.test('a stream opened while the job is queued sees it live to the end, the same as the stored log', async (t) => {
  const created = await api.submit(tinySample({ steps: 8 }))
  const s = await follow(t, `/v1/jobs/${created.id}/events`)
  const events = await s.all(120_000)
  t.ok(s.ended, 'ended by the server after the terminal state')
  t.ok(isTerminal(events.at(-1)!), describe(events))
  t.equal(stateOf(events[0]), 'queued', 'starts at the first event')
  sameAsStored(t, events, await stored(created.id), 'live')
})

t.test('Last-Event-ID resumes with exactly the events after it, mid-run and after the end', async (t) => {
  // Long enough to disconnect and reconnect while it runs (16 batches of 2,000 steps: the
  // sampler skips the model on steps where nothing unmasks, so steps alone are cheap).
  const created = await api.submit(tinySample({ steps: 2000, count: 64, batchSize: 4 }))
  const first = await follow(t, `/v1/jobs/${created.id}/events`)
  await first.until((ev) => ev.filter((e) => e.event === 'progress').length >= 2, 120_000)
  first.close()
  const seen = first.events.slice()
  t.ok(seen.length >= 3, 'read some events before disconnecting')
  const resumeAt = seen.at(-1)!.id
  t.equal((await store.jobs.get(created.id))?.state, 'running', 'reconnecting while the job runs: replay, then live')

  const second = await follow(t, `/v1/jobs/${created.id}/events`, resumeAt)
  const rest = await second.all(120_000)
  t.ok(second.ended, 'the resumed stream ends after the terminal state')
  t.ok(rest.length > 0 && rest[0].id > resumeAt, 'only events after Last-Event-ID')
  const all = await stored(created.id)
  t.strictSame(rest.map((e) => e.id), all.filter((e) => e.id > resumeAt).map((e) => e.id), 'exactly store.events.since(Last-Event-ID)')
  sameAsStored(t, [...seen, ...rest], all, 'first + resumed')
  t.ok(isTerminal(rest.at(-1)!))

  // A resume from the middle of a finished job's history.
  const middle = all[Math.floor(all.length / 2)].id
  const third = await follow(t, `/v1/jobs/${created.id}/events`, middle)
  sameAsStored(t, await third.all(20_000), all.filter((e) => e.id > middle), 'resume from the middle')

  // A client that already has the terminal event (EventSource reconnects whenever a stream
  // ends) gets 204, which tells it to stop, instead of an open stream that never ends.
  const after = await follow(t, `/v1/jobs/${created.id}/events`, all.at(-1)!.id)
  t.equal(after.status, 204)
  t.strictSame(await after.all(10_000), [])
  t.ok(after.ended)
})

t.test('/v1/events delivers the live state changes of a job submitted after connecting', async (t) => {
  const head = (await store.events.since(0, { limit: 1000 })).at(-1)?.id ?? 0
  const s = await follow(t, '/v1/events')
  t.equal(s.status, 200)
  t.match(s.headers['content-type'], /^text\/event-stream/)
  // Give the stream a moment to subscribe before the job exists, so its events come live.
  await new Promise((r) => setTimeout(r, 300))
  const created = await api.submit(tinySample())
  const mine = (ev: SseEvent[]) => ev.filter((e) => e.data.jobId === created.id)
  await s.until((ev) => mine(ev).some(isTerminal), 120_000)
  t.notOk(s.ended, 'the all-jobs stream stays open after a job ends')
  t.ok(s.events.every((e) => e.id > head), 'nothing from before the connection')
  t.strictSame(mine(s.events).filter((e) => e.event === 'state').map(stateOf), ['queued', 'running', 'succeeded'])
  const ids = s.events.map((e) => e.id)
  t.strictSame(ids, [...new Set(ids)].sort((a, b) => a - b), 'ids strictly increasing')
  sameAsStored(t, mine(s.events), await stored(created.id), 'the new job, live')
  s.close()

  // Resuming the all-jobs stream replays every job's events after the id, then goes live.
  const from = s.events[0].id
  const resumed = await follow(t, '/v1/events', from)
  const want = await store.events.since(from, { limit: 1000 })
  await resumed.until((ev) => ev.length >= want.length, 20_000)
  sameAsStored(t, resumed.events.slice(0, want.length), want, 'all jobs after Last-Event-ID')
  t.notOk(resumed.ended)
})

t.test('two streams opened at once both get every event', async (t) => {
  // Regression: concurrent first subscribers used to start two hub pollers, one never stopped.
  const created = await api.submit(tinySample())
  const [a, b] = await Promise.all([follow(t, `/v1/jobs/${created.id}/events`), follow(t, `/v1/jobs/${created.id}/events`)])
  const [ea, eb] = await Promise.all([a.all(120_000), b.all(120_000)])
  const want = await stored(created.id)
  sameAsStored(t, ea, want, 'stream a')
  sameAsStored(t, eb, want, 'stream b')
})

t.test('closing the service ends open streams instead of waiting on them', async (t) => {
  const apiOnly = await startTestService(t, { role: 'api' })
  const job = await apiOnly.store.jobs.create({ kind: 'sample', spec: tinySample().spec })
  const streams = await Promise.all([
    SseStream.open(`/v1/events`, undefined, 10_000, apiOnly.api.base),
    SseStream.open(`/v1/jobs/${job.id}/events`, undefined, 10_000, apiOnly.api.base),
  ])
  t.teardown(() => streams.forEach((s) => s.close()))
  await streams[1].until((ev) => ev.length === 1, 10_000)
  let timer: NodeJS.Timeout | undefined
  const closed = await Promise.race([
    apiOnly.close().then(() => 'closed'),
    new Promise((r) => (timer = setTimeout(r, 10_000, 'still waiting after 10 s'))),
  ])
  clearTimeout(timer)
  t.equal(closed, 'closed')
  await Promise.all(streams.map((s) => s.all(5_000)))
  t.ok(streams.every((s) => s.ended), 'both streams were ended by the server')
})

t.test('an unknown job is a 404; a malformed id or Last-Event-ID a 400', async (t) => {
  const missing = await api.get(`/v1/jobs/${randomUUID()}/events`)
  t.equal(missing.status, 404)
  t.equal(missing.body.error.code, 'not_found')
  const bad = await api.get('/v1/jobs/not-a-uuid/events')
  t.equal(bad.status, 400)
  const res = await fetch(`${api.base}/v1/events`, { headers: { 'last-event-id': 'abc' } })
  t.equal(res.status, 400)
  await res.body?.cancel()
})
