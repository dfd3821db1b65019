// Safe retries: a client that repeats a creation after a timeout gets what its first request
// made, never a second job; the same key with another body is refused. Quotas answer with the
// limit and the use.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t, { role: 'api', env: { FSDFM_RATE_LIMIT: '0' } })
const { api, store } = svc
const withKey = (key: string, path: string, body: unknown) => api.request('POST', path, { 'idempotency-key': key }, undefined, body)

t.test('50 concurrent retries with one key create exactly one job', async (t) => {
  const key = randomUUID()
  const body = { ...tinySample(), name: 'once' }
  const answers = await Promise.all(Array.from({ length: 50 }, () => withKey(key, '/v1/jobs', body)))
  const statuses = answers.map((a) => a.status).sort()
  t.equal(statuses.filter((s) => s === 201).length, 1, 'one 201')
  t.equal(statuses.filter((s) => s === 200).length, 49, '49 replays (200)')
  t.equal(new Set(answers.map((a) => a.body.id)).size, 1, 'all name the same job')
  const { rows } = await store.db.query(`select count(*)::int as n from jobs where name = 'once'`)
  t.equal(rows[0].n, 1, 'one row in the store')
  t.equal((await withKey(key, '/v1/jobs', body)).body.id, answers[0].body.id, 'a later retry too')
})

t.test('the same key with a different body is a 422, and stores nothing', async (t) => {
  const key = randomUUID()
  const first = await withKey(key, '/v1/jobs', tinySample({ seed: 1 }))
  t.equal(first.status, 201)
  const before = (await store.db.query('select count(*)::int as n from jobs')).rows[0].n
  const other = await withKey(key, '/v1/jobs', tinySample({ seed: 2 }))
  t.equal(other.status, 422)
  t.equal(other.body.error.code, 'idempotency_mismatch')
  t.equal((await store.db.query('select count(*)::int as n from jobs')).rows[0].n, before, 'no job added')
  t.equal((await withKey(randomUUID(), '/v1/jobs', tinySample({ seed: 2 }))).status, 201, 'a new key is a new job')
  const bad = await withKey('', '/v1/jobs', tinySample())
  t.equal(bad.status, 400, 'an empty key is refused')
})

t.test('sweeps and pipelines: a retry returns what the first request made', async (t) => {
  const key = randomUUID()
  const sweep = { base: tinySample(), space: { steps: { int: [1, 4] } }, objective: { metric: 'sample/entropy' }, maxTrials: 2 }
  const [a, b] = await Promise.all([withKey(key, '/v1/sweeps', sweep), withKey(key, '/v1/sweeps', sweep)])
  t.same([a.status, b.status].sort(), [200, 201])
  t.equal(a.body.id, b.body.id, 'one sweep')
  t.equal((await store.sweeps.list()).length, 1, 'one sweep stored')

  // A pipeline needs a finished dataset: one made directly in the store.
  const dataset = await store.jobs.create({ kind: 'dataset', spec: {} })
  await store.jobs.transition(dataset.id, ['queued'], 'running')
  await store.jobs.transition(dataset.id, ['running'], 'succeeded', { result: { vocabSize: 300 } })
  const pkey = randomUUID()
  const pipeline = { datasetJobId: dataset.id, pretrain: { steps: 2, batchSize: 2, seqLen: 16, model: { preset: 'tiny' } }, distill: { steps: 2, batchSize: 2, seqLen: 16 } }
  const p1 = await withKey(pkey, '/v1/pipelines', pipeline)
  const p2 = await withKey(pkey, '/v1/pipelines', pipeline)
  t.equal(p1.status, 201, JSON.stringify(p1.body).slice(0, 300))
  t.equal(p2.status, 200)
  t.same(p2.body.jobs?.map((j: { id: string }) => j.id), p1.body.jobs?.map((j: { id: string }) => j.id), 'the same three jobs')
})

t.test('quotas: at the limit a clear 429 with the limit and the use; under it, fine', async (t) => {
  await store.projects.put('small', { maxQueued: 2 })
  for (let i = 0; i < 2; i++) t.equal((await api.post('/v1/jobs', { ...tinySample(), project: 'small' })).status, 201)
  const over = await api.post('/v1/jobs', { ...tinySample(), project: 'small' })
  t.equal(over.status, 429)
  t.equal(over.body.error.code, 'quota_exceeded')
  t.match(over.body.error.message, /maxQueued.*limit 2, in use 2/)
  // Concurrent submissions cannot overshoot it.
  await store.projects.put('race', { maxQueued: 3 })
  const burst = await Promise.all(Array.from({ length: 12 }, () => api.post('/v1/jobs', { ...tinySample(), project: 'race' })))
  t.equal(burst.filter((r) => r.status === 201).length, 3, 'exactly the quota admitted')
  t.equal((await store.projects.queuedCount('race')), 3)
  await store.projects.put('small', { maxQueued: null })
  t.equal((await api.post('/v1/jobs', { ...tinySample(), project: 'small' })).status, 201, 'a lifted quota admits again')
})
