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
  const onQueue = async () => (await Promise.all(queued.map((j) => api.queues.get('cpu').getJob(j.id)))).filter(Boolean).length
  t.equal(await eventually(onQueue, (n) => n === 5), 5, 'all five are on the queue')

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
  t.equal(await eventually(onQueue, (n) => n === 6, 30_000), 6, 'all six are back on the queue')
  t.equal((await eventually(() => api.api.get('/ready'), (r) => r.status === 200)).status, 200, 'ready again')

  const worker = await startTestService(t, { role: 'worker', iso })
  for (const job of queued) {
    const done = await api.api.waitFor(job.id)
    t.equal(done.state, 'succeeded', JSON.stringify(done.error))
    t.equal(done.attempt, 1, 'ran once')
  }
  t.ok(worker.worker)
})
