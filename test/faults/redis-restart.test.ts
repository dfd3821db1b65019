// Fault drill: Redis restarts without persistence (everything it held is gone), with jobs
// queued and one submitted during the outage. The store has them all; the dispatcher puts them
// back when Redis returns, and each runs exactly once.
import t from 'tap'
import { eventually, isolate, startTestService, tinySample } from '../helpers.ts'
import type { JobView } from '../../src/schemas/views.ts'
import { PrivateRedis } from './procs.ts'

t.test('a Redis restart without persistence loses no queued job', async (t) => {
  const redis = await PrivateRedis.start(t)
  const iso = isolate(t, { REDIS_URL: redis.url, FSDFM_REDIS_TIMEOUT_MS: '1000' })
  const api = await startTestService(t, { role: 'api', iso })
  const queued: JobView[] = []
  for (let i = 0; i < 5; i++) queued.push(await api.api.submit(tinySample({ seed: i })))
  // Fair share admits a window of the project's jobs to the queue; the store knows which.
  const dispatched = async () => (await api.store.db.query<{ id: string }>(`select id from jobs where state = 'queued' and dispatched order by id`)).rows.map((r) => r.id)
  const onQueue = async (ids: string[]) => (await Promise.all(ids.map((id) => api.queues.get('cpu').getJob(id)))).filter(Boolean).length
  const before = await eventually(dispatched, (ids) => ids.length >= 2)
  t.ok(before.length >= 2, `${before.length} jobs admitted to the queue`)
  t.equal(await eventually(() => onQueue(before), (n) => n === before.length), before.length, 'the admitted jobs are on the queue')

  await redis.kill()
  const ready = await api.api.get('/ready')
  t.equal(ready.status, 503, 'not ready without Redis')
  t.match(ready.body, { ready: false, store: { ok: true }, queue: { ok: false } })
  t.equal((await api.api.get('/health')).status, 200, 'but alive')
  // Accepted during the outage: the store has it.
  const during = await api.api.submit(tinySample({ seed: 99 }))
  t.equal(during.state, 'queued')
  queued.push(during)
  t.equal((await api.api.get(`/v1/jobs/${queued[0].id}`)).status, 200, 'reads still answer')

  await redis.start() // empty
  const after = await dispatched()
  t.equal(await eventually(() => onQueue(after), (n) => n === after.length, 30_000), after.length, 'every admitted job is back on the queue')
  t.ok(after.length >= before.length, 'including those Redis lost')
  t.equal((await eventually(() => api.api.get('/ready'), (r) => r.status === 200)).status, 200, 'ready again')

  const worker = await startTestService(t, { role: 'worker', iso })
  for (const job of queued) {
    const done = await api.api.waitFor(job.id)
    t.equal(done.state, 'succeeded', JSON.stringify(done.error))
    t.equal(done.attempt, 1, 'ran once')
  }
  t.ok(worker.worker)
})
