// Redis stopped under a running api: the routes that read the queues answer 503
// queue_unavailable with Retry-After (not a 500), /metrics still answers and marks Redis down,
// /ready says which part is down, and what needs only the store goes on (workers, submissions).
import t from 'tap'
import { isolate, startTestService, tinySample } from '../helpers.ts'
import { PrivateRedis } from '../faults/procs.ts'

t.test('Redis stops: 503 queue_unavailable where the queues are read, the rest answers', async (t) => {
  const redis = await PrivateRedis.start(t)
  // Redis calls made for the api give up after 500 ms here (5 s by default).
  const iso = isolate(t, { REDIS_URL: redis.url, FSDFM_REDIS_TIMEOUT_MS: '500' })
  const { api, baseUrl } = await startTestService(t, { role: 'api', iso })
  t.equal((await api.get('/v1/queues')).status, 200, 'with Redis up, the queues answer')

  await redis.kill()
  const queues = await api.get('/v1/queues')
  t.equal(queues.status, 503, 'GET /v1/queues: 503')
  t.equal(queues.body.error.code, 'queue_unavailable')
  t.match(queues.body.error.message, /Redis/, 'the message says what is down')
  t.equal(queues.headers.get('retry-after'), '5', 'with Retry-After')
  for (const action of ['pause', 'resume']) {
    const res = await api.post(`/v1/queues/cpu/${action}`)
    t.equal(res.status, 503, `POST /v1/queues/cpu/${action}: 503`)
    t.equal(res.body.error.code, 'queue_unavailable')
  }

  t.equal((await api.post('/v1/jobs', tinySample())).status, 201, 'a submission is accepted (it waits in the store)')
  const metrics = await fetch(`${baseUrl}/metrics`)
  t.equal(metrics.status, 200, '/metrics still answers')
  const text = await metrics.text()
  t.match(text, /^fsdfm_metrics_source_up\{source="redis"\} 0$/m, 'Redis marked down')
  t.match(text, /^fsdfm_metrics_source_up\{source="store"\} 1$/m, 'the store up')
  t.notMatch(text, /^fsdfm_queue_waiting\{/m, 'no stale queue series')
  t.match(text, /^fsdfm_jobs\{kind="sample",state="queued"\} 1$/m, 'the store’s series are there')

  const ready = await api.get('/ready')
  t.equal(ready.status, 503, '/ready: 503')
  t.match(JSON.stringify(ready.body), /redis|queue/i, 'naming the queue')
  t.equal((await api.get('/health')).status, 200, '/health: 200')
  t.equal((await api.get('/v1/workers')).status, 200, '/v1/workers reads only the store')
})
