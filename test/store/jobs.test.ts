import { randomUUID } from 'node:crypto'
import t from 'tap'
import { InvalidCursorError, JobsRepo, type Job } from '../../src/store/index.ts'
import { BACKENDS, forEachBackend, ISO, sleep, type Backend } from './fixtures/backends.ts'

const SPEC = {
  text: 'quote " backslash \\ newline \n tab \t unicode é ✓ 😀 <script>',
  numbers: [0, 1, -1, 3.141592653589793, 1e-7, 6.02e23, -2.5e-300, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER],
  nested: { a: { b: { c: [[], {}, [null, true, false, ''], { 'key with space': 1, ключ: 2 }] } } },
  empty: {},
  nothing: null,
  bools: [true, false],
}
const TAGS = ['a,b', 'with "quote"', '{brace}', 'NULL', '']
// Every JSON shape as event data, arrays and scalars included (pg would send a JS array as a
// PostgreSQL array literal if the store did not serialise it).
const EVENT_DATA = [[1, 'two', { three: 3 }], 'a string', 42, true, null, { deep: SPEC }]
/** What each backend returned in the round-trip test, compared at the end. */
const roundTrips: Partial<Record<Backend, unknown>> = {}

forEachBackend(async (t, store, backend) => {
  const { jobs, events } = store

  await t.test('create and get', async (t) => {
    const id = randomUUID()
    const parent = await jobs.create({ kind: 'dataset', spec: { source: 'brown' } })
    const job = await jobs.create({
      id,
      kind: 'pretrain',
      spec: { datasetJobId: parent.id, steps: 10 },
      name: 'tiny run',
      priority: 5,
      gpus: 1,
      tags: ['a', 'b'],
      parentId: parent.id,
    })
    t.match(job, {
      id,
      kind: 'pretrain',
      state: 'queued',
      name: 'tiny run',
      spec: { datasetJobId: parent.id, steps: 10 },
      priority: 5,
      gpus: 1,
      tags: ['a', 'b'],
      attempt: 0,
      worker: null,
      device: null,
      progress: null,
      result: null,
      error: null,
      parentId: parent.id,
      sweepId: null,
      cancelRequested: false,
      startedAt: null,
      finishedAt: null,
    })
    t.match(job.createdAt, ISO)
    t.match(job.updatedAt, ISO)
    t.strictSame(await jobs.get(id), job)
    t.match(parent, { priority: 50, gpus: 0, tags: [], name: null })
    t.equal(await jobs.get(randomUUID()), null)
    t.equal(await jobs.get('not-a-uuid'), null)
    const evs = await events.since(0, { jobId: id })
    t.match(evs, [{ type: 'state', data: { from: null, to: 'queued' }, jobId: id }])
  })

  await t.test('list filters', async (t) => {
    const tag = `f-${randomUUID()}`
    const sweepId = randomUUID()
    const a = await jobs.create({ kind: 'dataset', spec: {}, tags: [tag, 'x'] })
    await sleep(5)
    const b = await jobs.create({ kind: 'sample', spec: {}, tags: [tag], sweepId })
    await sleep(5)
    const c = await jobs.create({ kind: 'sample', spec: {}, tags: [tag, 'x'] })
    await jobs.transition(c.id, ['queued'], 'running')
    const ids = async (q: Parameters<JobsRepo['list']>[0]) => (await jobs.list({ tag, ...q })).items.map((j) => j.id)

    t.strictSame(await ids({}), [c.id, b.id, a.id], 'newest first by default')
    t.strictSame(await ids({ sort: 'created_at' }), [a.id, b.id, c.id])
    t.strictSame(await ids({ kind: 'sample' }), [c.id, b.id])
    t.strictSame(await ids({ state: 'running' }), [c.id])
    t.strictSame(await ids({ state: ['queued', 'failed'] }), [b.id, a.id])
    t.strictSame(await ids({ tag: [tag, 'x'] }), [c.id, a.id], 'several tags: all must match')
    t.strictSame(await ids({ sweepId }), [b.id])
    t.strictSame(await ids({ sweepId: 'nope' }), [])
    t.strictSame(await ids({ createdAfter: b.createdAt }), [c.id, b.id], 'createdAfter is inclusive')
    t.strictSame(await ids({ createdBefore: b.createdAt }), [a.id], 'createdBefore is exclusive')
    t.strictSame(await ids({ createdAfter: new Date(b.createdAt), createdBefore: c.createdAt }), [b.id])
    t.strictSame(await ids({ kind: 'evaluate' }), [])
    const { items, nextCursor } = await jobs.list({ tag, limit: 2 })
    t.equal(items.length, 2)
    t.type(nextCursor, 'string')
    t.equal((await jobs.list({ tag, limit: 3 })).nextCursor, null, 'no cursor when the page ends the list')
    t.equal((await jobs.list({ limit: 10_000 })).items.length <= 500, true, 'limit capped at 500')
    await t.rejects(jobs.list({ cursor: 'garbage' }), InvalidCursorError)
    await t.rejects(jobs.list({ cursor: Buffer.from('[1,2]').toString('base64url') }), { code: 'invalid_cursor', statusCode: 400 })
  })

  await t.test('cursor pagination: no duplicates or omissions, ties on created_at', async (t) => {
    const tag = `p-${randomUUID()}`
    const created: Job[] = []
    for (let i = 0; i < 7; i++) created.push(await jobs.create({ kind: 'sample', spec: { i }, tags: [tag] }))
    // One transaction: now() is the same for all ten, so only the id orders them.
    const tied = await store.db.tx(async (tx) => {
      const repo = new JobsRepo(tx)
      const out: Job[] = []
      for (let i = 0; i < 10; i++) out.push(await repo.create({ kind: 'sample', spec: { tied: i }, tags: [tag] }))
      return out
    })
    t.equal(new Set(tied.map((j) => j.createdAt)).size, 1, 'tied rows share created_at')
    for (let i = 0; i < 6; i++) created.push(await jobs.create({ kind: 'sample', spec: { i }, tags: [tag] }))
    const all = [...created, ...tied]

    for (const sort of ['created_at', '-created_at'] as const) {
      const whole = (await jobs.list({ tag, sort, limit: 500 })).items.map((j) => j.id)
      t.equal(whole.length, all.length)
      for (const limit of [1, 4, 5, 23]) {
        const seen: string[] = []
        let cursor: string | undefined
        let pages = 0
        do {
          const page = await jobs.list({ tag, sort, limit, cursor })
          t.ok(page.items.length <= limit)
          seen.push(...page.items.map((j) => j.id))
          cursor = page.nextCursor ?? undefined
          pages++
        } while (cursor && pages < 100)
        t.strictSame(seen, whole, `${sort} limit ${limit}: pages concatenate to the full order`)
        t.equal(pages, Math.ceil(all.length / limit), `${sort} limit ${limit}: page count`)
      }
      const sorted = [...all].sort((x, y) => (x.createdAt === y.createdAt ? (x.id < y.id ? -1 : 1) : x.createdAt < y.createdAt ? -1 : 1))
      t.strictSame(whole, (sort === 'created_at' ? sorted : sorted.reverse()).map((j) => j.id), `${sort} order is (created_at, id)`)
    }
  })

  await t.test('transition guards and state events', async (t) => {
    const job = await jobs.create({ kind: 'pretrain', spec: {} })
    const running = await jobs.transition(job.id, ['queued'], 'running', { worker: 'w1', device: 'cuda:0', attemptIncrement: true })
    t.match(running, { state: 'running', worker: 'w1', device: 'cuda:0', attempt: 1, finishedAt: null })
    t.match(running!.startedAt, ISO)
    t.equal(await jobs.transition(job.id, ['queued'], 'running'), null, 'stale from-state: no change')
    t.equal(await jobs.transition(randomUUID(), ['queued'], 'running'), null, 'missing job')
    t.equal(await jobs.transition(job.id, [], 'failed'), null, 'empty from')
    t.equal((await jobs.get(job.id))!.state, 'running')

    const progressed = await jobs.setProgress(job.id, { step: 5, total: 10, loss: 3.25 })
    t.strictSame(progressed!.progress, { step: 5, total: 10, loss: 3.25 })

    // Two racing transitions from the same state: exactly one wins.
    const [ok, failed] = await Promise.all([
      jobs.transition(job.id, ['running'], 'succeeded', { result: { finalStep: 10, artifacts: [] } }),
      jobs.transition(job.id, ['running'], 'failed', { error: { code: 'E', message: 'boom' } }),
    ])
    t.equal([ok, failed].filter((j) => j !== null).length, 1, 'one winner')
    const final = (ok ?? failed)!
    t.match(final.finishedAt, ISO)
    t.strictSame(await jobs.get(job.id), final)
    t.equal(await jobs.setProgress(job.id, { step: 6 }), null, 'no progress after a terminal state')
    t.equal(await jobs.requestCancel(job.id), null, 'no cancel after a terminal state')

    const evs = await events.since(0, { jobId: job.id })
    t.strictSame(
      evs.map((e) => e.type),
      ['state', 'state', 'progress', 'state'],
    )
    t.match(evs.map((e) => e.data), [
      { from: null, to: 'queued' },
      { from: 'queued', to: 'running', attempt: 1 },
      { step: 5, total: 10, loss: 3.25 },
      { from: 'running', to: final.state },
    ])
    t.ok(evs.every((e, i) => i === 0 || e.id > evs[i - 1].id), 'event ids increase')
  })

  await t.test('patch semantics and cancellation', async (t) => {
    const job = await jobs.create({ kind: 'sample', spec: {} })
    const c = await jobs.requestCancel(job.id)
    t.equal(c!.cancelRequested, true)
    t.equal(c!.state, 'queued')
    const cancelling = await jobs.transition(job.id, ['queued', 'running'], 'cancelling')
    t.match(cancelling, { state: 'cancelling', cancelRequested: true, finishedAt: null })
    const startedAt = '2024-01-02T03:04:05.678Z'
    const cancelled = await jobs.transition(job.id, ['cancelling'], 'cancelled', { startedAt, progress: null, result: { partial: true } })
    t.match(cancelled, { state: 'cancelled', startedAt, progress: null, result: { partial: true } })
    // A retry: back to queued, clearing the error and the finish time.
    const j2 = await jobs.create({ kind: 'sample', spec: {} })
    await jobs.transition(j2.id, ['queued'], 'running', { attemptIncrement: 1 })
    await jobs.transition(j2.id, ['running'], 'failed', { error: { message: 'x', type: 'RuntimeError' } })
    const retried = await jobs.transition(j2.id, ['failed'], 'queued', { error: null, finishedAt: null, worker: null })
    t.match(retried, { state: 'queued', error: null, finishedAt: null, attempt: 1, worker: null })
    t.equal(await jobs.requestCancel('nope'), null)
  })

  await t.test('events since', async (t) => {
    const job = await jobs.create({ kind: 'sample', spec: {} })
    const other = await jobs.create({ kind: 'sample', spec: {} })
    const first = (await events.since(0, { jobId: job.id }))[0]
    const appended = await Promise.all(Array.from({ length: 20 }, (_, i) => events.append(i % 2 ? job.id : other.id, 'log', { line: `l${i}` })))
    const mine = await events.since(first.id, { jobId: job.id, limit: 1000 })
    t.equal(mine.length, 10)
    t.ok(mine.every((e) => e.jobId === job.id && e.type === 'log'))
    const page = await events.since(first.id, { limit: 5 })
    t.equal(page.length, 5)
    const rest = await events.since(page[4].id, { limit: 1000 })
    const ids = [...page, ...rest].map((e) => e.id)
    t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'ordered by id')
    t.ok(appended.every((e) => ids.includes(e.id)), 'every appended event comes back')
    t.strictSame(await events.since(0, { jobId: 'nope' }), [])
    await t.rejects(events.append(job.id, 'bogus' as 'log', {}))
  })
  await t.test('JSON, text[] and timestamps round trip', async (t) => {
    const job = await jobs.create({ kind: 'sample', spec: SPEC, tags: TAGS })
    await jobs.transition(job.id, ['queued'], 'running', { progress: { step: 1, nested: [1, [2, [3]]] } })
    const done = await jobs.transition(job.id, ['running'], 'failed', {
      result: { tokens: [[1, 2], [3]], artifacts: [] },
      error: { code: 'PY', message: 'ValueError: x', type: 'ValueError', frame: 'a.py:1 in f', traceback: 'line1\nline2' },
    })
    const got = (await jobs.get(job.id))!
    t.strictSame(got, done, 'get equals the transition result')
    t.strictSame(got.spec, SPEC)
    t.strictSame(got.tags, TAGS)
    for (const k of ['createdAt', 'startedAt', 'finishedAt', 'updatedAt'] as const) t.match(got[k], ISO, `${k} is ISO`)
    for (const d of EVENT_DATA) await events.append(job.id, 'log', d)
    const evs = await events.since(0, { jobId: job.id, limit: 1000 })
    t.strictSame(evs.slice(-EVENT_DATA.length).map((e) => e.data), EVENT_DATA)
    t.ok(evs.every((e) => typeof e.id === 'number'), 'event ids are numbers')
    const sweep = await store.sweeps.create({ spec: SPEC })
    t.strictSame((await store.sweeps.get(sweep.id))!.spec, SPEC)
    const { id, createdAt, startedAt, finishedAt, updatedAt, ...rest } = got
    roundTrips[backend] = { job: rest, events: evs.map((e) => [e.type, e.data]) }
  })
})

t.test('both backends return the same values', async (t) => {
  t.equal(Object.keys(roundTrips).length, BACKENDS.length)
  t.strictSame(roundTrips.pglite, roundTrips.postgres)
})
